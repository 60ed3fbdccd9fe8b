/* priv_exc: the synchronous exceptions and software interrupts QEMU 7.2 models like the manual, taken and
 * returned from on one core. The UART output must match QEMU 7.2 byte for byte (base-ISA oracle):
 *   SYS, BRK, INE (the undefined word 0xffffffff), IPE (csrrd/csrwr/csrxchg/iocsrrd.w/iocsrwr.w/idle/ertn
 *   at PLV3, entered with PRMD.PPLV = 3 + ertn; break at PLV3; back to PLV0 through `syscall 0x3`, whose
 *   handler rewrites PRMD.PPLV and ERA), ECFG.VS = 2 and 3 vectoring (SYS, BRK, SWI1 land on
 *   EENTRY + code * 2^(VS+2), interrupts at code 64 + int number), SWI0/SWI1 raised with csrxchg on
 *   ESTAT.IS[1:0] under ECFG.LIE and CRMD.IE (taken, masked by LIE, held while IE = 0, SWI1 before SWI0),
 *   and ertn clearing LLbit (ll.d; syscall; ertn; sc.d fails).
 * Per exception: ecode/esubcode, ERA relative to the trapping instruction's label, BADI, and PRMD.PPLV/PIE
 * where it matters. An interrupt's ERA is printed only as "inside the nop sled after the CSR write" (its
 * exact instruction depends on the interrupt latency, L_exc).
 * Left to priv_exc_hw (QEMU 7.2 differs): ALE (QEMU allows misaligned ld/st), ADEF on a misaligned PC,
 * LLBCTL.KLO / WCLLB. Never printed: BADV of SYS/BRK/INE/IPE (QEMU writes the PC there, the manual leaves
 * BADV alone), TVAL, FP (QEMU raises FPD, not INE).
 *
 * Scenario: base privileged architecture (architecture.md 4; spec-la64-lvz.md 2). 1 core.
 * Parameters: none. Success: last line "priv_exc: PASS (0 failed checks)".
 */
#include "exc_lib.h"

static void test_sync(void)
{
    puts("-- synchronous exceptions (ECFG.VS = 0)");
    reset_recs();
    exc_sys();
    if (expect_one("SYS", ECODE_SYS, 0))
        print_exc("syscall 0x123", &recs[0], "exc_sys_insn", A(exc_sys_insn), 0, 1);

    reset_recs();
    exc_brk();
    if (expect_one("BRK", ECODE_BRK, 0))
        print_exc("break 0x5", &recs[0], "exc_brk_insn", A(exc_brk_insn), 0, 0);

    reset_recs();
    exc_ine();
    if (expect_one("INE", ECODE_INE, 0))
        print_exc("undefined word 0xffffffff", &recs[0], "exc_ine_insn", A(exc_ine_insn), 0, 0);
}

/* bound checks at the boundary: asrtgt.d needs j > k, asrtle.d j <= k, unsigned (j == k: only asrtgt traps) */
static void test_bound(void)
{
    static const struct {
        uint64_t j, k;
    } cases[] = { { 5, 5 }, { 6, 5 }, { 4, 5 }, { ~0UL, ~0UL }, { 1UL << 63, (1UL << 63) - 1 } };
    puts("-- bound checks asrtgt.d / asrtle.d (BCE), including rj == rk");
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reset_recs();
        exc_asrtgt(cases[i].j, cases[i].k);
        exc_asrtle(cases[i].j, cases[i].k);
        int gt = cases[i].j > cases[i].k;
        printf("j=%lx k=%lx: %u trap(s)", cases[i].j, cases[i].k, nrec);
        check(nrec == 1, "exactly one of asrtgt/asrtle traps");
        if (nrec == 1) {
            const char *name = gt ? "exc_asrtle_insn" : "exc_asrtgt_insn";
            print_exc("", &recs[0], name, gt ? A(exc_asrtle_insn) : A(exc_asrtgt_insn), 0, 0);
            check(trap_ecode(recs[0].estat) == ECODE_BCE, "the bound check raised BCE");
        } else {
            putchar('\n');
        }
    }
}

