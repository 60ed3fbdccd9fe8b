/* lvz_stage2: two-stage translation (docs/design.md 12.6; architecture.md decision 8).
 * 1 core, guest GID 1, the root stub of lib/lvz.h (identity stage 2 refilled on demand, with test windows).
 * The guest runs mapped: its DMW0 is an identity window (VSEG 0) for its code and data, its DMW1 maps
 * VSEG 8 onto the same GPAs, so a guest VA 0x8000_0000_xxxx_xxxx differs from its GPA xxxx_xxxx.
 *
 *   A  an emulated MMIO window (stage-2 V = 0): a guest load through DMW1 exits PIL with root BADV = the GPA
 *      (not the guest VA) and BADI = the load; the root supplies the value; a store exits PIS
 *   B  a stage-2 page with D = 0: a guest store exits PME with BADV = the GPA; the root sets D, drops the
 *      GID's entries (invtlb 0 with TGID), and the retried store lands
 *   C  a fetch from a stage-2 V = 0 page exits PIF with BADV = the GPA of the code; made valid, it runs
 *   D  the guest's own TLB: tlbwr into its partition maps GVA 0x4000_0000 onto a data page; tlbrd reads it
 *      back; a miss at GVA 0x5000_0000 refills at the guest's TLBRENTRY, no exit
 *   E  root tlbrd of the guest's entry: TRGP.GTLB = 1, TRGP.RID = 1; the root's own GID-0 entry survives an
 *      invtlb 0 by GID 1, which removes the guest's entry; gtlbflush removes guest entries of the GID only
 *   F  every stage-2 miss refilled at the root (SAVE2 counts them)
 *   G  a root TLB refill while GSTAT.PVM = 1 (inside an exit handler, as a mapped root's, e.g. KVM's, can take):
 *      its ertn returns to the root, by TLBRPRMD[3] = 0, not into the guest by PVM (design.md 12.5)
 * Success: "lvz_stage2: PASS" (guest), then "guest exit 0" (root).
 */
#include <stdint.h>

#include "la.h"
#include "lvz.h"
#include "print.h"
#include "tlb.h"
#include "trap.h"

#define MMIO_GPA  0x00c00000UL
#define PME_GPA   0x00c10000UL
#define CODE_GPA  0x00c20000UL
#define DATA_GPA  0x00c30000UL
#define VSEG8     0x8000000000000000UL
#define GVA_MAP   0xffffffff40000000UL   /* canonical, outside both guest DMWs: the guest's TLB */
#define GVA_MISS  0xffffffff50000000UL
#define ROOT_VA   0xffffffff60000000UL   /* canonical, outside the root's DMWs: a root TLB refill (G) */
#define S2_FLAGS  (TLBELO_V | TLBELO_D | TLBELO_G | (1UL << TLBELO_MAT_SHIFT))

#define HC_ROOT_TLB  0x10   /* E: the root's checks; returns a bit mask of what held */
#define HC_GTLBFLUSH 0x11

static volatile uint64_t n_exits, last_ecode, last_badv, last_badi, mmio_stored;

/* ---- root side ------------------------------------------------------------------------------------ */
static void set_window(unsigned slot, uint64_t gpa, uint64_t flags0, uint64_t flags1)
{
    lvz_s2_windows[slot] = (struct lvz_s2_window){gpa, gpa | flags0, (gpa + 0x4000) | flags1};
}

static void drop_gid_entries(void) { invtlb(0, 0, 0); }  /* GTLBC.TGID = 1: every entry of GID 1 */

