/* oneshot_ack_order: one root zone on core 0 running guest_idle_timer. */
#include "zone_std.h"

const struct zone hv_zones[] = {HV_ZONE_STD(0, 1, 1, 1)};
const unsigned hv_nr_zones = 1;
