/* timer_ticlr_race: a TICLR committing in the same cycle as a timer expiry must not lose the interrupt
 * (design.md 7.3: the expiry wins; 7.4), for a one-shot and a periodic timer, 1 core, interrupts off.
 *
 * ticlr_race() (timer_ticlr_race.S) arms the timer and commits a TICLR after a chosen number of nops; it
 * returns TVAL read in the cycle before the TICLR. One calibration call (no nops) tells how many nops put
 * the TICLR into the expiry cycle (TVAL read 1); the program then sweeps race_window nops on each side of
 * it: TICLR before the expiry, in its cycle, and after it. After each call it waits SETTLE ticks (past the
 * expiry, before a periodic timer's next one) and reads ESTAT.IS.TI:
 *   TVAL read 1..InitVal/2 (TICLR at or before the expiry): TI must be pending (in the expiry cycle the
 *   expiry wins); TVAL read 0, all ones (one-shot) or reloaded (periodic): the TICLR came after the
 *   expiry and cleared it, TI must be clear.
 * The timer scoreboard judges every one of these cycle-exactly and counts the coincidences in its
 * coverage ("ticlr in expiry cycle (one-shot|periodic)", "ticlr 1 cycle before/after expiry").
 * QEMU 7.2 differs (its timer runs on host time). On the standalone reference model a tick is an
 * instruction, so the same sweep works there too.
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   race_initval  default 512  InitVal of both timers; multiple of 4, 128..1024
 *   race_window   default 3    nops swept on each side of the coincidence, 1..8
 * Success: last line "timer_ticlr_race: PASS".
 */
#include <stdint.h>

#include "la.h"
#include "param.h"
#include "poweroff.h"
#include "print.h"
#include "timer.h"

PARAM(race_initval, 512);
PARAM(race_window, 3);

#define SETTLE 48   /* ticks from the TICLR to the ESTAT read: past the expiry, well before InitVal + 1 */

uint64_t ticlr_race(uint64_t tcfg, uint64_t nops);
extern const uint64_t ticlr_race_max_nops;

static unsigned failures;

/* One race: TI clear and the timer stopped before; returns the TVAL read, *pending = TI after SETTLE. */
static uint64_t race(uint64_t tcfg, uint64_t nops, int *pending)
{
    timer_stop();
    timer_ack();
    uint64_t v = ticlr_race(tcfg, nops) & TVAL_MASK;
    uint64_t t = rdtime();
    while (rdtime() - t < SETTLE)
        ;
    *pending = timer_pending();
    timer_stop();                       /* before a periodic timer's next expiry; TI stays as it is */
    timer_ack();
    return v;
}

static void sweep(const char *mode, uint64_t tcfg, uint64_t initval, uint64_t window)
{
    int pending;
    uint64_t v0 = race(tcfg, 0, &pending);
    if (v0 < 1 + window || v0 - 1 + window > ticlr_race_max_nops) {
        printf("%s: calibration read TVAL %lu: InitVal %lu out of range for the sled\n", mode, v0, initval);
        failures++;
        return;
    }
    uint64_t hit = v0 - 1;              /* each nop moves the TVAL read one cycle later */
    unsigned coincidences = 0;
    printf("%s InitVal=%lu: calibration TVAL %lu: %lu nops put the TICLR in the expiry cycle\n", mode, initval, v0,
           hit);
    for (uint64_t k = hit - window; k <= hit + window; k++) {
        uint64_t v = race(tcfg, k, &pending);
        int at_or_before = v >= 1 && v <= initval / 2;
        long offset = (long)k - (long)hit;
        coincidences += v == 1;
        printf("  TICLR %s%ld: TVAL before it ", offset > 0 ? "+" : "", offset);
        if (v == TVAL_MASK)
            printf("all ones");
        else
            printf("0x%lx", v);
        printf(", TI after %s%s\n", pending ? "pending" : "clear",
               pending == at_or_before ? "" : at_or_before ? "  FAIL: the expiry was lost" : "  FAIL: not cleared");
        if (pending != at_or_before)
            failures++;
    }
    if (coincidences != 1) {
        printf("  FAIL: the TICLR landed in the expiry cycle %u times (expected once)\n", coincidences);
        failures++;
    }
}

int main(void)
{
    uint64_t initval = race_initval & TCFG_INITVAL_MASK;
    uint64_t window = race_window < 1 ? 1 : race_window > 8 ? 8 : race_window;
    printf("timer_ticlr_race: race_initval=%lu race_window=%lu\n", race_initval, race_window);
    sweep("one-shot", initval | TCFG_EN, initval, window);
    sweep("periodic", initval | TCFG_PERIODIC | TCFG_EN, initval, window);
    printf("timer_ticlr_race: %s\n", failures ? "FAIL" : "PASS");
    return 0;
}
