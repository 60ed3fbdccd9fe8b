/* hvcl_hypercall: zone 0 (root, core 0, autostart) and zone 1 (non-root, core 1, started by zone 0 with
 * ZoneStart), both running guest_hvcl_hypercall (the same image: the guest tells them apart with
 * HC_TEST_ZONE_ID). */
#include "zone_std.h"

const struct zone hv_zones[] = {HV_ZONE_STD(0, 1, 1, 1), HV_ZONE_STD(1, 2, 0, 0)};
const unsigned hv_nr_zones = 2;
