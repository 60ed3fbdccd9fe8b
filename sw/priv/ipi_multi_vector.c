/* ipi_multi_vector: the IPI block's register rules and the mailboxes' byte masks, on 2 or 4 cores
 * (spec-la64-lvz.md 4.2; docs/design.md "IPI block rules and IOCSR hazards (issue 13)"). hvisor lost IPI
 * events to blocks or handlers that overwrote STATUS or cleared all of it (its issue 361 / PR 380); every
 * step here reads STATUS back and would see that.
 *
 * Phase 1, every core on its own block, IPI_EN = 0: a seeded run of IPI_SET, IPI_CLEAR (of random subsets)
 * and IPI_SEND to itself, STATUS read back after each; ESTAT.IS[12] must stay 0 (no vector enabled). Then a
 * random IPI_EN, read back, and ESTAT.IS[12] == ((STATUS & EN) != 0); CLEAR all.
 * Phase 2, target core T (ipi_target): T enables a seeded EN mask with bits clear (CRMD.IE = 0). Every other
 * core sends T its seeded vectors with IPI_SEND, with seeded pauses, while T does IPI_SET/IPI_CLEAR of its
 * own vectors (disjoint from the sent ones) and checks its own bits of STATUS after each. Then T checks
 * STATUS (several vectors pending at once), clears a seeded subset, checks again, and turns CRMD.IE on: the
 * handler takes the lowest pending enabled vector and clears only that bit, so every enabled vector is
 * taken once, lowest first; the pending vectors with EN clear must not interrupt (checked over a pause),
 * and each one must once T sets its EN bit (in a seeded order).
 * Phase 3, mail: T zeroes its mailboxes; every core sends T seeded MAIL_SENDs (data, byte keep-mask) to the
 * mailbox halves it owns (half h belongs to core h % cores); T reads its own halves right after each of its
 * sends, and all mailboxes at the end with 8-, 4-, 2- and 1-byte reads.
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   ipi_cores   default 2   cores taking part (the test sets the test's core count)
 *   ipi_seed    default 1   seeds the vectors, masks, orders and pauses
 *   ipi_target  default 1   the target core of phases 2 and 3 (< ipi_cores)
 *   ipi_rounds  default 12  phase 1 operations per core
 *   mail_rounds default 8   MAIL_SENDs per core in phase 3
 * QEMU 7.2 differs (tests/sim/test_iss_vs_qemu.py QEMU_DIFFERS): it does not re-evaluate the line on an
 * IPI_EN write.
 * Success: last line "ipi_multi_vector: PASS".
 */
#include <stdint.h>

#include "ipi.h"
#include "la.h"
#include "param.h"
#include "print.h"
#include "smp.h"
#include "trap.h"

PARAM(ipi_cores, 2);
PARAM(ipi_seed, 1);
PARAM(ipi_target, 1);
PARAM(ipi_rounds, 12);
PARAM(mail_rounds, 8);

#define MAX_SENDS    6            /* vectors each sender sends in phase 2 */
#define IRQ_WAIT     4000         /* loop iterations an enabled IPI must be taken within */
#define QUIET_WAIT   300          /* loop iterations a disabled one must stay quiet for */
#define HALVES       8            /* 4 mailboxes x 2 halves */

/* first failure per core (core 0 prints them) */
struct err {
    uint64_t count;
    uint64_t where;               /* phase * 1000 + step */
    uint64_t got, exp;
};
static volatile struct err errs[SMP_MAX_CORES] __attribute__((section(".data")));
static volatile uint64_t bar[8] __attribute__((section(".data")));
static volatile uint64_t mail_exp[HALVES] __attribute__((section(".data")));  /* owner publishes */
/* target's interrupt log: vectors in the order taken */
static volatile uint32_t taken_log[32];
static volatile uint64_t taken_count, spurious_count;

static void check(unsigned core, uint64_t where, uint64_t got, uint64_t exp)
{
    if (got == exp)
        return;
    volatile struct err *e = &errs[core];
    if (e->count++ == 0) {
        e->where = where;
        e->got = got;
        e->exp = exp;
    }
}

/* xorshift64*: the plan every core derives alike, and per-core streams */
static uint64_t rnd_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DUL;
}

static uint64_t rnd_init(uint64_t salt)
{
    uint64_t s = (ipi_seed ^ (salt * 0x9E3779B97F4A7C15UL)) | 1;
    for (int i = 0; i < 4; i++)
        rnd_next(&s);
    return s;
}

