/* mmu_invtlb: the effect of every invtlb op (0-6), tlbclr and tlbflush, proven by which mappings still
 * translate afterwards; invtlb op 7 raises INE.
 *
 * Each round: invtlb 0, then tlbwr at fixed indices (under the ASID each entry is tagged with):
 *   A  16 KiB, global (G in both halves)        B1 16 KiB, ASID 1        B2 same VA as B1, ASID 2
 *   C  16 KiB, ASID 1                           D  16 KiB, ASID 2        F  2 MiB pages (PS 21), ASID 1
 * then ASID = 1, the operation, and seven probes: a load under a given ASID (A1 = VA of A under ASID 1,
 * ..., F1 = the odd half of F, 3 MiB into the pair). TLBRENTRY = tlbr_probe: a load that misses takes a
 * TLB refill that only counts it and skips the load (nothing is filled, so the fixed entries stay), so a
 * probe prints '+' (hit, and the data of the PA the entry maps) or '-' (refill). The expected pattern is
 * checked; the total of refills is printed at the end.
 * Exceptions: TLB refill (probes), INE (op 7). 1 core, no parameters.
 */
#include "lib/mmu.h"

#define VA_A      (KSEG_TLB + 0x10000000UL)
#define VA_B      (KSEG_TLB + 0x10010000UL)
#define VA_C      (KSEG_TLB + 0x10020000UL)
#define VA_D      (KSEG_TLB + 0x10030000UL)
#define VA_F      (KSEG_TLB + 0x10400000UL)   /* 4 MiB aligned: a PS 21 pair */
#define F_EVEN_PA 0x00c00000UL
#define F_ODD_PA  0x00e00000UL
#define SENTINEL  0xdeadbeefdeadbeefUL

enum { P_A1, P_A2, P_B1, P_B2, P_C1, P_D2, P_F1, NPROBE };
static const char *const probe_name[NPROBE] = { "A1", "A2", "B1", "B2", "C1", "D2", "F1" };
static const unsigned probe_asid[NPROBE] = { 1, 2, 1, 2, 1, 2, 1 };
static uint64_t probe_va[NPROBE], probe_pa[NPROBE];

static unsigned ine_count;
static void h_ine(struct trap_frame *tf)
{
    ine_count++;
    tf->era += 4;
}

static uint64_t probe_ld(uint64_t va)
{
    uint64_t v = SENTINEL;
    __asm__ volatile("ld.d %0, %1, 0" : "+r"(v) : "r"(va) : "memory");
    return v;
}

static uint64_t lo(uint64_t pa, uint64_t bits) { return (pa & TLBELO_PPN_MASK) | PTE_V | PTE_D | PTE_MAT_CC | bits; }

static uint64_t pa_a, pa_b1, pa_b2, pa_c, pa_d;

static void setup(void)
{
    tlb_flush_all();
    set_asid(1);
    tlb_map_16k(TLB_FIXED(0), VA_A, lo(pa_a, PTE_G));
    tlb_map_16k(TLB_FIXED(1), VA_B, lo(pa_b1, 0));
    tlb_map_16k(TLB_FIXED(3), VA_C + PAGE_SIZE, lo(pa_c, 0));   /* odd half */
    tlb_write_entry(TLB_FIXED(5), VA_F, 21, lo(F_EVEN_PA, 0), lo(F_ODD_PA, 0), 0);
    set_asid(2);
    tlb_map_16k(TLB_FIXED(2), VA_B, lo(pa_b2, 0));
    tlb_map_16k(TLB_FIXED(4), VA_D, lo(pa_d, 0));
    set_asid(1);
}

