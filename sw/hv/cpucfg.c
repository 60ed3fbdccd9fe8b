/* R7: the guest's CPUCFG words: the host's own for index 0..20, read once at boot, with the LVZ feature
 * masked from CPUCFG2 (LVZ [10], LVZVER [13:11]: the guest cannot run guests of its own, KVM does the
 * same); index >= 21 reads 0 (hvisor's limit). */
#include <stdint.h>

#include "hv.h"

#define HV_CPUCFG_WORDS 21
#define CPUCFG2_LVZ_MASK (0xfUL << 10)   /* LVZ [10] | LVZVER [13:11] */

static uint64_t table[HV_CPUCFG_WORDS];

void hv_cpucfg_init(void)
{
    for (uint64_t i = 0; i < HV_CPUCFG_WORDS; i++) {
        uint64_t v;
        __asm__ volatile("cpucfg %0, %1" : "=r"(v) : "r"(i));
        table[i] = v;
    }
    table[2] &= ~CPUCFG2_LVZ_MASK;
}

uint64_t hv_cpucfg(uint64_t index)
{
    return index < HV_CPUCFG_WORDS ? table[index] : 0;
}
