/* tval_oneshot_restore (T10; -DHV_VCPU_SWITCH, design.md 13.10): two vCPUs on core 0, zone 0 (root, GID 1)
 * runs the one-shot cases, zone 1 (GID 2) is the other vCPU that runs while zone 0 is switched out. */
#include "zone_std.h"

const struct zone hv_zones[] = {HV_ZONE_STD(0, 1, 1, 1), HV_ZONE_STD(0, 2, 0, 1)};
const unsigned hv_nr_zones = 2;
