/* irq_storm: constrained-random interrupt storm (issue 13), 2 or more cores (CORES=2..4).
 *
 * Every core runs `storm_actions` random actions drawn from its own xorshift64* generator, seeded from
 * storm_seed and the core number, against all interrupt sources at once:
 *   SWI0/SWI1  raised by the core itself (csrxchg ESTAT.IS[1:0]); the handler clears the bit
 *   HWI0-7     EXTIOI sources 8*core + pin, routed to this core's HWI<pin> (la_tb_top.ext_irq, pulsed by
 *              the testbench's sparse driver: lacosim.tests.storm.IrqStorm); the handler masks the source
 *              (its EN bit: the level may still be high) and a later action unmasks it
 *   TI         the core's timer, one-shot or periodic with a random InitVal; the handler writes TICLR
 *   IPI        sent by the other cores with random vectors; the handler reads IPI_STATUS and clears
 *              exactly the bits it read
 * Actions: rewrite ECFG.LIE with a random subset, toggle CRMD.IE, raise an SWI, reprogram or stop the
 * timer, send an IPI, unmask HWI sources, spin a random delay (amadd.d on a counter), `idle` (CRMD.IE as it is).
 * Wake source of an idle (the core must not sleep forever): plan T (always on core 0) arms a one-shot and
 * sets LIE.TI; plan I (other cores) sets LIE.IPI and posts a wake request that every other core serves
 * between its actions and while it waits at the end (core 0 always wakes by its timer, so some core always
 * serves). The rest of LIE stays random, so sources also rise masked while the core sleeps.
 * Each core owns byte `core` of EXTIOI_EN (sources 8*core..8*core+7): byte writes, no cross-core race.
 *
 * Self-checks (the scoreboards and lockstep check the rest): every interrupt handler runs with PRMD.PIE = 1
 * (no interrupt taken while CRMD.IE = 0) and is the highest pending and enabled line (trap_dispatch);
 * an IPI interrupt finds IPI_STATUS non-zero; at the end, after a drain with SWI and IPI enabled, no SWI
 * or IPI is left pending, every IPI vector sent to a core was received by it, and no core took more IPI
 * or SWI interrupts than were sent or raised. The core count is found by waiting PARK_WAIT ticks for the
 * secondaries to park (lacosim.tests.storm does not know CORES when it writes the parameters).
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   storm_seed      default 1       generator seed (the TEST's SEED-derived value)
 *   storm_actions   default 300     actions per core
 *   timer_min       default 800     timer InitVal range [timer_min, timer_max], multiples of 4
 *   timer_max       default 6000
 *   delay_max       default 400     spin-delay action: 0..delay_max-1 iterations
 * Success: last line "irq_storm: PASS".
 */
#include <stdint.h>

#include "ipi.h"
#include "la.h"
#include "param.h"
#include "poweroff.h"
#include "print.h"
#include "smp.h"
#include "timer.h"
#include "trap.h"

PARAM(storm_seed, 1);
PARAM(storm_actions, 300);
PARAM(timer_min, 800);
PARAM(timer_max, 6000);
PARAM(delay_max, 400);

#define IOCSR_EXTIOI_IPMAP 0x14c0U   /* byte per source: HWI pin */
#define IOCSR_EXTIOI_EN    0x1600U   /* bit per source */
#define IOCSR_EXTIOI_ROUTE 0x1c00U   /* byte per source: core bitmap */
#define PARK_WAIT          10000U    /* ticks core 0 waits for the secondaries to park */
#define LIE_SOURCES        0x1bffUL  /* SWI0-1, HWI0-7, TI, IPI (no PMI) */
#define IRQ_BIT(n)         (1UL << (n))

/* error codes (bit per kind, per core) */
#define ERR_IE_OFF      (1U << 0)    /* an interrupt handler ran although PRMD.PIE = 0 */
#define ERR_IPI_EMPTY   (1U << 1)    /* an IPI interrupt with IPI_STATUS = 0 */
#define ERR_SWI_LEFT    (1U << 2)    /* an SWI still pending after the drain */
#define ERR_IPI_LEFT    (1U << 3)    /* an IPI still pending after the drain */
#define ERR_IPI_LOST    (1U << 4)    /* a vector sent to the core never reached its handler */
#define ERR_COUNT       (1U << 5)    /* more SWI/IPI interrupts than raises/sends */

struct core_state {
    uint64_t rng;
    uint64_t taken[IRQ_COUNT];
    uint64_t spurious;
    uint64_t swi_raised[2];
    uint64_t ipi_recv_mask;
    uint64_t idles, idle_ipi_plan;
    uint64_t ie_on_actions;
    uint64_t en_shadow;          /* this core's EXTIOI_EN byte */
    uint64_t spins;              /* spin-delay iterations, counted with amadd.d */
    uint64_t errors;
} __attribute__((aligned(64)));

