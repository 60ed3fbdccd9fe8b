/* lvz_hv_timer: the guest timer across exits of a pinned vCPU (hypervisor-behaviour.md R4, T9, T12;
 * docs/design.md 12.9). 1 core, guest GID 1, the root stub of lib/lvz.h, which never touches the guest timer.
 *
 *   A  (T12) the guest arms a one-shot of g_initval ticks with LIE = TI and IE = 1, then makes a long
 *      hypercall: the root spins 3 x g_initval ticks, the TI fires during the exit, and the guest takes it
 *      right after the re-entry (its handler acknowledges with TICLR)
 *   B  (T9) g_rounds times: arm a one-shot of g_initval ticks with LIE = TI and IE = 0, run `idle 0` in a loop
 *      (each idle exits GSPR, the root returns at once as hvisor does) until guest ESTAT.IS[11] shows, then
 *      TICLR; the loop gives up after 10 x g_initval ticks
 * SW_BUG_TIMER_WRITEBACK (the _bug build, SW_BUG=1): the exit path saves guest TCFG and ESTAT at every exit
 * and writes them back before the ertn, as hvisor did before 754838b: A's TI is dropped by the ESTAT
 * write-back, B's countdown restarts at every idle exit and never ends.
 * Success: "lvz_hv_timer: PASS" (guest), then "guest exit 0" (root).
 */
#include <stdint.h>

#include "la.h"
#include "lvz.h"
#include "param.h"
#include "print.h"
#include "timer.h"
#include "trap.h"

PARAM(g_initval, 2000);     /* one-shot InitVal (ticks, multiple of 4) */
PARAM(g_rounds, 3);         /* B's rounds */

#define HC_SPIN 0x10        /* root: spin a0 ticks */

static volatile uint64_t ti_taken;

/* ---- root side ------------------------------------------------------------------------------------ */
int lvz_on_exit(struct trap_frame *tf)
{
#ifdef SW_BUG_TIMER_WRITEBACK
    uint64_t tcfg = gcsrrd(CSR_TCFG), estat = gcsrrd(CSR_ESTAT);   /* the seed's save at every exit */
#endif
    unsigned ecode = trap_ecode(tf->estat);
    uint32_t insn = (uint32_t)tf->badi;
    int handled = 0;
    if (ecode == ECODE_HVC && (insn & 0x7fff) == HC_SPIN) {
        uint64_t t0 = rdtime();
        while (rdtime() - t0 < tf->regs[4])
            ;
        tf->era += 4;
        handled = 1;
    } else if (ecode == ECODE_GSPR && (insn & 0xffff8000) == 0x06488000) {  /* idle: return at once */
        tf->era += 4;
        handled = 1;
    }
#ifdef SW_BUG_TIMER_WRITEBACK
    gcsrwr(CSR_TCFG, tcfg);                       /* ... and the write-back before the ertn */
    gcsrwr(CSR_ESTAT, estat);
#endif
    return handled;
}

int main(void)
{
    extern void guest_main(void);
    printf("lvz_hv_timer: g_initval=%lu g_rounds=%lu\n", g_initval, g_rounds);
    lvz_init(1);
    lvz_enter(guest_main, LVZ_GUEST_SP, 0);
}

/* ---- guest side ----------------------------------------------------------------------------------- */
static void g_timer(struct trap_frame *tf)
{
    (void)tf;
    timer_ack();
    ti_taken++;
}

void guest_main(void)
{
    uint64_t initval = g_initval & TCFG_INITVAL_MASK;
    trap_install();
    trap_set_irq_handler(IRQ_TI, g_timer);

    /* A */
    ecfg_lie_write(1UL << IRQ_TI);
    timer_oneshot(initval);
    irq_enable();
    hvcl(HC_SPIN, 3 * initval);
    for (volatile int i = 0; i < 20; i++)
        ;
    irq_disable();
    lvz_check(ti_taken == 1, "A: a TI that fires during an exit is taken after the re-entry");

    /* B */
    unsigned seen = 0;
    for (uint64_t round = 0; round < g_rounds; round++) {
        timer_oneshot(initval);
        uint64_t t0 = rdtime();
        while (!(csrrd(CSR_ESTAT) & (1UL << IRQ_TI)) && rdtime() - t0 < 10 * initval)
            __asm__ volatile("idle 0" ::: "memory");
        seen += (csrrd(CSR_ESTAT) >> IRQ_TI) & 1;
        timer_ack();
    }
    if (seen != g_rounds)
        printf("    TI seen in %u of %lu rounds\n", seen, g_rounds);
    lvz_check(seen == g_rounds, "B: idle exits do not keep the guest timer from firing");
    lvz_guest_done("lvz_hv_timer");
}
