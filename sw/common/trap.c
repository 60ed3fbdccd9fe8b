/* C side of the general exception entry: handler tables and the dispatcher (see trap.h). */
#include "trap.h"

#include "poweroff.h"
#include "print.h"

/* In .data, not .bss: a core that wrongly clears .bss (smp_bss_lock_bug) must not unregister handlers. */
static trap_handler_t exc_handlers[64] __attribute__((section(".data"))) = { 0 };
static trap_handler_t irq_handlers[IRQ_COUNT] __attribute__((section(".data"))) = { 0 };
static trap_handler_t spurious_handler __attribute__((section(".data"))) = 0;

void trap_install(void)
{
    csrwr(CSR_EENTRY, (uint64_t)(uintptr_t)trap_entry);
    csrxchg(CSR_ECFG, 0, ECFG_VS_MASK);     /* VS = 0: one entry; LIE unchanged */
}

void trap_set_exc_handler(unsigned ecode, trap_handler_t h)
{
    if (ecode < 64)
        exc_handlers[ecode] = h;
}

void trap_set_irq_handler(unsigned irq, trap_handler_t h)
{
    if (irq < IRQ_COUNT)
        irq_handlers[irq] = h;
}

void trap_set_spurious_irq_handler(trap_handler_t h)
{
    spurious_handler = h;
}

void trap_unexpected(struct trap_frame *tf)
{
    printf("trap: unexpected %s on core %u: ESTAT %lx ERA %lx BADV %lx BADI %lx PRMD %lx ECFG %lx\n",
           trap_ecode(tf->estat) == ECODE_INT ? "interrupt" : "exception", cpuid(), tf->estat, tf->era,
           tf->badv, tf->badi, tf->prmd, csrrd(CSR_ECFG));
    poweroff();
}

void trap_dispatch(struct trap_frame *tf)
{
    unsigned ecode = trap_ecode(tf->estat);
    trap_handler_t h;

    if (ecode == ECODE_INT) {
        /* the highest enabled line of ESTAT.IS as saved at entry (a line that dropped meanwhile: re-read) */
        unsigned lie = (unsigned)(csrrd(CSR_ECFG) & ECFG_LIE_MASK);
        unsigned pending = trap_is(tf->estat) & lie;
        if (pending == 0)
            pending = trap_is(csrrd(CSR_ESTAT)) & lie;
        if (pending == 0 && spurious_handler) {
            spurious_handler(tf);
            return;
        }
        if (pending == 0)
            trap_unexpected(tf);
        unsigned irq = 31 - (unsigned)__builtin_clz(pending);
        h = irq_handlers[irq];
    } else {
        h = exc_handlers[ecode];
    }
    if (!h)
        trap_unexpected(tf);
    h(tf);
}