static void pause(unsigned n)
{
    for (volatile unsigned i = 0; i < n; i++)
        ;
}

static unsigned is_ipi(void) { return (unsigned)(csrrd(CSR_ESTAT) >> IRQ_IPI) & 1; }

/* the line passes a synchroniser: look at ESTAT a few instructions after the write */
static unsigned is_ipi_settled(void)
{
    pause(4);
    return is_ipi();
}

static void barrier(unsigned n) { smp_barrier_once(&bar[n], ipi_cores); }

/* --- phase 1: one core's own block, EN = 0 -------------------------------------------------------------- */
static void phase1(unsigned core)
{
    uint64_t s = rnd_init(100 + core);
    uint32_t exp = 0;
    check(core, 1000, ipi_status(), 0);
    for (unsigned r = 0; r < ipi_rounds; r++) {
        uint32_t mask = (uint32_t)rnd_next(&s);
        if (rnd_next(&s) & 1)
            mask &= (uint32_t)rnd_next(&s);          /* sparser masks too */
        switch (rnd_next(&s) % 4) {
        case 0:
        case 1:
            iocsr_write32(IOCSR_IPI_SET, mask);
            exp |= mask;
            break;
        case 2:
            iocsr_write32(IOCSR_IPI_CLEAR, mask & exp); /* a subset of what is pending */
            exp &= ~mask;
            break;
        default: {
            unsigned v = (unsigned)(mask & 31);
            ipi_send(core, v);
            exp |= 1U << v;
            break;
        }
        }
        check(core, 1100 + r, ipi_status(), exp);
        check(core, 1200 + r, is_ipi(), 0);          /* nothing enabled */
    }
    uint32_t en = (uint32_t)rnd_next(&s);
    iocsr_write32(IOCSR_IPI_EN, en);
    check(core, 1300, iocsr_read32(IOCSR_IPI_EN), en);
    check(core, 1301, is_ipi_settled(), (exp & en) != 0);
    iocsr_write32(IOCSR_IPI_EN, 0);
    iocsr_write32(IOCSR_IPI_CLEAR, 0xffffffffU);
    check(core, 1302, ipi_status(), 0);
    check(core, 1303, is_ipi_settled(), 0);
}

/* --- phase 2: several senders, one target ----------------------------------------------------------------- */
struct plan {
    uint32_t en;                    /* T's EN */
    uint32_t own;                   /* vectors only T sets/clears itself */
    uint32_t sent;                  /* everything the senders send */
    uint32_t clear;                 /* subset T clears before enabling interrupts */
    uint8_t nsend[SMP_MAX_CORES];
    uint8_t vec[SMP_MAX_CORES][MAX_SENDS];
};

static void make_plan(struct plan *p, unsigned cores, unsigned target)
{
    uint64_t s = rnd_init(7);
    p->own = (uint32_t)(rnd_next(&s) & rnd_next(&s)) & ~(0xfU << (rnd_next(&s) % 29)); /* 4 bits stay free */
    p->sent = 0;
    for (unsigned c = 0; c < cores; c++) {
        p->nsend[c] = 0;
        if (c == target)
            continue;
        p->nsend[c] = (uint8_t)(2 + rnd_next(&s) % (MAX_SENDS - 1));
        for (unsigned i = 0; i < p->nsend[c]; i++) {
            unsigned v;
            do
                v = (unsigned)(rnd_next(&s) % 32);
            while ((p->own >> v) & 1);
            p->vec[c][i] = (uint8_t)v;
            p->sent |= 1U << v;
        }
    }
    /* EN: random, but at least one sent vector enabled and one not (when two distinct were sent) */
    p->en = (uint32_t)rnd_next(&s);
    uint32_t lo = p->sent & -p->sent, hi = 1U << (31 - __builtin_clz(p->sent));
    p->en |= lo;
    if (hi != lo)
        p->en &= ~hi;
    p->clear = (uint32_t)rnd_next(&s) & (uint32_t)rnd_next(&s) & ~(lo | hi); /* lo, hi stay pending */
}

static void h_ipi(struct trap_frame *tf)
{
    uint32_t st = ipi_status(), en = iocsr_read32(IOCSR_IPI_EN);
    uint32_t pend = st & en;
    if (pend == 0) {
        spurious_count++;
        return;
    }
    unsigned v = (unsigned)__builtin_ctz(pend);
    ipi_clear(1U << v);                  /* only what this handler took */
    if (taken_count < 32)
        taken_log[taken_count] = v;
    taken_count++;
    (void)tf;
}

