/* mmu_walk_hw: page-walk and TLB rules of design.md 9 that QEMU 7.2 does differently, so this program is
 * checked against the reference model and the RTL only (QEMU 7.2 prints FAIL lines; see each case):
 *   1. ldpte keeps NR/NX/RPLV of a PTE (QEMU 7.2 masks the PTE to 48 bits): a page-table page with NX=1
 *      raises PNX when called, the same page without NX runs.
 *   2. lddir passes a huge entry on and records its level in bits 14:13 (QEMU 7.2 does not): a HUGE Dir2
 *      entry read by lddir 2 goes through lddir 1 (level 1 recorded), and ldpte makes PS = Dir1_base +
 *      Dir1_width - 1 = 28 (QEMU 7.2: PTbase + PTwidth - 1 = 20). The entry maps PA 0 (512 MiB aligned):
 *      a kernel variable is read through it, 2 MiB into the even half.
 *   3. HGLOBAL (bit 12) of a huge entry becomes G (QEMU 7.2 leaves bit 12 in the PPN): filled under
 *      ASID 1, the entry hits under ASID 2 without a refill; tlbrd shows G in both halves.
 *   4. G of an entry is G0 AND G1 (QEMU 7.2 uses TLBELO0.G): tlbwr with G0 = 1, G1 = 0 is not global.
 *   5. MISC.DWPL0 = 1 turns off the dirty check at PLV0 (QEMU 7.2 ignores it): a store to a D=0 page
 *      succeeds; with DWPL0 = 0 it raises PME.
 *   6. lddir with level 0 returns rj without an access (QEMU 7.2 raises INE).
 * TLBRENTRY = tlbr_walk; refill counts are printed only where each pair is touched first after a flush.
 * Exceptions: TLB refills, PNX, PME. 1 core, no parameters.
 */
#include "lib/mmu.h"

uint64_t walk_call(uint64_t va);
void walk_st(uint64_t va, uint64_t v);
uint64_t lddir0(uint64_t rj);
extern char walk_code_fn[], __tlb_code_start[], walk_st_insn[];

#define VA_CODE_NX  (KSEG_TLB + 0x0000050000000000UL)
#define VA_CODE     (VA_CODE_NX + 0x100000)
#define VA_HUGE2    (KSEG_TLB + 0x0000060000000000UL)   /* Dir2 slot: 512 MiB, 512 MiB aligned */
#define VA_HGLOBAL  (KSEG_TLB + 0x0000070000000000UL)   /* Dir1 slot: 2 MiB */
#define VA_G01      (KSEG_TLB + 0x0000080000000000UL)
#define VA_D0       (KSEG_TLB + 0x0000080000100000UL)
#define HG_PA       0x00a00000UL
#define PTE_HGLOBAL (1UL << 12)

#define MAXR 4
static uint64_t rec_estat[MAXR], rec_badv[MAXR], rec_era[MAXR];
static unsigned nrec;

static void h_fault(struct trap_frame *tf)
{
    if (nrec < MAXR) {
        rec_estat[nrec] = tf->estat;
        rec_badv[nrec] = tf->badv;
        rec_era[nrec] = tf->era;
    }
    nrec++;
    if (tf->era == tf->badv)
        tf->era = tf->regs[1];
    else
        tf->era += 4;
}

static volatile uint64_t marker = 0x6d61726b6572UL;

static unsigned tlbrd_of(uint64_t va, uint64_t *lo0, uint64_t *lo1)
{
    unsigned asid = get_asid();
    int hit = tlb_probe(va);
    tlbrd();
    *lo0 = csrrd(CSR_TLBELO0);
    *lo1 = csrrd(CSR_TLBELO1);
    unsigned ps = (unsigned)((csrrd(CSR_TLBIDX) & TLBIDX_PS_MASK) >> TLBIDX_PS_SHIFT);
    set_asid(asid);
    return hit ? ps : 0;
}

