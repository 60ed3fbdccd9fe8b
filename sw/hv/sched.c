/* Several vCPUs per core (-DHV_VCPU_SWITCH; docs/design.md 13.10): the zones of core 0 are its vCPUs (up to
 * VSW_MAX), each with its own struct vcpu (GPRs, ERA, ... and SAVE0 while it runs) and a struct vsw_ctx (the
 * guest CSRs, the KVM timer state, GINTC). A vCPU is switched out by the test hypercall HC_VSW_SLEEP (out for
 * a1 ticks) or a blocking guest `idle` (out until its one-shot expires: KVM's kvm_vcpu_block), and switched
 * back in at the root timer tick armed for its wake time. The switch saves the guest CSRs and the timer
 * (timer_ctx.c, KVM's order), loads the other's, its GINTC, stage-2 root (PGDL) and GID (GSTAT.GID and
 * GTLBC.TGID). -DHV_BUG_VSW_KEEP_GID: the switch leaves GSTAT.GID/TGID alone (the GID mutation of T17);
 * -DHV_BUG_INVTLB_NO_TGID: HC_VSW_INVTLB_GID runs invtlb without setting TGID (T17's invtlb mutation). */
#ifdef HV_VCPU_SWITCH
#include <stdint.h>

#include "hv.h"
#include "print.h"
#include "timer.h"
#include "trap.h"
#include "vsw.h"

struct vcpu hv_vsw_vcpu0 __attribute__((aligned(16)));   /* named: the testbench finds them (SAVE0) */
struct vcpu hv_vsw_vcpu1 __attribute__((aligned(16)));
static struct vcpu *const vcs[VSW_MAX] = {&hv_vsw_vcpu0, &hv_vsw_vcpu1};
static struct vsw_ctx ctx[VSW_MAX];
static unsigned nr, running;
static uint64_t switches;

#define NEVER (~0UL)
#define ESTAT_TI (1UL << IRQ_TI)

static void save_gcsrs(struct vsw_ctx *c)
{
    unsigned i = 0;
#define SAVE_ONE(n) c->gcsr[i++] = gcsrrd(n);
    VSW_GCSRS(SAVE_ONE)
#undef SAVE_ONE
}

static void load_gcsrs(const struct vsw_ctx *c)
{
    unsigned i = 0;
#define LOAD_ONE(n) gcsrwr(n, c->gcsr[i++]);
    VSW_GCSRS(LOAD_ONE)
#undef LOAD_ONE
}

static void set_gid(unsigned gid)
{
#ifndef HV_BUG_VSW_KEEP_GID
    csrxchg(CSR_GSTAT, (uint64_t)gid << GSTAT_GID_SHIFT, 0xffUL << GSTAT_GID_SHIFT);
    csrwr(CSR_GTLBC, GTLBC_USETGID | ((uint64_t)gid << GTLBC_TGID_SHIFT));
#else
    (void)gid;
#endif
}

/* vCPU i leaves the core: its guest CSRs, timer (KVM order) and GINTC */
static void put(unsigned i)
{
    save_gcsrs(&ctx[i]);
    hv_timer_save(&ctx[i]);
    ctx[i].gintc = csrrd(CSR_GINTC);
}

/* vCPU i takes the core; its first entry starts its zone (hv_run_zone: zero GPRs, entry, GID, GINTC) */
static struct vcpu *load(unsigned i)
{
    running = i;
    load_gcsrs(&ctx[i]);
    hv_timer_restore(&ctx[i]);
    if (!ctx[i].started) {
        ctx[i].started = 1;
        hv_run_zone(vcs[i], ctx[i].zone);
    }
    const struct zone *z = &hv_zones[ctx[i].zone];
    csrwr(CSR_GINTC, ctx[i].gintc);
    csrwr(CSR_PGDL, hv_stage2_root(ctx[i].zone));
    set_gid(z->gid);
    return vcs[i];
}

void hv_vsw_start(void)
{
    struct vsw_ctx boot;
    save_gcsrs(&boot);                  /* the guest bank's reset values: every vCPU's first context */
    hv_timer_save(&boot);
    for (unsigned z = 0; z < hv_nr_zones && nr < VSW_MAX; z++) {
        if (hv_zones[z].cpu != 0 || !hv_zones[z].autostart)
            continue;
        hv_stage2_build((int)z);
        ctx[nr] = boot;
        ctx[nr].zone = (int)z;
        ctx[nr].wake = 0;
        vcs[nr]->cpu = 0;
        vcs[nr]->zone = (int)z;
        vcs[nr]->hv_sp = hv_vcpus[0].hv_sp;
        nr++;
    }
    printf("hv: %u vCPUs on core 0 (context switching)\n", nr);
    load(0);                            /* never returns: the first entry */
    hv_fatal(0, "vsw start");
}