static uint64_t wait_taken(uint64_t before)
{
    for (unsigned i = 0; i < IRQ_WAIT && taken_count == before; i++)
        ;
    return taken_count;
}

static void phase2_target(unsigned core, const struct plan *p)
{
    uint64_t s = rnd_init(200 + core);
    iocsr_write32(IOCSR_IPI_EN, p->en);
    barrier(2);
    /* while the others send: SET/CLEAR of own vectors, own bits read back after each */
    uint32_t own = 0;
    for (unsigned r = 0; r < 6; r++) {
        uint32_t m = (uint32_t)rnd_next(&s) & p->own;
        if (r % 3 == 2) {
            iocsr_write32(IOCSR_IPI_CLEAR, m);
            own &= ~m;
        } else {
            iocsr_write32(IOCSR_IPI_SET, m);
            own |= m;
        }
        check(core, 2000 + r, ipi_status() & p->own, own);
        pause((unsigned)(rnd_next(&s) % 40));
    }
    barrier(3);                          /* every send done */
    uint32_t exp = own | p->sent;
    check(core, 2100, ipi_status(), exp);
    check(core, 2101, is_ipi_settled(), (exp & p->en) != 0);
    iocsr_write32(IOCSR_IPI_CLEAR, p->clear);
    exp &= ~p->clear;
    check(core, 2102, ipi_status(), exp);
    check(core, 2103, is_ipi_settled(), (exp & p->en) != 0);

    /* interrupts on: every enabled vector taken once, lowest first */
    taken_count = spurious_count = 0;
    uint32_t enabled = exp & p->en, masked = exp & ~p->en;
    irq_enable();
    for (unsigned i = 0; i < IRQ_WAIT && (ipi_status() & p->en); i++)
        ;
    pause(QUIET_WAIT);                   /* the masked vectors must stay quiet */
    irq_disable();
    check(core, 2200, taken_count, (uint64_t)__builtin_popcount(enabled));
    unsigned n = 0;
    for (uint32_t m = enabled; m; m &= m - 1, n++)
        check(core, 2210 + n, n < 32 ? taken_log[n] : 99, (unsigned)__builtin_ctz(m));
    check(core, 2201, ipi_status(), masked);
    check(core, 2202, spurious_count, 0);

    /* enable the masked pending vectors one at a time, in a seeded order: each one interrupts then */
    uint32_t en = p->en;
    irq_enable();
    for (unsigned k = 0; masked; k++) {
        unsigned cnt = (unsigned)__builtin_popcount(masked), pick = (unsigned)(rnd_next(&s) % cnt);
        uint32_t m = masked;
        while (pick--)
            m &= m - 1;
        unsigned v = (unsigned)__builtin_ctz(m);
        uint64_t before = taken_count;
        en |= 1U << v;
        iocsr_write32(IOCSR_IPI_EN, en);
        uint64_t after = wait_taken(before);
        check(core, 2300 + k, after, before + 1);
        check(core, 2400 + k, after > before && before < 32 ? taken_log[before] : 99, v);
        masked &= ~(1U << v);
        check(core, 2500 + k, ipi_status(), masked);
    }
    irq_disable();
    check(core, 2600, spurious_count, 0);
    iocsr_write32(IOCSR_IPI_EN, 0);
}

static void phase2_sender(unsigned core, const struct plan *p, unsigned target)
{
    uint64_t s = rnd_init(300 + core);
    barrier(2);
    for (unsigned i = 0; i < p->nsend[core]; i++) {
        pause((unsigned)(rnd_next(&s) % 60));
        ipi_send(target, p->vec[core][i]);
    }
    barrier(3);
}

/* --- phase 3: MAIL_SEND byte masks ---------------------------------------------------------------------- */
static uint32_t merge(uint32_t old, uint32_t data, unsigned keep)
{
    for (unsigned b = 0; b < 4; b++)
        if (!((keep >> b) & 1))
            old = (old & ~(0xffU << (8 * b))) | (data & (0xffU << (8 * b)));
    return old;
}

static uint32_t read_half(unsigned h) { return iocsr_read32(IOCSR_MBUF(h / 2) + 4 * (h % 2)); }

