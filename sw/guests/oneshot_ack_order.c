/* oneshot_ack_order (the guest-side variant of T9; rcore-os/tgoskits#1360): a guest whose TI handler re-arms
 * its one-shot of g_initval and then works g_work ticks (g_work > g_initval) before returning. Correct order:
 * TICLR, then re-arm, then work: every one of g_events events arrives. The seed's guest bug (SW_BUG=1, told by
 * HC_TEST_GUEST_BUG): re-arm, work, then TICLR: the new expiry fires during the work and the late TICLR clears
 * it, so the next event is lost and the guest waits for nothing (it gives up after 8 periods and says so). */
#include "guest.h"
#include "guest_timer.h"
#include "timer.h"
#include "trap.h"

PARAM(g_initval, 1000);
PARAM(g_work, 1500);
PARAM(g_events, 6);

static volatile uint64_t events, ack_after_rearm;
static uint64_t initval;

static void work(void)
{
    uint64_t t0 = rdtime();
    while (rdtime() - t0 < g_work)
        ;
}

static void on_ti(struct trap_frame *tf)
{
    (void)tf;
    events++;
    if (ack_after_rearm) {
        if (events < g_events)
            timer_oneshot(initval);
        work();
        timer_ack();
    } else {
        timer_ack();
        if (events < g_events)
            timer_oneshot(initval);
        work();
    }
}

int main(void)
{
    initval = g_initval & TCFG_INITVAL_MASK;
    ack_after_rearm = hvcall(HC_TEST_GUEST_BUG, 0, 0);
    printf("guest oneshot_ack_order: g_initval=%lu g_work=%lu g_events=%lu, %s\n", initval, g_work, g_events,
           ack_after_rearm ? "TICLR after re-arming (the guest bug)" : "TICLR before re-arming");
    g_timer_irq_setup(on_ti);
    timer_oneshot(initval);
    uint64_t last = rdtime(), seen = 0;
    while (events < g_events) {
        if (events != seen) {
            seen = events;
            last = rdtime();
        }
        if (rdtime() - last > 8 * (initval + g_work)) {
            printf("    event %lu lost: no TI for 8 periods; TVAL %lx, ESTAT.IS[11] %d\n", seen + 1, timer_read_tval(),
                   timer_pending());
            break;
        }
    }
    irq_disable();
    g_check(events == g_events, "every one-shot event arrived");
    return 0;
}
