/* ipi_event_drain (T3, docs/design.md 13.11): zone 0 (root, core 0) makes the hypervisor send event pairs to
 * core 1, where zone 1 runs with interrupts off; both autostart and run guest_ipi_event_drain. */
#include "zone_std.h"

const struct zone hv_zones[] = {HV_ZONE_STD(0, 1, 1, 1), HV_ZONE_STD(1, 2, 0, 1)};
const unsigned hv_nr_zones = 2;
