/* iocsr_guest_ipi_virt_2core (T8, docs/design.md 13.11): zone 0 (root, core 0) IPIs zone 1 (core 1) through
 * the virtual IPI blocks; both autostart and run guest_iocsr_guest_ipi_virt. */
#include "zone_std.h"

const struct zone hv_zones[] = {HV_ZONE_STD(0, 1, 1, 1), HV_ZONE_STD(1, 2, 0, 1)};
const unsigned hv_nr_zones = 2;
