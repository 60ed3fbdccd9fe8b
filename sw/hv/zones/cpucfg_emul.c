/* cpucfg_emul: one root zone on core 0 running guest_cpucfg_emul. */
#include "zone_std.h"

const struct zone hv_zones[] = {HV_ZONE_STD(0, 1, 1, 1)};
const unsigned hv_nr_zones = 1;
