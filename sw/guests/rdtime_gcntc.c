/* T18 rdtime_gcntc: the root sets GCNTC = -K (HC_TEST_SET_GCNTC returns the root's rdtime r right after its
 * write); guest rdtime = counter + GCNTC. g_reads times the guest brackets the hypercall with two rdtime.d:
 * t1 <= r - K <= t2 (guest time = root time - K, exactly), and every guest reading is strictly greater than
 * the one before, across every exit (no "subtract trap time" compensation: hvisor's abandoned idea). */
#include "guest.h"
#include "timer.h"

PARAM(g_k, 0x100000);
PARAM(g_reads, 100);

int main(void)
{
    uint64_t k = g_k, minus_k = (uint64_t)0 - k;
    printf("guest rdtime_gcntc: K=%lx, %lu bracketed reads\n", k, g_reads);
    hvcall(HC_TEST_SET_GCNTC, minus_k, 0);
    uint64_t prev = rdtime(), worst = 0;
    int bracket = 1, mono = 1;
    for (uint64_t i = 0; i < g_reads; i++) {
        uint64_t t1 = rdtime();
        uint64_t r = hvcall(HC_TEST_SET_GCNTC, minus_k, 0);
        uint64_t t2 = rdtime();
        uint64_t g = r - k;
        if (!(t1 <= g && g <= t2)) {
            if (bracket)
                printf("    read %lu: guest %lx .. %lx, root %lx - K = %lx\n", i, t1, t2, r, g);
            bracket = 0;
        }
        if (!(t1 > prev && t2 > t1))
            mono = 0;
        if (t2 - t1 > worst)
            worst = t2 - t1;
        prev = t2;
    }
    printf("guest rdtime_gcntc: longest exit round trip %lu ticks\n", worst);
    g_check(bracket, "guest rdtime = root rdtime - K across every exit");
    g_check(mono, "guest rdtime strictly increasing across exits");
    hvcall(HC_TEST_SET_GCNTC, 0, 0);
    uint64_t a = rdtime(), r = hvcall(HC_TEST_SET_GCNTC, 0, 0), b = rdtime();
    g_check(a <= r && r <= b, "GCNTC = 0 again: guest time = root time");
    return 0;
}
