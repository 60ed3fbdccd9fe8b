/* The usual one-zone table: zone 0 (the root zone, GID 1) on core 0, 2 MiB of RAM at 0x0100_0000
 * identity-mapped (the guest ELF's link address), UART0's page passed through, and one emulated MMIO
 * window (the test device) at HV_TESTDEV_GPA. */
#include "hv.h"

#define HV_TESTDEV_GPA 0x10000000UL
#define HV_ZONE_STD(cpu_, gid_, root_, auto_) { \
    .cpu = (cpu_), .gid = (gid_), .root = (root_), .ram_base = 0x01000000, .ram_size = 0x00200000, \
    .entry = 0x01000000, .pip = 0, \
    .windows = {{0x1fe00000, 0x4000, 0}, {HV_TESTDEV_GPA, 0x4000, 1}}, .autostart = (auto_) }
