/* T11 tval_periodic_restore (design.md 13.10): zone 0 runs a periodic timer of g_initval and counts its TIs;
 * at +g_out it is switched out for g_sleep ticks (HC_VSW_SLEEP), then runs to +g_total. With KVM's restore
 * (sw/hv/timer_ctx.c) the expiries missed while out collapse into one queued TI, taken right at re-entry, and
 * the countdown resumes in phase: TVAL = period - (elapsed since the missed expiry mod period). */
#include "guest_timer.h"
#include "vsw_common.h"

PARAM(g_initval, 4000);
PARAM(g_out, 6000);
PARAM(g_sleep, 10500);
PARAM(g_total, 40000);

#define MAX_TI 32
static volatile uint64_t ti_count, ti_at[MAX_TI];

static void on_ti(struct trap_frame *tf)
{
    (void)tf;
    if (ti_count < MAX_TI)
        ti_at[ti_count] = rdtime();
    ti_count++;
    timer_ack();
}

int main(void)
{
    if (hvcall(HC_TEST_ZONE_ID, 0, 0) != 0)
        vsw_other_vcpu();
    uint64_t p = g_initval & TCFG_INITVAL_MASK, period = p + 1;   /* a periodic timer reloads InitVal: p + 1 */
    g_timer_irq_setup(on_ti);
    uint64_t t0 = rdtime();
    timer_periodic(p);
    spin_until(t0 + g_out);
    uint64_t before = ti_count, x = timer_read_tval(), out = rdtime();
    hvcall(HC_VSW_SLEEP, g_sleep, 0);
    uint64_t at_reentry = ti_count - before;
    uint64_t tval = timer_read_tval(), back = rdtime();
    unsigned resumed = (unsigned)ti_count;
    spin_until(t0 + g_total);
    timer_stop();
    uint64_t n = ti_count;
    /* the expiries of the undisturbed timer in (out, back] are missed and replaced by one queued TI */
    uint64_t missed = 0;
    for (uint64_t e = t0 + period; e <= t0 + g_total; e += period)
        missed += e > out && e <= back;
    uint64_t expected = g_total / period - missed + 1;
    uint64_t away = back - out, want = p - ((away - x) % p);
    uint64_t err = (tval + p - want) % p;           /* the phase, compared around the period */
    err = err < p - err ? err : p - err;
    printf("guest tval_periodic_restore: %lu TIs (expected %lu), out %lu ticks, TVAL after %lu (want %lu)\n", n,
           expected, away, tval, want);
    g_check(at_reentry == 1, "one queued TI taken right at re-entry");
    g_check(n + 1 >= expected && n <= expected + 1, "TI count = undisturbed - missed + 1, +-1");
    g_check(err <= 300, "TVAL after resume = period - (elapsed mod period) +- overhead");
    int spacing = 1;
    for (unsigned i = 1; i < n && i < MAX_TI; i++) {
        if (i == resumed || i + 1 == resumed || (i >= before && i <= resumed))
            continue;                           /* across the switch and the queued TI */
        uint64_t d = ti_at[i] - ti_at[i - 1];
        if (d + 16 < period || d > period + 16) {
            printf("guest tval_periodic_restore: TI %u is %lu ticks after the previous one\n", i, d);
            spacing = 0;
        }
    }
    g_check(spacing, "consecutive in-guest TIs one period apart");
    return 0;
}