int main(void)
{
    puts("mmu_walk_hw: ldpte NX, lddir huge level, HGLOBAL, G0 AND G1, MISC.DWPL0, lddir level 0, 1 core");
    mmu_init();
    trap_set_exc_handler(ECODE_PNX, h_fault);
    trap_set_exc_handler(ECODE_PME, h_fault);
    uint64_t pa_code = A(__tlb_code_start), lo0, lo1;

    /* 1 */
    map_page(VA_CODE_NX, pa_code, PTE_V | PTE_PLV(0) | PTE_MAT_CC | PTE_PRESENT | PTE_NX);
    map_page(VA_CODE, pa_code, PTE_V | PTE_PLV(0) | PTE_MAT_CC | PTE_PRESENT);
    tlb_flush_all();
    uint64_t off = A(walk_code_fn) - pa_code;
    uint64_t v = walk_call(VA_CODE_NX + off);
    printf("1. call into a refilled NX=1 page: %u exception(s), ecode 0x%02lx, BADV=VA:%s\n", nrec,
           nrec ? ESTAT_ECODE(rec_estat[0]) : 0, nrec && rec_badv[0] == VA_CODE_NX + off ? "yes" : "no");
    check(nrec == 1 && ESTAT_ECODE(rec_estat[0]) == ECODE_PNX && v == VA_CODE_NX + off, "PNX from a PTE");
    nrec = 0;
    v = walk_call(VA_CODE + off);
    printf("   call into the same page without NX: %s\n", v == 0x600dc0de && nrec == 0 ? "ran" : "WRONG");
    check(v == 0x600dc0de && nrec == 0, "call without NX");

    /* 2 */
    map_huge_at(2, VA_HUGE2, 0, PTE_V | PTE_D | PTE_PLV(0) | PTE_MAT_CC);
    tlb_flush_all();
    refills_reset();
    v = ld64(VA_HUGE2 + A(&marker));
    unsigned ps = tlbrd_of(VA_HUGE2, &lo0, &lo1);
    printf("2. Dir2 huge entry: read of a kernel variable through it %s, refills %lu, PS %u, TLBELO0 PPN %lx, "
           "TLBELO1 PPN %lx\n", v == marker ? "ok" : "WRONG", refills(), ps, lo0 & TLBELO_PPN_MASK,
           lo1 & TLBELO_PPN_MASK);
    check(v == marker && refills() == 1 && ps == DIR1_BASE + DIR1_WIDTH - 1 && (lo0 & TLBELO_PPN_MASK) == 0 &&
              (lo1 & TLBELO_PPN_MASK) == 1UL << 28,
          "Dir2 huge page: PS 28");

    /* 3 */
    map_huge(VA_HGLOBAL, HG_PA, PTE_V | PTE_D | PTE_PLV(0) | PTE_MAT_CC | PTE_HGLOBAL);
    st64(KVA(HG_PA + 0x1230), 0x4747);
    tlb_flush_all();
    refills_reset();
    set_asid(1);
    uint64_t v1 = ld64(VA_HGLOBAL + 0x1230);
    set_asid(2);
    uint64_t v2 = ld64(VA_HGLOBAL + 0x1230);
    ps = tlbrd_of(VA_HGLOBAL, &lo0, &lo1);
    set_asid(ASID_KERNEL);
    printf("3. HGLOBAL huge entry: ASID 1 %s, ASID 2 %s, refills %lu, PS %u, G %lu/%lu, PPN %lx\n",
           v1 == 0x4747 ? "ok" : "WRONG", v2 == 0x4747 ? "ok" : "WRONG", refills(), ps, lo0 >> 6 & 1, lo1 >> 6 & 1,
           lo0 & TLBELO_PPN_MASK);
    check(v1 == 0x4747 && v2 == 0x4747 && refills() == 1 && ps == HUGE_TLB_PS && (lo0 & lo1 & TLBELO_G) &&
              (lo0 & TLBELO_PPN_MASK) == HG_PA,
          "HGLOBAL -> G");

    /* 4 */
    tlbr_use(tlbr_probe);
    tlb_flush_all();
    refills_reset();
    uint64_t pa = pa_alloc();
    st64(KVA(pa + 0x10), 0x4444);
    set_asid(1);
    tlb_write_entry(TLB_FIXED(0), VA_G01, PAGE_SHIFT, pa | PTE_V | PTE_D | PTE_MAT_CC | PTE_G, 0, 0);
    v1 = ld64(VA_G01 + 0x10);
    set_asid(2);
    int hit2 = tlb_probe(VA_G01);
    uint64_t r0 = refills();
    v2 = 0;
    __asm__ volatile("ld.d %0, %1, 0x10" : "+r"(v2) : "r"(VA_G01) : "memory");
    set_asid(ASID_KERNEL);
    printf("4. tlbwr G0=1 G1=0: ASID 1 load %s; ASID 2 tlbsrch %s, load %s\n", v1 == 0x4444 ? "ok" : "WRONG",
           hit2 ? "hit" : "miss", refills() != r0 ? "refill" : "hit");
    check(v1 == 0x4444 && !hit2 && refills() == r0 + 1, "G = G0 AND G1");
    tlbr_use(tlbr_walk);

    /* 5 */
    tlb_flush_all();
    nrec = 0;
    tlb_map_16k(TLB_FIXED(0), VA_D0, pa | PTE_V | PTE_MAT_CC);
    csrxchg(CSR_MISC, 1UL << 16, 1UL << 16);
    walk_st(VA_D0 + 0x18, 0x5151);
    unsigned n1 = nrec;
    csrxchg(CSR_MISC, 0, 1UL << 16);
    walk_st(VA_D0 + 0x20, 0x5252);
    printf("5. store to a D=0 page: DWPL0=1 %u exception(s), data %lx; DWPL0=0 %u exception(s) ecode 0x%02lx\n", n1,
           ld64(KVA(pa + 0x18)), nrec - n1, nrec > n1 ? ESTAT_ECODE(rec_estat[n1]) : 0);
    check(n1 == 0 && ld64(KVA(pa + 0x18)) == 0x5151 && nrec == 1 && ESTAT_ECODE(rec_estat[0]) == ECODE_PME &&
              rec_era[0] == A(walk_st_insn),
          "MISC.DWPL0");

    /* 6 */
    v = lddir0(0x9000000000123000UL);
    printf("6. lddir level 0: rd %lx\n", v);
    check(v == 0x9000000000123000UL, "lddir level 0");

    return finish("mmu_walk_hw");
}
