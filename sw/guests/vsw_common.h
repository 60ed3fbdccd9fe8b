/* Shared by the guests of the context-switching tests (design.md 13.10): zone 0 runs the test, zone 1 is the
 * other vCPU of core 0, which only spins while zone 0 is switched out (and records any HWI it sees). */
#ifndef VSW_COMMON_H
#define VSW_COMMON_H

#include "guest.h"
#include "timer.h"
#include "trap.h"

#define HC_VSW_SLEEP      0x60   /* switched out for a1 ticks */
#define HC_VSW_INVTLB_GID 0x61   /* invtlb of zone a1's GID */
#define HC_VSW_SWITCHES   0x62   /* a0 = switches of core 0 so far */
#define TVAL_ALL_ONES     0x0000ffffffffffffUL

/* guest ESTAT.IS[9:2] the other vCPU saw: lines injected into zone 0 (its GINTC.VIP) must never reach it */
static volatile uint64_t vsw_leak;

static inline void vsw_other_vcpu(void)
{
    for (;;) {
        uint64_t is = csrrd(CSR_ESTAT) & 0x3fcUL;
        if (is)
            vsw_leak = is;
    }
}

static inline void spin_until(uint64_t t)
{
    while (rdtime() < t)
        ;
}
#endif
