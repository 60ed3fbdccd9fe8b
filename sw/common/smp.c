/* SMP boot helpers for the boot core (see smp.h). */
#include "smp.h"

#include "ipi.h"
#include "la.h"
#include "print.h"
#include "timer.h"

volatile uint64_t bss_done __attribute__((section(".data"))) = 0;
volatile uint64_t smp_parked[SMP_MAX_CORES] __attribute__((section(".data"))) = { 0 };

void smp_publish_bss_done(void)
{
    dbar();          /* .bss clear and the inits before it are visible first (release) */
    bss_done = 1;
    dbar();
}

void smp_wait_bss_done(void)
{
    while (bss_done == 0)
        ;
    dbar();          /* acquire */
}

#define PARK_TIMEOUT_TICKS 100000000UL   /* 1 s at QEMU's 100 MHz counter (a loaded host starts vCPUs late) */

int smp_start_core(unsigned core, smp_entry_t entry)
{
    uint64_t t0 = rdtime();
    while (smp_parked[core] == 0) {
        if (rdtime() - t0 > PARK_TIMEOUT_TICKS) {
            printf("smp: core %u did not park (too few cores?)\n", core);
            return -1;
        }
    }
    dbar();
    mail_send(core, 0, (uint64_t)(uintptr_t)entry);
    ipi_send(core, SMP_BOOT_VECTOR);
    return 0;
}

void smp_barrier_once(volatile uint64_t *count, uint64_t n)
{
    uint64_t one = 1, old;
    __asm__ volatile("amadd_db.d %0, %1, %2" : "=&r"(old) : "r"(one), "r"(count) : "memory");
    (void)old;
    while (*count < n)
        ;
    dbar();
}

void smp_clear_bss(void)
{
    for (volatile uint64_t *p = (volatile uint64_t *)__bss_start; p < (volatile uint64_t *)__bss_end; p++)
        *p = 0;
}
