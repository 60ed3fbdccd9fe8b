/* General exception / interrupt entry (trap.S) and its C dispatcher (trap.c).
 *
 * trap_install() points EENTRY at trap_entry (4 KiB aligned) and sets ECFG.VS = 0 (one entry for every
 * exception and interrupt), keeping ECFG.LIE. trap_entry saves all GPRs plus ERA/PRMD/ESTAT/BADV/BADI in
 * a struct trap_frame on the *current* stack (no stack switch: the handler runs on the interrupted
 * code's stack), calls trap_dispatch(frame), writes frame->era and frame->prmd back to ERA and PRMD,
 * restores the GPRs and executes ertn. So a handler returns past a synchronous exception with
 * frame->era += 4, and may change the privilege level it returns to through frame->prmd.
 *
 * trap_dispatch: ESTAT.Ecode == 0 (INT) -> the handler of the highest-numbered bit of ESTAT.IS & ECFG.LIE
 * (architectural priority: IPI > TI > PMI > HWI7..0 > SWI1 > SWI0); otherwise the handler of the Ecode.
 * Without a registered handler it prints "trap: unexpected ..." with ESTAT, ERA, BADV, BADI and powers off.
 * The handler tables live in .data (not .bss), are shared by all cores, and are not reentrant: handlers run
 * with CRMD.IE = 0 and must not re-enable it.
 */
#ifndef LACOSIM_TRAP_H
#define LACOSIM_TRAP_H

/* struct trap_frame layout (bytes), shared with trap.S */
#define TF_REG(n)  ((n) * 8)
#define TF_ERA     256
#define TF_PRMD    264
#define TF_ESTAT   272
#define TF_BADV    280
#define TF_BADI    288
#define TF_SIZE    304     /* multiple of 16: keeps sp 16-byte aligned */

/* Ecode values (ESTAT[21:16]) */
#define ECODE_INT  0x00
#define ECODE_PIL  0x01
#define ECODE_PIS  0x02
#define ECODE_PIF  0x03
#define ECODE_PME  0x04
#define ECODE_PNR  0x05
#define ECODE_PNX  0x06
#define ECODE_PPI  0x07
#define ECODE_ADE  0x08    /* EsubCode 0 ADEF, 1 ADEM */
#define ECODE_ALE  0x09
#define ECODE_BCE  0x0a
#define ECODE_SYS  0x0b
#define ECODE_BRK  0x0c
#define ECODE_INE  0x0d
#define ECODE_IPE  0x0e
#define ECODE_FPD  0x0f

/* Interrupt numbers = ESTAT.IS / ECFG.LIE bit numbers */
#define IRQ_SWI0   0
#define IRQ_SWI1   1
#define IRQ_HWI(n) (2 + (n))
#define IRQ_PMI    10
#define IRQ_TI     11
#define IRQ_IPI    12
#define IRQ_COUNT  13

#define ECFG_LIE_MASK  0x1fffUL
#define ECFG_VS_SHIFT  16
#define ECFG_VS_MASK   (7UL << ECFG_VS_SHIFT)
#define CRMD_PLV_MASK  0x3UL
#define CRMD_IE        (1UL << 2)
#define PRMD_PPLV_MASK 0x3UL
#define PRMD_PIE       (1UL << 2)
#define LLBCTL_ROLLB   (1UL << 0)
#define LLBCTL_WCLLB   (1UL << 1)
#define LLBCTL_KLO     (1UL << 2)

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "la.h"

struct trap_frame {
    uint64_t regs[32];  /* GPR r0..r31 at the trap; regs[3] = the interrupted sp; regs[0] = 0 */
    uint64_t era;       /* written back to ERA before ertn */
    uint64_t prmd;      /* written back to PRMD before ertn */
    uint64_t estat;     /* ESTAT, BADV, BADI as read at entry */
    uint64_t badv;
    uint64_t badi;
    uint64_t pad;
};

_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap_frame layout must match trap.S");

typedef void (*trap_handler_t)(struct trap_frame *tf);

extern char trap_entry[];   /* trap.S, 4 KiB aligned */

void trap_install(void);                                   /* EENTRY = trap_entry, ECFG.VS = 0 */
void trap_set_exc_handler(unsigned ecode, trap_handler_t h); /* h = 0: back to "unexpected" */
void trap_set_irq_handler(unsigned irq, trap_handler_t h);
/* An interrupt whose line dropped before the dispatcher read ESTAT (a device pulse that ended: the
 * lockstep model checks the take itself) goes to h instead of "unexpected" (h = 0: unexpected again). */
void trap_set_spurious_irq_handler(trap_handler_t h);
void trap_dispatch(struct trap_frame *tf);                 /* called by trap.S only */
__attribute__((noreturn)) void trap_unexpected(struct trap_frame *tf);

LA_INLINE uint64_t trap_estat(void) { return csrrd(CSR_ESTAT); }
LA_INLINE uint64_t trap_era(void) { return csrrd(CSR_ERA); }
LA_INLINE uint64_t trap_badv(void) { return csrrd(CSR_BADV); }
LA_INLINE uint32_t trap_badi(void) { return (uint32_t)csrrd(CSR_BADI); }
LA_INLINE unsigned trap_ecode(uint64_t estat) { return (unsigned)ESTAT_ECODE(estat); }
LA_INLINE unsigned trap_esubcode(uint64_t estat) { return (unsigned)ESTAT_ESUBCODE(estat); }
LA_INLINE unsigned trap_is(uint64_t estat) { return (unsigned)(estat & 0x1fff); } /* ESTAT.IS[12:0] */

/* ECFG.LIE: set / clear enable bits (returns nothing; csrxchg keeps VS) */
LA_INLINE void ecfg_lie_set(uint64_t bits) { csrxchg(CSR_ECFG, bits, bits & ECFG_LIE_MASK); }
LA_INLINE void ecfg_lie_clear(uint64_t bits) { csrxchg(CSR_ECFG, 0, bits & ECFG_LIE_MASK); }
LA_INLINE void ecfg_lie_write(uint64_t lie) { csrxchg(CSR_ECFG, lie, ECFG_LIE_MASK); }

/* CRMD.IE */
LA_INLINE void irq_enable(void) { csrxchg(CSR_CRMD, CRMD_IE, CRMD_IE); }
LA_INLINE void irq_disable(void) { csrxchg(CSR_CRMD, 0, CRMD_IE); }

/* ESTAT.IS[1:0] (SWI0/SWI1): the only software-writable interrupt bits */
LA_INLINE void swi_raise(unsigned n) { csrxchg(CSR_ESTAT, 1UL << n, 1UL << n); }
LA_INLINE void swi_clear(unsigned n) { csrxchg(CSR_ESTAT, 0, 1UL << n); }

/* trap.S: one `idle 0` at idle_once_insn (a handler sees ERA = idle_once_insn + 4 when it woke the idle,
 * ERA = idle_once_insn when the interrupt came before it; it should then set ERA += 4 so as not to sleep). */
void idle_once(void);
extern char idle_once_insn[];

/* idle 0: halts until ESTAT.IS & ECFG.LIE != 0 (architecture.md 4.6) */
LA_INLINE void cpu_idle(void) { __asm__ volatile("idle 0" ::: "memory"); }

#endif /* !__ASSEMBLER__ */
#endif
