/* T10 tval_oneshot_restore (design.md 13.10): zone 0's one-shot timer across a switch-out (HC_VSW_SLEEP), with
 * the hypervisor's KVM save/restore (sw/hv/timer_ctx.c); zone 1 runs meanwhile. Three cases, one after another:
 *   A "fired while switched out": arm g_a_initval, switch out at +g_a_out until +g_a_back (past the expiry):
 *     exactly one TI, taken right at re-entry (before the instruction after hvcl);
 *   B "already acked": arm g_b_initval, take the TI (the handler acks), then switch out for g_b_sleep before
 *     re-arming: no TI after re-entry, TVAL stays all ones;
 *   C "not yet fired": arm g_c_initval, switch out at +g_c_out until +g_c_back (before the expiry): one TI at
 *     InitVal of wall time.
 * HWI7 stays injected into zone 0 throughout (GINTC.VIP, not enabled): it must be pending after each switch
 * back and never seen by zone 1 (per-vCPU GINTC). The testbench's timer-restore scoreboard checks the gcsr
 * sequence of each restore, the GINTC each switch-in writes, and counts the TIs. */
#include "guest_timer.h"
#include "vsw_common.h"

PARAM(g_a_initval, 5000);
PARAM(g_a_out, 1000);
PARAM(g_a_back, 10000);
PARAM(g_b_initval, 500);
PARAM(g_b_sleep, 2000);
PARAM(g_c_initval, 5000);
PARAM(g_c_out, 1000);
PARAM(g_c_back, 3000);

/* arm, switch out at +out for (back - out) ticks; returns TIs seen right at re-entry; *t0 = the arm time */
static uint64_t arm_and_sleep(uint64_t initval, uint64_t out, uint64_t back, uint64_t *t0)
{
    g_ti_count = 0;
    *t0 = rdtime();
    timer_oneshot(initval);
    spin_until(*t0 + out);
    uint64_t now = rdtime();
    hvcall(HC_VSW_SLEEP, *t0 + back > now ? *t0 + back - now : 1, 0);
    return g_ti_count;
}

int main(void)
{
    if (hvcall(HC_TEST_ZONE_ID, 0, 0) != 0)
        vsw_other_vcpu();
    printf("guest tval_oneshot_restore: A %lu/%lu/%lu B %lu/%lu C %lu/%lu/%lu\n", g_a_initval, g_a_out, g_a_back,
           g_b_initval, g_b_sleep, g_c_initval, g_c_out, g_c_back);
    g_timer_irq_setup(0);
    uint64_t t0, s0 = hvcall(HC_VSW_SWITCHES, 0, 0);
    /* HWI7 injected into this vCPU (GINTC.VIP[7], not enabled in LIE: it stays pending): it must follow the
     * vCPU across every switch (per-vCPU GINTC) and never reach the other one */
    hvcall(HC_TEST_INJECT, IRQ_HWI(7), 1);
    unsigned hwi_kept = 0;

    /* A */
    uint64_t seen = arm_and_sleep(g_a_initval, g_a_out, g_a_back, &t0);
    uint64_t back = rdtime();
    hwi_kept += (csrrd(CSR_ESTAT) >> IRQ_HWI(7)) & 1;
    spin_until(back + 2000);
    g_check(back - t0 >= g_a_back, "A: switched out past the expiry");
    g_check(seen == 1, "A: the TI that fired while out is taken right at re-entry");
    g_check(g_ti_count == 1, "A: exactly one TI");

    /* B */
    g_ti_count = 0;
    timer_oneshot(g_b_initval);
    while (g_ti_count == 0)
        ;
    hvcall(HC_VSW_SLEEP, g_b_sleep, 0);
    back = rdtime();
    hwi_kept += (csrrd(CSR_ESTAT) >> IRQ_HWI(7)) & 1;
    spin_until(back + 3000);
    g_check(g_ti_count == 1, "B: no TI after re-entry (the acked TI is not injected again)");
    g_check(timer_read_tval() == TVAL_ALL_ONES, "B: TVAL stays all ones");

    /* C */
    timer_stop();
    seen = arm_and_sleep(g_c_initval, g_c_out, g_c_back, &t0);
    back = rdtime();
    hwi_kept += (csrrd(CSR_ESTAT) >> IRQ_HWI(7)) & 1;
    while (g_ti_count == 0 && rdtime() - t0 < 3 * g_c_initval)
        ;
    uint64_t at = g_ti_time - t0;
    printf("guest tval_oneshot_restore: C: TI at +%lu (InitVal %lu), back at +%lu\n", at, g_c_initval, back - t0);
    g_check(seen == 0, "C: no TI at re-entry (not yet fired)");
    g_check(g_ti_count == 1 && at >= g_c_initval && at <= g_c_initval + 200, "C: one TI at InitVal of wall time");
    timer_stop();
    g_check(hvcall(HC_VSW_SWITCHES, 0, 0) - s0 == 6, "six switches (out and back in per case)");
    hvcall(HC_TEST_INJECT, IRQ_HWI(7), 0);
    g_check(hwi_kept == 3, "the injected HWI7 is pending again after each switch back (per-vCPU GINTC)");
    g_check(vsw_leak == 0, "the other vCPU never saw it");
    return 0;
}
