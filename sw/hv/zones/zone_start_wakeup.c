/* zone_start_wakeup (T4): zone 0 (root, core 0, autostart) starts zone 1 (non-root, core 1, GID 2) with
 * ZoneStart; zone 1 is given a GINTC.PIP mask (ZONE1_PIP) the testbench checks at its first instruction. Both
 * run guest_zone_start_wakeup. */
#include "zone_std.h"

#define ZONE1_PIP 0x81   /* HWI0 and HWI7 passed through: no device drives them in this test */

const struct zone hv_zones[] = {
    HV_ZONE_STD(0, 1, 1, 1),
    {.cpu = 1, .gid = 2, .root = 0, .ram_base = 0x01000000, .ram_size = 0x00200000, .entry = 0x01000000,
     .pip = ZONE1_PIP, .windows = {{0x1fe00000, 0x4000, 0}, {HV_TESTDEV_GPA, 0x4000, 1}}, .autostart = 0},
};
const unsigned hv_nr_zones = 2;
