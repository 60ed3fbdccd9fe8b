/* T13 gintc_inject (single core: the root injects on the guest's hypercall instead of a doorbell): each round
 * the root asserts a seeded subset of HWI0-7 on GINTC.VIP (HC_TEST_INJECT) while the guest has CRMD.IE = 0;
 * the guest sees exactly those lines in ESTAT.IS[9:2], then enables interrupts: its handler takes the highest
 * pending line and acks it through the test device's ACK register (an MMIO store the hypervisor emulates by
 * de-asserting that line only). Every line must be taken exactly once per assert, none lost or duplicated.
 * SW_BUG=1 (hvisor's clear_hwi_injected_irq: one de-assert clears every VIP line) loses the others. */
#include "guest.h"
#include "trap.h"

#define DEV 0x10000000UL
#define ACK 0x38
PARAM(g_rounds, 30);
PARAM(g_seed, 0x2545F4914F6CDD1D);

static volatile uint64_t taken[8];
static volatile uint64_t extra;

static void on_hwi(struct trap_frame *tf)
{
    unsigned is = trap_is(tf->estat) & 0x3fc;
    if (!is) {
        extra++;
        return;
    }
    unsigned line = 31 - (unsigned)__builtin_clz(is) - 2;
    taken[line]++;
    *(volatile uint64_t *)(DEV + ACK) = line + 2;   /* the ack: de-assert this line */
}

int main(void)
{
    uint64_t s = g_seed | 1, asserted[8] = {0};
    printf("guest gintc_inject: %lu rounds\n", g_rounds);
    trap_install();
    for (unsigned l = 0; l < 8; l++)
        trap_set_irq_handler(IRQ_HWI(l), on_hwi);
    trap_set_spurious_irq_handler(on_hwi);
    ecfg_lie_write(0x3fc);
    int seen_bad = 0, left_bad = 0;
    for (uint64_t r = 0; r < g_rounds; r++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        unsigned mask = (unsigned)(s & 0xff) | (1U << (s >> 61));   /* never empty */
        for (unsigned l = 0; l < 8; l++)
            if (mask & (1U << l)) {
                hvcall(HC_TEST_INJECT, l + 2, 1);
                asserted[l]++;
            }
        unsigned is = (unsigned)(csrrd(CSR_ESTAT) >> 2) & 0xff;
        if (is != mask) {
            if (!seen_bad)
                printf("    round %lu: ESTAT.IS[9:2] = %02x after asserting %02x\n", r, is, mask);
            seen_bad = 1;
        }
        irq_enable();
        irq_disable();
        is = (unsigned)(csrrd(CSR_ESTAT) >> 2) & 0xff;
        left_bad |= is != 0;
    }
    int lost = 0;
    for (unsigned l = 0; l < 8; l++)
        if (taken[l] != asserted[l]) {
            printf("    HWI%u: asserted %lu times, taken %lu times\n", l, asserted[l], taken[l]);
            lost = 1;
        }
    g_check(!seen_bad, "the guest ESTAT.IS[9:2] shows exactly the asserted VIP lines");
    g_check(!lost, "every asserted line taken exactly once (none lost, none duplicated)");
    g_check(!left_bad && !extra, "nothing pending after the acks, no spurious interrupt");
    return 0;
}