/* Which vCPU runs next: the running one unless it sleeps; a sleeper whose wake time passed takes the core from
 * one that never sleeps. With none runnable the root waits for the earliest wake. The root timer is armed for
 * the earliest wake of a vCPU that is not running. */
struct vcpu *hv_vsw_schedule(struct vcpu *vc)
{
    unsigned cur = running, next = cur;
    uint64_t now = rdtime();
    for (unsigned k = 1; k < nr; k++) {
        unsigned j = (cur + k) % nr;
        if (ctx[j].wake <= now && (ctx[cur].wake > now || ctx[j].wake != 0)) {
            next = j;
            break;
        }
    }
    if (next == cur && ctx[cur].wake > now) {   /* nobody runnable: wait in the root */
        uint64_t w = NEVER;
        for (unsigned j = 0; j < nr; j++)
            if (ctx[j].wake < w)
                w = ctx[j].wake;
        if (w == NEVER)
            hv_fatal(vc, "every vCPU blocked for good");
        while (rdtime() < w)
            ;
        for (unsigned j = 0; j < nr; j++)
            if (ctx[j].wake == w) {
                next = j;
                break;
            }
    }
    ctx[next].wake = 0;
    if (next != cur) {
        put(cur);
        switches++;
    }
    running = next;
    uint64_t w = NEVER;
    now = rdtime();
    for (unsigned j = 0; j < nr; j++)
        if (j != next && ctx[j].wake && ctx[j].wake < w)
            w = ctx[j].wake;
    if (w != NEVER) {
        uint64_t ticks = w > now + 8 ? w - now : 8;
        csrwr(CSR_TCFG, (ticks & TCFG_INITVAL_MASK) | TCFG_EN);   /* the root tick that switches it back in */
    }
    if (next != cur)
        vc = load(next);          /* a first entry does not come back: it enters the zone */
    return vc;
}

int hv_vsw_hvc(struct vcpu *vc)
{
    uint64_t code = vc->regs[4], a1 = vc->regs[5];
    switch (code) {
    case HC_VSW_SLEEP:
        ctx[running].wake = rdtime() + (a1 ? a1 : 1);
        vc->regs[4] = 0;
        break;
    case HC_VSW_INVTLB_GID:
        if (a1 >= hv_nr_zones) {
            vc->regs[4] = (uint64_t)-(int64_t)HV_EINVAL;
            break;
        }
        /* invtlb by GID (design.md 12.6: invtlb 0 acts on the entries of GID = TGID): that zone's only */
#ifndef HV_BUG_INVTLB_NO_TGID     /* the mutation: TGID stays the caller's, so its own entries go instead */
        csrwr(CSR_GTLBC, GTLBC_USETGID | ((uint64_t)hv_zones[a1].gid << GTLBC_TGID_SHIFT));
#endif
        __asm__ volatile("invtlb 0, $zero, $zero" ::: "memory");
        csrwr(CSR_GTLBC, GTLBC_USETGID | ((uint64_t)hv_zones[vc->zone].gid << GTLBC_TGID_SHIFT));
        vc->regs[4] = 0;
        break;
    case HC_VSW_SWITCHES:
        vc->regs[4] = switches;
        break;
    default:
        return 0;
    }
    vc->era += 4;
    return 1;
}

/* KVM's blocking idle with several vCPUs: nothing pending and enabled -> the vCPU is switched out until its
 * one-shot expires (kvm_vcpu_block + the soft timer); the restore then delivers the TI (timer_ctx.c). */
void hv_vsw_idle(struct vcpu *vc)
{
    vc->era += 4;
    if (gcsrrd(CSR_ESTAT) & gcsrrd(CSR_ECFG) & ECFG_LIE_MASK)
        return;
    uint64_t tcfg = gcsrrd(CSR_TCFG), tval = gcsrrd(CSR_TVAL);
    if ((tcfg & TCFG_EN) && !(tcfg & TCFG_PERIODIC) && tval <= (tcfg & TCFG_INITVAL_MASK))
        ctx[running].wake = rdtime() + tval;
    else if (tcfg & TCFG_EN && tcfg & TCFG_PERIODIC)
        ctx[running].wake = rdtime() + tval;
}
#endif
