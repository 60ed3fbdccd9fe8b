/* lvz_guest_timer: the guest timer and counter (docs/design.md 12.4; architecture.md decisions 1, 2).
 * 1 core, guest GID 1, the root stub of lib/lvz.h. Parameters are ELF symbols the test seeds.
 *
 *   A  a guest one-shot of g_initval: its TI is taken inside the guest (guest EENTRY, no exit)
 *   B  the guest timer counts while the core is in root mode: the guest arms g_initval and exits; the root
 *      spins 2 x g_initval reading guest TVAL (it drops) until guest ESTAT.IS[11] rises; the root's own
 *      IS[11] stays 0; back in the guest the TI is taken at once
 *   C  root gcsrwr of guest TVAL = 0 raises the guest TI within 2 ticks and leaves TVAL all ones; a root
 *      TICLR does not clear it; a root gcsrxchg of guest ESTAT.IS[11] = 0 does
 *   D  a periodic guest timer of g_period, g_ticks interrupts counted inside the guest
 *   E  guest rdtime = counter + GCNTC (+ guest CNTC): the root sets GCNTC and the guest compares
 * Success: "lvz_guest_timer: PASS" (guest), then "guest exit 0" (root).
 */
#include <stdint.h>

#include "la.h"
#include "lvz.h"
#include "param.h"
#include "print.h"
#include "timer.h"
#include "trap.h"

PARAM(g_initval, 3000);
PARAM(g_period, 2000);
PARAM(g_ticks, 4);
PARAM(g_cntc_offset, 0x10000000000);

#define HC_SPIN_UNTIL_TI 0x10   /* B: root spins until guest IS[11], returns what it saw */
#define HC_FIRE_TVAL0    0x11   /* C */
#define HC_SET_GCNTC     0x12   /* E: GCNTC = a0, returns the root's rdtime */

static volatile uint64_t n_exits, guest_ti;
static volatile uint64_t b_tval_dropped, b_root_ti, b_ti_seen, c_fired, c_after_root_ticlr, c_after_xchg,
    c_tval;

/* ---- root side ------------------------------------------------------------------------------------ */
static void spin_until_guest_ti(uint64_t limit)
{
    uint64_t t0 = rdtime(), first = gcsrrd(CSR_TVAL);
    b_tval_dropped = 0;
    while (!(gcsrrd(CSR_ESTAT) & (1UL << IRQ_TI)) && rdtime() - t0 < limit)
        if (gcsrrd(CSR_TVAL) < first)
            b_tval_dropped = 1;
    b_ti_seen = (gcsrrd(CSR_ESTAT) >> IRQ_TI) & 1;
    b_root_ti = (csrrd(CSR_ESTAT) >> IRQ_TI) & 1;
}

static void fire_tval0(void)
{
    gcsrwr(CSR_TCFG, 0);                                  /* guest timer off: only the TVAL write fires */
    gcsrxchg(CSR_ESTAT, 0, 1UL << IRQ_TI);
    gcsrwr(CSR_TVAL, 0);
    __asm__ volatile("nop\n nop\n nop" ::: "memory");     /* > 2 ticks */
    c_fired = (gcsrrd(CSR_ESTAT) >> IRQ_TI) & 1;
    c_tval = gcsrrd(CSR_TVAL);
    csrwr(CSR_TICLR, TICLR_CLR);                          /* the root's TICLR: not the guest's TI */
    c_after_root_ticlr = (gcsrrd(CSR_ESTAT) >> IRQ_TI) & 1;
    gcsrxchg(CSR_ESTAT, 0, 1UL << IRQ_TI);                /* the root clears the guest's TI */
    c_after_xchg = (gcsrrd(CSR_ESTAT) >> IRQ_TI) & 1;
}

int lvz_on_exit(struct trap_frame *tf)
{
    n_exits++;
    if (trap_ecode(tf->estat) != ECODE_HVC)
        return 0;
    switch (tf->badi & 0x7fff) {
    case HC_SPIN_UNTIL_TI: spin_until_guest_ti(4 * g_initval + 1000); break;
    case HC_FIRE_TVAL0: fire_tval0(); break;
    case HC_SET_GCNTC: csrwr(CSR_GCNTC, tf->regs[4]); tf->regs[4] = rdtime(); break;
    default: return 0;
    }
    tf->era += 4;
    return 1;
}

int main(void)
{
    extern void guest_main(void);
    printf("lvz_guest_timer: g_initval=%lu g_period=%lu g_ticks=%lu\n", g_initval, g_period, g_ticks);
    lvz_init(1);
    lvz_enter(guest_main, LVZ_GUEST_SP, 0);
}

/* ---- guest side ----------------------------------------------------------------------------------- */
static void g_ti(struct trap_frame *tf)
{
    timer_ack();
    guest_ti++;
}


void guest_main(void)
{
    trap_install();
    trap_set_irq_handler(IRQ_TI, g_ti);
    timer_stop();
    timer_ack();
    ecfg_lie_write(1UL << IRQ_TI);
    uint64_t initval = g_initval & TCFG_INITVAL_MASK, period = g_period & TCFG_INITVAL_MASK;

    /* A */
    uint64_t e = n_exits;
    guest_ti = 0;
    timer_oneshot(initval);
    irq_enable();
    while (!guest_ti)
        ;
    irq_disable();
    lvz_check(guest_ti == 1 && n_exits == e, "A: guest one-shot TI taken in the guest, no exit");

    /* B */
    guest_ti = 0;
    timer_oneshot(initval);
    hvcl(HC_SPIN_UNTIL_TI, 0);
    lvz_check(b_tval_dropped, "B: guest TVAL counts down while the root runs");
    lvz_check(b_ti_seen, "B: guest ESTAT.IS[11] rises while the root runs");
    lvz_check(!b_root_ti, "B: ... and never the root's IS[11]");
    lvz_check(timer_pending(), "B: back in the guest its TI is pending");
    irq_enable();
    irq_disable();
    lvz_check(guest_ti == 1, "B: ... and taken");

    /* C */
    guest_ti = 0;
    hvcl(HC_FIRE_TVAL0, 0);
    lvz_check(c_fired, "C: root gcsrwr TVAL = 0 raises the guest TI within 2 ticks");
    lvz_check(c_tval == TVAL_MASK, "C: ... and leaves TVAL all ones");
    lvz_check(c_after_root_ticlr, "C: the root's TICLR leaves the guest TI alone");
    lvz_check(!c_after_xchg, "C: root gcsrxchg ESTAT.IS[11] = 0 clears it");
    lvz_check(!timer_pending() && guest_ti == 0, "C: nothing pending back in the guest");

    /* D */
    guest_ti = 0;
    timer_periodic(period);
    irq_enable();
    while (guest_ti < g_ticks)
        ;
    timer_stop();
    irq_disable();
    timer_ack();
    lvz_check(guest_ti == g_ticks, "D: periodic guest timer interrupts counted in the guest");

    /* E */
    uint64_t root_now = hvcl(HC_SET_GCNTC, g_cntc_offset);
    uint64_t now = rdtime();
    lvz_check(now - root_now >= g_cntc_offset && now - root_now < g_cntc_offset + 1000,
          "E: guest rdtime = counter + GCNTC");
    now = rdtime();
    csrwr(CSR_CNTC, 1000);
    uint64_t later = rdtime();
    if (!(later - now >= 1000 && later - now < 1200))
        printf("    rdtime %lx then %lx after CNTC = 1000\n", now, later);
    lvz_check(later - now >= 1000 && later - now < 1200, "E: ... + the guest's CNTC");

    lvz_guest_done("lvz_guest_timer");
}