static struct core_state cs[SMP_MAX_CORES];
/* shared: written with atomics by senders, read by the target at the end */
static volatile uint64_t ipi_sent_mask[SMP_MAX_CORES], ipi_sent_count[SMP_MAX_CORES];
static volatile uint64_t wake_req[SMP_MAX_CORES];
static volatile uint64_t bar_started, bar_actions, bar_sends, bar_drained;
static unsigned ncores;

static inline void iocsr_write8(uint32_t addr, uint8_t v)
{
    __asm__ volatile("iocsrwr.b %0, %1" : : "r"(v), "r"(addr) : "memory");
}

static inline unsigned me(void) { return cpuid(); }

static uint64_t rnd(struct core_state *s)
{
    uint64_t x = s->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->rng = x;
    return x * 0x2545f4914f6cdd1dUL;
}

static uint64_t rnd_below(struct core_state *s, uint64_t n) { return n ? (rnd(s) >> 11) % n : 0; }

static uint64_t rnd_initval(struct core_state *s)
{
    uint64_t lo = timer_min / 4, hi = timer_max / 4;
    if (hi < lo)
        hi = lo;
    return (lo + rnd_below(s, hi - lo + 1)) * 4;
}

/* --- handlers (CRMD.IE = 0 inside) --------------------------------------------------------------- */
static void enter(struct trap_frame *tf, struct core_state *s, unsigned irq)
{
    if (!(tf->prmd & PRMD_PIE))
        s->errors |= ERR_IE_OFF;
    s->taken[irq]++;
    if (tf->era == (uint64_t)(uintptr_t)idle_once_insn)
        tf->era += 4;            /* taken just before the idle: do not sleep on a consumed wake source */
}

static void h_swi(struct trap_frame *tf, unsigned n)
{
    enter(tf, &cs[me()], IRQ_SWI0 + n);
    swi_clear(n);
}

static void h_swi0(struct trap_frame *tf) { h_swi(tf, 0); }
static void h_swi1(struct trap_frame *tf) { h_swi(tf, 1); }

static void h_hwi(struct trap_frame *tf, unsigned pin)
{
    unsigned c = me();
    struct core_state *s = &cs[c];
    enter(tf, s, IRQ_HWI(pin));
    s->en_shadow &= ~(1UL << pin);                    /* ack: mask the source, its level may stay high */
    iocsr_write8(IOCSR_EXTIOI_EN + c, (uint8_t)s->en_shadow);
}

#define HWI_HANDLER(p) static void h_hwi##p(struct trap_frame *tf) { h_hwi(tf, p); }
HWI_HANDLER(0) HWI_HANDLER(1) HWI_HANDLER(2) HWI_HANDLER(3)
HWI_HANDLER(4) HWI_HANDLER(5) HWI_HANDLER(6) HWI_HANDLER(7)
static const trap_handler_t hwi_handlers[8] = { h_hwi0, h_hwi1, h_hwi2, h_hwi3, h_hwi4, h_hwi5, h_hwi6, h_hwi7 };

static void h_ti(struct trap_frame *tf)
{
    enter(tf, &cs[me()], IRQ_TI);
    timer_ack();
}

static void h_ipi(struct trap_frame *tf)
{
    struct core_state *s = &cs[me()];
    enter(tf, s, IRQ_IPI);
    uint32_t st = ipi_status();
    if (st == 0)
        s->errors |= ERR_IPI_EMPTY;
    ipi_clear(st);                                    /* exactly what was read: later sends stay pending */
    s->ipi_recv_mask |= st;
}

static void h_spurious(struct trap_frame *tf)
{
    struct core_state *s = &cs[me()];
    s->spurious++;
    if (tf->era == (uint64_t)(uintptr_t)idle_once_insn)
        tf->era += 4;
}

/* --- actions --------------------------------------------------------------------------------------- */
static uint64_t ie_off(void) { return csrxchg(CSR_CRMD, 0, CRMD_IE) & CRMD_IE; }
static void ie_restore(uint64_t ie) { csrxchg(CSR_CRMD, ie, CRMD_IE); }

static void send_ipi(struct core_state *s, unsigned from, unsigned target)
{
    unsigned vec = (unsigned)rnd_below(s, 32);
    __atomic_fetch_or(&ipi_sent_mask[target], 1UL << vec, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&ipi_sent_count[target], 1, __ATOMIC_SEQ_CST);
    ipi_send(target, vec);
    (void)from;
}

/* a sleeping core asked for a wake-up IPI: whoever claims the request sends it */
static void serve_wake_requests(struct core_state *s, unsigned c)
{
    for (unsigned t = 0; t < ncores; t++) {
        if (t != c && wake_req[t] && __atomic_exchange_n(&wake_req[t], 0, __ATOMIC_SEQ_CST))
            send_ipi(s, c, t);
    }
}

