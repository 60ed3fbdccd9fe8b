/* iocsr_guest_ipi_virt (T8, docs/design.md 13.11): one zone on core 0; its IPI block is virtual (vipi.c). */
#include "zone_std.h"

const struct zone hv_zones[] = {HV_ZONE_STD(0, 1, 1, 1)};
const unsigned hv_nr_zones = 1;
