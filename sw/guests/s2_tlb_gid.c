/* T17 s2_tlb_gid (design.md 13.10): zones 0 and 1 (GID 2 and 3) take turns on core 0 (HC_VSW_SLEEP); both
 * map GPA 0x1000_0000 to their own HPA (sw/hv/zones/s2_tlb_gid.c). Sequence:
 *   zone 0: store its value, read it back, out for g_sleep         (its refill of the page: GID 2)
 *   zone 1: store its value, read it back, out for 3 g_sleep       (its refill: GID 3)
 *   zone 0: read (its entry: no refill), invtlb of zone 1's GID (HC_VSW_INVTLB_GID), read again, out for
 *           4 g_sleep
 *   zone 1: read (refilled: its entry was flushed), out for good
 *   zone 0: prints the results and reports.
 * Each read must return the zone's own value; the testbench's s2-gid scoreboard checks every access's HPA
 * and the refills per zone. The zones share RAM: g_failures counts both. */
#include "vsw_common.h"

PARAM(g_val0, 0x5a0);
PARAM(g_val1, 0x5a1);
PARAM(g_sleep, 8000);

#define S2_GPA ((volatile uint64_t *)0x10000000UL)

static volatile int ok[6];   /* shared by both zones (same RAM): zone 0 prints them at the end */

int main(void)
{
    uint64_t zone = hvcall(HC_TEST_ZONE_ID, 0, 0), mine = zone ? g_val1 : g_val0;
    *S2_GPA = mine;
    ok[zone] = *S2_GPA == mine;
    /* no printing until the end: a slow UART line would let the other zone's wake preempt the sequence */
    hvcall(HC_VSW_SLEEP, zone ? 3 * g_sleep : g_sleep, 0);
    if (zone == 1) {
        ok[5] = *S2_GPA == mine;
        hvcall(HC_VSW_SLEEP, 1UL << 40, 0);
        for (;;)
            ;
    }
    ok[2] = *S2_GPA == mine;
    ok[3] = hvcall(HC_VSW_INVTLB_GID, 1, 0) == 0;
    ok[4] = *S2_GPA == mine;
    hvcall(HC_VSW_SLEEP, 4 * g_sleep, 0);
    printf("guest s2_tlb_gid: values %lx / %lx, sleep %lu\n", g_val0, g_val1, g_sleep);
    g_check(ok[0], "zone 0 reads its own value");
    g_check(ok[1], "zone 1 reads its own value");
    g_check(ok[2], "zone 0 reads its own value after zone 1 ran");
    g_check(ok[3], "invtlb by GID of zone 1");
    g_check(ok[4], "zone 0's entry survives the invtlb of zone 1's GID");
    g_check(ok[5], "zone 1 reads its own value after the invtlb of its GID (refilled)");
    return 0;
}
