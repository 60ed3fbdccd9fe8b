/* R9: a real stage-2 page table per zone, built from the zone table (hv.h struct zone).
 * Geometry (the refill handler's PWCL/PWCH, as sw/mmu): 16 KiB pages; PT GPA[20:14] (128 entries),
 * Dir1 [28:21] (256), Dir2 [36:29] (256), Dir3 [41:37] (32), Dir4 [46:42] (32, the root in PGDL).
 * Empty directory slots point at a shared chain of "invalid" tables ending in a PT of zero PTEs (Linux's
 * invalid_pmd_table...), so a walk of any GPA ends at a PTE: a V = 0 one raises PIL/PIS/PIF in the root.
 *   RAM window:         identity (GPA = HPA), V D G, MAT CC
 *   pass-through MMIO:  identity, V D G, MAT SUC
 *   emulated MMIO:      a PTE of 0 (V = 0): every access exits with BADV = the GPA (mmio.c)
 * Tables are 2 KiB slots of a pool in .bss; physical addresses = link addresses (lddir masks to PA). */
#include <stdint.h>

#include "hv.h"
#include "print.h"

#define S2_PAGE   (1UL << 14)
#define SLOT      2048
#define NSLOTS    32      /* 4 invalid tables + about 8 per zone; cleared with .bss at boot, so no bigger */
#define PTE_V     1UL
#define PTE_D     2UL
#define PTE_CC    (1UL << 4)
#define PTE_G     (1UL << 6)

static uint64_t pool[NSLOTS][SLOT / 8] __attribute__((aligned(4096)));
static unsigned used;
static uint64_t *inv[4];            /* inv[0] = PT of zeros, inv[1] = Dir1 -> inv[0], ... */
static uint64_t *roots[HV_MAX_ZONES];

#define A(p) ((uint64_t)(uintptr_t)(p))

#ifdef HV_VCPU_SWITCH
/* optional (weak): a zone table may map RAM at a GPA to another HPA (T17, design.md 13.10) */
struct s2_remap {
    unsigned zone;
    uint64_t gpa, size, hpa;
};
extern const struct s2_remap hv_s2_remaps[] __attribute__((weak));
extern const unsigned hv_nr_s2_remaps __attribute__((weak));
#endif

static uint64_t *alloc_slot(uint64_t fill, int align4k)
{
    if (align4k && (used & 1))
        used++;
    if (used >= NSLOTS) {
        printf("hv: stage-2 table pool exhausted\n");
        hv_fatal(0, "stage 2");
    }
    uint64_t *t = pool[used++];
    for (unsigned i = 0; i < SLOT / 8; i++)
        t[i] = fill;
    return t;
}

static uint64_t *alloc_table(uint64_t fill)
{
    return alloc_slot(fill, 0);
}

/* PGDL keeps only bits [63:12] of the root's address: the root takes an even (4 KiB-aligned) slot */
static uint64_t *alloc_root(uint64_t fill)
{
    return alloc_slot(fill, 1);
}

static const unsigned shift[5] = {14, 21, 29, 37, 42};  /* level 0 = PT, 1..4 = Dir1..Dir4 */
static const unsigned width[5] = {7, 8, 8, 5, 5};

static unsigned index_of(uint64_t gpa, unsigned level)
{
    return (unsigned)((gpa >> shift[level]) & ((1UL << width[level]) - 1));
}

static void map_page(uint64_t *root, uint64_t gpa, uint64_t pte)
{
    uint64_t *t = root;
    for (unsigned level = 4; level >= 1; level--) {
        uint64_t *slot = &t[index_of(gpa, level)];
        if (*slot == A(inv[level - 1]))
            *slot = A(alloc_table(level - 1 ? A(inv[level - 2]) : 0));
        t = (uint64_t *)(uintptr_t)*slot;
    }
    t[index_of(gpa, 0)] = pte;
}

static void map_range(uint64_t *root, uint64_t base, uint64_t size, uint64_t flags)
{
    for (uint64_t a = base & ~(S2_PAGE - 1); a < base + size; a += S2_PAGE)
        map_page(root, a, flags ? (a | flags) : 0);
}

void hv_stage2_build(int zone)
{
    if (!inv[0]) {
        inv[0] = alloc_table(0);
        for (unsigned l = 1; l < 4; l++)
            inv[l] = alloc_table(A(inv[l - 1]));
    }
    if (roots[zone])
        return;
    const struct zone *z = &hv_zones[zone];
    uint64_t *root = alloc_root(A(inv[3]));
    map_range(root, z->ram_base, z->ram_size, PTE_V | PTE_D | PTE_G | PTE_CC);
    for (unsigned w = 0; w < HV_MAX_WINDOWS; w++) {
        const struct mmio_window *win = &z->windows[w];
        if (win->size)
            map_range(root, win->base, win->size, win->emulated ? 0 : (PTE_V | PTE_D | PTE_G));
    }
#ifdef HV_VCPU_SWITCH
    for (unsigned r = 0; &hv_nr_s2_remaps && r < hv_nr_s2_remaps; r++)   /* 13.10: RAM at another HPA */
        if (hv_s2_remaps[r].zone == (unsigned)zone)
            for (uint64_t off = 0; off < hv_s2_remaps[r].size; off += S2_PAGE)
                map_page(root, hv_s2_remaps[r].gpa + off, (hv_s2_remaps[r].hpa + off) | PTE_V | PTE_D | PTE_G | PTE_CC);
#endif
    __asm__ volatile("dbar 0" ::: "memory");
    roots[zone] = root;
}

uint64_t hv_stage2_root(int zone)
{
    return A(roots[zone]);
}
