/* mmu_huge: huge pages.
 *   1. A 2 MiB huge page in the page tables: a Dir1 entry with bit 6 (HUGE) set, so the refill handler's
 *      lddir 1 returns it and ldpte 0/1 split it into one TLB entry of two 1 MiB halves
 *      (PS = PTbase + PTwidth - 1 = 20). Loads at both ends of both halves and a store; one refill in
 *      all; tlbsrch + tlbrd of the entry the refill wrote: PS 20, the halves' PPNs 1 MiB apart.
 *   2. A 16 KiB page in the next Dir1 slot (an ordinary page table): one more refill, PS 14.
 *   3. A pair of 2 MiB pages written with tlbwr (TLBIDX.PS = 21): loads and a store in both halves,
 *      tlbsrch + tlbrd: PS 21. No refill.
 * Data is written through DMW1 (KVA of the PA) and read through the huge mapping, and the other way.
 * TLBELO values from tlbrd are printed with their architectural fields only (QEMU 7.2 keeps the page-table
 * entry's software bits 7-11 in a refilled entry; design.md 9.4 drops them), and the PTEs here have no
 * NR/NX/RPLV (QEMU 7.2's ldpte clears bits 61-63; design.md 9.4 keeps them).
 * Exceptions: TLB refills (2). 1 core, no parameters.
 */
#include "lib/mmu.h"

#define VA_H       (KSEG_TLB + 0x0000030001200000UL)   /* 2 MiB aligned: Dir1 slot 9 */
#define VA_N       (VA_H + (1UL << HUGE_SHIFT))         /* the next Dir1 slot: a 16 KiB page */
#define VA_W       (KSEG_TLB + 0x0000031000000000UL)    /* 4 MiB aligned: a PS 21 pair */
#define HUGE_PA    0x00a00000UL
#define W_EVEN_PA  0x00c00000UL
#define W_ODD_PA   0x00e00000UL

#define ELO_ARCH (TLBELO_V | TLBELO_D | TLBELO_PLV_MASK | TLBELO_MAT_MASK | TLBELO_G | TLBELO_PPN_MASK | \
                  TLBELO_NR | TLBELO_NX | TLBELO_RPLV)

static uint64_t pattern(uint64_t pa) { return pa * 0x9e3779b97f4a7c15UL ^ 0x5a5a; }

/* tlbsrch va, tlbrd the entry found; prints PS and the halves relative to base_pa (ASID kept) */
static unsigned read_entry(const char *what, uint64_t va, uint64_t base_pa, uint64_t *lo0, uint64_t *lo1)
{
    unsigned asid = get_asid();
    int hit = tlb_probe(va);
    tlbrd();
    uint64_t idx = csrrd(CSR_TLBIDX);
    unsigned ps = (unsigned)((idx & TLBIDX_PS_MASK) >> TLBIDX_PS_SHIFT);
    *lo0 = csrrd(CSR_TLBELO0) & ELO_ARCH;
    *lo1 = csrrd(CSR_TLBELO1) & ELO_ARCH;
    set_asid(asid);
    printf("%s: tlbsrch %s, PS %u, TLBEHI[47:PS+1]=VA[47:PS+1]:%s", what, hit ? "hit" : "miss", ps,
           ((csrrd(CSR_TLBEHI) ^ va) & ~((2UL << ps) - 1) & TLBEHI_VPPN_MASK) == 0 ? "yes" : "no");
    const uint64_t lo[2] = { *lo0, *lo1 };
    for (unsigned i = 0; i < 2; i++) {
        if (lo[i] & TLBELO_V)
            printf(", TLBELO%u PPN base+0x%lx flags %03lx", i, (lo[i] & TLBELO_PPN_MASK) - base_pa,
                   lo[i] & ~TLBELO_PPN_MASK);
        else
            printf(", TLBELO%u %lx", i, lo[i]);
    }
    putchar('\n');
    return hit ? ps : 0;
}

static unsigned check_loads(uint64_t va, uint64_t pa, const uint64_t *offs, unsigned n)
{
    unsigned bad = 0;
    for (unsigned i = 0; i < n; i++)
        st64(KVA(pa + offs[i]), pattern(pa + offs[i]));
    for (unsigned i = 0; i < n; i++)
        bad += ld64(va + offs[i]) != pattern(pa + offs[i]);
    return bad;
}

