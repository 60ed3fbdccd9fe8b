/* mmu_asid: address-space identifiers. The same VA X is mapped (tlbwr, fixed indices) to different PAs
 * under ASID 1 and ASID 2 (non-global, both halves of the pair), a global VA G once; then under ASIDs
 * 1, 2 and 3: loads of X (even and odd page) and G return the data of the PA the entry of that ASID maps,
 * or take a TLB refill (TLBRENTRY = tlbr_probe: counted and skipped, nothing filled); tlbsrch hits or
 * misses (TLBIDX.NE); stores under ASID 1 and 2 land in their own PAs. tlbrd of the written entries
 * reads back TLBEHI[47:13], TLBELO0/1 (as written: G equal in both halves) and TLBIDX.PS/NE; an entry
 * written with TLBIDX.NE = 1 is empty: it no longer translates and tlbrd returns NE = 1 and zeros
 * (ASID.ASID 0 too). tlbrd is done under the entry's own ASID: design.md 9.4 sets ASID.ASID from the
 * entry, QEMU 7.2 keeps it, so both read the same. TLB indices are never printed.
 * Exceptions: TLB refill (probes). 1 core, no parameters.
 */
#include "lib/mmu.h"

#define VA_X     (KSEG_TLB + 0x2000000000UL)
#define VA_G     (KSEG_TLB + 0x2000100000UL)
#define SENTINEL 0xdeadbeefdeadbeefUL

