/* mmu_refill: a Linux-style TLB-refill handler walking four directory levels (lddir 4, 3, 2, 1; ldpte 0/1;
 * tlbfill; ertn) over page tables the kernel built, with 120 pages of 16 KiB (60 TLB entries' worth,
 * more than the 32-entry TLB) at TLB-translated upper-half VAs.
 *
 * Layout: five clusters of 24 pages, each under a different path through the tables (they differ in
 * the Dir1, Dir2, Dir3 or Dir4 index). Page i maps PA TEST_PA_BASE + ((53 i + 7) mod 128) * 16 KiB, so
 * VA and PA differ in every bit above the page offset that the permutation touches. PTEs carry Linux's
 * software bits (PRESENT, WRITE: bits 7, 8) and NX (data pages), which the walker must drop or keep
 * without changing the translation.
 *
 * Passes (a full invtlb 0 before each, so every TLB entry is refilled exactly once per pass and the
 * printed refill counts do not depend on which slot tlbfill picks):
 *   1. store 4 words per page through the VA, page pairs in order
 *   2. check those words through DMW1 (KVA of the PA the page tables give): proves the translation
 *   3. load them back through the VA, pairs in reverse, odd page first; checksum
 *   4. ld.b/ld.hu/ld.w, st.h and amadd.d (a store) through the VA; checked through DMW1
 *   5. no flush, 240 loads hopping between pages: entries get evicted and refilled (how often depends on
 *      the fill rule, so only the checksum is printed)
 * Prints per pass the refills taken (SAVE7, counted by the handler) and checksums; last line PASS/FAIL.
 * Exceptions: TLB refills only (ecode 0x3F in the trace). 1 core, no parameters.
 */
#include "lib/mmu.h"

#define NCLUSTER       5
#define PAGES_PER      24
#define NPAGES         (NCLUSTER * PAGES_PER)
#define WORDS          4

#define KVA_OF(d4, d3, d2, d1, pt)                                                                          \
    (KSEG_TLB | ((uint64_t)(d4) << DIR4_BASE) | ((uint64_t)(d3) << DIR3_BASE) | ((uint64_t)(d2) << DIR2_BASE) | \
     ((uint64_t)(d1) << DIR1_BASE) | ((uint64_t)(pt) << PT_BASE))

static const uint64_t cluster_va[NCLUSTER] = {
    KVA_OF(1, 2, 3, 4, 0),      /* reference path */
    KVA_OF(1, 2, 3, 5, 100),    /* other Dir1 index (other page table) */
    KVA_OF(1, 2, 200, 0, 40),   /* other Dir2 index */
    KVA_OF(1, 17, 0, 0, 64),    /* other Dir3 index */
    KVA_OF(30, 0, 0, 255, 2),   /* other Dir4 index */
};

static uint64_t page_va(unsigned i) { return cluster_va[i / PAGES_PER] + (uint64_t)(i % PAGES_PER) * PAGE_SIZE; }
static uint64_t page_pa(unsigned i) { return TEST_PA_BASE + (uint64_t)((i * 53 + 7) % 128) * PAGE_SIZE; }
static uint64_t word_off(unsigned i, unsigned k) { return ((uint64_t)(i * 1031 + k * 4099) * 8) % PAGE_SIZE; }
static uint64_t pattern(unsigned i, unsigned k)
{
    return ((uint64_t)i << 40) ^ ((uint64_t)k << 32) ^ (0x9e3779b97f4a7c15UL * (i * WORDS + k + 1));
}

static uint64_t mix(uint64_t sum, uint64_t v) { return (sum ^ v) * 0x100000001b3UL + (sum >> 29); }

static void pass_start(void)
{
    tlb_flush_all();
    refills_reset();
}

static void report(const char *what, uint64_t expect)
{
    uint64_t n = refills();
    printf("%s: refills %lu\n", what, n);
    check(n == expect, what);
}

