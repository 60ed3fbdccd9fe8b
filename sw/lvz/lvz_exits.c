/* lvz_exits: which guest instructions exit to the root, with what, and which stay in the guest
 * (docs/design.md 12.2; spec-la64-lvz.md 5.5). 1 core, the root stub of lib/lvz.h, guest GID 1.
 *
 * The guest runs each probe and checks, from what the root recorded (root and guest share memory
 * through the identity stage 2), the exit's cause, EsubCode, ERA and BADI, or that no exit happened and
 * its own handler ran instead. Root controls it needs (GCFG trap bits, GTLBC.TOTI) are set through a test
 * hypercall. Success: "lvz_exits: PASS" printed by the guest, then "guest exit 0" by the root.
 */
#include <stdint.h>

#include "la.h"
#include "lvz.h"
#include "print.h"
#include "trap.h"

#define HC_SET_GCFG  0x10   /* root: GCFG = a0 */
#define HC_SET_GTLBC 0x11   /* root: GTLBC.TOTI = a0 */
#define EMULATED     0x1234 /* what the root returns for an emulated read */

/* written by the root at every exit it sees (shared memory) */
static volatile uint64_t n_exits, last_ecode, last_sub, last_era, last_badi;
/* written by the guest's own handlers */
static volatile uint64_t n_guest_traps, guest_ecode;
static uint64_t badi_before;   /* the root's BADI before a GCHC probe (the probe must leave it) */

/* ---- root side ------------------------------------------------------------------------------------ */
int lvz_on_exit(struct trap_frame *tf)
{
    uint32_t insn = (uint32_t)tf->badi;
    n_exits++;
    last_ecode = trap_ecode(tf->estat);
    last_sub = trap_esubcode(tf->estat);
    last_era = tf->era;
    last_badi = insn;
    if (last_ecode == ECODE_HVC && (insn & 0x7fff) == HC_SET_GCFG) {
        csrwr(CSR_GCFG, tf->regs[4]);
    } else if (last_ecode == ECODE_HVC && (insn & 0x7fff) == HC_SET_GTLBC) {
        csrxchg(CSR_GTLBC, tf->regs[4] ? GTLBC_TOTI : 0, GTLBC_TOTI);
    } else if (last_ecode == ECODE_GSPR && (insn >> 24) == 0x04 && ((insn >> 5) & 31) == 0) {
        tf->regs[insn & 31] = EMULATED;             /* csrrd of a CSR the guest bank lacks */
    } else if (last_ecode == ECODE_GSPR && (insn & 0xfffffc00) == 0x06480000 + (2 << 10)) {
        tf->regs[insn & 31] = EMULATED;             /* iocsrrd.w */
    } else if ((last_ecode == ECODE_GSPR && (insn & 0xfffffc00) != 0x00006c00) || last_ecode == ECODE_GCM) {
        /* idle, cacop, gcsr*, gtlbflush, tlb*, rdtime, csr writes, GCSC, GCHC: skipped */
    } else {
        return 0;                                   /* cpucfg, the stub's hypercalls */
    }
    tf->era += 4;
    return 1;
}

int main(void)
{
    extern void guest_main(void);
    printf("lvz_exits: root enters the guest (GID 1)\n");
    lvz_init(1);
    lvz_enter(guest_main, LVZ_GUEST_SP, 0);
}

/* ---- guest side ----------------------------------------------------------------------------------- */
static void g_trap(struct trap_frame *tf)
{
    n_guest_traps++;
    guest_ecode = trap_ecode(tf->estat);
    tf->prmd &= ~PRMD_PPLV_MASK;                    /* IPE from PLV3: come back at PLV0 */
    tf->era += 4;
}


/* expect exactly one exit with this cause since `before`, and BADI = the instruction word at ERA; GCHC
 * does not write BADI (spec-la64-lvz.md 1): it still holds the previous exit's */
