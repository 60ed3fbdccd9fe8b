/* Shared by priv_exc and priv_exc_hw: trap records, the handlers that fill them, and the print format
 *   "<what>: ecode 0x0b sub 0 ERA=<label>+0 BADI=002b0123 [BADV=<label>+n] [PPLV=n PIE=n]".
 * Header-only (static functions): each program includes it once. */
#ifndef PRIV_EXC_LIB_H
#define PRIV_EXC_LIB_H

#include <stdint.h>

#include "la.h"
#include "poweroff.h"
#include "print.h"
#include "trap.h"

/* priv_exc.S */
void exc_sys(void);
void exc_brk(void);
void exc_ine(void);
void exc_asrtgt(uint64_t j, uint64_t k);
void exc_asrtle(uint64_t j, uint64_t k);
uint64_t exc_ld_w(uint64_t addr);
void exc_st_d(uint64_t addr, uint64_t v);
uint64_t exc_ld_h(uint64_t addr);
void exc_st_w(uint64_t addr, uint64_t v);
void exc_adef(uint64_t target);
void run_plv3(void);
uint64_t ll_trap_sc(volatile uint64_t *p);
uint64_t ll_wcllb_sc(volatile uint64_t *p);
uint64_t ll_sc_plain(volatile uint64_t *p);
void swi_sled(uint64_t bits);
void ie_sled(void);
extern char exc_asrtgt_insn[], exc_asrtle_insn[];
extern char exc_sys_insn[], exc_brk_insn[], exc_ine_insn[], exc_ld_w_insn[], exc_st_d_insn[], exc_ld_h_insn[],
    exc_st_w_insn[], exc_adef_jirl[], exc_adef_target[], plv3_code[], plv3_csrrd[], plv3_csrwr[],
    plv3_csrxchg[], plv3_iocsrrd[], plv3_iocsrwr[], plv3_idle[], plv3_ertn[], plv3_brk[], plv3_exit[],
    plv3_return[], ll_trap_sc_sys[], swi_sled_start[], swi_sled_end[], ie_sled_start[], ie_sled_end[],
    vs_table[];

#define A(p) ((uint64_t)(uintptr_t)(p))
#define MAX_RECS 16

struct rec {
    uint64_t estat, era, badv, badi, prmd, vs_entry;
};
static struct rec recs[MAX_RECS];
static unsigned nrec;
static int vectored;            /* ECFG.VS != 0 test running: SAVE1 holds the vector stub address */
static unsigned failures;

static void record(struct trap_frame *tf)
{
    if (nrec < MAX_RECS) {
        struct rec *r = &recs[nrec];
        r->estat = tf->estat;
        r->era = tf->era;
        r->badv = tf->badv;
        r->badi = tf->badi;
        r->prmd = tf->prmd;
        r->vs_entry = vectored ? csrrd(CSR_SAVE1) : 0;
    }
    nrec++;
}

/* synchronous exceptions: record, resume after the instruction */
static __attribute__((unused)) void h_skip(struct trap_frame *tf)
{
    record(tf);
    tf->era += 4;
}

/* SYS: `syscall 0x3` at plv3_exit returns to PLV0 at plv3_return; others are skipped */
static __attribute__((unused)) void h_sys(struct trap_frame *tf)
{
    record(tf);
    if (tf->era == A(plv3_exit)) {
        tf->prmd &= ~PRMD_PPLV_MASK;
        tf->era = A(plv3_return);
    } else {
        tf->era += 4;
    }
}

/* ADE: resume at $ra (the instruction after the jirl) */
static __attribute__((unused)) void h_ade(struct trap_frame *tf)
{
    record(tf);
    tf->era = tf->regs[1];
}

static __attribute__((unused)) void h_swi0(struct trap_frame *tf)
{
    record(tf);
    swi_clear(0);
}

static __attribute__((unused)) void h_swi1(struct trap_frame *tf)
{
    record(tf);
    swi_clear(1);
}

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        printf("  FAIL: %s\n", what);
    }
}

static void print_label_off(const char *name, uint64_t v, const char *label, uint64_t base)
{
    int64_t d = (int64_t)(v - base);
    printf(" %s=%s%c%ld", name, label, d < 0 ? '-' : '+', d < 0 ? -d : d);
}

/* with_badv: 1 = print BADV; 2 = print BADV but not BADI (ADEF: no instruction word was fetched) */
static void print_exc(const char *what, const struct rec *r, const char *label, uint64_t base, int with_badv,
                      int with_pplv)
{
    printf("%s: ecode 0x%02x sub %u", what, trap_ecode(r->estat), trap_esubcode(r->estat));
    print_label_off("ERA", r->era, label, base);
    if (with_badv != 2)
        printf(" BADI=%08lx", r->badi & 0xffffffffUL);
    if (with_badv)
        print_label_off("BADV", r->badv, label, base);
    if (with_pplv)
        printf(" PPLV=%lu PIE=%lu", r->prmd & PRMD_PPLV_MASK, (r->prmd >> 2) & 1);
    putchar('\n');
}

/* exactly one trap with this ecode/esubcode; returns 1 if so */
static int expect_one(const char *what, unsigned ecode, unsigned sub)
{
    if (nrec != 1) {
        printf("%s: %u traps (expected 1)\n", what, nrec);
        check(0, what);
        return 0;
    }
    int ok = trap_ecode(recs[0].estat) == ecode && trap_esubcode(recs[0].estat) == sub;
    check(ok, what);
    return ok || 1;
}

static void reset_recs(void) { nrec = 0; }

static __attribute__((unused)) void install_handlers(void)
{
    trap_install();
    trap_set_exc_handler(ECODE_SYS, h_sys);
    trap_set_exc_handler(ECODE_BRK, h_skip);
    trap_set_exc_handler(ECODE_INE, h_skip);
    trap_set_exc_handler(ECODE_IPE, h_skip);
    trap_set_exc_handler(ECODE_ALE, h_skip);
    trap_set_exc_handler(ECODE_BCE, h_skip);
    trap_set_exc_handler(ECODE_ADE, h_ade);
    trap_set_irq_handler(IRQ_SWI0, h_swi0);
    trap_set_irq_handler(IRQ_SWI1, h_swi1);
    ecfg_lie_write(0);
}

#endif