int main(void)
{
    puts("mmu_refill: 4-level lddir/ldpte walk, tlbfill, 120 x 16 KiB pages at upper-half VAs, 1 core");
    mmu_init();
    printf("PWCL %08lx PWCH %08lx: PT 14/7 Dir1 21/8 Dir2 29/8 Dir3 37/5 Dir4 42/5\n", (uint64_t)MMU_PWCL,
           (uint64_t)MMU_PWCH);

    for (unsigned i = 0; i < NPAGES; i++)
        map_page(page_va(i), page_pa(i), PROT_KDATA | PTE_NX);
    printf("page tables: %u tables of the pool used\n", pt_tables_used());

    unsigned walk_ok = 1;
    for (unsigned i = 0; i < NPAGES; i++) {
        uint64_t pa;
        walk_ok &= pt_lookup(page_va(i) + 0x123, &pa) && pa == page_pa(i) + 0x123;
    }
    check(walk_ok, "software walk of the tables");

    /* 1: stores */
    pass_start();
    for (unsigned i = 0; i < NPAGES; i++)
        for (unsigned k = 0; k < WORDS; k++)
            st64(page_va(i) + word_off(i, k), pattern(i, k));
    report("pass 1 (st.d, 120 pages in order)", NPAGES / 2);
    printf("tlbsrch of the last page touched: %s\n", tlb_probe(page_va(NPAGES - 1)) ? "hit" : "miss");

    /* 2: the data landed at the PAs the tables give */
    unsigned bad = 0;
    for (unsigned i = 0; i < NPAGES; i++)
        for (unsigned k = 0; k < WORDS; k++)
            bad += ld64(KVA(page_pa(i) + word_off(i, k))) != pattern(i, k);
    printf("pass 2 (check through DMW1): %u of %u words wrong, refills %lu\n", bad, NPAGES * WORDS, refills());
    check(bad == 0 && refills() == NPAGES / 2, "pass 2");

    /* 3: loads, pairs in reverse, odd page first */
    pass_start();
    uint64_t sum = 0;
    bad = 0;
    for (int i = NPAGES - 1; i >= 0; i--) {
        for (unsigned k = 0; k < WORDS; k++) {
            uint64_t v = ld64(page_va((unsigned)i) + word_off((unsigned)i, k));
            bad += v != pattern((unsigned)i, k);
            sum = mix(sum, v);
        }
    }
    printf("pass 3 (ld.d, reverse): checksum %016lx, %u wrong\n", sum, bad);
    check(bad == 0, "pass 3 data");
    report("pass 3", NPAGES / 2);

    /* 4: narrow loads, st.h, amadd.d */
    pass_start();
    sum = 0;
    for (unsigned i = 0; i < NPAGES; i++) {
        uint64_t va = page_va(i);
        sum = mix(sum, *(volatile uint8_t *)(uintptr_t)(va + word_off(i, 1) + 3));
        sum = mix(sum, *(volatile uint16_t *)(uintptr_t)(va + word_off(i, 2) + 6));
        sum = mix(sum, (uint64_t)*(volatile int32_t *)(uintptr_t)(va + word_off(i, 3) + 4));
        *(volatile uint16_t *)(uintptr_t)(va + word_off(i, 2)) = (uint16_t)(0xa5a5 ^ i);
        uint64_t old;
        __asm__ volatile("amadd.d %0, %1, %2" : "=&r"(old) : "r"((uint64_t)i + 1), "r"(va + word_off(i, 0))
                         : "memory");
        sum = mix(sum, old);
    }
    printf("pass 4 (ld.bu/ld.hu/ld.w, st.h, amadd.d): checksum %016lx\n", sum);
    report("pass 4", NPAGES / 2);
    bad = 0;
    for (unsigned i = 0; i < NPAGES; i++) {
        uint64_t p2 = (pattern(i, 2) & ~0xffffUL) | (uint16_t)(0xa5a5 ^ i);
        bad += ld64(KVA(page_pa(i) + word_off(i, 0))) != pattern(i, 0) + i + 1;
        bad += ld64(KVA(page_pa(i) + word_off(i, 2))) != p2;
    }
    printf("pass 4 check through DMW1: %u wrong\n", bad);
    check(bad == 0, "pass 4 data");

    /* 5: revisits without a flush (evictions and re-walks; the count depends on the fill rule) */
    sum = 0;
    bad = 0;
    for (unsigned j = 0; j < 2 * NPAGES; j++) {
        unsigned i = (j * 37) % NPAGES;
        unsigned k = j & 3;
        uint64_t v = ld64(page_va(i) + word_off(i, k));
        uint64_t want = k == 0 ? pattern(i, 0) + i + 1
                      : k == 2 ? (pattern(i, 2) & ~0xffffUL) | (uint16_t)(0xa5a5 ^ i) : pattern(i, k);
        bad += v != want;
        sum = mix(sum, v);
    }
    printf("pass 5 (240 loads hopping between pages, no flush): checksum %016lx, %u wrong\n", sum, bad);
    check(bad == 0, "pass 5");

    return finish("mmu_refill");
}
