/* T3 ipi_event_drain (docs/design.md 13.11): zone 0 (core 0) asks the hypervisor g_pairs times for two events to
 * core 1 back to back (HC_TEST_EVENT_PAIR: VIRTIO_INJECT_IRQ, a seeded 0-200 tick spacing, CLEAR_INJECT_IRQ),
 * before core 1 has finished the first INT exit; between pairs it waits (seeded 0-200 ticks) or for core 1's
 * queue to empty. Zone 1 just runs (interrupts off: the injected HWI0 never reaches it). The testbench
 * (EventDrainScoreboard) checks from the trace that every event is processed once and STATUS is cleared
 * before the drain; the guest checks that the queue empties. */
#include "guest.h"
#include "timer.h"

PARAM(g_pairs, 1000);
PARAM(g_seed, 0x9E3779B97F4A7C15);

#define HC_TEST_EVENT_PAIR    0x68
#define HC_TEST_EVENTS_QUEUED 0x69
#define WAIT_TICKS 100000

static int drained(void)
{
    uint64_t t0 = rdtime();
    while (hvcall(HC_TEST_EVENTS_QUEUED, 1, 0) != 0)
        if (rdtime() - t0 > WAIT_TICKS)
            return 0;
    return 1;
}

int main(void)
{
    if (hvcall(HC_TEST_ZONE_ID, 0, 0) == 1)
        for (;;)
            ;   /* zone 1: the events come to its core; zone 0 reports */
    printf("guest ipi_event_drain: %lu pairs\n", g_pairs);
    uint64_t s = g_seed | 1;
    int ok = 1, failed_at = -1;
    for (uint64_t p = 0; p < g_pairs && ok; p++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        uint64_t r = hvcall(HC_TEST_EVENT_PAIR, 1, s % 201);
        if (r != 0) {
            printf("    pair %lu: EVENT_PAIR returned %lx\n", p, r);
            ok = 0;
        }
        if ((s >> 8) & 1) {
            hvcall(HC_TEST_SPIN, (s >> 16) % 201, 0);
            if (hvcall(HC_TEST_EVENTS_QUEUED, 1, 0) > 8)
                ok = drained();
        } else {
            ok = drained();
        }
        if (!ok)
            failed_at = (int)p;
    }
    if (ok)
        ok = drained();
    if (!ok)
        printf("    core 1's queue did not empty (pair %d)\n", failed_at);
    g_check(ok, "every event pair drained by core 1");
    hvcall(HC_TEST_SPIN, 2000, 0);    /* a doorbell sent after the last pop is taken before the report */
    return 0;
}