static void expect_exit(uint64_t before, unsigned ecode, unsigned sub, const char *what)
{
    uint32_t word = last_era ? *(volatile uint32_t *)(uintptr_t)last_era : 0;
    uint64_t badi = ecode == ECODE_GCM && sub == 1 ? badi_before : word;
    int ok = n_exits == before + 1 && last_ecode == ecode && last_sub == sub && last_badi == badi;
    if (!ok)
        printf("    exits %lu -> %lu, ecode 0x%lx sub %lu ERA %lx BADI %08lx (word at ERA %08x)\n", before,
               n_exits, last_ecode, last_sub, last_era, last_badi, word);
    lvz_check(ok, what);
}

static void expect_guest_trap(uint64_t exits_before, uint64_t traps_before, unsigned ecode, const char *what)
{
    int ok = n_exits == exits_before && n_guest_traps == traps_before + 1 && guest_ecode == ecode;
    if (!ok)
        printf("    exits %lu -> %lu, guest traps %lu -> %lu, guest ecode 0x%lx\n", exits_before, n_exits,
               traps_before, n_guest_traps, guest_ecode);
    lvz_check(ok, what);
}

#define PROBE(asm_text, ...) __asm__ volatile(asm_text __VA_ARGS__)

void guest_main(void)
{
    uint64_t e, t, v;
    printf("lvz_exits: guest running\n");
    trap_install();
    trap_set_exc_handler(ECODE_SYS, g_trap);
    trap_set_exc_handler(ECODE_IPE, g_trap);

    e = n_exits;
    uint64_t cfg = 0;
    PROBE("cpucfg %0, %1", : "=r"(cfg) : "r"(2UL));
    expect_exit(e, ECODE_GSPR, 0, "cpucfg -> GSPR");
    lvz_check(cfg & (1UL << 10), "the root's emulated CPUCFG2 says LVZ");

    e = n_exits;
    csrwr(CSR_SAVE7, 0x77);
    lvz_check(csrrd(CSR_SAVE7) == 0x77 && n_exits == e, "csr SAVE7 reaches the guest copy (no exit)");
    e = n_exits;
    PROBE("csrrd %0, 0x38", : "=r"(v));
    expect_exit(e, ECODE_GSPR, 0, "csrrd SAVE8 (no guest copy) -> GSPR");
    lvz_check(v == EMULATED, "  ... emulated by the root");
    e = n_exits;
    PROBE("csrrd %0, 0x50", : "=r"(v));
    expect_exit(e, ECODE_GSPR, 0, "csrrd GSTAT (root only) -> GSPR");

    e = n_exits;
    PROBE("idle 0");
    expect_exit(e, ECODE_GSPR, 0, "idle -> GSPR");
    e = n_exits;
    PROBE("iocsrrd.w %0, %1", : "=r"(v) : "r"(0x1000UL));
    expect_exit(e, ECODE_GSPR, 0, "iocsrrd.w -> GSPR");
    lvz_check(v == EMULATED, "  ... emulated by the root");
    e = n_exits;
    PROBE("gcsrrd %0, 0x5", : "=r"(v));
    expect_exit(e, ECODE_GSPR, 0, "gcsrrd in guest mode -> GSPR");
    e = n_exits;
    PROBE("gtlbflush");
    expect_exit(e, ECODE_GSPR, 0, "gtlbflush in guest mode -> GSPR");

    /* cacop per GCFG.GCI: 0 all trap; 2 = hit (code[4:3] = 2) and index-invalidate-writeback (1) run */
    e = n_exits;
    PROBE("cacop 0x10, $zero, 0");
    expect_exit(e, ECODE_GSPR, 0, "cacop (GCI = 0) -> GSPR");
    hvcl(HC_SET_GCFG, 2UL << GCFG_GCI_SHIFT);
    e = n_exits;
    PROBE("cacop 0x10, $zero, 0");
    PROBE("cacop 0x08, $zero, 0");
    lvz_check(n_exits == e, "cacop hit / index-writeback with GCI = 2 run in the guest");
    PROBE("cacop 0x00, $zero, 0");
    expect_exit(e, ECODE_GSPR, 0, "cacop index-init with GCI = 2 -> GSPR");
    hvcl(HC_SET_GCFG, 0);

    e = n_exits;
    v = hvcl(LVZ_HC_ECHO, 41);
    lvz_check(v == 42 && n_exits == e + 1 && last_ecode == ECODE_HVC && (last_badi & 0x7fff) == LVZ_HC_ECHO,
          "hvcl -> HVC, code in BADI[14:0]");

    /* the guest's own exceptions stay in the guest */
    e = n_exits;
    t = n_guest_traps;
    PROBE("syscall 0");
    expect_guest_trap(e, t, ECODE_SYS, "syscall -> the guest's EENTRY");

    /* guest PLV3: a csrrd is the guest's IPE, never an exit (privilege first) */
    e = n_exits;
    t = n_guest_traps;
    __asm__ volatile(
        "la.pcrel  $t0, 1f\n"
        "csrwr     $t0, 0x6\n"        /* guest ERA */
        "li.w      $t0, 3\n"
        "csrwr     $t0, 0x1\n"        /* guest PRMD: PPLV 3, PIE 0 */
        "ertn\n"
        "1: csrrd  $t0, 0x0\n"        /* IPE at PLV3: the handler returns to PLV0 past it */
        ::: "$t0", "memory");
    expect_guest_trap(e, t, ECODE_IPE, "csrrd at guest PLV3 -> the guest's IPE, no exit");

    /* GCFG.TOP: a guest write of CRMD that changes PLV -> GCSC; one that keeps PLV runs */
    hvcl(HC_SET_GCFG, GCFG_TOP);
    e = n_exits;
    csrxchg(CSR_CRMD, 0, CRMD_PLV_MASK);
    lvz_check(n_exits == e, "TOP: a CRMD write keeping PLV runs");
    PROBE("li.w $t0, 3\n csrxchg $t0, %0, 0x0", : : "r"(3UL) : "$t0");
    expect_exit(e, ECODE_GCM, 0, "TOP: a CRMD write changing PLV -> GCM GCSC");
    lvz_check((csrrd(CSR_CRMD) & 3) == 0, "  ... and did not change it");
    /* GCFG.TOE: what the guest would handle itself exits (GCHC); ertn too */
    hvcl(HC_SET_GCFG, GCFG_TOE);
    e = n_exits;
    badi_before = last_badi;
    PROBE("syscall 0");
    expect_exit(e, ECODE_GCM, 1, "TOE: syscall -> GCM GCHC (not the guest's EENTRY), BADI not written");
    e = n_exits;
    badi_before = last_badi;
    PROBE("ertn");
    expect_exit(e, ECODE_GCM, 1, "TOE: ertn -> GCM GCHC");
    /* GCFG.SIT: privileged instructions at guest PLV0 */
    hvcl(HC_SET_GCFG, GCFG_SIT);
    e = n_exits;
    PROBE("csrrd %0, 0x30", : "=r"(v));
    expect_exit(e, ECODE_GSPR, 0, "SIT: csrrd SAVE0 -> GSPR");
    /* GCFG.TIT: timer CSRs and rdtime */
    hvcl(HC_SET_GCFG, GCFG_TIT);
    e = n_exits;
    PROBE("rdtime.d %0, $zero", : "=r"(v));
    expect_exit(e, ECODE_GSPR, 0, "TIT: rdtime.d -> GSPR");
    e = n_exits;
    PROBE("csrrd %0, 0x41", : "=r"(v));
    expect_exit(e, ECODE_GSPR, 0, "TIT: csrrd TCFG -> GSPR");
    e = n_exits;
    csrwr(CSR_SAVE1, 1);
    lvz_check(n_exits == e, "TIT: other CSRs run");
    hvcl(HC_SET_GCFG, 0);
    /* GTLBC.TOTI: TLB instructions and TLB CSRs */
    hvcl(HC_SET_GTLBC, 1);
    e = n_exits;
    PROBE("tlbsrch");
    expect_exit(e, ECODE_GSPR, 0, "TOTI: tlbsrch -> GSPR");
    e = n_exits;
    PROBE("csrrd %0, 0x18", : "=r"(v));
    expect_exit(e, ECODE_GSPR, 0, "TOTI: csrrd ASID -> GSPR");
    hvcl(HC_SET_GTLBC, 0);
    e = n_exits;
    PROBE("csrrd %0, 0x18", : "=r"(v));
    lvz_check(n_exits == e && (v >> 16 & 0xff) == 10, "no TOTI: csrrd ASID reads the guest copy");

    lvz_guest_done("lvz_exits");
}