static uint64_t root_tlb_checks(void)
{
    uint64_t ok = 0;
    /* the guest's entry: its index 0 is MTLB entry 16 (16-entry partition) */
    csrwr(CSR_TLBIDX, 16);
    tlbrd();
    uint64_t trgp = csrrd(CSR_TRGP);
    ok |= ((trgp & 1) && ((trgp >> 16) & 0xff) == 1) << 0;
    ok |= ((csrrd(CSR_TLBEHI) & TLBEHI_VPPN_MASK) == (GVA_MAP & TLBEHI_VPPN_MASK)) << 1;
    /* a root entry of GID 0 at index 3 (TGID = 0 while writing it) */
    csrxchg(CSR_GTLBC, 0, 0xffUL << GTLBC_TGID_SHIFT);
    tlb_write_entry(3, 0xffffffff70000000UL, 14, DATA_GPA | S2_FLAGS, (DATA_GPA + 0x4000) | S2_FLAGS, 0);
    csrxchg(CSR_GTLBC, 1UL << GTLBC_TGID_SHIFT, 0xffUL << GTLBC_TGID_SHIFT);
    drop_gid_entries();                         /* invtlb 0 by GID 1 */
    csrwr(CSR_TLBIDX, 16);
    tlbrd();
    ok |= ((csrrd(CSR_TLBIDX) & TLBIDX_NE) != 0) << 2;    /* the guest's entry is gone */
    csrwr(CSR_TLBIDX, 3);
    tlbrd();
    ok |= ((csrrd(CSR_TLBIDX) & TLBIDX_NE) == 0 && (csrrd(CSR_TRGP) & 1) == 0) << 3;  /* the root's stays */
    tlb_write_entry(3, 0, 12, 0, 0, 1);          /* and goes */

    /* G: a root refill with PVM = 1 (the exit set it): the stub's refill maps ROOT_VA's pair onto DATA_GPA's
     * through window 3, tagged GID 0 (TGID = 0); its ertn must come back here in root mode */
    uint64_t refills = csrrd(CSR_SAVE2);
    set_window(3, ROOT_VA, S2_FLAGS, S2_FLAGS);
    lvz_s2_windows[3].lo0 = DATA_GPA | S2_FLAGS;
    lvz_s2_windows[3].lo1 = (DATA_GPA + 0x4000) | S2_FLAGS;
    csrxchg(CSR_GTLBC, 0, 0xffUL << GTLBC_TGID_SHIFT);
    uint64_t pvm = csrrd(CSR_GSTAT) & GSTAT_PVM;
    uint64_t v = *(volatile uint64_t *)(ROOT_VA + 0x4000);
    ok |= (pvm && v == 0x99aabbccddeeff00UL && csrrd(CSR_SAVE2) == refills + 1) << 4;
    invtlb(0, 0, 0);                             /* the GID-0 entry of G */
    csrxchg(CSR_GTLBC, 1UL << GTLBC_TGID_SHIFT, 0xffUL << GTLBC_TGID_SHIFT);
    lvz_s2_windows[3] = (struct lvz_s2_window){1, 0, 0};
    csrwr(CSR_SAVE2, refills);                   /* F counts the stage-2 refills only */
    return ok;
}

int lvz_on_exit(struct trap_frame *tf)
{
    unsigned ecode = trap_ecode(tf->estat);
    uint32_t insn = (uint32_t)tf->badi;
    n_exits++;
    last_ecode = ecode;
    last_badv = tf->badv;
    last_badi = insn;
    switch (ecode) {
    case 0x01:                                   /* PIL: MMIO read (ld.w rd, rj, si12) */
        tf->regs[insn & 31] = 0xcafe;
#ifdef SW_BUG_CLOBBER_GPR
        tf->regs[(insn & 31) == 30 ? 29 : 30] = 0xdead;   /* the emulation writes a scratch GPR back too */
#endif
        break;
    case 0x02:                                   /* PIS: MMIO write (st.w rd, rj, si12) */
        mmio_stored = tf->regs[insn & 31];
        break;
    case 0x04:                                   /* PME: make the page dirty, retry */
        set_window(1, PME_GPA, S2_FLAGS, S2_FLAGS);
        drop_gid_entries();
        return 1;
    case 0x03:                                   /* PIF: make the code valid, retry */
        set_window(2, CODE_GPA, S2_FLAGS, S2_FLAGS);
        drop_gid_entries();
        return 1;
    case ECODE_HVC:
        if ((insn & 0x7fff) == HC_ROOT_TLB)
            tf->regs[4] = root_tlb_checks();
        else if ((insn & 0x7fff) == HC_GTLBFLUSH)
            __asm__ volatile("gtlbflush" ::: "memory");
        else
            return 0;
        break;
    default:
        return 0;
    }
    tf->era += 4;
    return 1;
}

