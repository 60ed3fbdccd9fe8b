/* SMP boot (hypervisor-behaviour.md R1, R12).
 *
 * Every core enters crt0's _start. Core 0 (the boot core) alone clears .bss, then runs main(). The other
 * cores branch to secondary_park. Programs that link smp.c/smp_park.S get the strong secondary_park of
 * smp_park.S (crt0's weak one just spins), which, writing no .bss:
 *   EENTRY = park_vector, ECFG = VS 0 | LIE.IPI, IPI_EN = all ones, smp_parked[core] = 1 (.data),
 *   CRMD.IE = 1, then loops on `idle 0`.
 * On the wake-up IPI (vector SMP_BOOT_VECTOR) park_vector reads IPI_STATUS and writes it to IPI_CLEAR,
 * reads MBUF0 (0: spurious, back to idle), clears MBUF0, and `ertn`s to the entry PC with PRMD = 0
 * (PLV0, IE 0), a0 = core number, sp = the core's own crt0 stack top, ra = secondary_park (an entry that
 * returns parks the core again). EENTRY is left at park_vector: the entry calls trap_install() if it
 * wants the general trap entry.
 *
 * Core 0 wakes core n with smp_start_core(n, entry): it waits until core n has parked (smp_parked[n]),
 * writes the entry PC into core n's MBUF0 with two MAIL_SEND writes and then sends IPI vector 0 with
 * IPI_SEND. Before that it must have published bss_done (smp_publish_bss_done: dbar 0, bss_done = 1,
 * dbar 0); secondaries that touch .bss first wait for it (smp_wait_bss_done).
 */
#ifndef LACOSIM_SMP_H
#define LACOSIM_SMP_H

#define SMP_MAX_CORES    4
#define SMP_BOOT_VECTOR  0      /* IPI vector of the wake-up (STATUS bit 0, as hvisor's SMP_BOOT_CPU) */

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef void (*smp_entry_t)(unsigned core);

extern volatile uint64_t bss_done;                      /* .data: 1 once core 0 cleared .bss */
extern volatile uint64_t smp_parked[SMP_MAX_CORES];     /* .data: set by secondary_park */
extern char __bss_start[], __bss_end[];

void smp_publish_bss_done(void);
void smp_wait_bss_done(void);
/* Waits (at most 10^8 counter ticks: 1 s on QEMU) for `core` to park, then mailbox + IPI. Returns 0, or -1
 * (after printing a message) if the core never parked (e.g. QEMU run without -smp). */
int smp_start_core(unsigned core, smp_entry_t entry);
/* Sense-free counting barrier for one use: amadd_db.d on *count, spin until it reaches n. Keep *count
 * in .data (initialised 0) so that it survives a .bss clear. */
void smp_barrier_once(volatile uint64_t *count, uint64_t n);
/* Zero [__bss_start, __bss_end) with 8-byte stores: only the seed bug (SEED_BUG_ALL_CLEAR_BSS) calls it
 * outside crt0. */
void smp_clear_bss(void);

#endif
#endif
