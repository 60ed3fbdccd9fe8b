/* idle_masked_pending: a line pending but not enabled in ECFG.LIE must not end `idle 0`; an enabled one
 * ends it whatever CRMD.IE says (architecture.md 4.6, design.md 7.4), 2 cores.
 *
 * Core 1 serves core 0's requests: it spins until the stable counter reaches the deadline core 0 gave,
 * counts the IPI in ipi_sent and sends IPI vector 1 to core 0. Core 0, LIE = IPI only unless said:
 *   A  TI pending before the idle (one-shot expired, LIE.TI = 0), IE = 1: the IPI ipi_after ticks later
 *      ends the idle and is taken (ERA = idle + 4); TI is still pending
 *   B  TI rising while asleep (one-shot armed just before), IE = 1: the IPI ipi_after ticks after the
 *      expiry ends the idle and is taken
 *   C  as B with IE = 0: idle returns when the IPI is pending, nothing is taken
 *   D  HWI pending (UART0's THRE interrupt routed by the EXTIOI-style controller to pin hwi_pin), IE = 1
 *   E  software interrupt SWI<swi_bit> pending, IE = 1
 *   F  IE = 0, LIE = TI with TI pending: idle returns at once (wake ignores CRMD.IE), nothing is taken
 *   G  IE = 0, LIE = SWI<swi_bit> with it pending: the same with a software interrupt
 * Every IPI variant checks that core 1 had sent the IPI before core 0 woke (ipi_sent) and, with IE = 1,
 * that the IPI was taken when the idle ended. The testbench's own check is independent of this output:
 * lockstep fails an idle that ends while ESTAT.IS & ECFG.LIE stayed 0 (planted bug idle_wake_ignores_lie).
 * If the IPI arrives before core 0 reached its idle (possible on the standalone reference model, whose
 * cores take turns), the handler skips the idle and the line says "before idle". The UART's interrupt
 * reaches the EXTIOI-style controller on the RTL only (QEMU 7.2 wires it to its PCH-PIC, and the
 * standalone model, like QEMU, leaves it unconnected): without the line D says "skipped". strict = 1
 * (the testbench sets it) makes both a failure.
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   idle_timer_initval  default 4000  one-shot InitVal for A, B, C; multiple of 4, >= 1000
 *   ipi_after           default 1000  ticks between the line becoming pending (or the idle) and the IPI
 *   hwi_pin             default 3     HWI pin 0..7 for D
 *   swi_bit             default 0     SWI0 or SWI1 for E and G
 *   strict              default 0     1: an IPI before the idle, or no HWI line for D, is a failure
 * Cost on the RTL: about 3 x idle_timer_initval + 6 x ipi_after + 40000 cycles.
 * Success: last line "idle_masked_pending: PASS".
 */
#include <stdint.h>

#include "ipi.h"
#include "la.h"
#include "param.h"
#include "poweroff.h"
#include "print.h"
#include "smp.h"
#include "timer.h"
#include "trap.h"

PARAM(idle_timer_initval, 4000);
PARAM(ipi_after, 1000);
PARAM(hwi_pin, 3);
PARAM(swi_bit, 0);
PARAM(strict, 0);

#define WAKE_VECTOR        1
#define UART0              0x1fe001e0UL
#define UART_IER           1
#define IER_ETBEI          0x02
#define EXTIOI_UART_SOURCE 2
#define IOCSR_EXTIOI_IPMAP 0x14c0U
#define IOCSR_EXTIOI_EN    0x1600U
#define IOCSR_EXTIOI_ROUTE 0x1c00U
#define POLL_TICKS         100000U

static inline void iocsr_write8(uint32_t addr, uint8_t v)
{
    __asm__ volatile("iocsrwr.b %0, %1" : : "r"(v), "r"(addr) : "memory");
}

static volatile uint64_t request;       /* core 0 -> core 1: 1 = send an IPI at `deadline`, 2 = stop */
static volatile uint64_t deadline;
static volatile uint64_t ipi_sent;      /* core 1 -> core 0: IPIs sent so far */
static volatile uint64_t core1_stopped;
static volatile uint64_t n_ipi, n_other, early;
static unsigned failures;

