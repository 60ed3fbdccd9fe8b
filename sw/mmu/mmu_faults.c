/* mmu_faults: every page-fault kind QEMU 7.2 delivers, raised and handled one at a time, with TLB entries
 * written by tlbwr at fixed indices (invtlb 0 before each case):
 *   PIL (load, V=0), PIS (store, V=0), PIF (fetch, V=0), PME (store, D=0), PNR (load, NR=1),
 *   PPI at PLV0 (RPLV=1 page of PLV3), PPI at PLV3 (load and store of a PLV0 page; RPLV=1 PLV0 page),
 *   ADEM (load from a non-canonical VA), ADEF (jump to one),
 * plus the accesses that must succeed next to them (the valid odd half, load of a D=0 page, store to an
 * NR page, fetch and run of code through the TLB at PLV0, RPLV=0 PLV3 page at PLV0, RPLV=1 PLV3 page at
 * PLV3). mmu_faults_hw (the same sources with MMU_FAULTS_HW) adds what QEMU 7.2 cannot do: PNX (fetch,
 * NX=1), PPI on a PLV3 fetch, ADEM for VA[47] = 1 with VA[63:48] = 0.
 * Per fault the handler records ESTAT, ERA, BADV, TLBEHI and PRMD and resumes after the access (a fetch
 * fault: at $ra). Printed: Ecode/EsubCode, ERA and BADV relative to a label or a test VA (so the output
 * is the same on every machine), whether TLBEHI.VPPN = BADV[47:13] (bits 63:48 are not compared: design.md
 * 9 leaves their read value open), PRMD.PPLV. NX/NR are never combined with a PLV violation (QEMU 7.2
 * checks them before the PLV). Last line PASS/FAIL. 1 core, no parameters.
 * Exceptions: PIL PIS PIF PME PNR PPI ADE SYS (ecodes 0x01-0x05, 0x07, 0x08, 0x0b); no TLB refill.
 */
#include "lib/mmu.h"

#ifndef PROG
#define PROG "mmu_faults"
#define KINDS "PIL PIS PIF PME PNR PPI ADEM ADEF"
#endif

uint64_t flt_ld(uint64_t va);
void flt_st(uint64_t va, uint64_t v);
uint64_t flt_call(uint64_t va);
extern char flt_ld_insn[], flt_st_insn[], flt_call_jirl[], tlb_code_fn[], __tlb_code_start[],
    __user_text_start[], plv3_stub[], plv3_ld[], plv3_st[], plv3_rplv_ld[], plv3_adem[], plv3_ok_ld[],
    plv3_exit[];

#define VF       (KSEG_TLB + 0x40000000UL)   /* data pair: even and odd 16 KiB halves */
#define VC       (KSEG_TLB + 0x40100000UL)   /* code page (even half) */
#define VU       (KSEG_TLB + 0x40200000UL)   /* PLV3 tests: +0, +64K, +128K, +192K */
#define VBAD     0x4000000000001000UL        /* VA[63:47] neither all 0 nor all 1, no DMW */
#define MAGIC    0x600dc0deUL

#define MAXR 8
struct frec {
    uint64_t estat, era, badv, tlbehi, prmd;
};
static struct frec recs[MAXR];
static unsigned nrec;

static void h_fault(struct trap_frame *tf)
{
    if (nrec < MAXR) {
        struct frec *r = &recs[nrec];
        r->estat = tf->estat;
        r->era = tf->era;
        r->badv = tf->badv;
        r->tlbehi = csrrd(CSR_TLBEHI);
        r->prmd = tf->prmd;
    }
    nrec++;
    if (tf->era == tf->badv)
        tf->era = tf->regs[1];      /* fetch fault: back to the instruction after the jirl */
    else
        tf->era += 4;
}

static void h_sys(struct trap_frame *tf) { user_exit(tf, tf->regs[4]); }

static uint64_t pa_data, pa_data2;

static void reset(void)
{
    tlb_flush_all();
    nrec = 0;
}

static void print_rel(const char *name, uint64_t v, const char *base_name, uint64_t base)
{
    int64_t d = (int64_t)(v - base);
    printf(" %s=%s%c0x%lx", name, base_name, d < 0 ? '-' : '+', d < 0 ? -d : d);
}

