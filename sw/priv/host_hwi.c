/* host_hwi: device interrupts through the external interrupt controller (EXTIOI-style subset, rtl/soc/
 * la_extioi.sv) to a core's HWI pin (ESTAT.IS[2 + pin]), 1 core.
 *
 * The testbench (lacosim.tests.host.HostHwi) pulses la_tb_top.ext_irq[hwi_source] high hwi_count times;
 * for pulse n this program routes that source to HWI pin (hwi_pin + n) mod 8 of core 0 (IPMAP, ROUTE,
 * EN), enables LIE for that pin only and sleeps in `idle 0`, so 8 pulses take every HWI line once. The handler counts, checks ESTAT.IS shows the pin, and masks the source (EN
 * clear) so the still-high level is not taken twice; main re-enables it after hwi_quiet ticks, by when
 * the pulse is over. A one-shot timer of TIMEOUT_TICKS guards every wait, so a missing pulse ends in a
 * deterministic FAIL instead of an idle that never wakes (QEMU has no such device line).
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   hwi_source  default 5      EXTIOI source 0..31 (not 2: UART0)
 *   hwi_pin     default 3      HWI pin of the first pulse, 0..7
 *   hwi_count   default 8      pulses expected
 *   hwi_quiet   default 3000   ticks to wait before unmasking (longer than the pulse)
 * Success: last line "host_hwi: PASS".
 */
#include <stdint.h>

#include "ipi.h"
#include "la.h"
#include "param.h"
#include "poweroff.h"
#include "print.h"
#include "timer.h"
#include "trap.h"

PARAM(hwi_source, 5);
PARAM(hwi_pin, 3);
PARAM(hwi_count, 8);
PARAM(hwi_quiet, 3000);

#define IOCSR_EXTIOI_IPMAP 0x14c0U   /* byte per source: HWI pin */
#define IOCSR_EXTIOI_EN    0x1600U   /* bit per source */
#define IOCSR_EXTIOI_ROUTE 0x1c00U   /* byte per source: core bitmap */
#define TIMEOUT_TICKS      4000000U

static volatile uint64_t taken;
static volatile uint64_t wrong_is;
static volatile unsigned cur_pin;
static volatile uint64_t timed_out;

static inline void iocsr_write8(uint32_t addr, uint8_t v)
{
    __asm__ volatile("iocsrwr.b %0, %1" : : "r"(v), "r"(addr) : "memory");
}

static void h_hwi(struct trap_frame *tf)
{
    if (!(csrrd(CSR_ESTAT) & (1u << IRQ_HWI(cur_pin))))
        wrong_is++;
    iocsr_write32(IOCSR_EXTIOI_EN, 0);          /* mask the source: the level may still be high */
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

int main(void)
{
    unsigned src = hwi_source & 31, failures = 0;
    printf("host_hwi: hwi_source=%lu hwi_pin=%lu hwi_count=%lu hwi_quiet=%lu\n", hwi_source, hwi_pin,
           hwi_count, hwi_quiet);
    trap_install();
    for (unsigned p = 0; p < 8; p++)
        trap_set_irq_handler(IRQ_HWI(p), h_hwi);
    trap_set_irq_handler(IRQ_TI, h_ti);
    timer_stop();
    timer_ack();
    iocsr_write8(IOCSR_EXTIOI_ROUTE + src, 1);  /* core 0 */
    irq_enable();
    for (uint64_t n = 0; n < hwi_count; n++) {
        unsigned pin = (unsigned)((hwi_pin + n) & 7);
        cur_pin = pin;
        iocsr_write8(IOCSR_EXTIOI_IPMAP + src, (uint8_t)pin);
        ecfg_lie_write((1u << IRQ_HWI(pin)) | (1u << IRQ_TI));
        iocsr_write32(IOCSR_EXTIOI_EN, 1u << src);
        timed_out = 0;
        timer_oneshot(TIMEOUT_TICKS);
        while (taken == n && !timed_out)
            idle_once();
        timer_stop();
        if (taken == n) {
            printf("  FAIL: no HWI%u interrupt for pulse %lu\n", pin, n + 1);
            failures++;
            break;
        }
        uint64_t start = rdtime();
        while (rdtime() - start < hwi_quiet)
            ;
    }
    irq_disable();
    printf("HWI interrupts: %lu (expected %lu); ESTAT.IS showed the routed pin in the handler: %s\n", taken,
           hwi_count, wrong_is ? "no" : "yes");
    if (taken != hwi_count || wrong_is)
        failures++;
    printf("host_hwi: %s\n", failures ? "FAIL" : "PASS");
    return 0;
}