static void h_ipi(struct trap_frame *tf)
{
    ipi_clear(ipi_status());            /* R10: clear before acting on it */
    n_ipi++;
    if (tf->era == (uint64_t)(uintptr_t)idle_once_insn) {   /* came before the idle: do not sleep */
        early++;
        tf->era += 4;
    }
}

static void h_other(struct trap_frame *tf)
{
    n_other++;                          /* never enabled with IE = 1: any call is a failure */
    (void)tf;
}

static void core1_main(unsigned core)
{
    smp_wait_bss_done();
    for (;;) {
        uint64_t r;
        while ((r = request) == 0)
            ;
        if (r == 2)
            break;
        dbar();
        uint64_t d = deadline;
        while (rdtime() < d)
            ;
        request = 0;
        ipi_sent++;
        dbar();
        ipi_send(0, WAKE_VECTOR);
    }
    dbar();
    core1_stopped = 1;
    (void)core;
}

static const char *yn(int b) { return b ? "yes" : "no"; }

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        printf("  FAIL: %s\n", what);
    }
}

static unsigned is_bit(unsigned n) { return (unsigned)(csrrd(CSR_ESTAT) >> n) & 1; }

/* Polls until ESTAT.IS[n] == level (bounded: a line that never comes is reported, not waited for). */
static int wait_line(unsigned n, unsigned level)
{
    uint64_t t = rdtime();
    while (is_bit(n) != level) {
        if (rdtime() - t > POLL_TICKS)
            return 0;
    }
    return 1;
}

static void ask_ipi_at(uint64_t when)
{
    deadline = when;
    dbar();
    request = 1;
}

/* After an IPI wake-up with IE = 0: acknowledge the pending IPI and wait for the line to drop. */
static void drain_ipi(void)
{
    ipi_clear(ipi_status());
    wait_line(IRQ_IPI, 0);
}

/* One idle with LIE = IPI only and a masked line already pending: core 1's IPI must end it. */
static void idle_until_ipi(const char *name, const char *line, int ie)
{
    uint64_t sent = ipi_sent, taken = n_ipi, was_early = early;
    ask_ipi_at(rdtime() + ipi_after);
    if (ie)
        irq_enable();
    idle_once();
    irq_disable();
    dbar();
    int sent_before = ipi_sent == sent + 1;
    int is_ipi = (int)is_bit(IRQ_IPI);
    if (!ie)
        drain_ipi();
    int before_idle = early != was_early;
    printf("%s %s pending, LIE=IPI, IE=%d: woken after core 1 sent the IPI: %s; IPI %s%s\n", name, line, ie,
           yn(sent_before), ie ? (n_ipi == taken + 1 ? "taken" : "NOT taken") : (is_ipi ? "pending" : "NOT pending"),
           before_idle ? " (before idle)" : "");
    check(sent_before, "idle ended before the IPI: a pending but disabled line woke it");
    check(ie ? n_ipi == taken + 1 : is_ipi && n_ipi == taken, "the IPI did not end the idle as expected");
    check(!(before_idle && strict), "the IPI came before the idle (strict)");
}

