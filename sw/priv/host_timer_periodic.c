/* host_timer_periodic: the root constant timer in periodic mode (architecture.md 4.1; design.md 7.3), 1 core.
 *
 * TCFG = timer_period | Periodic | En with ECFG.LIE = TI, CRMD.IE = 1; the core sleeps in `idle 0`. The TI
 * handler stamps rdtime, writes TICLR.CLR = 1 and counts; at timer_ticks it writes TCFG = 0 (stop). Main
 * then waits 3 periods with interrupts enabled and checks no further TI arrives, that TCFG reads 0, and
 * that the ticks were not early: last - first >= (timer_ticks - 1) x timer_period (RTL: the period is
 * InitVal + 1 cycles). Output identical on QEMU 7.2 and the RTL (no raw counter values).
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   timer_period  default 10000  InitVal in ticks; multiple of 4, >= 400 (handler + idle loop must fit)
 *   timer_ticks   default 8      number of periods counted before the stop, 1 .. 10000
 * Cost on the RTL: about (timer_ticks + 3) x timer_period + 3000 cycles.
 * Success: last line "host_timer_periodic: PASS".
 */
#include <stdint.h>

#include "la.h"
#include "param.h"
#include "poweroff.h"
#include "print.h"
#include "timer.h"
#include "trap.h"

PARAM(timer_period, 10000);
PARAM(timer_ticks, 8);

static volatile uint64_t ticks;
static volatile uint64_t first_time, last_time;
static volatile uint64_t target;
static unsigned failures;

static void h_ti(struct trap_frame *tf)
{
    uint64_t t = rdtime();
    /* Stop before the ack, from inside the handler: however late this handler runs (QEMU on a busy
     * host), no tick after the target can be counted. */
    if (ticks + 1 == target)
        timer_stop();
    timer_ack();
    if (ticks == 0)
        first_time = t;
    last_time = t;
    ticks++;
    if (tf->era == (uint64_t)(uintptr_t)idle_once_insn)
        tf->era += 4;
}

static const char *yn(int b) { return b ? "yes" : "no"; }

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        printf("  FAIL: %s\n", what);
    }
}

int main(void)
{
    uint64_t period = timer_period & TCFG_INITVAL_MASK;
    printf("host_timer_periodic: timer_period=%lu timer_ticks=%lu\n", timer_period, timer_ticks);
    target = timer_ticks;
    if (period == 0 || target == 0 || target > 10000) {
        puts("host_timer_periodic: bad parameters");
        return 0;
    }

    trap_install();
    trap_set_irq_handler(IRQ_TI, h_ti);
    timer_stop();
    timer_ack();
    ecfg_lie_write(1u << IRQ_TI);

    timer_periodic(period);
    uint64_t tcfg = timer_read_tcfg();
    irq_enable();
    while (ticks < target)
        idle_once();
    uint64_t t = rdtime();
    while (rdtime() - t < 3 * period)
        ;
    irq_disable();

    printf("TCFG while running: %lx (Periodic|En: %s)\n", tcfg, yn((tcfg & 3) == 3));
    printf("ticks %lu (expected %lu); none after the stop: %s\n", ticks, target, yn(ticks == target));
    printf("TCFG after the stop: %lx\n", timer_read_tcfg());
    printf("ticks not early (last-first >= (n-1) x period): %s\n",
           yn(last_time - first_time >= (target - 1) * period));
    check(tcfg == (period | TCFG_PERIODIC | TCFG_EN), "TCFG reads back");
    check(ticks == target, "tick count");
    check(timer_read_tcfg() == 0, "TCFG = 0 after the stop");
    check(last_time - first_time >= (target - 1) * period, "period");
    printf("host_timer_periodic: %s\n", failures ? "FAIL" : "PASS");
    return 0;
}
