/* Zone shutdown on the zone's own core (hypercall 3's SHUTDOWN event; hypervisor-behaviour.md 1.9, 1.11;
 * docs/design.md 13.12): before the core parks, the zone is freed: its GID's stage-2/guest TLB entries are
 * invalidated (GTLBC.TGID = GID with USETGID, invtlb 0: that GID's entries only) and every GINTC.VIP line is
 * de-asserted, so that nothing of the old zone reaches a restarted one. park.c then clears power_on (hvisor's
 * bug 1.11: its idle never did) and GINTC. -DHV_BUG_STALE_VIP (SW_BUG=1 of zone_restart_irq_in_flight, the
 * trouble hvisor PR #365's review reports on a restart): neither the free, the park nor the zone start clears
 * VIP, so a completion injected just before the shutdown is taken by the restarted zone. */
#include <stdint.h>

#include "hv.h"

void hv_zone_free(struct vcpu *vc)
{
    const struct zone *z = &hv_zones[vc->zone];
    csrwr(CSR_GTLBC, GTLBC_USETGID | ((uint64_t)z->gid << GTLBC_TGID_SHIFT));
    __asm__ volatile("invtlb 0, $zero, $zero" ::: "memory");
#ifndef HV_BUG_STALE_VIP
    hv_clear_all_hwi();
#endif
}