int main(void)
{
    extern void guest_main(void);
    printf("lvz_stage2: root enters the guest (GID 1)\n");
    set_window(0, MMIO_GPA, S2_FLAGS & ~TLBELO_V, S2_FLAGS & ~TLBELO_V);
    set_window(1, PME_GPA, S2_FLAGS & ~TLBELO_D, S2_FLAGS & ~TLBELO_D);
    set_window(2, CODE_GPA, S2_FLAGS & ~TLBELO_V, S2_FLAGS & ~TLBELO_V);
    /* C's code: "ori $a0, $zero, 0x5a; jirl $zero, $ra, 0" */
    volatile uint32_t *code = (volatile uint32_t *)CODE_GPA;
    code[0] = 0x03816804;
    code[1] = 0x4c000020;
    *(volatile uint64_t *)DATA_GPA = 0x1122334455667788UL;
    *(volatile uint64_t *)(DATA_GPA + 0x4000) = 0x99aabbccddeeff00UL;
    __asm__ volatile("ibar 0" ::: "memory");
    lvz_init(1);
    lvz_enter(guest_main, LVZ_GUEST_SP, 0);
}

/* ---- guest side ----------------------------------------------------------------------------------- */

static void expect(uint64_t before, unsigned ecode, uint64_t badv, const char *what)
{
    int ok = n_exits == before + 1 && last_ecode == ecode && last_badv == badv;
    if (!ok)
        printf("    exits %lu -> %lu, ecode 0x%lx BADV %lx (expected 0x%x BADV %lx)\n", before, n_exits, last_ecode,
               last_badv, ecode, badv);
    lvz_check(ok, what);
}

/* the guest's TLB refill (its own TLBRENTRY, DA mode): GVA_MISS -> DATA_GPA; guest SAVE7 counts */
__asm__(".section .text.gtlbr, \"ax\"\n.p2align 12\n.globl guest_tlbr\nguest_tlbr:\n"
        "csrwr $t0, 0x8b\n"
        "li.d $t0, 0x00c30053\n csrwr $t0, 0x8c\n"
        "li.d $t0, 0x00c34053\n csrwr $t0, 0x8d\n"
        "csrrd $t0, 0x8e\n srli.d $t0, $t0, 6\n slli.d $t0, $t0, 6\n ori $t0, $t0, 14\n csrwr $t0, 0x8e\n"
        "tlbfill\n"
        "csrrd $t0, 0x37\n addi.d $t0, $t0, 1\n csrwr $t0, 0x37\n"
        "csrrd $t0, 0x8b\n ertn\n.previous\n");
extern char guest_tlbr[];