static uint64_t probe_ld(uint64_t va)
{
    uint64_t v = SENTINEL;
    __asm__ volatile("ld.d %0, %1, 0" : "+r"(v) : "r"(va) : "memory");
    return v;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static uint64_t pa_x1, pa_x1b, pa_x2, pa_x2b, pa_g;

/* the PA a load of va hit, named; "refill" if it missed */
static const char *which(uint64_t va, unsigned off)
{
    uint64_t before = refills();
    uint64_t v = probe_ld(va + off);
    if (refills() != before)
        return v == SENTINEL ? "refill" : "?";
    static const char *const names[] = { "X1", "X1b", "X2", "X2b", "G" };
    const uint64_t pas[] = { pa_x1, pa_x1b, pa_x2, pa_x2b, pa_g };
    for (unsigned i = 0; i < 5; i++)
        if (v == ld64(KVA(pas[i] + off)))
            return names[i];
    return "?";
}

static void show_tlbrd(const char *what)
{
    uint64_t idx = csrrd(CSR_TLBIDX);
    printf("%s: NE %lu PS %lu TLBEHI[47:13] %012lx TLBELO0 %016lx TLBELO1 %016lx\n", what, idx >> 31 & 1,
           (idx & TLBIDX_PS_MASK) >> TLBIDX_PS_SHIFT, csrrd(CSR_TLBEHI) & TLBEHI_VPPN_MASK, csrrd(CSR_TLBELO0),
           csrrd(CSR_TLBELO1));
}

int main(void)
{
    puts("mmu_asid: one VA under ASID 1 and 2, a global VA, tlbsrch/tlbrd, probe refill handler, 1 core");
    mmu_init();
    tlbr_use(tlbr_probe);

    pa_x1 = pa_alloc();
    pa_x1b = pa_alloc();
    pa_x2 = pa_alloc();
    pa_x2b = pa_alloc();
    pa_g = pa_alloc();
    const uint64_t pas[] = { pa_x1, pa_x1b, pa_x2, pa_x2b, pa_g };
    for (unsigned i = 0; i < 5; i++) {
        st64(KVA(pas[i] + 0x80), 0xa000 + i);
        st64(KVA(pas[i] + 0x88), 0xb000 + i);
    }
    printf("PAs (test area + n * 16 KiB): X1 %lu X1b %lu X2 %lu X2b %lu G %lu\n", (pa_x1 - TEST_PA_BASE) >> 14,
           (pa_x1b - TEST_PA_BASE) >> 14, (pa_x2 - TEST_PA_BASE) >> 14, (pa_x2b - TEST_PA_BASE) >> 14,
           (pa_g - TEST_PA_BASE) >> 14);

    /* even halves: V D PLV0 CC; odd halves: V PLV0 WUC NX RPLV (no D) */
    const uint64_t even = PTE_V | PTE_D | PTE_MAT_CC, odd = PTE_V | (2UL << TLBELO_MAT_SHIFT) | PTE_NX | PTE_RPLV;
    const uint64_t x1_lo0 = pa_x1 | even, x1_lo1 = pa_x1b | odd;
    const uint64_t g_lo0 = pa_g | even | PTE_G, g_lo1 = PTE_G;
    tlb_flush_all();
    set_asid(1);
    tlb_write_entry(TLB_FIXED(0), VA_X, PAGE_SHIFT, x1_lo0, x1_lo1, 0);
    set_asid(2);
    tlb_write_entry(TLB_FIXED(1), VA_X, PAGE_SHIFT, pa_x2 | even, pa_x2b | odd, 0);
    tlb_write_entry(TLB_FIXED(2), VA_G, PAGE_SHIFT, g_lo0, g_lo1, 0);

    static const char *const expect[3][3] = { { "X1", "X1b", "G" }, { "X2", "X2b", "G" },
                                              { "refill", "refill", "G" } };
    for (unsigned asid = 1; asid <= 3; asid++) {
        set_asid(asid);
        const char *e = which(VA_X, 0x80), *o = which(VA_X + PAGE_SIZE, 0x88), *g = which(VA_G, 0x80);
        int sx = tlb_probe(VA_X + 0x100), sg = tlb_probe(VA_G);
        printf("ASID %u: X -> %s, X+16K -> %s, G -> %s; tlbsrch X %s, G %s\n", asid, e, o, g, sx ? "hit" : "miss",
               sg ? "hit" : "miss");
        const char *const *x = expect[asid - 1];
        check(streq(e, x[0]) && streq(o, x[1]) && streq(g, x[2]), "loads under the ASID");
        check(sx == (asid != 3) && sg, "tlbsrch");
    }

    /* stores under ASID 1 and 2 to X, under ASID 3 to G */
    set_asid(1);
    st64(VA_X + 0x90, 0x1111);
    set_asid(2);
    st64(VA_X + 0x90, 0x2222);
    set_asid(3);
    st64(VA_G + 0x90, 0x3333);
    uint64_t s1 = ld64(KVA(pa_x1 + 0x90)), s2 = ld64(KVA(pa_x2 + 0x90)), s3 = ld64(KVA(pa_g + 0x90));
    printf("stores: X under ASID 1 -> X1 %lx, under ASID 2 -> X2 %lx, G under ASID 3 -> G %lx\n", s1, s2, s3);
    check(s1 == 0x1111 && s2 == 0x2222 && s3 == 0x3333, "stores");

    /* tlbrd under the entry's own ASID */
    set_asid(1);
    csrwr(CSR_TLBIDX, TLB_FIXED(0));
    tlbrd();
    show_tlbrd("tlbrd X/ASID 1");
    check(!(csrrd(CSR_TLBIDX) & TLBIDX_NE) && (csrrd(CSR_TLBIDX) & TLBIDX_PS_MASK) >> TLBIDX_PS_SHIFT == PAGE_SHIFT &&
              (csrrd(CSR_TLBEHI) & TLBEHI_VPPN_MASK) == (VA_X & TLBEHI_VPPN_MASK) && csrrd(CSR_TLBELO0) == x1_lo0 &&
              csrrd(CSR_TLBELO1) == x1_lo1,
          "tlbrd of X/ASID 1");
    set_asid(2);
    csrwr(CSR_TLBIDX, TLB_FIXED(2));
    tlbrd();
    show_tlbrd("tlbrd G");
    check(csrrd(CSR_TLBELO0) == g_lo0 && csrrd(CSR_TLBELO1) == g_lo1 &&
              (csrrd(CSR_TLBEHI) & TLBEHI_VPPN_MASK) == (VA_G & TLBEHI_VPPN_MASK),
          "tlbrd of G");

    /* tlbwr with NE = 1 empties entry 0 (X under ASID 1) */
    set_asid(1);
    tlb_write_entry(TLB_FIXED(0), VA_X, PAGE_SHIFT, x1_lo0, x1_lo1, 1);
    const char *e = which(VA_X, 0x80);
    printf("after tlbwr with NE=1: ASID 1: X -> %s, tlbsrch X %s\n", e, tlb_probe(VA_X) ? "hit" : "miss");
    check(streq(e, "refill") && !tlb_probe(VA_X), "emptied entry");
    csrwr(CSR_TLBIDX, TLB_FIXED(0));
    tlbrd();
    show_tlbrd("tlbrd of the emptied entry");
    printf("  ASID.ASID after it: %u\n", get_asid());
    check((csrrd(CSR_TLBIDX) & TLBIDX_NE) && csrrd(CSR_TLBEHI) == 0 && csrrd(CSR_TLBELO0) == 0 &&
              csrrd(CSR_TLBELO1) == 0 && (csrrd(CSR_TLBIDX) & TLBIDX_PS_MASK) == 0 && get_asid() == 0,
          "tlbrd of an empty entry");
    set_asid(2);
    e = which(VA_X, 0x80);
    printf("ASID 2: X -> %s (its own entry is untouched)\n", e);
    check(streq(e, "X2"), "ASID 2 entry stays");

    set_asid(ASID_KERNEL);
    printf("refills taken: %lu\n", refills());
    check(refills() == 3, "3 refills");
    return finish("mmu_asid");
}
