/* T12 timer_root_isolation: the guest arms a one-shot of g_initval with LIE = TI and CRMD.IE = 1, then
 * makes a hypercall during which the root spins 3 x g_initval ticks, past the expiry. The guest TI must
 * not exit (exactly one exit: the hypercall), must latch into the guest ESTAT while the root runs, and must be
 * taken in the guest right at re-entry: the handler runs before the instruction after hvcl, at a guest
 * time >= arm + InitVal. The guest's rdtime is monotonic across the exit. */
#include "guest.h"
#include "guest_timer.h"
#include "timer.h"
#include "trap.h"

PARAM(g_initval, 2000);

int main(void)
{
    uint64_t initval = g_initval & TCFG_INITVAL_MASK;
    printf("guest timer_root_isolation: g_initval=%lu\n", initval);
    g_timer_irq_setup(0);
    uint64_t e0 = hvcall(HC_TEST_EXITS, 0, 0);
    uint64_t t0 = rdtime();
    timer_oneshot(initval);
    uint64_t spent = hvcall(HC_TEST_SPIN, 3 * initval, 0);
    uint64_t seen = g_ti_count, t1 = rdtime();
    irq_disable();
    uint64_t e1 = hvcall(HC_TEST_EXITS, 0, 0);
    printf("guest timer_root_isolation: root spun %lu ticks, TI taken %lu time(s) at +%lu\n", spent, seen,
           g_ti_time - t0);
    g_check(spent >= 3 * initval, "the root spun past the guest's expiry");
    g_check(seen == 1, "the guest TI was taken once, right at re-entry");
    g_check(g_ti_time - t0 >= initval && g_ti_time - t0 >= spent, "... after the expiry and after the root's spin");
    g_check(e1 - e0 == 2, "the guest TI caused no exit (one hypercall, one count)");
    g_check(t1 > g_ti_time && g_ti_time > t0, "guest rdtime monotonic across the exit");
    return 0;
}