void guest_main(void)
{
    uint64_t e, v;
    trap_install();
    /* mapped: DMW0 identity (VSEG 0), DMW1 VSEG 8 -> the same GPAs, PLV0 */
    csrwr(CSR_DMW0, DMW_PLV0 | (1UL << DMW_MAT_SHIFT));
    csrwr(CSR_DMW1, DMW_PLV0 | (1UL << DMW_MAT_SHIFT) | (8UL << DMW_VSEG_SHIFT));
    csrxchg(CSR_CRMD, CRMD_PG, CRMD_PG | CRMD_DA);
    csrwr(CSR_TLBRENTRY, (uint64_t)(uintptr_t)guest_tlbr);

    /* A */
    e = n_exits;
    __asm__ volatile("ld.w %0, %1, 0x40" : "=r"(v) : "r"(VSEG8 | MMIO_GPA) : "memory");
    expect(e, 0x01, MMIO_GPA + 0x40, "A: load from a V = 0 stage-2 page -> PIL, BADV = the GPA");
    lvz_check(v == 0xcafe && (last_badi & 0xffc00000) == 0x28800000, "A: ... BADI = the ld.w, value emulated");
    e = n_exits;
    __asm__ volatile("st.w %0, %1, 0x44" : : "r"(0x5151UL), "r"(VSEG8 | MMIO_GPA) : "memory");
    expect(e, 0x02, MMIO_GPA + 0x44, "A: store -> PIS, BADV = the GPA");
    lvz_check(mmio_stored == 0x5151, "A: ... the root saw the stored value");

    /* B */
    e = n_exits;
    *(volatile uint64_t *)(VSEG8 | (PME_GPA + 8)) = 0xd1d1;
    expect(e, 0x04, PME_GPA + 8, "B: store to a D = 0 stage-2 page -> PME, BADV = the GPA");
    lvz_check(*(volatile uint64_t *)(PME_GPA + 8) == 0xd1d1, "B: ... retried after the root set D");

    /* C */
    e = n_exits;
    uint64_t (*fn)(void) = (uint64_t (*)(void))(VSEG8 | CODE_GPA);
    v = fn();
    expect(e, 0x03, CODE_GPA, "C: fetch from a V = 0 stage-2 page -> PIF, BADV = the GPA");
    lvz_check(v == 0x5a, "C: ... runs once valid");

    /* D */
    tlb_write_entry(0, GVA_MAP, 14, DATA_GPA | S2_FLAGS, (DATA_GPA + 0x4000) | S2_FLAGS, 0);
    lvz_check(*(volatile uint64_t *)GVA_MAP == 0x1122334455667788UL &&
          *(volatile uint64_t *)(GVA_MAP + 0x4000) == 0x99aabbccddeeff00UL,
          "D: a guest TLB entry (its partition) maps GVA -> GPA -> HPA");
    csrwr(CSR_TLBIDX, 0);
    tlbrd();
    lvz_check((csrrd(CSR_TLBEHI) & TLBEHI_VPPN_MASK) == (GVA_MAP & TLBEHI_VPPN_MASK) && !(csrrd(CSR_TLBIDX) & TLBIDX_NE),
          "D: guest tlbrd of its index 0 reads it back");
    e = n_exits;
    uint64_t r0 = csrrd(CSR_SAVE7);
    v = *(volatile uint64_t *)GVA_MISS;
    lvz_check(v == 0x1122334455667788UL && csrrd(CSR_SAVE7) == r0 + 1 && n_exits == e,
          "D: a guest TLB miss refills at the guest's TLBRENTRY, no exit");

    /* E */
    tlb_write_entry(0, GVA_MAP, 14, DATA_GPA | S2_FLAGS, (DATA_GPA + 0x4000) | S2_FLAGS, 0);
    v = hvcl(HC_ROOT_TLB, 0);
    lvz_check(v & 1, "E: root tlbrd of the guest's entry sets TRGP.GTLB and RID = 1");
    lvz_check(v & 2, "E: ... and reads its VPPN");
    lvz_check(v & 4, "E: invtlb 0 by GID 1 removes the guest's entry");
    lvz_check(v & 8, "E: ... and leaves the root's GID-0 entry");
    lvz_check(v & 16, "G: a root refill with PVM = 1 returns to the root (TLBRPRMD[3] = 0)");
    tlb_write_entry(0, GVA_MAP, 14, DATA_GPA | S2_FLAGS, (DATA_GPA + 0x4000) | S2_FLAGS, 0);
    hvcl(HC_GTLBFLUSH, 0);
    r0 = csrrd(CSR_SAVE7);
    v = *(volatile uint64_t *)GVA_MAP;
    lvz_check(csrrd(CSR_SAVE7) == r0 + 1, "E: gtlbflush removed the guest's entry (the guest refills)");

    lvz_guest_done("lvz_stage2");
}