static void test_plv3(void)
{
    static const struct {
        const char *what;
        char *label;
        const char *name;
    } cases[] = {
        { "csrrd at PLV3", plv3_csrrd, "plv3_csrrd" },
        { "csrwr at PLV3", plv3_csrwr, "plv3_csrwr" },
        { "csrxchg at PLV3", plv3_csrxchg, "plv3_csrxchg" },
        { "iocsrrd.w at PLV3", plv3_iocsrrd, "plv3_iocsrrd" },
        { "iocsrwr.w at PLV3", plv3_iocsrwr, "plv3_iocsrwr" },
        { "idle at PLV3", plv3_idle, "plv3_idle" },
        { "ertn at PLV3", plv3_ertn, "plv3_ertn" },
    };
    puts("-- privileged instructions at PLV3 (IPE), then break and syscall back to PLV0");
    reset_recs();
    run_plv3();
    unsigned n = sizeof(cases) / sizeof(cases[0]);
    check(nrec == n + 2, "one trap per PLV3 instruction");
    for (unsigned i = 0; i < n && i < nrec; i++) {
        check(trap_ecode(recs[i].estat) == ECODE_IPE, "IPE");
        print_exc(cases[i].what, &recs[i], cases[i].name, A(cases[i].label), 0, 1);
    }
    if (nrec >= n + 2) {
        check(trap_ecode(recs[n].estat) == ECODE_BRK, "BRK at PLV3");
        print_exc("break 0x7 at PLV3", &recs[n], "plv3_brk", A(plv3_brk), 0, 1);
        check(trap_ecode(recs[n + 1].estat) == ECODE_SYS, "SYS at PLV3");
        print_exc("syscall 0x3 at PLV3", &recs[n + 1], "plv3_exit", A(plv3_exit), 0, 1);
    }
    uint64_t crmd = csrrd(CSR_CRMD);
    printf("back at PLV%lu, CRMD.IE %lu\n", crmd & CRMD_PLV_MASK, (crmd >> 2) & 1);
}

static void test_vs(unsigned vs)
{
    printf("-- ECFG.VS = %u (entry = EENTRY + code * %u)\n", vs, 4u << vs);
    csrwr(CSR_EENTRY, A(vs_table));
    csrxchg(CSR_ECFG, (uint64_t)vs << ECFG_VS_SHIFT, ECFG_VS_MASK);
    vectored = 1;

    reset_recs();
    exc_sys();
    exc_brk();
    ecfg_lie_write(1u << IRQ_SWI1);
    irq_enable();
    swi_sled(1u << IRQ_SWI1);
    irq_disable();
    ecfg_lie_write(0);

    vectored = 0;
    csrxchg(CSR_ECFG, 0, ECFG_VS_MASK);
    csrwr(CSR_EENTRY, A(trap_entry));

    check(nrec == 3, "three vectored traps");
    static const char *const what[] = { "syscall", "break", "SWI1" };
    for (unsigned i = 0; i < 3 && i < nrec; i++) {
        uint64_t off = recs[i].vs_entry - A(vs_table);
        unsigned code = (unsigned)(off >> (vs + 2));
        printf("%s: entry EENTRY+0x%03lx = code %u (ecode 0x%02x, IS %03x)\n", what[i], off, code,
               trap_ecode(recs[i].estat), trap_is(recs[i].estat) & 3);
    }
    if (nrec == 3) {
        check(recs[0].vs_entry - A(vs_table) == (uint64_t)ECODE_SYS << (vs + 2), "SYS vector");
        check(recs[1].vs_entry - A(vs_table) == (uint64_t)ECODE_BRK << (vs + 2), "BRK vector");
        check(recs[2].vs_entry - A(vs_table) == (uint64_t)(64 + IRQ_SWI1) << (vs + 2), "SWI1 vector");
    }
}

static int in_sled(uint64_t era, char *start, char *end) { return era >= A(start) && era <= A(end); }

