/* Stable counter and constant timer (LoongArch manual Vol. 1: TCFG 0x41, TVAL 0x42, CNTC 0x43, TICLR 0x44;
 * architecture.md 4.1, design.md 7.3).
 *   TCFG: [0] En, [1] Periodic, [47:2] InitVal (the count loaded is TCFG[47:0] with bits [1:0] = 0, so
 *         InitVal values are multiples of 4). Writing TCFG reloads TVAL and does not clear a pending TI.
 *   TVAL: counts down once per counter tick while En = 1; TI (ESTAT.IS[11]) rises when it passes 0;
 *         periodic: reloads InitVal (period = InitVal + 1 ticks on the RTL); one-shot: the RTL holds all
 *         ones (QEMU differs: it clears En and TVAL reads differently — never print TVAL after expiry).
 *   TICLR: write CLR = 1 to clear TI; reads 0.
 */
#ifndef LACOSIM_TIMER_H
#define LACOSIM_TIMER_H

#include <stdint.h>

#include "la.h"

#define TCFG_EN            (1UL << 0)
#define TCFG_PERIODIC      (1UL << 1)
#define TCFG_INITVAL_MASK  0x0000fffffffffffcUL  /* [47:2]: PRCFG1.TimerBits = 47 */
#define TVAL_MASK          0x0000ffffffffffffUL
#define TICLR_CLR          (1UL << 0)

/* rdtime.d: the stable counter (+ CNTC on the RTL; QEMU ignores CNTC). rj receives TID. */
LA_INLINE uint64_t rdtime(void)
{
    uint64_t t, id;
    __asm__ volatile("rdtime.d %0, %1" : "=r"(t), "=r"(id) : : "memory");
    (void)id;
    return t;
}

/* rdtime.d returning TID as well */
LA_INLINE uint64_t rdtime_id(uint64_t *tid)
{
    uint64_t t, id;
    __asm__ volatile("rdtime.d %0, %1" : "=r"(t), "=r"(id) : : "memory");
    *tid = id;
    return t;
}

LA_INLINE void timer_write_tcfg(uint64_t tcfg) { csrwr(CSR_TCFG, tcfg); }
LA_INLINE uint64_t timer_read_tcfg(void) { return csrrd(CSR_TCFG); }
LA_INLINE uint64_t timer_read_tval(void) { return csrrd(CSR_TVAL); }

/* One-shot of `initval` ticks (rounded down to a multiple of 4) */
LA_INLINE void timer_oneshot(uint64_t initval) { csrwr(CSR_TCFG, (initval & TCFG_INITVAL_MASK) | TCFG_EN); }

/* Periodic with InitVal `initval` (multiple of 4) */
LA_INLINE void timer_periodic(uint64_t initval)
{
    csrwr(CSR_TCFG, (initval & TCFG_INITVAL_MASK) | TCFG_PERIODIC | TCFG_EN);
}

/* TCFG = 0: En = 0 (stops counting; a pending TI stays pending) */
LA_INLINE void timer_stop(void) { csrwr(CSR_TCFG, 0); }

/* TICLR.CLR = 1: clears TI (ESTAT.IS[11]) */
LA_INLINE void timer_ack(void) { csrwr(CSR_TICLR, TICLR_CLR); }

/* ESTAT.IS[11] */
LA_INLINE int timer_pending(void) { return (int)((csrrd(CSR_ESTAT) >> 11) & 1); }

#endif
