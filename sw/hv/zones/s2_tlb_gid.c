/* s2_tlb_gid (T17; -DHV_VCPU_SWITCH, design.md 13.10): zones 0 and 1 (GID 2 and 3) take turns on core 0 and
 * run guest_s2_tlb_gid; both map GPA 0x1000_0000 (one 16 KiB page) to their own HPA (hv_s2_remaps, stage2.c),
 * above the guests' 2 MiB of shared RAM. */
#include "zone_std.h"

#define S2_GPA 0x10000000UL

const struct zone hv_zones[] = {
    {.cpu = 0, .gid = 2, .root = 1, .ram_base = 0x01000000, .ram_size = 0x00200000, .entry = 0x01000000,
     .pip = 0, .windows = {{0x1fe00000, 0x4000, 0}}, .autostart = 1},
    {.cpu = 0, .gid = 3, .root = 0, .ram_base = 0x01000000, .ram_size = 0x00200000, .entry = 0x01000000,
     .pip = 0, .windows = {{0x1fe00000, 0x4000, 0}}, .autostart = 1},
};
const unsigned hv_nr_zones = 2;

struct s2_remap {
    unsigned zone;
    uint64_t gpa, size, hpa;
};
const struct s2_remap hv_s2_remaps[] = {{0, S2_GPA, 0x4000, 0x01400000}, {1, S2_GPA, 0x4000, 0x01404000}};
const unsigned hv_nr_s2_remaps = 2;