/* run the probes, print "<what>: A1+ A2- ..." and compare with `expect` ('+'/'-' per probe) */
static void probe_all(const char *what, const char *expect)
{
    char got[NPROBE + 1];
    printf("%-44s", what);
    for (unsigned i = 0; i < NPROBE; i++) {
        set_asid(probe_asid[i]);
        uint64_t before = refills();
        uint64_t v = probe_ld(probe_va[i]);
        int missed = refills() != before;
        int data_ok = missed ? v == SENTINEL && last_refill_va() == probe_va[i] : v == ld64(KVA(probe_pa[i]));
        got[i] = !data_ok ? '?' : missed ? '-' : '+';
        printf(" %s%c", probe_name[i], got[i]);
    }
    got[NPROBE] = 0;
    set_asid(1);
    int ok = 1;
    for (unsigned i = 0; i < NPROBE; i++)
        ok &= got[i] == expect[i];
    printf("%s\n", ok ? "" : "  <- expected other");
    check(ok, what);
}

int main(void)
{
    puts("mmu_invtlb: invtlb 0-7, tlbclr, tlbflush on tlbwr-made entries, probe refill handler, 1 core");
    mmu_init();
    tlbr_use(tlbr_probe);
    trap_set_exc_handler(ECODE_INE, h_ine);

    pa_a = pa_alloc();
    pa_b1 = pa_alloc();
    pa_b2 = pa_alloc();
    pa_c = pa_alloc();
    pa_d = pa_alloc();
    const uint64_t va[NPROBE] = { VA_A, VA_A, VA_B + 0x108, VA_B + 0x108, VA_C + PAGE_SIZE + 0x40, VA_D + 0x18,
                                  VA_F + 0x300000 + 0x1238 };
    const uint64_t pa[NPROBE] = { pa_a, pa_a, pa_b1 + 0x108, pa_b2 + 0x108, pa_c + 0x40, pa_d + 0x18,
                                  F_ODD_PA + 0x100000 + 0x1238 };
    for (unsigned i = 0; i < NPROBE; i++) {
        probe_va[i] = va[i];
        probe_pa[i] = pa[i];
        st64(KVA(pa[i]), 0x1000 + i);
    }

    setup();
    probe_all("no operation", "+++++++");
    setup();
    invtlb(0, 0, 0);
    probe_all("invtlb 0 (all)", "-------");
    setup();
    invtlb(1, 0, 0);
    probe_all("invtlb 1 (all)", "-------");
    setup();
    invtlb(2, 0, 0);
    probe_all("invtlb 2 (G=1)", "--+++++");
    setup();
    invtlb(3, 0, 0);
    probe_all("invtlb 3 (G=0)", "++-----");
    setup();
    invtlb(4, 1, 0);
    probe_all("invtlb 4 ASID 1 (G=0)", "++-+-+-");
    setup();
    invtlb(5, 1, VA_B + PAGE_SIZE + 8);
    probe_all("invtlb 5 ASID 1, B's odd page", "++-++++");
    setup();
    invtlb(5, 1, VA_A);
    probe_all("invtlb 5 ASID 1, A (global: stays)", "+++++++");
    setup();
    invtlb(5, 1, VA_F + 0x12340);
    probe_all("invtlb 5 ASID 1, F+0x12340 (PS 21 entry)", "++++++-");
    setup();
    invtlb(6, 2, VA_B);
    probe_all("invtlb 6 ASID 2, B", "+++-+++");
    setup();
    invtlb(6, 3, VA_A + 0x2000);
    probe_all("invtlb 6 ASID 3, A (global: goes)", "--+++++");
    setup();
    invtlb(6, 3, VA_C);
    probe_all("invtlb 6 ASID 3, C (ASID 1: stays)", "+++++++");
    setup();
    invtlb(7, 1, VA_B);
    printf("invtlb 7: INE taken %u time(s)\n", ine_count);
    check(ine_count == 1, "invtlb 7 raises INE");
    probe_all("invtlb 7 (no effect)", "+++++++");
    setup();
    csrwr(CSR_TLBIDX, TLB_FIXED(0));        /* QEMU: an index in its MTLB makes tlbclr/tlbflush cover it */
    tlbclr();
    probe_all("tlbclr under ASID 1", "++-+-+-");
    setup();
    csrwr(CSR_TLBIDX, TLB_FIXED(0));
    tlbflush();
    probe_all("tlbflush", "-------");

    printf("refills taken: %lu\n", refills());
    check(refills() == 39, "39 refills");
    return finish("mmu_invtlb");
}
