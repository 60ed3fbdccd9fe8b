/* host_idle_wake: what wakes a root `idle 0` (architecture.md 4.6; hypervisor-behaviour.md R12), 2 cores.
 *
 * Core 0 boots, publishes bss_done and wakes core 1 (mailbox + IPI, smp.h). Core 1 then serves requests
 * from core 0: it waits `ipi_delay` loop iterations and sends IPI vector 1 to core 0. Core 0 sleeps in
 * `idle 0` four times and prints what woke it:
 *   A  timer, CRMD.IE = 1: LIE = TI, one-shot of idle_timer_initval; the TI is taken, ERA = idle + 4
 *   B  IPI,   CRMD.IE = 1: LIE = IPI, core 1 sends after ipi_delay iterations; taken, ERA = idle + 4,
 *      the handler reads IPI_STATUS and clears it first (R10)
 *   C  timer, CRMD.IE = 0: idle returns when TI is pending, no interrupt is taken, execution continues
 *      after idle; then TICLR
 *   D  IPI,   CRMD.IE = 0: the same with the IPI; STATUS is read and cleared by the main code
 * A/B: if the interrupt arrives before core 0 reached its idle (parameters too small), the handler skips
 * the idle and the line says "before idle" instead of "ERA=idle_once_insn+4".
 * Output identical on QEMU 7.2 (-smp 2) and the RTL.
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   idle_timer_initval  default 2000000  one-shot InitVal for A and C; multiple of 4, >= 1000
 *   ipi_delay           default 1000000  core 1's delay loop before each IPI (about 3 instructions each)
 * The defaults are what QEMU runs (test_iss_vs_qemu.py): it runs SMP on host wall-clock time, so they leave
 * core 0 milliseconds to reach its idle even on a loaded machine. The RTL test seeds small values.
 * Cost on the RTL: about 2 x idle_timer_initval + 2 x 3 x ipi_delay + 15000 cycles.
 * Success: last line "host_idle_wake: PASS".
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

PARAM(idle_timer_initval, 2000000);
PARAM(ipi_delay, 1000000);

#define WAKE_VECTOR 1

static volatile uint64_t request;       /* core 0 -> core 1: 1 = send an IPI, 2 = stop */
static volatile uint64_t ipi_sent;      /* core 1 -> core 0: number of IPIs sent */
static volatile uint64_t core1_stopped;
static volatile uint64_t n_ti, n_ipi;
static volatile uint64_t last_era;
static volatile uint32_t last_status;
static unsigned failures;

static void skip_idle_if_early(struct trap_frame *tf)
{
    last_era = tf->era;
    if (tf->era == (uint64_t)(uintptr_t)idle_once_insn)
        tf->era += 4;
}

static void h_ti(struct trap_frame *tf)
{
    timer_ack();
    n_ti++;
    skip_idle_if_early(tf);
}

static void h_ipi(struct trap_frame *tf)
{
    uint32_t st = ipi_status();
    ipi_clear(st);                      /* R10: clear before acting on it */
    last_status = st;
    n_ipi++;
    skip_idle_if_early(tf);
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
        for (volatile uint64_t i = 0; i < ipi_delay; i++)
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

static const char *era_text(void)
{
    return last_era == (uint64_t)(uintptr_t)idle_once_insn + 4 ? "ERA=idle_once_insn+4"
                                                                : "before idle (ERA=idle_once_insn)";
}

static void ask_ipi(void)
{
    dbar();
    request = 1;
}

int main(void)
{
    uint64_t initval = idle_timer_initval & TCFG_INITVAL_MASK;
    printf("host_idle_wake: idle_timer_initval=%lu ipi_delay=%lu (2 cores)\n", idle_timer_initval, ipi_delay);

    trap_install();
    trap_set_irq_handler(IRQ_TI, h_ti);
    trap_set_irq_handler(IRQ_IPI, h_ipi);
    timer_stop();
    timer_ack();
    ipi_enable_all();
    ipi_clear(0xffffffffU);

    smp_publish_bss_done();
    if (smp_start_core(1, core1_main) != 0) {
        puts("host_idle_wake: FAIL (core 1 missing)");
        return 0;
    }

    /* A: timer, IE = 1 */
    ecfg_lie_write(1u << IRQ_TI);
    timer_oneshot(initval);
    irq_enable();
    idle_once();
    irq_disable();
    printf("A idle, IE=1, LIE=TI: woken by %s; TI taken %lu, IPI taken %lu; %s\n",
           n_ti == 1 ? "TI" : "?", n_ti, n_ipi, era_text());
    check(n_ti == 1 && n_ipi == 0, "A: one TI");

    /* B: IPI, IE = 1 */
    ecfg_lie_write(1u << IRQ_IPI);
    ask_ipi();
    irq_enable();
    idle_once();
    irq_disable();
    printf("B idle, IE=1, LIE=IPI: woken by %s; IPI taken %lu (STATUS %x), TI taken %lu; %s; STATUS now %x\n",
           n_ipi == 1 ? "IPI" : "?", n_ipi, last_status, n_ti, era_text(), ipi_status());
    check(n_ipi == 1 && last_status == (1u << WAKE_VECTOR), "B: one IPI, vector 1");

    /* C: timer, IE = 0: idle returns, nothing taken */
    ecfg_lie_write(1u << IRQ_TI);
    timer_oneshot(initval);
    idle_once();
    int ti_pending = timer_pending();
    printf("C idle, IE=0, LIE=TI: idle returned; TI pending %s; interrupts taken TI %lu IPI %lu (unchanged: %s)\n",
           yn(ti_pending), n_ti, n_ipi, yn(n_ti == 1 && n_ipi == 1));
    check(ti_pending && n_ti == 1, "C: TI pending, not taken");
    timer_ack();
    printf("  after TICLR: TI pending %s\n", yn(timer_pending()));

    /* D: IPI, IE = 0 */
    ecfg_lie_write(1u << IRQ_IPI);
    ask_ipi();
    idle_once();
    uint64_t is = csrrd(CSR_ESTAT) & 0x1fff;
    uint32_t st = ipi_status();
    ipi_clear(st);
    printf("D idle, IE=0, LIE=IPI: idle returned; ESTAT.IS.IPI %lu, STATUS %x; interrupts taken TI %lu IPI %lu "
           "(unchanged: %s)\n", (is >> IRQ_IPI) & 1, st, n_ti, n_ipi, yn(n_ti == 1 && n_ipi == 1));
    check(st == (1u << WAKE_VECTOR) && n_ipi == 1, "D: IPI pending, not taken");
    uint64_t t = rdtime();
    while ((csrrd(CSR_ESTAT) >> IRQ_IPI) & 1) {
        if (rdtime() - t > 1000000)
            break;
    }
    printf("  after IPI_CLEAR: ESTAT.IS.IPI %lu\n", (csrrd(CSR_ESTAT) >> IRQ_IPI) & 1);

    request = 2;
    while (!core1_stopped)
        ;
    ecfg_lie_write(0);
    printf("IPIs sent by core 1: %lu\n", ipi_sent);
    printf("host_idle_wake: %s\n", failures ? "FAIL" : "PASS");
    return 0;
}