static void act_idle(struct core_state *s, unsigned c)
{
    uint64_t lie = rnd(s) & LIE_SOURCES;
    int by_ipi = c != 0 && rnd_below(s, 2);
    if (by_ipi) {
        lie |= IRQ_BIT(IRQ_IPI);
        s->idle_ipi_plan++;
        ecfg_lie_write(lie);
        dbar();
        wake_req[c] = 1;
    } else {
        lie |= IRQ_BIT(IRQ_TI);
        ecfg_lie_write(lie);
        timer_oneshot(rnd_initval(s));
    }
    s->idles++;
    idle_once();
    wake_req[c] = 0;
}

static void act_unmask(struct core_state *s, unsigned c)
{
    uint64_t ie = ie_off();                           /* the handlers change the shadow too */
    s->en_shadow |= (rnd(s) | rnd(s)) & 0xff;          /* about 3 in 4 sources */
    iocsr_write8(IOCSR_EXTIOI_EN + c, (uint8_t)s->en_shadow);
    ie_restore(ie);
}

static void act_timer(struct core_state *s)
{
    uint64_t r = rnd_below(s, 8);
    if (r == 0)
        timer_stop();
    else if (r <= 2)
        timer_periodic(rnd_initval(s));
    else
        timer_oneshot(rnd_initval(s));
}

static void storm(struct core_state *s, unsigned c)
{
    for (uint64_t i = 0; i < storm_actions; i++) {
        serve_wake_requests(s, c);
        uint64_t r = rnd_below(s, 20);
        if (r < 3) {
            ecfg_lie_write(rnd(s) & LIE_SOURCES);
        } else if (r < 6) {
            if (csrrd(CSR_CRMD) & CRMD_IE)
                irq_disable();
            else
                irq_enable();
        } else if (r < 8) {
            unsigned n = (unsigned)rnd_below(s, 2);
            s->swi_raised[n]++;
            swi_raise(n);
        } else if (r < 10) {
            act_timer(s);
        } else if (r < 13) {
            if (ncores > 1) {
                unsigned t = (unsigned)rnd_below(s, ncores - 1);
                send_ipi(s, c, t >= c ? t + 1 : t);
            }
        } else if (r < 15) {
            act_idle(s, c);
        } else if (r < 17) {
            act_unmask(s, c);
        } else {
            /* the spin is an amadd.d: one an interrupt replaces in EX must not also reach memory, or
             * the counter moves twice (lockstep compares the new value; design.md 11.4) */
            for (uint64_t d = rnd_below(s, delay_max); d > 0; d--)
                __atomic_fetch_add(&s->spins, 1, __ATOMIC_RELAXED);
        }
        if (csrrd(CSR_CRMD) & CRMD_IE)
            s->ie_on_actions++;
    }
}

static void arrive(volatile uint64_t *bar)
{
    __atomic_fetch_add(bar, 1, __ATOMIC_SEQ_CST);
}

static void core_run(unsigned c)
{
    struct core_state *s = &cs[c];
    s->rng = (storm_seed + 1) * 0x9e3779b97f4a7c15UL ^ ((uint64_t)(c + 1) << 32);
    if (s->rng == 0)
        s->rng = 1;
    trap_install();
    irq_disable();
    timer_stop();
    timer_ack();
    ipi_enable_all();
    for (unsigned p = 0; p < 8; p++) {
        iocsr_write8(IOCSR_EXTIOI_IPMAP + 8 * c + p, (uint8_t)p);
        iocsr_write8(IOCSR_EXTIOI_ROUTE + 8 * c + p, (uint8_t)(1u << c));
    }
    s->en_shadow = 0xff;
    iocsr_write8(IOCSR_EXTIOI_EN + c, 0xff);
    ecfg_lie_write(rnd(s) & LIE_SOURCES);
    /* nobody sends before every core left the park loop: its IPI handler would swallow the vector */
    arrive(&bar_started);
    while (bar_started < ncores)
        ;

    storm(s, c);

    /* quiesce: no timer, no device source; keep serving wake requests until every core has finished */
    irq_disable();
    timer_stop();
    timer_ack();
    s->en_shadow = 0;
    iocsr_write8(IOCSR_EXTIOI_EN + c, 0);
    arrive(&bar_actions);
    while (bar_actions < ncores)
        serve_wake_requests(s, c);
    arrive(&bar_sends);                               /* after this no core sends any more */
    while (bar_sends < ncores)
        ;
    /* drain what is still pending: SWIs and IPIs, with interrupts on */
    ecfg_lie_write(IRQ_BIT(IRQ_SWI0) | IRQ_BIT(IRQ_SWI1) | IRQ_BIT(IRQ_IPI));
    irq_enable();
    for (volatile int d = 0; d < 200; d++)
        ;
    irq_disable();
    ecfg_lie_write(0);
    if (csrrd(CSR_ESTAT) & 3)
        s->errors |= ERR_SWI_LEFT;
    if (ipi_status())
        s->errors |= ERR_IPI_LEFT;
    dbar();
    arrive(&bar_drained);
}