static void phase3(unsigned core, unsigned cores, unsigned target)
{
    uint64_t s = rnd_init(400 + core);
    uint32_t mine[HALVES] = { 0 };
    if (core == target)
        for (unsigned b = 0; b < 4; b++)
            iocsr_write64(IOCSR_MBUF(b), 0);
    barrier(4);
    for (unsigned r = 0; r < mail_rounds; r++) {
        unsigned h;
        do
            h = (unsigned)(rnd_next(&s) % HALVES);
        while (h % cores != core);
        uint32_t data = (uint32_t)rnd_next(&s);
        unsigned keep = (unsigned)(rnd_next(&s) % 16);
        iocsr_write64(IOCSR_MAIL_SEND, ((uint64_t)data << 32) | ((uint64_t)keep << 27) |
                      ((uint64_t)(target & 0x3ffU) << 16) | ((uint64_t)h << 2));
        mine[h] = merge(mine[h], data, keep);
        if (core == target)
            check(core, 3000 + r, read_half(h), mine[h]);
        pause((unsigned)(rnd_next(&s) % 30));
    }
    for (unsigned h = core; h < HALVES; h += cores)
        mail_exp[h] = mine[h];
    barrier(5);
    if (core != target)
        return;
    for (unsigned b = 0; b < 4; b++) {
        uint64_t box = mail_exp[2 * b] | (mail_exp[2 * b + 1] << 32);
        check(core, 3100 + b, iocsr_read64(IOCSR_MBUF(b)), box);
        for (unsigned w = 0; w < 2; w++)
            check(core, 3110 + 2 * b + w, iocsr_read32(IOCSR_MBUF(b) + 4 * w), (uint32_t)(box >> (32 * w)));
        unsigned off = (unsigned)(rnd_next(&s) % 8);
        uint64_t hw, by;
        uint32_t a = IOCSR_MBUF(b) + (off & 6);
        __asm__ volatile("iocsrrd.h %0, %1" : "=r"(hw) : "r"(a));
        check(core, 3130 + b, hw & 0xffff, (box >> (8 * (off & 6))) & 0xffff);
        a = IOCSR_MBUF(b) + off;
        __asm__ volatile("iocsrrd.b %0, %1" : "=r"(by) : "r"(a));
        check(core, 3140 + b, by & 0xff, (box >> (8 * off)) & 0xff);
    }
}

/* --- all cores -------------------------------------------------------------------------------------------- */
static void worker(unsigned core)
{
    unsigned cores = (unsigned)ipi_cores, target = (unsigned)ipi_target;
    if (core != 0)
        smp_wait_bss_done();
    trap_install();
    irq_disable();
    ecfg_lie_write(1U << IRQ_IPI);
    iocsr_write32(IOCSR_IPI_EN, 0);      /* the park loop left every vector enabled */
    barrier(0);
    phase1(core);
    barrier(1);
    struct plan p;
    make_plan(&p, cores, target);
    if (core == target)
        phase2_target(core, &p);
    else
        phase2_sender(core, &p, target);
    phase3(core, cores, target);
    barrier(6);
}

int main(void)
{
    unsigned cores = (unsigned)ipi_cores;
    if (cores < 2 || cores > SMP_MAX_CORES)
        cores = 2;
    ipi_cores = cores;
    if (ipi_target >= cores)
        ipi_target = cores - 1;
    printf("ipi_multi_vector: ipi_cores=%lu ipi_seed=%lx ipi_target=%lu ipi_rounds=%lu mail_rounds=%lu\n",
           ipi_cores, ipi_seed, ipi_target, ipi_rounds, mail_rounds);
    struct plan p;
    make_plan(&p, cores, (unsigned)ipi_target);
    printf("plan: EN %08x own %08x sent %08x clear %08x\n", p.en, p.own, p.sent, p.clear);
    trap_set_irq_handler(IRQ_IPI, h_ipi);
    smp_publish_bss_done();
    for (unsigned c = 1; c < cores; c++)
        if (smp_start_core(c, worker) != 0) {
            puts("ipi_multi_vector: FAIL (a core is missing)");
            return 0;
        }
    worker(0);
    int ok = 1;
    for (unsigned c = 0; c < cores; c++) {
        if (errs[c].count) {
            ok = 0;
            printf("core %u: %lu check(s) failed, first at step %lu: read %lx, expected %lx\n", c, errs[c].count,
                   errs[c].where, errs[c].got, errs[c].exp);
        }
    }
    printf("taken %lu vector(s) at the target\n", taken_count);
    puts(ok ? "ipi_multi_vector: PASS" : "ipi_multi_vector: FAIL");
    return 0;
}
