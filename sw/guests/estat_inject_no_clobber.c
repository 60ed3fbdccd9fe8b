/* T15 estat_inject_no_clobber: the guest has LIE = {SWI0, TI, IPI} and CRMD.IE = 0; it arms a one-shot of
 * g_initval and makes a hypercall during which the root spins past the expiry (the guest TI rises while the
 * root runs), then asks the root to inject SWI0 and IPI (gcsrxchg on the guest ESTAT, in a seeded order).
 * The guest must then read ESTAT.IS = 0x1801 and, with IE = 1, take all three. SW_BUG=1 (the exit path writes
 * the saved guest ESTAT back) drops what rose or was injected during the exits. */
#include "guest.h"
#include "timer.h"
#include "trap.h"

PARAM(g_initval, 1000);
PARAM(g_rounds, 6);
PARAM(g_seed, 0x9E3779B97F4A7C15);

static volatile unsigned got;

static void on_swi0(struct trap_frame *tf) { (void)tf; swi_clear(0); got |= 1; }
static void on_ti(struct trap_frame *tf) { (void)tf; timer_ack(); got |= 2; }
static void on_ipi(struct trap_frame *tf) { (void)tf; hvcall(HC_TEST_INJECT, IRQ_IPI, 0); got |= 4; }

int main(void)
{
    uint64_t initval = g_initval & TCFG_INITVAL_MASK, s = g_seed | 1;
    printf("guest estat_inject_no_clobber: g_initval=%lu, %lu rounds\n", initval, g_rounds);
    trap_install();
    trap_set_irq_handler(IRQ_SWI0, on_swi0);
    trap_set_irq_handler(IRQ_TI, on_ti);
    trap_set_irq_handler(IRQ_IPI, on_ipi);
    timer_stop();
    timer_ack();
    ecfg_lie_write((1UL << IRQ_SWI0) | (1UL << IRQ_TI) | (1UL << IRQ_IPI));
    int is_bad = 0, taken_bad = 0, left_bad = 0;
    for (uint64_t r = 0; r < g_rounds; r++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        got = 0;
        timer_oneshot(initval);
        hvcall(HC_TEST_SPIN, 2 * initval, 0);        /* the TI rises while the root runs */
        unsigned first = s & 1 ? IRQ_IPI : IRQ_SWI0, second = s & 1 ? IRQ_SWI0 : IRQ_IPI;
        hvcall(HC_TEST_INJECT, first, 1);
        hvcall(HC_TEST_INJECT, second, 1);
        unsigned is = (unsigned)csrrd(CSR_ESTAT) & 0x1fff;
        if (is != 0x1801) {
            if (!is_bad)
                printf("    round %lu: ESTAT.IS = %04x, expected 1801\n", r, is);
            is_bad = 1;
        }
        irq_enable();
        irq_disable();
        if (got != 7) {
            if (!taken_bad)
                printf("    round %lu: took %s%s%s\n", r, got & 1 ? "SWI0 " : "", got & 2 ? "TI " : "",
                       got & 4 ? "IPI" : "");
            taken_bad = 1;
        }
        left_bad |= (csrrd(CSR_ESTAT) & 0x1803) != 0;
    }
    g_check(!is_bad, "ESTAT.IS = SWI0 | TI | IPI after the exits");
    g_check(!taken_bad, "all three taken (TI from the exit, SWI0 and IPI injected)");
    g_check(!left_bad, "nothing left pending after the handlers");
    return 0;
}
