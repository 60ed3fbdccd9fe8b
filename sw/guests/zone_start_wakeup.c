/* T4 zone_start_wakeup: zone 0 (root zone, core 0) starts zone 1 on core 1 with ZoneStart (hvcl, a0 = 2,
 * a1 = 1) and checks a0 = 0; zone 1 signals that it runs; zone 0 reports. What core 1's first guest
 * instruction must see (PC, GSTAT/GTLBC/GCFG/GINTC, reset CRMD, zero GPRs, the ertn-to-guest latency) is
 * checked by the testbench from the trace (tb/lacosim/tests/hv.py ZoneStartWakeup): the guest's own code
 * changes its GPRs before it could look. */
#include "guest.h"
#include "timer.h"

/* shared by both zones (.data: zone 1 must not find them cleared) */
volatile uint64_t z1_running __attribute__((section(".data")));

int main(void)
{
    if (hvcall(HC_TEST_ZONE_ID, 0, 0) == 1) {
        z1_running = 1;
        for (;;)
            ;   /* zone 0 reports and powers off */
    }
    printf("guest zone_start_wakeup: zone 0 starts zone 1 on core 1\n");
    uint64_t r = hvcall(HC_ZONE_START, 1, 0);
    if (r != 0)
        printf("    ZoneStart(1) returned %lx\n", r);
    g_check(r == 0, "ZoneStart(zone 1) returns 0 to zone 0");
    uint64_t t0 = rdtime();
    while (!z1_running && rdtime() - t0 < 1000000)
        ;
    g_check(z1_running != 0, "zone 1 runs on core 1");
    return 0;
}
