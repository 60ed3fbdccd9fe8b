/* LVZ for the directed tests (sw/lvz): the root-only CSRs, gcsr* access, and a minimal root stub that
 * enters one guest and serves its exits (docs/design.md section 12; not the hypervisor of sw/hv).
 *
 * Root side: lvz_init(gid) makes the root run mapped through an identity DMW0 (a stage-2 refill's ertn sets
 * CRMD.PG like every refill's: design.md 12.5), points EENTRY at lvz_exit_entry and TLBRENTRY at
 * lvz_s2_refill (identity stage 2: GPA = HPA, 16 KiB pages, tagged with the guest's GID through
 * GTLBC.USETGID/TGID), and sets GSTAT.GID. lvz_enter(entry, sp, root_ie) sets PVM and ertn's into the guest
 * at `entry` with `sp`; it never returns. Every exit lands in lvz_exit_dispatch(frame) on the root's exit
 * stack: the program's lvz_on_exit(frame) is asked first (return 1 = handled, the stub then resumes the
 * guest with frame->era as it left it); otherwise the stub serves cpucfg (GSPR: the root's own value),
 * idle (GSPR: returns at once, as hvisor), the hypercalls below (HVC, ERA += 4), and fails on anything
 * else, printing the exit and powering off.
 *
 * Guest side: hypercalls with `hvcl code`, a0 in and out: LVZ_HC_EXIT (print "guest exit <a0>" and power
 * off: the program's verdict), LVZ_HC_ECHO (a0 + 1), LVZ_HC_NOP.
 */
#ifndef LACOSIM_LVZ_H
#define LACOSIM_LVZ_H

#define CSR_GTLBC 0x15
#define CSR_TRGP  0x16
#define CSR_GSTAT 0x50
#define CSR_GCFG  0x51
#define CSR_GINTC 0x52
#define CSR_GCNTC 0x53

#define GSTAT_PVM        (1UL << 1)
#define GSTAT_GID_SHIFT  16
#define GCFG_SIT         (1UL << 7)
#define GCFG_TIT         (1UL << 9)
#define GCFG_TOE         (1UL << 11)
#define GCFG_TOP         (1UL << 13)
#define GCFG_GCI_SHIFT   20
#define GTLBC_USETGID    (1UL << 12)
#define GTLBC_TOTI       (1UL << 13)
#define GTLBC_TGID_SHIFT 16

#define ECODE_GSPR 0x16
#define ECODE_HVC  0x17
#define ECODE_GCM  0x18      /* EsubCode 0 GCSC, 1 GCHC */

#define LVZ_HC_EXIT 0
#define LVZ_HC_ECHO 1
#define LVZ_HC_NOP  2

#define LVZ_S2_WINDOWS 4   /* lvz_s2_windows[]: stage-2 pairs the refill handler does not map identically */

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "trap.h"

/* A 32 KiB GPA window (base aligned) and the TLBELO halves the stage-2 refill gives it, e.g. V = 0 for an
 * emulated MMIO window. Unused slots have base = 1 (never a pair base). */
struct lvz_s2_window {
    uint64_t base, lo0, lo1;
};
extern struct lvz_s2_window lvz_s2_windows[LVZ_S2_WINDOWS];

/* the CSR number must be a constant */
#define gcsrrd(num) ({ uint64_t __v; __asm__ volatile("gcsrrd %0, %1" : "=r"(__v) : "i"(num) : "memory"); __v; })
#define gcsrwr(num, val) ({ uint64_t __v = (val); \
    __asm__ volatile("gcsrwr %0, %1" : "+r"(__v) : "i"(num) : "memory"); __v; })
#define gcsrxchg(num, val, mask) ({ uint64_t __v = (val); \
    __asm__ volatile("gcsrxchg %0, %1, %2" : "+r"(__v) : "r"((uint64_t)(mask)), "i"(num) : "memory"); __v; })

/* guest: hvcl with a constant code, a0 in and out */
#define hvcl(code, arg) ({ register uint64_t __a0 __asm__("$a0") = (arg); \
    __asm__ volatile("hvcl %1" : "+r"(__a0) : "i"(code) : "memory"); __a0; })

void lvz_init(unsigned gid);
void lvz_enter(void (*entry)(void), void *sp, int root_ie) __attribute__((noreturn));
int lvz_on_exit(struct trap_frame *tf);          /* weak in the stub: 0 */
void lvz_exit_dispatch(struct trap_frame *tf);
void lvz_fail(const char *what, struct trap_frame *tf) __attribute__((noreturn));

/* Guest side of a directed test: print one checked rule ("ok"/"FAIL"), and at the end the verdict line
 * "<name>: PASS|FAIL" and the exit hypercall with the number of failures (never returns) */
void lvz_check(int ok, const char *what);
void lvz_guest_done(const char *name) __attribute__((noreturn));
extern unsigned lvz_failures;

/* A guest stack (16-byte aligned top) */
#define LVZ_GUEST_STACK_SIZE 8192
extern uint8_t lvz_guest_stack[LVZ_GUEST_STACK_SIZE];
#define LVZ_GUEST_SP ((void *)(lvz_guest_stack + LVZ_GUEST_STACK_SIZE))
#endif

#endif
