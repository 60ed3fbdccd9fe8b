/* The guest timer's save and restore when vCPUs share a core (-DHV_VCPU_SWITCH; docs/design.md 13.10), KVM's
 * reference algorithm of hypervisor-behaviour.md 1.6 (kvm timer.c kvm_save_timer / kvm_restore_timer, commits
 * 5b3d5249, d3c9515e, 5a873d77), step for step: the testbench's timer-restore scoreboard compares the gcsr
 * write sequence with the same order.
 *   save:    TCFG, TVAL; if En: expire = now + (TVAL < TCFG ? TVAL : 0) (TVAL > TCFG: a one-shot already
 *            fired); ESTAT.
 *   restore: TCFG = 0 (the old configuration cannot raise a spurious TI), ESTAT, TCFG;
 *            En = 0: TVAL, stop;
 *            one-shot with TVAL > TCFG (fired before the save): TVAL = 0 (TI, TVAL = -1); if the saved ESTAT
 *            had no TI (the guest had acked it): wait 2 ticks, re-read ESTAT, TVAL = max if TI did not
 *            appear, TICLR = 1;
 *            else TVAL = the ticks left to expire; a periodic timer that expired while out:
 *            period - (elapsed mod period), and a queued TI (kvm_queue_irq(INT_TI): guest ESTAT.TI set).
 * -DHV_BUG_TIMER_RESTORE_754838B: hvisor 754838b's port with its two inverted conditions (1.6 History 2):
 * TVAL = 0 for !(periodic && TVAL > TCFG), and TICLR when the saved ESTAT.TI was set.
 * -DHV_BUG_TVAL_BEFORE_TCFG: the saved TCFG is written back last, after TVAL (a port that restores "the count,
 * then the enable"): the TCFG write reloads TVAL = InitVal, so a one-shot that expired while out fires a whole
 * InitVal after the re-entry instead of at it (timer_injected_once). */
#ifdef HV_VCPU_SWITCH
#include <stdint.h>

#include "hv.h"
#include "timer.h"
#include "trap.h"
#include "vsw.h"

#define ESTAT_TI (1UL << IRQ_TI)

void hv_timer_save(struct vsw_ctx *c)
{
    c->tcfg = gcsrrd(CSR_TCFG);
    c->tval = gcsrrd(CSR_TVAL);
    if (c->tcfg & TCFG_EN)
        c->expire = rdtime() + (c->tval < c->tcfg ? c->tval : 0);
    c->estat = gcsrrd(CSR_ESTAT);
}

/* the steps after TCFG = saved: TVAL, and the TI it must (not) raise */
static void restore_tval(struct vsw_ctx *c)
{
    uint64_t cfg = c->tcfg, ticks = c->tval;
    if (!(cfg & TCFG_EN)) {
        gcsrwr(CSR_TVAL, ticks);
        return;
    }
#ifdef HV_BUG_TIMER_RESTORE_754838B
    if (!((cfg & TCFG_PERIODIC) && ticks > cfg)) {
#else
    if (!(cfg & TCFG_PERIODIC) && ticks > cfg) {
#endif
        gcsrwr(CSR_TVAL, 0);                      /* raises TI, TVAL = -1 */
#ifdef HV_BUG_TIMER_RESTORE_754838B
        if (c->estat & ESTAT_TI) {
#else
        if (!(c->estat & ESTAT_TI)) {
#endif
            uint64_t t0 = rdtime();
            while (rdtime() - t0 < 2)
                ;
            if (!(gcsrrd(CSR_ESTAT) & ESTAT_TI))
                gcsrwr(CSR_TVAL, TCFG_INITVAL_MASK | 3);   /* max: the late TI cannot come */
            gcsrwr(CSR_TICLR, TICLR_CLR);
        }
        return;
    }
    uint64_t now = rdtime(), delta = 0;
    int queue_ti = 0;
    if (now < c->expire) {
        delta = c->expire - now;
    } else if (cfg & TCFG_PERIODIC) {
        uint64_t period = cfg & TCFG_INITVAL_MASK;
        delta = period - (now - c->expire) % period;
        queue_ti = 1;
    }
    gcsrwr(CSR_TVAL, delta);
    if (queue_ti)
        gcsrxchg(CSR_ESTAT, ESTAT_TI, ESTAT_TI);    /* kvm_queue_irq(INT_TI), delivered before the entry */
}

void hv_timer_restore(struct vsw_ctx *c)
{
    gcsrwr(CSR_TCFG, 0);
    gcsrwr(CSR_ESTAT, c->estat);
#ifdef HV_BUG_TVAL_BEFORE_TCFG
    restore_tval(c);
    gcsrwr(CSR_TCFG, c->tcfg);
#else
    gcsrwr(CSR_TCFG, c->tcfg);
    restore_tval(c);
#endif
}
#endif
