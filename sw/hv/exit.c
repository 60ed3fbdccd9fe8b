/* Exit dispatch on the root ESTAT (hypervisor-behaviour.md section 2), zone entry, the boot flow. */
#include <stdint.h>

#include "hv.h"
#include "ipi.h"
#include "poweroff.h"
#include "print.h"
#include "trap.h"
#ifdef HV_VCPU_SWITCH
#include "vsw.h"
#endif

#ifndef HV_TEST_NAME
#define HV_TEST_NAME "hv"
#endif

const char *hv_test_name(void) { return HV_TEST_NAME; }

void hv_fatal(struct vcpu *vc, const char *what)
{
    if (vc)
        printf("hv: FATAL cpu %u zone %d: %s: ecode 0x%lx sub %lu ERA %lx BADV %lx BADI %08lx\n", vc->cpu, vc->zone,
               what, ESTAT_ECODE(vc->estat), ESTAT_ESUBCODE(vc->estat), vc->era, vc->badv, vc->badi);
    else
        printf("hv: FATAL: %s\n", what);
    printf("%s: FAIL\n", hv_test_name());
    poweroff();
}

void hv_run_zone(struct vcpu *vc, int zone)
{
    const struct zone *z = &hv_zones[zone];
    vc->zone = zone;
    hv_power_on[vc->cpu] = 1;
    csrwr(CSR_PGDL, hv_stage2_root(zone));
    csrxchg(CSR_GSTAT, (uint64_t)z->gid << GSTAT_GID_SHIFT, 0xffUL << GSTAT_GID_SHIFT);
    csrwr(CSR_GTLBC, GTLBC_USETGID | ((uint64_t)z->gid << GTLBC_TGID_SHIFT));  /* GMTLBNum 0: guests run unpaged */
    __asm__ volatile("invtlb 0, $zero, $zero" ::: "memory");                    /* this GID's stale entries */
#ifdef HV_BUG_STALE_VIP
    csrxchg(CSR_GINTC, (z->pip & 0xff) << 8, 0xff00);   /* the mutation (shutdown.c): VIP kept */
#else
    csrwr(CSR_GINTC, (z->pip & 0xff) << 8);
#endif
#ifndef HV_BUG_NO_ZERO_GPRS
    for (unsigned i = 0; i < 32; i++)
        vc->regs[i] = 0;                                 /* hvisor d83315e: a zone starts with zero GPRs */
#endif  /* the mutation: a woken core enters its zone with the GPRs its park loop's doorbell exit saved */
    vc->era = z->entry;
    hv_vcpu_enter(vc);
}

void hv_exit(struct vcpu *vc)
{
    vc->exits++;
    unsigned ecode = (unsigned)ESTAT_ECODE(vc->estat);
    if (!(vc->gstat & GSTAT_PVM)) {          /* not an exit: an exception of the root itself */
        if (vc->zone < 0 && ecode == ECODE_INT)
            hv_park_irq(vc);                 /* the doorbell of a parked core */
        hv_fatal(vc, "root exception");
    }
    switch (ecode) {
    case ECODE_INT:
        hv_handle_irq(vc);
        break;
    case ECODE_PIL:
    case ECODE_PIS:
        hv_handle_mmio(vc);
        break;
    case ECODE_GSPR:
#ifdef HV_VCPU_SWITCH
        if ((vc->badi >> 15) == 0xc91) {     /* idle: KVM's block switches the vCPU out (sched.c) */
            hv_vsw_idle(vc);
            break;
        }
#endif
        hv_handle_gspr(vc);
        break;
    case ECODE_HVC:
#ifdef HV_VCPU_SWITCH
        if (hv_vsw_hvc(vc))
            break;
#endif
        hv_handle_hvc(vc);
        break;
    default:
        /* PIF, PME, PNR, PNX, GCM...: KVM would inject ADE/INE, which needs the guest ESTAT.Ecode the root
         * cannot write here (design.md 13) */
        hv_fatal(vc, "unhandled exit");
    }
#ifdef HV_VCPU_SWITCH
    vc = hv_vsw_schedule(vc);                /* several vCPUs per core: maybe the other one (sched.c) */
#endif
    hv_vcpu_enter(vc);
}

/* Boot: core 0 after the .bss clear; the others once hv_bss_done is set (entry.S). */
void hv_main(void)
{
    hv_cpucfg_init();
    hv_percpu_init(0);
    printf("hv: %s: %u zone(s)\n", hv_test_name(), hv_nr_zones);
#ifdef HV_VCPU_SWITCH
    hv_vsw_start();                          /* core 0's zones are its vCPUs (sched.c) */
#endif
    int mine = -1;
    for (unsigned z = 0; z < hv_nr_zones; z++) {
        if (!hv_zones[z].autostart)
            continue;
        hv_stage2_build((int)z);
        if (hv_zones[z].cpu == 0 && mine < 0)
            mine = (int)z;
        else if (hv_zones[z].cpu != 0)
            hv_start_on(hv_zones[z].cpu, (int)z);
    }
    if (mine >= 0)
        hv_run_zone(&hv_vcpus[0], mine);
    hv_park(&hv_vcpus[0]);
}

void hv_secondary(unsigned cpu)
{
    hv_percpu_init(cpu);
    hv_park(&hv_vcpus[cpu]);
}