int main(void)
{
    uint64_t initval = idle_timer_initval & TCFG_INITVAL_MASK;
    unsigned pin = hwi_pin & 7, swi = swi_bit & 1;
    printf("idle_masked_pending: idle_timer_initval=%lu ipi_after=%lu hwi_pin=%lu swi_bit=%lu strict=%lu "
           "(2 cores)\n", idle_timer_initval, ipi_after, hwi_pin, swi_bit, strict);

    trap_install();
    trap_set_irq_handler(IRQ_IPI, h_ipi);
    trap_set_irq_handler(IRQ_TI, h_other);
    trap_set_irq_handler(IRQ_HWI(pin), h_other);
    trap_set_irq_handler(IRQ_SWI0, h_other);
    trap_set_irq_handler(IRQ_SWI1, h_other);
    timer_stop();
    timer_ack();
    ipi_enable_all();
    ipi_clear(0xffffffffU);
    ecfg_lie_write(1u << IRQ_IPI);

    smp_publish_bss_done();
    if (smp_start_core(1, core1_main) != 0) {
        puts("idle_masked_pending: FAIL (core 1 missing)");
        return 0;
    }

    /* A: TI already pending (masked) when the idle starts */
    timer_oneshot(initval);
    check(wait_line(IRQ_TI, 1), "A: TI never became pending");
    idle_until_ipi("A", "TI", 1);
    check(is_bit(IRQ_TI), "A: TI no longer pending");
    timer_ack();

    /* B, C: TI rises (masked) while the core sleeps; the IPI comes ipi_after ticks after the expiry */
    for (int ie = 1; ie >= 0; ie--) {
        const char *name = ie ? "B" : "C";
        uint64_t sent = ipi_sent, taken = n_ipi;
        uint64_t t = rdtime();
        timer_oneshot(initval);
        ask_ipi_at(t + initval + ipi_after);
        if (ie)
            irq_enable();
        idle_once();
        irq_disable();
        dbar();
        int sent_before = ipi_sent == sent + 1;
        int is_ipi = (int)is_bit(IRQ_IPI);
        if (!ie)
            drain_ipi();
        int ti = wait_line(IRQ_TI, 1);
        printf("%s TI rising while asleep, LIE=IPI, IE=%d: woken after core 1 sent the IPI: %s; IPI %s; "
               "TI pending %s\n", name, ie, yn(sent_before),
               ie ? (n_ipi == taken + 1 ? "taken" : "NOT taken") : (is_ipi ? "pending" : "NOT pending"), yn(ti));
        check(sent_before, "idle ended before the IPI: the masked TI woke it");
        check(ie ? n_ipi == taken + 1 : is_ipi && n_ipi == taken, "the IPI did not end the idle as expected");
        check(ti, "TI never became pending");
        timer_ack();
    }

    /* D: a device line (HWI pin) pending but masked */
    iocsr_write8(IOCSR_EXTIOI_IPMAP + EXTIOI_UART_SOURCE, (uint8_t)pin);
    iocsr_write8(IOCSR_EXTIOI_ROUTE + EXTIOI_UART_SOURCE, 1);
    iocsr_write32(IOCSR_EXTIOI_EN, 1u << EXTIOI_UART_SOURCE);
    *(volatile uint8_t *)(UART0 + UART_IER) = IER_ETBEI;   /* THR is empty: the line rises at once */
    int hwi = wait_line(IRQ_HWI(pin), 1);
    if (hwi)
        idle_until_ipi("D", "HWI", 1);
    int hwi_after = (int)is_bit(IRQ_HWI(pin));
    *(volatile uint8_t *)(UART0 + UART_IER) = 0;
    iocsr_write32(IOCSR_EXTIOI_EN, 0);
    wait_line(IRQ_HWI(pin), 0);
    if (hwi) {
        printf("  HWI%u still pending after the idle: %s\n", pin, yn(hwi_after));
        check(hwi_after, "D: the HWI line dropped");
    } else {
        printf("D HWI%u: the UART's line never reached the core: skipped\n", pin);
        check(!strict, "D: no HWI line (strict)");
    }

    /* E: a software interrupt pending but masked */
    swi_raise(swi);
    idle_until_ipi("E", swi ? "SWI1" : "SWI0", 1);
    check(is_bit(swi), "E: the SWI is no longer pending");
    swi_clear(swi);

    /* F: IE = 0 and an enabled line (TI) already pending: idle must return at once */
    timer_oneshot(initval);
    check(wait_line(IRQ_TI, 1), "F: TI never became pending");
    ecfg_lie_write(1u << IRQ_TI);
    idle_once();
    ecfg_lie_write(1u << IRQ_IPI);
    printf("F TI pending, LIE=TI, IE=0: idle returned; interrupts taken other than IPIs: %lu\n", n_other);
    timer_ack();

    /* G: IE = 0 and an enabled software interrupt pending */
    swi_raise(swi);
    ecfg_lie_write(1u << swi);
    idle_once();
    ecfg_lie_write(1u << IRQ_IPI);
    swi_clear(swi);
    printf("G SWI%u pending, LIE=SWI%u, IE=0: idle returned; interrupts taken other than IPIs: %lu\n", swi, swi,
           n_other);
    check(n_other == 0, "an interrupt other than the IPI was taken");

    request = 2;
    while (!core1_stopped)
        ;
    timer_stop();
    ecfg_lie_write(0);
    printf("IPIs sent by core 1: %lu, taken by core 0: %lu\n", ipi_sent, n_ipi);
    printf("idle_masked_pending: %s\n", failures ? "FAIL" : "PASS");
    return 0;
}
