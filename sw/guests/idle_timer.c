/* T9 idle_timer (hypervisor-behaviour.md section 3): the guest arms a one-shot of g_initval ticks with
 * guest LIE = TI and CRMD.IE = 0, then runs `idle 0` until its ESTAT.IS[11] is set; each idle exits
 * (GSPR) and the hypervisor resumes at once (hvisor) or blocks until the TI (KVM). g_reps rounds, each
 * checked: the TI arrives, TVAL holds all ones afterwards, the round ends within g_initval + g_slack
 * ticks, TICLR clears it. The seed bug (SW_BUG=1: the exit path writes the saved TCFG/TVAL/ESTAT back)
 * restarts the countdown on every exit, so the TI never comes. */
#include "guest.h"
#include "timer.h"
#include "trap.h"

PARAM(g_initval, 3000);
PARAM(g_reps, 8);
PARAM(g_slack, 4000);

int main(void)
{
    uint64_t initval = g_initval & TCFG_INITVAL_MASK;
    printf("guest idle_timer: g_initval=%lu g_reps=%lu\n", initval, g_reps);
    irq_disable();
    timer_stop();
    timer_ack();
    ecfg_lie_write(1UL << IRQ_TI);
    uint64_t worst = 0, idles_total = 0;
    int late = 0, tval_bad = 0, ack_bad = 0;
    for (uint64_t r = 0; r < g_reps; r++) {
        uint64_t t0 = rdtime(), idles = 0;
        timer_oneshot(initval);
        while (!timer_pending()) {
            __asm__ volatile("idle 0" ::: "memory");
            idles++;
        }
        uint64_t dt = rdtime() - t0;
        if (dt > worst)
            worst = dt;
        late |= dt < initval || dt > initval + g_slack;
        tval_bad |= timer_read_tval() != TVAL_MASK;
        timer_ack();
        ack_bad |= timer_pending();
        idles_total += idles;
    }
    printf("guest idle_timer: %lu rounds, %lu idle exits, worst round %lu ticks\n", g_reps, idles_total, worst);
    g_check(!late, "every TI came within InitVal + slack of arming the one-shot");
    g_check(!tval_bad, "TVAL holds all ones after the one-shot fired");
    g_check(!ack_bad, "TICLR cleared the TI");
    g_check(idles_total >= g_reps, "every round went through at least one idle exit");
    return (int)g_failures;
}
