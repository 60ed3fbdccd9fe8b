/* timer_injected_once (design.md 13.10): zone 0 arms a one-shot of g_initval and idles with nothing else
 * pending; the idle exits (GSPR) and the hypervisor blocks the vCPU (KVM: switched out until the expiry, the
 * other vCPU runs); at the expiry it is switched back in and the restore delivers the TI (timer_ctx.c). The TI
 * must arrive exactly once, right at re-entry, after the expiry; g_rounds rounds. */
#include "guest_timer.h"
#include "vsw_common.h"

PARAM(g_initval, 3000);
PARAM(g_rounds, 3);

int main(void)
{
    if (hvcall(HC_TEST_ZONE_ID, 0, 0) != 0)
        vsw_other_vcpu();
    uint64_t initval = g_initval & TCFG_INITVAL_MASK;
    printf("guest timer_injected_once: g_initval=%lu g_rounds=%lu\n", initval, g_rounds);
    g_timer_irq_setup(0);
    uint64_t s0 = hvcall(HC_VSW_SWITCHES, 0, 0);
    unsigned once = 0, at_wake = 0, after = 0;
    for (uint64_t r = 0; r < g_rounds; r++) {
        g_ti_count = 0;
        uint64_t t0 = rdtime();
        timer_oneshot(initval);
        cpu_idle();
        uint64_t seen = g_ti_count;
        spin_until(rdtime() + 2 * initval);
        once += g_ti_count == 1;
        at_wake += seen == 1;
        after += g_ti_time - t0 >= initval;
    }
    timer_stop();
    uint64_t switches = hvcall(HC_VSW_SWITCHES, 0, 0) - s0;
    printf("guest timer_injected_once: %u/%lu rounds with one TI, %lu switches\n", once, g_rounds, switches);
    g_check(once == g_rounds, "each idle wake delivers the TI exactly once");
    g_check(at_wake == g_rounds, "... right at re-entry");
    g_check(after == g_rounds, "... after the expiry");
    g_check(switches == 2 * g_rounds, "each idle switched the vCPU out and back in");
    return 0;
}