/* check and print recs[i]: the expected ecode/sub, ERA relative to era_name, BADV relative to badv_name */
static void show(unsigned i, const char *what, unsigned ecode, unsigned sub, const char *era_name, uint64_t era_base,
                 const char *badv_name, uint64_t badv_base, int tlb)
{
    if (i >= nrec) {
        printf("%s: no exception\n", what);
        check(0, what);
        return;
    }
    const struct frec *r = &recs[i];
    unsigned ec = trap_ecode(r->estat), es = trap_esubcode(r->estat);
    printf("%s: ecode 0x%02x sub %u", what, ec, es);
    print_rel("ERA", r->era, era_name, era_base);
    print_rel("BADV", r->badv, badv_name, badv_base);
    int vppn_ok = (r->tlbehi & TLBEHI_VPPN_MASK) == (r->badv & TLBEHI_VPPN_MASK);
    if (tlb)
        printf(" TLBEHI.VPPN=BADV[47:13]:%s", vppn_ok ? "yes" : "no");
    printf(" PPLV %lu\n", r->prmd & PRMD_PPLV_MASK);
    check(ec == ecode && es == sub, what);
    check(!tlb || vppn_ok, "TLBEHI.VPPN");
}

static void expect_none(const char *what, int ok)
{
    printf("%s: %s, %u exceptions\n", what, ok ? "ok" : "WRONG", nrec);
    check(ok && nrec == 0, what);
}

static uint64_t lo(uint64_t pa, uint64_t bits) { return (pa & TLBELO_PPN_MASK) | PTE_MAT_CC | bits; }