int main(void)
{
    puts("mmu_huge: 2 MiB huge page via lddir/ldpte, 2 MiB pages via tlbwr (PS 21), 1 core");
    mmu_init();
    uint64_t lo0, lo1;

    /* 1. huge Dir1 entry */
    map_huge(VA_H, HUGE_PA, PROT_KDATA);
    uint64_t pa_n = pa_alloc();
    map_page(VA_N, pa_n, PROT_KDATA);   /* no NX: QEMU 7.2's ldpte drops bits 61-63 */
    tlb_flush_all();
    refills_reset();
    static const uint64_t h_offs[] = { 0x100, 0x80008, 0xffff8, 0x100000, 0x1abcd0, 0x1ffff8 };
    unsigned bad = check_loads(VA_H, HUGE_PA, h_offs, 6);
    printf("huge page (Dir1 entry, HUGE): 6 loads over both 1 MiB halves, %u wrong, refills %lu\n", bad, refills());
    check(bad == 0 && refills() == 1, "huge page loads, one refill");
    st64(VA_H + 0x1abcd8, 0x4242);
    printf("store at +0x1abcd8 -> PA base+0x1abcd8: %lx\n", ld64(KVA(HUGE_PA + 0x1abcd8)));
    check(ld64(KVA(HUGE_PA + 0x1abcd8)) == 0x4242, "huge page store");
    unsigned ps = read_entry("refilled huge entry", VA_H + 0x123458, HUGE_PA, &lo0, &lo1);
    check(ps == HUGE_TLB_PS && (lo0 & TLBELO_PPN_MASK) == HUGE_PA &&
              (lo1 & TLBELO_PPN_MASK) == HUGE_PA + (1UL << HUGE_TLB_PS) && (lo0 & TLBELO_V) && (lo1 & TLBELO_V),
          "huge entry: PS 20, halves 1 MiB apart");

    /* 2. the 16 KiB page next to it */
    st64(KVA(pa_n + 0x2000), 0x7777);
    uint64_t v = ld64(VA_N + 0x2000);
    printf("16 KiB page in the next Dir1 slot: %s, refills %lu\n", v == 0x7777 ? "ok" : "WRONG", refills());
    check(v == 0x7777 && refills() == 2, "16 KiB neighbour");
    ps = read_entry("refilled 16 KiB entry", VA_N, pa_n, &lo0, &lo1);
    check(ps == PAGE_SHIFT && (lo0 & TLBELO_PPN_MASK) == pa_n && !(lo1 & TLBELO_V), "16 KiB entry");

    /* 3. 2 MiB pages with tlbwr */
    tlb_write_entry(TLB_FIXED(0), VA_W, 21, W_EVEN_PA | PTE_V | PTE_D | PTE_MAT_CC, W_ODD_PA | PTE_V | PTE_D | PTE_MAT_CC,
                    0);
    static const uint64_t w_offs[] = { 0x10, 0x1ffff8 };
    bad = check_loads(VA_W, W_EVEN_PA, w_offs, 2);
    bad += check_loads(VA_W + 0x200000, W_ODD_PA, w_offs, 2);
    st64(VA_W + 0x2abc00, 0x5353);
    st64(VA_W + 0x0abc00, 0x3535);
    printf("tlbwr PS 21: 4 loads in both 2 MiB halves, %u wrong; stores -> odd %lx even %lx; refills %lu\n", bad,
           ld64(KVA(W_ODD_PA + 0xabc00)), ld64(KVA(W_EVEN_PA + 0xabc00)), refills());
    check(bad == 0 && ld64(KVA(W_ODD_PA + 0xabc00)) == 0x5353 && ld64(KVA(W_EVEN_PA + 0xabc00)) == 0x3535 &&
              refills() == 2,
          "PS 21 pages");
    ps = read_entry("tlbwr PS 21 entry", VA_W + 0x300000, W_EVEN_PA, &lo0, &lo1);
    check(ps == 21 && (lo1 & TLBELO_PPN_MASK) == W_ODD_PA, "PS 21 entry");

    return finish("mmu_huge");
}
