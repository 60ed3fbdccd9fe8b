/* lvz_gintc: interrupts into the guest (docs/design.md 12.3; architecture.md decision 3).
 * 1 core, guest GID 1, the root stub of lib/lvz.h. g_line (seeded) picks the HWI line.
 *
 *   A  GINTC.VIP[n]: the guest sees ESTAT.IS[n+2] and takes HWIn inside the guest; clearing VIP[n] drops it
 *   B  root gcsrxchg of guest ESTAT sets SWI0, SWI1 and IPI (IS[12]); the guest takes each in its own
 *      handler, acknowledging SWIs itself and asking the root to clear IPI
 *   C  a pending-but-disabled guest line (LIE clear) is not taken; it is once LIE enables it
 *   D  a root interrupt pending while the guest runs exits (INT) before a pending guest interrupt is taken:
 *      the root raises its own SWI0 (root LIE = SWI0, root PIE = 1) and the guest's VIP together
 *   E  PIP without a physical line asserts nothing; HC is stored and read back
 *   G  two injected lines at once (g_line and its neighbour), both enabled: the guest takes the higher, whose
 *      acknowledge de-asserts only that line, then the other (SW_BUG=1: the root clears every VIP line on
 *      one acknowledge, as hvisor's clear_hwi_injected_irq, and the second line is lost)
 *   F  PIP passes a physical line through: the root routes EXTIOI source g_source to HWI g_line of core 0
 *      (its own LIE leaves it off), the testbench pulses ext_irq[g_source] g_pulses times (lacosim.tests.lvz)
 *      and the guest takes each pulse in its own handler, masking its LIE until the pulse is over (skipped
 *      with g_pulses = 0, the default: the model alone has no device)
 * Success: "lvz_gintc: PASS" (guest), then "guest exit 0" (root).
 */
#include <stdint.h>

#include "la.h"
#include "lvz.h"
#include "param.h"
#include "print.h"
#include "timer.h"
#include "trap.h"

PARAM(g_line, 3);
PARAM(g_source, 5);
PARAM(g_pulses, 0);         /* F: pulses the testbench drives (0: no device, F is skipped) */
PARAM(g_wait, 200000);      /* F: ticks the guest waits for all pulses */

#define IOCSR_EXTIOI_IPMAP 0x14c0U   /* byte per source: HWI pin */
#define IOCSR_EXTIOI_EN    0x1600U   /* bit per source */
#define IOCSR_EXTIOI_ROUTE 0x1c00U   /* byte per source: core bitmap */

#define HC_VIP_SET   0x10   /* GINTC.VIP |= 1 << a0 */
#define HC_VIP_CLEAR 0x11
#define HC_ESTAT_SET 0x12   /* gcsrxchg guest ESTAT: set bit a0 */
#define HC_ESTAT_CLR 0x13
#define HC_BOTH      0x14   /* D: root SWI0 + guest VIP[g_line] */
#define HC_GINTC     0x15   /* GINTC = a0, returns GINTC */
#define HC_PIP_ROUTE 0x16   /* F: route g_source to HWI g_line of core 0, PIP[g_line] = 1 */

static volatile uint64_t seq[16], nseq;   /* what happened, in order: 'R' root INT exit, 'H'/'S'/'I' guest */
static volatile uint64_t taken[13];
static volatile uint64_t pip_mode;

static inline void iocsr_write8(uint32_t addr, uint8_t v)
{
    __asm__ volatile("iocsrwr.b %0, %1" : : "r"(v), "r"(addr) : "memory");
}

static void log_event(uint64_t what)
{
    if (nseq < 16)
        seq[nseq++] = what;
}

/* ---- root side ------------------------------------------------------------------------------------ */
int lvz_on_exit(struct trap_frame *tf)
{
    unsigned ecode = trap_ecode(tf->estat);
    if (ecode == 0) {                                 /* a root interrupt: its SWI0 */
        log_event('R');
        csrxchg(CSR_ESTAT, 0, 1);
        return 1;                                     /* back to the instruction it interrupted */
    }
    if (ecode != ECODE_HVC)
        return 0;
    uint64_t a0 = tf->regs[4];
    switch (tf->badi & 0x7fff) {
    case HC_VIP_SET: csrxchg(CSR_GINTC, 1UL << a0, 1UL << a0); break;
#ifdef SW_BUG_CLEAR_ALL_VIP
    case HC_VIP_CLEAR: csrxchg(CSR_GINTC, 0, 0xff); break;   /* hvisor's clear_hwi_injected_irq: every line */
#else
    case HC_VIP_CLEAR: csrxchg(CSR_GINTC, 0, 1UL << a0); break;
#endif
    case HC_ESTAT_SET: gcsrxchg(CSR_ESTAT, 1UL << a0, 1UL << a0); break;
    case HC_ESTAT_CLR: gcsrxchg(CSR_ESTAT, 0, 1UL << a0); break;
    case HC_BOTH:
        csrxchg(CSR_ECFG, 1, ECFG_LIE_MASK);          /* root LIE = SWI0 */
        csrxchg(CSR_GINTC, 1UL << g_line, 1UL << g_line);
        csrxchg(CSR_ESTAT, 1, 1);                      /* root SWI0: exits as soon as the guest runs */
        tf->prmd |= PRMD_PIE;                          /* root IE = 1 while in the guest */
        break;
    case HC_GINTC: csrwr(CSR_GINTC, a0); tf->regs[4] = csrrd(CSR_GINTC); break;
    case HC_PIP_ROUTE: {
        unsigned src = (unsigned)g_source & 31;
        iocsr_write8(IOCSR_EXTIOI_IPMAP + src, (uint8_t)(g_line & 7));
        iocsr_write8(IOCSR_EXTIOI_ROUTE + src, 1);
        iocsr_write8(IOCSR_EXTIOI_EN + src / 8, (uint8_t)(1u << (src % 8)));
        csrwr(CSR_GINTC, 1UL << (8 + (g_line & 7)));
        break;
    }
    default: return 0;
    }
    tf->era += 4;
    return 1;
}

