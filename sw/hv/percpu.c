/* R2: per-core CSR setup of the root. */
#include <stdint.h>

#include "hv.h"
#include "ipi.h"
#include "stack.h"
#include "timer.h"
#include "trap.h"

struct vcpu hv_vcpus[HV_MAX_CPUS] __attribute__((aligned(16)));
volatile uint64_t hv_power_on[HV_MAX_CPUS] __attribute__((section(".data")));

extern char __stack_base[];

/* GCFG capability bits (design.md 12.1) and the values KVM chooses: GCI = 2 (SECURE: only init/unimplemented
 * cacops trap) if GCIP.SECURE, MATC = ROOT if MATP.ROOT (hypervisor-behaviour R2: test the capability bits
 * GCIP_SECURE and MATP_ROOT, KVM's typo fix). */
#define GCFG_MATP_ROOT    (1UL << 1)
#define GCFG_MATC_ROOT    (1UL << 4)
#define GCFG_GCIP_SECURE  (1UL << 18)
#define GCFG_GCI_SECURE   (2UL << 20)

void hv_percpu_init(unsigned cpu)
{
    struct vcpu *vc = &hv_vcpus[cpu];
    vc->cpu = cpu;
    vc->zone = -1;
    vc->hv_sp = (uint64_t)(uintptr_t)__stack_base + ((uint64_t)(cpu + 1) << STACK_SHIFT);
    csrwr(CSR_SAVE0, (uint64_t)(uintptr_t)vc);

    /* mapped through an identity DMW0 (PLV0, MAT CC): a stage-2 refill's ertn leaves the root paged */
    csrwr(CSR_DMW0, DMW_PLV0 | (1UL << DMW_MAT_SHIFT));
    csrxchg(CSR_CRMD, CRMD_PG, CRMD_PG | CRMD_DA | CRMD_IE);
    csrwr(CSR_EENTRY, (uint64_t)(uintptr_t)hv_exit_entry);
    csrwr(CSR_ECFG, (1UL << IRQ_TI) | (1UL << IRQ_IPI));   /* VS = 0, LIE = TI | IPI: no HWI for the root */
    csrwr(CSR_TCFG, 0);
    csrwr(CSR_TICLR, TICLR_CLR);

    /* stage 2: the refill walks the zone's table (PGDL, set per zone) with the sw/mmu geometry */
    csrwr(CSR_TLBRENTRY, (uint64_t)(uintptr_t)tlbr_walk);
    csrwr(CSR_PWCL, PWCL_VALUE(14, 7, 21, 8, 29, 8));
    csrwr(CSR_PWCH, PWCH_VALUE(37, 5, 42, 5));
    csrwr(CSR_STLBPS, 14);
    csrwr(CSR_GTLBC, GTLBC_USETGID);                     /* TGID per zone at its start */

    uint64_t caps = csrrd(CSR_GCFG);
    uint64_t gcfg = 0;
    if (caps & GCFG_GCIP_SECURE)
        gcfg |= GCFG_GCI_SECURE;
    if (caps & GCFG_MATP_ROOT)
        gcfg |= GCFG_MATC_ROOT;
    csrwr(CSR_GCFG, gcfg);                               /* SIT = TIT = TOE = TOP = TORU = 0 */
    csrwr(CSR_GINTC, 0);
    csrxchg(CSR_GSTAT, 0, (0xffUL << GSTAT_GID_SHIFT) | GSTAT_PVM);

    iocsr_write32(IOCSR_IPI_EN, 0xffffffffU);
    ipi_clear(0xffffffffU);
}
