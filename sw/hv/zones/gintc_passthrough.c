/* gintc_passthrough (T14): one root zone on core 0 running guest_gintc_passthrough; the guest routes the
 * testbench's device line (HC_TEST_HWI_ROUTE) and sets GINTC.PIP itself (HC_TEST_SET_PIP). */
#include "zone_std.h"

const struct zone hv_zones[] = {HV_ZONE_STD(0, 1, 1, 1)};
const unsigned hv_nr_zones = 1;