int main(void)
{
    extern void guest_main(void);
    printf("lvz_gintc: g_line=%lu\n", g_line);
    lvz_init(1);
    lvz_enter(guest_main, LVZ_GUEST_SP, 0);
}

/* ---- guest side ----------------------------------------------------------------------------------- */

static void g_irq(struct trap_frame *tf)
{
    unsigned is = trap_is(tf->estat) & (unsigned)csrrd(CSR_ECFG);
    unsigned n = 31 - (unsigned)__builtin_clz(is);   /* the highest: the one the hardware took */
    taken[n]++;
    if (n == IRQ_SWI0 || n == IRQ_SWI1) {
        swi_clear(n);
        log_event('S');
    } else if (n == IRQ_IPI) {
        hvcl(HC_ESTAT_CLR, IRQ_IPI);
        log_event('I');
    } else if (pip_mode) {                           /* F: a physical pulse; ours until it ends */
        ecfg_lie_clear(1UL << n);
    } else {
        hvcl(HC_VIP_CLEAR, n - 2);
        log_event('H');
    }
}

static unsigned guest_is(void) { return trap_is(csrrd(CSR_ESTAT)); }

void guest_main(void)
{
    unsigned line = (unsigned)g_line & 7, irq = IRQ_HWI(line);
    trap_install();
    for (unsigned n = 0; n < IRQ_COUNT; n++)
        trap_set_irq_handler(n, g_irq);

    /* A */
    hvcl(HC_VIP_SET, line);
    lvz_check(guest_is() == (1u << irq), "A: VIP[n] asserts guest ESTAT.IS[n+2] only");
    ecfg_lie_write(1UL << irq);
    irq_enable();
    irq_disable();
    lvz_check(taken[irq] == 1, "A: the guest takes HWIn in its own handler");
    lvz_check(!(guest_is() & (1u << irq)), "A: clearing VIP[n] drops it");

    /* B */
    ecfg_lie_write((1UL << IRQ_SWI0) | (1UL << IRQ_SWI1) | (1UL << IRQ_IPI));
    static const unsigned lines[] = {IRQ_SWI0, IRQ_SWI1, IRQ_IPI};
    for (unsigned i = 0; i < 3; i++) {
        hvcl(HC_ESTAT_SET, lines[i]);
        lvz_check(guest_is() & (1u << lines[i]), "B: root gcsrxchg sets the guest line");
        irq_enable();
        irq_disable();
    }
    lvz_check(taken[IRQ_SWI0] == 1 && taken[IRQ_SWI1] == 1 && taken[IRQ_IPI] == 1,
          "B: SWI0, SWI1 and IPI taken in the guest");
    lvz_check(guest_is() == 0, "B: all acknowledged");

    /* C */
    ecfg_lie_write(0);
    hvcl(HC_VIP_SET, line);
    irq_enable();
    for (volatile int i = 0; i < 100; i++)
        ;
    irq_disable();
    lvz_check(taken[irq] == 1, "C: a pending line with LIE clear is not taken");
    ecfg_lie_write(1UL << irq);
    irq_enable();
    irq_disable();
    lvz_check(taken[irq] == 2, "C: ... and is once LIE enables it");

    /* D */
    nseq = 0;
    hvcl(HC_BOTH, 0);
    irq_enable();
    irq_disable();
    lvz_check(nseq >= 2 && seq[0] == 'R' && seq[1] == 'H', "D: a root interrupt exits before the guest's is taken");

    /* E */
    uint64_t g = hvcl(HC_GINTC, 0xAB0000UL | (0xffUL << 8));
    lvz_check(g == (0xAB0000UL | (0xffUL << 8)), "E: GINTC reads back (HC stored)");
    lvz_check(guest_is() == 0, "E: PIP without a physical line asserts nothing");
    hvcl(HC_GINTC, 0);

    /* G */
    unsigned other = line ^ 1, irq2 = IRQ_HWI(other);
    uint64_t before_g = taken[irq], before_o = taken[irq2];
    hvcl(HC_VIP_SET, line);
    hvcl(HC_VIP_SET, other);
    ecfg_lie_write((1UL << irq) | (1UL << irq2));
    irq_enable();
    for (volatile int i = 0; i < 20; i++)
        ;
    irq_disable();
    lvz_check(taken[irq] == before_g + 1 && taken[irq2] == before_o + 1,
              "G: two injected lines, each acknowledged on its own: both taken");
    ecfg_lie_write(0);

    /* F */
    uint64_t before = taken[irq], t0 = rdtime();
    pip_mode = 1;
    hvcl(HC_PIP_ROUTE, 0);
    ecfg_lie_write(1UL << irq);
    irq_enable();
    while (taken[irq] - before < g_pulses && rdtime() - t0 < g_wait) {
        if (!(csrrd(CSR_ECFG) & (1UL << irq)) && !(guest_is() & (1u << irq)))
            ecfg_lie_set(1UL << irq);                 /* the pulse is over: listen again */
    }
    irq_disable();
    if (taken[irq] - before != g_pulses)
        printf("    %lu of %lu pulses taken\n", taken[irq] - before, g_pulses);
    lvz_check(taken[irq] - before == g_pulses, "F: PIP passes the physical HWI line: every pulse taken in the guest");
    hvcl(HC_GINTC, 0);

    lvz_guest_done("lvz_gintc");
}