static void test_swi(void)
{
    puts("-- software interrupts (ESTAT.IS[1:0] via csrxchg)");

    /* 1. LIE = SWI0, IE = 1: raise SWI0 -> taken in the sled */
    ecfg_lie_write(1u << IRQ_SWI0);
    irq_enable();
    reset_recs();
    swi_sled(1u << IRQ_SWI0);
    irq_disable();
    check(nrec == 1, "SWI0 taken once");
    if (nrec >= 1)
        printf("SWI0 LIE=SWI0 IE=1: taken %u, ecode 0x%02x, IS %03x, ERA in sled: %s, PIE=%lu\n", nrec,
               trap_ecode(recs[0].estat), trap_is(recs[0].estat), in_sled(recs[0].era, swi_sled_start,
               swi_sled_end) ? "yes" : "no", (recs[0].prmd >> 2) & 1);
    printf("  after the handler: ESTAT.IS %03lx\n", csrrd(CSR_ESTAT) & 0x1fff);

    /* 2. LIE = SWI1 only, IE = 1: SWI0 stays pending, not taken */
    ecfg_lie_write(1u << IRQ_SWI1);
    irq_enable();
    reset_recs();
    swi_sled(1u << IRQ_SWI0);
    irq_disable();
    printf("SWI0 LIE=SWI1 IE=1: taken %u, ESTAT.IS %03lx\n", nrec, csrrd(CSR_ESTAT) & 0x1fff);
    check(nrec == 0, "masked SWI0 not taken");
    swi_clear(0);

    /* 3. IE = 0, LIE = SWI0: pending but not taken; then IE = 1 -> taken in the IE sled */
    ecfg_lie_write(1u << IRQ_SWI0);
    reset_recs();
    swi_sled(1u << IRQ_SWI0);
    unsigned before = nrec;
    uint64_t is_before = csrrd(CSR_ESTAT) & 0x1fff;
    ie_sled();
    irq_disable();
    printf("SWI0 IE=0: taken %u, ESTAT.IS %03lx; after IE=1: taken %u, ERA in IE sled: %s\n", before, is_before,
           nrec, nrec >= 1 && in_sled(recs[0].era, ie_sled_start, ie_sled_end) ? "yes" : "no");
    check(before == 0 && nrec == 1, "SWI0 waits for IE");

    /* 4. both pending with IE = 0, then IE = 1: SWI1 first (priority), then SWI0 */
    ecfg_lie_write((1u << IRQ_SWI0) | (1u << IRQ_SWI1));
    reset_recs();
    swi_sled((1u << IRQ_SWI0) | (1u << IRQ_SWI1));
    ie_sled();
    irq_disable();
    check(nrec == 2, "two interrupts");
    printf("SWI0+SWI1 pending, IE=1: taken %u, order:", nrec);
    for (unsigned i = 0; i < nrec && i < 8; i++)
        printf(" IS %03x", trap_is(recs[i].estat));
    putchar('\n');
    if (nrec == 2)
        check((trap_is(recs[0].estat) & 3) == 3 && (trap_is(recs[1].estat) & 3) == 1, "SWI1 before SWI0");
    ecfg_lie_write(0);
}

static volatile uint64_t ll_word __attribute__((aligned(64)));

static void test_llbit(void)
{
    puts("-- LLbit and ertn");
    ll_word = 100;
    uint64_t r = ll_sc_plain(&ll_word);
    printf("ll.d; sc.d: sc=%lu word=%lu\n", r, ll_word);
    check(r == 1, "plain ll/sc succeeds");

    reset_recs();
    r = ll_trap_sc(&ll_word);
    printf("ll.d; syscall; ertn; sc.d: sc=%lu word=%lu traps=%u ERA=%s\n", r, ll_word, nrec,
           nrec == 1 && recs[0].era == A(ll_trap_sc_sys) ? "ll_trap_sc_sys+0" : "?");
    check(r == 0, "ertn clears LLbit");
}

int main(void)
{
    puts("priv_exc: exceptions and software interrupts, 1 core, no parameters");
    install_handlers();

    test_sync();
    test_bound();
    test_plv3();
    test_vs(2);
    test_vs(3);
    test_swi();
    test_llbit();

    printf("priv_exc: %s (%u failed checks)\n", failures ? "FAIL" : "PASS", failures);
    return 0;
}
