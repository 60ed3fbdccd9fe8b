/* T14 gintc_passthrough: the testbench pulses EXTIOI source g_source (lacosim.tests.hv GintcPassthrough), which
 * the hypervisor routes to HWI g_line of core 0 (HC_TEST_HWI_ROUTE); the root's ECFG.LIE has no HWI bit.
 * Phase 1, GINTC.PIP[g_line] = 1: the guest takes every one of the first g_on pulses (IS[g_line + 2] follows the
 * line: its handler waits for the level to fall). Phase 2, PIP = 0 (HC_TEST_SET_PIP): for the remaining g_off
 * pulses the guest, with the line enabled, must take nothing and never see IS[g_line + 2]. The GINTC scoreboard
 * checks guest IS[9:2] = VIP | PIP & the physical lines every time either changes. */
#include "guest.h"
#include "timer.h"
#include "trap.h"

PARAM(g_source, 5);
PARAM(g_line, 3);
PARAM(g_on, 3);
PARAM(g_off, 2);
PARAM(g_window, 100000);   /* cycles phase 2 watches: covers its pulses (the testbench's schedule) */

static volatile uint64_t takes, stuck;

static void on_hwi(struct trap_frame *tf)
{
    (void)tf;
    takes++;
    uint64_t bit = 1UL << (g_line + 2), t0 = rdtime();
    while (csrrd(CSR_ESTAT) & bit)          /* a level: it stays set until the device drops the line */
        if (rdtime() - t0 > 100000) {
            stuck = 1;
            break;
        }
}

int main(void)
{
    unsigned line = (unsigned)g_line & 7;
    printf("guest gintc_passthrough: source %lu -> HWI%u, %lu pulses passed through, then %lu kept out\n", g_source,
           line, g_on, g_off);
    trap_install();
    trap_set_irq_handler(IRQ_HWI(line), on_hwi);
    trap_set_spurious_irq_handler(on_hwi);
    g_check(hvcall(HC_TEST_HWI_ROUTE, g_source, line) == 0, "the hypervisor routes the device line to HWI");
    hvcall(HC_TEST_SET_PIP, 1UL << line, 0);
    ecfg_lie_write(1UL << (line + 2));
    irq_enable();
    uint64_t t0 = rdtime();
    while (takes < g_on && rdtime() - t0 < 2000000)
        ;
    irq_disable();
    if (takes != g_on)
        printf("    PIP = 1: %lu of %lu pulses taken\n", takes, g_on);
    g_check(takes == g_on && !stuck, "PIP = 1: every pulse taken once, IS follows the line down");
    uint64_t gintc = hvcall(HC_TEST_SET_PIP, 0, 0);
    g_check((gintc & 0xff00) == 0, "PIP = 0 written");
    uint64_t before = takes, seen = 0;
    irq_enable();
    t0 = rdtime();
    while (rdtime() - t0 < g_window)
        seen |= csrrd(CSR_ESTAT) & (1UL << (line + 2));
    irq_disable();
    if (takes != before || seen)
        printf("    PIP = 0: %lu takes, IS[%u] seen %d\n", takes - before, line + 2, seen != 0);
    g_check(takes == before && !seen, "PIP = 0: the guest never sees the line");
    return 0;
}
