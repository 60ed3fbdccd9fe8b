/* R12: a core without a vCPU parks in a root `idle 0` loop with ECFG.LIE.IPI and CRMD.IE = 1; the doorbell
 * interrupt enters hv_exit_entry with GSTAT.PVM = 0 and comes to hv_park_irq, which drains the event queue
 * (WAKEUP runs a zone, SHUTDOWN parks again). power_on is cleared on park (hvisor's bug: it never was). */
#include <stdint.h>

#include "hv.h"
#include "ipi.h"

volatile uint64_t hv_ready[HV_MAX_CPUS] __attribute__((section(".data")));

void hv_park(struct vcpu *vc)
{
    vc->zone = -1;
    hv_power_on[vc->cpu] = 0;
#ifdef HV_BUG_STALE_VIP
    csrxchg(CSR_GINTC, 0, 0xff00);   /* the mutation (shutdown.c): PIP only, VIP left as it was */
#else
    csrwr(CSR_GINTC, 0);
#endif
    __asm__ volatile("dbar 0" ::: "memory");
    hv_ready[vc->cpu] = 1;
    csrxchg(CSR_CRMD, CRMD_IE, CRMD_IE);
    for (;;)
        __asm__ volatile("idle 0" ::: "memory");
}

void hv_park_irq(struct vcpu *vc)
{
    hv_handle_irq(vc);       /* a WAKEUP does not come back */
    hv_park(vc);
}

/* Core 0: wake `cpu` (parked) into `zone` */
void hv_start_on(unsigned cpu, int zone)
{
    while (!hv_ready[cpu])
        ;
    hv_send_event(cpu, EV_WAKEUP, (uint64_t)zone);
}