int main(void)
{
    puts(PROG ": " KINDS ", tlbwr-made entries, 1 core");
    mmu_init();
    for (unsigned e = ECODE_PIL; e <= ECODE_ADE; e++)
        trap_set_exc_handler(e, h_fault);
    trap_set_exc_handler(ECODE_SYS, h_sys);

    pa_data = pa_alloc();
    pa_data2 = pa_alloc();
    st64(KVA(pa_data + 0x30), 0x1111222233334444UL);
    st64(KVA(pa_data2 + 0x20), 0x5555666677778888UL);
    uint64_t pa_code = A(__tlb_code_start);
    uint64_t v;

    /* V = 0: PIL, PIS (even half invalid, odd half valid), PIF */
    reset();
    tlb_write_entry(TLB_FIXED(0), VF, PAGE_SHIFT, lo(pa_data, PTE_D), lo(pa_data2, PTE_V | PTE_D), 0);
    v = flt_ld(VF + 0x18);
    show(0, "PIL  ld.d even half V=0", ECODE_PIL, 0, "flt_ld", A(flt_ld_insn), "VF", VF, 1);
    reset();
    tlb_write_entry(TLB_FIXED(0), VF, PAGE_SHIFT, lo(pa_data, PTE_D), lo(pa_data2, PTE_V | PTE_D), 0);
    flt_st(VF + 0x28, 1);
    show(0, "PIS  st.d even half V=0", ECODE_PIS, 0, "flt_st", A(flt_st_insn), "VF", VF, 1);
    nrec = 0;
    v = flt_ld(VF + PAGE_SIZE + 0x20);
    expect_none("     ld.d odd half V=1", v == 0x5555666677778888UL);
    reset();
    tlb_map_16k(TLB_FIXED(1), VC, lo(pa_code, 0));
    v = flt_call(VC + (A(tlb_code_fn) - pa_code));
    show(0, "PIF  fetch V=0", ECODE_PIF, 0, "VC", VC, "VC", VC, 1);

    /* D = 0: PME on a store; a load succeeds */
    reset();
    tlb_map_16k(TLB_FIXED(0), VF, lo(pa_data, PTE_V));
    flt_st(VF + 0x30, 2);
    show(0, "PME  st.d D=0", ECODE_PME, 0, "flt_st", A(flt_st_insn), "VF", VF, 1);
    nrec = 0;
    v = flt_ld(VF + 0x30);
    expect_none("     ld.d D=0", v == 0x1111222233334444UL);

    /* NR = 1: PNR on a load (first: QEMU remembers a page as readable once accessed); a store succeeds */
    reset();
    tlb_map_16k(TLB_FIXED(0), VF, lo(pa_data, PTE_V | PTE_D | PTE_NR));
    v = flt_ld(VF + 0x38);
    show(0, "PNR  ld.d NR=1", ECODE_PNR, 0, "flt_ld", A(flt_ld_insn), "VF", VF, 1);
    nrec = 0;
    flt_st(VF + 0x40, 0xabcdef);
    expect_none("     st.d NR=1", ld64(KVA(pa_data + 0x40)) == 0xabcdef);

#ifdef MMU_FAULTS_HW
    /* NX = 1: PNX (QEMU 7.2 loops: it reads BADI from the faulting page while delivering PNX) */
    reset();
    tlb_map_16k(TLB_FIXED(1), VC, lo(pa_code, PTE_V | PTE_NX));
    v = flt_call(VC + (A(tlb_code_fn) - pa_code));
    show(0, "PNX  fetch NX=1", ECODE_PNX, 0, "VC", VC, "VC", VC, 1);
#endif
    /* NX = 0: the code runs through the TLB at PLV0 */
    reset();
    tlb_map_16k(TLB_FIXED(1), VC, lo(pa_code, PTE_V));
    v = flt_call(VC + (A(tlb_code_fn) - pa_code));
    expect_none("     fetch NX=0 (call into the TLB-mapped page)", v == MAGIC);

    /* PLV at PLV0: RPLV=1 page of PLV3 -> PPI; RPLV=0 page of PLV3 -> allowed (0 <= 3) */
    reset();
    tlb_map_16k(TLB_FIXED(0), VF, lo(pa_data, PTE_V | PTE_D | PTE_PLV(3) | PTE_RPLV));
    v = flt_ld(VF + 0x48);
    show(0, "PPI  ld.d PLV0, page PLV3 RPLV=1", ECODE_PPI, 0, "flt_ld", A(flt_ld_insn), "VF", VF, 1);
    reset();
    tlb_map_16k(TLB_FIXED(0), VF, lo(pa_data, PTE_V | PTE_D | PTE_PLV(3)));
    v = flt_ld(VF + 0x30);
    expect_none("     ld.d PLV0, page PLV3 RPLV=0", v == 0x1111222233334444UL);

    /* PLV3: the stub's page for PLV3 (at its own VA), then four test pages (see mmu_faults.S) */
    reset();
    st64(KVA(pa_data2 + 0x10), 0x3333);
    tlb_map_16k(TLB_FIXED(0), A(__user_text_start), lo(A(__user_text_start), PTE_V | PTE_PLV(3)));
    tlb_map_16k(TLB_FIXED(1), VU, lo(pa_data, PTE_V | PTE_D));
    tlb_map_16k(TLB_FIXED(2), VU + 0x10000, lo(pa_code, PTE_V));
    tlb_map_16k(TLB_FIXED(3), VU + 0x20000, lo(pa_data, PTE_V | PTE_D | PTE_RPLV));
    tlb_map_16k(TLB_FIXED(4), VU + 0x30000, lo(pa_data2, PTE_V | PTE_D | PTE_PLV(3) | PTE_RPLV));
    v = enter_user(A(plv3_stub), 0, VU);
    printf("PLV3 run: %u exceptions, back at PLV%lu\n", nrec, csrrd(CSR_CRMD) & CRMD_PLV_MASK);
    unsigned r = 0;
    show(r++, "PPI  ld.d PLV3, page PLV0", ECODE_PPI, 0, "plv3_ld", A(plv3_ld), "VU", VU, 1);
    show(r++, "PPI  st.d PLV3, page PLV0", ECODE_PPI, 0, "plv3_st", A(plv3_st), "VU", VU, 1);
#ifdef MMU_FAULTS_HW
    /* QEMU 7.2 loops here as for PNX (BADI read from the page that faulted) */
    show(r++, "PPI  fetch PLV3, page PLV0", ECODE_PPI, 0, "VU", VU, "VU", VU, 1);
#endif
    show(r++, "PPI  ld.d PLV3, page PLV0 RPLV=1", ECODE_PPI, 0, "plv3_rplv_ld", A(plv3_rplv_ld), "VU", VU, 1);
#ifdef MMU_FAULTS_HW
    /* at PLV3 (at PLV0 DMW0 would take it): VA[47] = 1 with VA[63:48] = 0 is not canonical (design.md
     * 9.2 checks VA[63:47]; QEMU 7.2 only VA[63:48] and would take a TLB refill) */
    show(r++, "ADEM ld.d PLV3 VA[47]=1 VA[63:48]=0", ECODE_ADE, 1, "plv3_adem", A(plv3_adem) + 8, "0x8000_0000_0000",
         0x0000800000000000UL, 0);
#endif
    check(nrec == r, "one PPI per PLV3 access");
    printf("     ld.d PLV3, page PLV3 RPLV=1: %s\n", v == 0x3333 ? "ok" : "WRONG");
    check(v == 0x3333, "PLV3 load of an RPLV=1 PLV3 page");

    /* non-canonical VAs */
    reset();
    v = flt_ld(VBAD);
    show(0, "ADEM ld.d non-canonical", ECODE_ADE, 1, "flt_ld", A(flt_ld_insn), "VBAD", VBAD, 0);
    reset();
    v = flt_call(VBAD + 0x1000);
    show(0, "ADEF fetch non-canonical", ECODE_ADE, 0, "VBAD", VBAD, "VBAD", VBAD, 0);

    printf("refills taken: %lu\n", refills());
    check(refills() == 0, "no TLB refill");
    return finish(PROG);
}
