/* virtio_mmio_forward (T19, 2 cores): zone 0 (root, core 0, autostart) runs the virtio daemon; it registers
 * the bridge (VirtioInit) and starts zone 1 (core 1, GID 2), the driver, whose virtio window (stage-2 V = 0,
 * forwarded: virtio.c) raises interrupt 4 (HWI2). Both run guest_virtio_daemon. */
#include "zone_std.h"

#define VIRTIO_GPA 0x30000000UL

const struct zone hv_zones[] = {
    HV_ZONE_STD(0, 1, 1, 1),
    {.cpu = 1, .gid = 2, .root = 0, .ram_base = 0x01000000, .ram_size = 0x00200000, .entry = 0x01000000,
     .pip = 0, .windows = {{0x1fe00000, 0x4000, 0}, {VIRTIO_GPA, 0x4000, HV_WIN_VIRTIO}}, .autostart = 0,
     .virtio_irq = 4},
};
const unsigned hv_nr_zones = 2;
