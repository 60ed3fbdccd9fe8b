/* Several vCPUs per core (-DHV_VCPU_SWITCH; docs/design.md 13.10): what sched.c keeps per vCPU beside its
 * struct vcpu, and the timer save/restore of timer_ctx.c. */
#ifndef HV_VSW_H
#define HV_VSW_H

#include <stdint.h>

#include "hv.h"

#define VSW_MAX 2            /* vCPUs per core */

/* the guest CSRs a switch carries besides the timer (ESTAT/TCFG/TVAL go through timer_ctx.c) */
#define VSW_GCSRS(X) X(CSR_CRMD) X(CSR_PRMD) X(CSR_EUEN) X(CSR_MISC) X(CSR_ECFG) X(CSR_ERA) X(CSR_BADV) \
    X(CSR_BADI) X(CSR_EENTRY) X(CSR_ASID) X(CSR_PGDL) X(CSR_PGDH) X(CSR_SAVE0) X(CSR_SAVE1) X(CSR_SAVE2) \
    X(CSR_SAVE3) X(CSR_SAVE4) X(CSR_SAVE5) X(CSR_SAVE6) X(CSR_SAVE7) X(CSR_CNTC) X(CSR_LLBCTL) \
    X(CSR_TLBRENTRY) X(CSR_TLBRERA) X(CSR_TLBRPRMD) X(CSR_DMW0) X(CSR_DMW1) X(CSR_DMW2) X(CSR_DMW3)
#define VSW_COUNT_ONE(n) +1
#define VSW_NR_GCSRS (0 VSW_GCSRS(VSW_COUNT_ONE))

struct vsw_ctx {
    uint64_t tcfg, tval, estat, expire;    /* timer_ctx.c (KVM's saved TCFG/TVAL/ESTAT and expire) */
    uint64_t gcsr[VSW_NR_GCSRS];
    uint64_t gintc;                        /* root GINTC is per vCPU (KVM saves and restores it) */
    uint64_t wake;                         /* runnable from this root rdtime on */
    int zone, started;
};

void hv_timer_save(struct vsw_ctx *c);
void hv_timer_restore(struct vsw_ctx *c);

/* sched.c */
void hv_vsw_start(void) __attribute__((noreturn));
struct vcpu *hv_vsw_schedule(struct vcpu *vc);
int hv_vsw_hvc(struct vcpu *vc);       /* 1: a vsw hypercall, handled */
void hv_vsw_idle(struct vcpu *vc);

#define HC_VSW_SLEEP       0x60   /* the caller is switched out for a1 ticks; a0 = 0 */
#define HC_VSW_INVTLB_GID  0x61   /* invtlb 0 of zone a1's GID (TGID = it, then back); a0 = 0, -EINVAL */
#define HC_VSW_SWITCHES    0x62   /* a0 = the switches of this core so far */
#endif