static void secondary(unsigned core)
{
    smp_wait_bss_done();
    core_run(core);
    while (bar_drained < ncores)                      /* then back to the park loop (smp.h) */
        ;
}

static const char *const names[IRQ_COUNT] = { "SWI0", "SWI1", "HWI0", "HWI1", "HWI2", "HWI3", "HWI4", "HWI5",
                                              "HWI6", "HWI7", "PMI", "TI", "IPI" };

int main(void)
{
    unsigned failures = 0;
    printf("irq_storm: storm_seed=%lu storm_actions=%lu timer_min=%lu timer_max=%lu delay_max=%lu\n",
           storm_seed, storm_actions, timer_min, timer_max, delay_max);
    trap_install();
    trap_set_irq_handler(IRQ_SWI0, h_swi0);
    trap_set_irq_handler(IRQ_SWI1, h_swi1);
    for (unsigned p = 0; p < 8; p++)
        trap_set_irq_handler(IRQ_HWI(p), hwi_handlers[p]);
    trap_set_irq_handler(IRQ_TI, h_ti);
    trap_set_irq_handler(IRQ_IPI, h_ipi);
    trap_set_spurious_irq_handler(h_spurious);

    /* how many cores: the secondaries park within a few hundred cycles of reset */
    uint64_t t0 = rdtime();
    while (rdtime() - t0 < PARK_WAIT && !(smp_parked[1] && smp_parked[2] && smp_parked[3]))
        ;
    ncores = 1;
    while (ncores < SMP_MAX_CORES && smp_parked[ncores])
        ncores++;
    printf("cores: %u\n", ncores);
    smp_publish_bss_done();
    for (unsigned c = 1; c < ncores; c++)
        smp_start_core(c, secondary);
    core_run(0);
    while (bar_drained < ncores)
        ;
    dbar();

    for (unsigned c = 0; c < ncores; c++) {
        struct core_state *s = &cs[c];
        uint64_t errors = s->errors;
        if (s->ipi_recv_mask != ipi_sent_mask[c])
            errors |= ERR_IPI_LOST;
        if (s->taken[IRQ_IPI] > ipi_sent_count[c] || s->taken[IRQ_SWI0] > s->swi_raised[0]
            || s->taken[IRQ_SWI1] > s->swi_raised[1] || (s->swi_raised[0] && !s->taken[IRQ_SWI0])
            || (s->swi_raised[1] && !s->taken[IRQ_SWI1]))
            errors |= ERR_COUNT;
        printf("core %u: taken", c);
        for (unsigned n = 0; n < IRQ_COUNT; n++) {
            if (n != IRQ_PMI)
                printf(" %s=%lu", names[n], s->taken[n]);
        }
        printf(" spurious=%lu\n", s->spurious);
        printf("core %u: swi raised %lu/%lu, ipi sent to it %lu (vectors %lx, received %lx), idles %lu "
               "(%lu woken by IPI plan), actions with IE=1 %lu, errors %lx\n", c, s->swi_raised[0],
               s->swi_raised[1], ipi_sent_count[c], ipi_sent_mask[c], s->ipi_recv_mask, s->idles,
               s->idle_ipi_plan, s->ie_on_actions, errors);
        if (errors) {
            failures++;
            if (errors & ERR_IE_OFF)
                printf("  FAIL: core %u ran an interrupt handler with PRMD.PIE = 0\n", c);
            if (errors & ERR_IPI_EMPTY)
                printf("  FAIL: core %u took an IPI interrupt with IPI_STATUS = 0\n", c);
            if (errors & ERR_SWI_LEFT)
                printf("  FAIL: core %u: an SWI stayed pending through the drain\n", c);
            if (errors & ERR_IPI_LEFT)
                printf("  FAIL: core %u: an IPI stayed pending through the drain\n", c);
            if (errors & ERR_IPI_LOST)
                printf("  FAIL: core %u: IPI vectors sent %lx but received %lx\n", c, ipi_sent_mask[c],
                       s->ipi_recv_mask);
            if (errors & ERR_COUNT)
                printf("  FAIL: core %u: interrupt counts do not match the raises/sends\n", c);
        }
    }
    printf("irq_storm: %s\n", failures ? "FAIL" : "PASS");
    return 0;
}
