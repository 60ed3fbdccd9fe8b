/* ipi_same_cycle: one core's IPI_SEND / MAIL_SEND lands in the cycle another core reads its own IPI_STATUS /
 * mailbox (docs/design.md 11.3, "RTL fix found by the storm"). Same-cycle accesses serialise in core order
 * (architecture.md section 1): a read sees the same-cycle write of a lower-numbered core and not that of a
 * higher-numbered one. Lockstep checks every read; this program only makes the collisions happen.
 *
 * Rounds go over every ordered (sender, reader) pair of the first sc_cores cores, alternating two kinds:
 * IPI_SEND of a vector to the reader, MAIL_SEND of a 32-bit word into one of the reader's mailbox halves
 * (MBUF1..3: MBUF0 is the boot mailbox); odd seeds start with MAIL_SEND. The reader clears the target (IPI_CLEAR / a zero write), publishes
 * the round and reads the target back to back (bursts of 8 iocsrrd.w) until the send shows; the sender
 * waits for the round, pauses a round-dependent number of loop iterations (so the send falls on every phase
 * of the burst) and sends. The reader checks the exact value and acknowledges the round.
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   sc_cores   default 2   cores taking part (the test sets the run's core count)
 *   sc_rounds  default 48  rounds in all
 *   sc_seed    default 1   seeds the vectors, mail words and pauses
 * Success: last line "ipi_same_cycle: PASS".
 */
#include <stdint.h>

#include "ipi.h"
#include "la.h"
#include "param.h"
#include "print.h"
#include "smp.h"

PARAM(sc_cores, 2);
PARAM(sc_rounds, 48);
PARAM(sc_seed, 1);

#define SPIN_BURSTS  (1U << 20)   /* a send that never shows: give up (lockstep has already said why) */
#define MAX_PAUSE    24

static volatile uint64_t ready __attribute__((section(".data"))) = ~0UL;  /* the round whose reader reads */
static volatile uint64_t acked __attribute__((section(".data"))) = ~0UL;  /* the last round checked */
static volatile uint64_t done __attribute__((section(".data")));
static volatile uint64_t fails __attribute__((section(".data")));
static volatile uint64_t first_fail[4] __attribute__((section(".data")));  /* round, kind, got, expected */

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x9E3779B97F4A7C15UL;
    x ^= x >> 29;
    return x;
}

struct round {
    unsigned sender, reader, mail;  /* mail: 0 = IPI_SEND, 1 = MAIL_SEND */
    unsigned vector, half;          /* half: 2..7 (MBUF1..3, low/high word) */
    uint32_t word;                  /* the mail word (never 0) */
    unsigned pause;
};

static struct round plan(unsigned r, unsigned cores)
{
    unsigned pairs = cores * (cores - 1), p = r % pairs;
    struct round x;
    x.sender = p / (cores - 1);
    x.reader = p % (cores - 1);
    x.reader += x.reader >= x.sender;
    x.mail = (unsigned)((r / pairs) ^ sc_seed) & 1;   /* odd seeds start with mail */
    uint64_t h = mix(sc_seed * 0x100000001b3UL + r);
    x.vector = (unsigned)(h & 31);
    x.half = 2 + (unsigned)((h >> 8) % 6);
    x.word = (uint32_t)(h >> 32) | 1;
    x.pause = (unsigned)((h >> 16) % MAX_PAUSE);
    return x;
}

static uint32_t target_of(const struct round *x)
{
    return x->mail ? IOCSR_MBUF(x->half / 2) + 4 * (x->half % 2) : IOCSR_IPI_STATUS;
}

/* 8 back-to-back reads: a send that lands in any of their cycles collides with one */
static uint32_t read_burst(uint32_t addr)
{
    uint64_t v;
    __asm__ volatile(".rept 8\n\tiocsrrd.w %0, %1\n\t.endr" : "=&r"(v) : "r"(addr) : "memory");
    return (uint32_t)v;
}

static void pause(unsigned n)
{
    for (volatile unsigned i = 0; i < n; i++)
        ;
}

static void fail(unsigned r, unsigned kind, uint64_t got, uint64_t exp)
{
    if (fails++ == 0) {
        first_fail[0] = r;
        first_fail[1] = kind;
        first_fail[2] = got;
        first_fail[3] = exp;
    }
}

static void read_round(unsigned r, const struct round *x)
{
    uint32_t addr = target_of(x), want = x->mail ? x->word : 1U << x->vector;
    uint32_t mask = x->mail ? ~0U : want, v = 0;
    if (x->mail)
        iocsr_write32(addr, 0);
    else
        ipi_clear(0xffffffffU);
    dbar();
    ready = r;
    for (unsigned i = 0; i < SPIN_BURSTS && (v & mask) != want; i++)
        v = read_burst(addr);
    if (v != want)
        fail(r, x->mail, v, want);
    dbar();
    acked = r;
}

static void send_round(unsigned r, const struct round *x)
{
    while (ready != r)
        ;
    pause(x->pause);
    if (x->mail)
        iocsr_write64(IOCSR_MAIL_SEND, ((uint64_t)x->word << 32) | ((uint64_t)(x->reader & 0x3ffU) << 16) |
                      ((uint64_t)x->half << 2));
    else
        ipi_send(x->reader, x->vector);
}

static void worker(unsigned core)
{
    unsigned cores = (unsigned)sc_cores;
    iocsr_write32(IOCSR_IPI_EN, 0);      /* the park loop enabled every vector; nothing interrupts here */
    for (unsigned r = 0; r < sc_rounds; r++) {
        struct round x = plan(r, cores);
        if (core == x.reader) {
            while (acked != (uint64_t)r - 1)  /* the previous round's reader has checked */
                ;
            read_round(r, &x);
        } else if (core == x.sender) {
            send_round(r, &x);
        }
    }
    smp_barrier_once(&done, cores);
}

int main(void)
{
    if (sc_cores < 2 || sc_cores > SMP_MAX_CORES)
        sc_cores = 2;
    printf("ipi_same_cycle: sc_cores=%lu sc_rounds=%lu sc_seed=%lx\n", sc_cores, sc_rounds, sc_seed);
    smp_publish_bss_done();
    for (unsigned c = 1; c < sc_cores; c++)
        if (smp_start_core(c, worker) != 0) {
            puts("ipi_same_cycle: FAIL (a core is missing)");
            return 0;
        }
    worker(0);
    if (fails) {
        printf("%lu round(s) read the wrong value; first: round %lu (%s) read %lx, expected %lx\n", fails,
               first_fail[0], first_fail[1] ? "MAIL_SEND" : "IPI_SEND", first_fail[2], first_fail[3]);
        puts("ipi_same_cycle: FAIL");
    } else {
        puts("ipi_same_cycle: PASS");
    }
    return 0;
}
