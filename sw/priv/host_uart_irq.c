/* host_uart_irq: UART0's THRE interrupt through the external interrupt controller (architecture.md 3:
 * the EXTIOI-style controller is fed by the UART IRQ, on source 2 as QEMU virt wires UART0), 1 core.
 *
 * Routes source 2 to HWI `uart_pin` of core 0, enables LIE for it and CRMD.IE, then sets IER.ETBEI: the
 * empty transmitter raises the line at once. The handler reads IIR (must report THRE, 0x02, which also
 * clears it) and counts. Main then transmits one byte while ETBEI is still set, which raises it again,
 * and finally clears IER. A one-shot timer guards each wait, so on QEMU (whose UART interrupt goes to its
 * PCH-PIC, not to this controller) the program prints a deterministic FAIL instead of waiting forever.
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   uart_pin  default 0   HWI pin 0..7
 * Success: last line "host_uart_irq: PASS".
 */
#include <stdint.h>

#include "ipi.h"
#include "la.h"
#include "param.h"
#include "poweroff.h"
#include "print.h"
#include "timer.h"
#include "trap.h"

PARAM(uart_pin, 0);

#define UART0              0x1fe001e0UL
#define UART_IER           1
#define UART_IIR           2
#define IER_ETBEI          0x02
#define IIR_THRE           0x02
#define EXTIOI_UART_SOURCE 2
#define IOCSR_EXTIOI_IPMAP 0x14c0U
#define IOCSR_EXTIOI_EN    0x1600U
#define IOCSR_EXTIOI_ROUTE 0x1c00U
#define TIMEOUT_TICKS      2000000U

static volatile uint64_t taken, iir_ok, timed_out;

static inline void uart_reg_write(unsigned reg, uint8_t v) { *(volatile uint8_t *)(UART0 + reg) = v; }
static inline uint8_t uart_reg_read(unsigned reg) { return *(volatile uint8_t *)(UART0 + reg); }

static inline void iocsr_write8(uint32_t addr, uint8_t v)
{
    __asm__ volatile("iocsrwr.b %0, %1" : : "r"(v), "r"(addr) : "memory");
}

static void h_uart(struct trap_frame *tf)
{
    if (uart_reg_read(UART_IIR) == IIR_THRE)    /* reading IIR clears the THRE interrupt */
        iir_ok++;
    taken++;
    if (tf->era == (uint64_t)(uintptr_t)idle_once_insn)
        tf->era += 4;
}

static void h_ti(struct trap_frame *tf)
{
    timer_ack();
    timed_out = 1;
    if (tf->era == (uint64_t)(uintptr_t)idle_once_insn)
        tf->era += 4;
}

static int wait_for(uint64_t n)
{
    timed_out = 0;
    timer_oneshot(TIMEOUT_TICKS);
    while (taken < n && !timed_out)
        idle_once();
    timer_stop();
    return taken >= n;
}

int main(void)
{
    unsigned pin = uart_pin & 7, failures = 0;
    printf("host_uart_irq: uart_pin=%lu\n", uart_pin);
    trap_install();
    trap_set_irq_handler(IRQ_HWI(pin), h_uart);
    trap_set_irq_handler(IRQ_TI, h_ti);
    timer_stop();
    timer_ack();
    iocsr_write8(IOCSR_EXTIOI_IPMAP + EXTIOI_UART_SOURCE, (uint8_t)pin);
    iocsr_write8(IOCSR_EXTIOI_ROUTE + EXTIOI_UART_SOURCE, 1);
    iocsr_write32(IOCSR_EXTIOI_EN, 1u << EXTIOI_UART_SOURCE);
    ecfg_lie_write((1u << IRQ_HWI(pin)) | (1u << IRQ_TI));
    irq_enable();
    uart_reg_write(UART_IER, IER_ETBEI);         /* THR is empty: the interrupt is pending at once */
    int first = wait_for(1);
    irq_disable();
    putchar('*');                                /* transmitting empties THR again: pending again */
    irq_enable();
    int second = first && wait_for(2);
    irq_disable();
    uart_reg_write(UART_IER, 0);
    iocsr_write32(IOCSR_EXTIOI_EN, 0);
    printf("\nTHRE interrupts: %lu (expected 2); IIR reported THRE: %lu; after enabling: %s; after a byte: %s\n",
           taken, iir_ok, first ? "yes" : "no", second ? "yes" : "no");
    if (!first || !second || taken != 2 || iir_ok != 2)
        failures++;
    printf("host_uart_irq: %s\n", failures ? "FAIL" : "PASS");
    return 0;
}
