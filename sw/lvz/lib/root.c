/* The root stub of the directed LVZ tests (lvz.h). */
#include <stdint.h>

#include "lvz.h"
#include "poweroff.h"
#include "print.h"

uint8_t lvz_guest_stack[LVZ_GUEST_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t exit_stack[8192] __attribute__((aligned(16)));
uint64_t lvz_exit_stack_top = 0;
struct lvz_s2_window lvz_s2_windows[LVZ_S2_WINDOWS] = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}};

extern char lvz_exit_entry[], lvz_s2_refill[];

void lvz_init(unsigned gid)
{
    lvz_exit_stack_top = (uint64_t)(uintptr_t)(exit_stack + sizeof exit_stack);
    /* mapped, through an identity window: DMW0 = VSEG 0, PLV0, MAT CC */
    csrwr(CSR_DMW0, DMW_PLV0 | (1UL << DMW_MAT_SHIFT));
    csrxchg(CSR_CRMD, CRMD_PG, CRMD_PG | CRMD_DA);
    csrwr(CSR_EENTRY, (uint64_t)(uintptr_t)lvz_exit_entry);
    csrxchg(CSR_ECFG, 0, ECFG_VS_MASK);
    csrwr(CSR_TLBRENTRY, (uint64_t)(uintptr_t)lvz_s2_refill);
    csrwr(CSR_GTLBC, GTLBC_USETGID | ((uint64_t)gid << GTLBC_TGID_SHIFT) | 16);  /* 16-entry guest partition */
    csrxchg(CSR_GSTAT, (uint64_t)gid << GSTAT_GID_SHIFT, 0xffUL << GSTAT_GID_SHIFT);
}

__attribute__((weak)) int lvz_on_exit(struct trap_frame *tf)
{
    (void)tf;
    return 0;
}

static const char *exit_name(unsigned ecode)
{
    switch (ecode) {
    case 0x00: return "INT";
    case 0x01: return "PIL";
    case 0x02: return "PIS";
    case 0x03: return "PIF";
    case 0x04: return "PME";
    case 0x05: return "PNR";
    case 0x06: return "PNX";
    case ECODE_GSPR: return "GSPR";
    case ECODE_HVC: return "HVC";
    case ECODE_GCM: return "GCM";
    default: return "?";
    }
}

void lvz_fail(const char *what, struct trap_frame *tf)
{
    printf("root: FAIL: %s: exit %s (ecode 0x%x sub %u) ERA %lx BADV %lx BADI %08lx\n", what,
           exit_name(trap_ecode(tf->estat)), trap_ecode(tf->estat), trap_esubcode(tf->estat), tf->era, tf->badv,
           tf->badi);
    poweroff();
}

void lvz_exit_dispatch(struct trap_frame *tf)
{
    if (lvz_on_exit(tf))
        return;
    unsigned ecode = trap_ecode(tf->estat);
    uint32_t insn = (uint32_t)tf->badi;
    if (ecode == ECODE_GSPR && (insn & 0xfffffc00) == 0x00006c00) {  /* cpucfg rd, rj */
        uint64_t index = tf->regs[(insn >> 5) & 31], value;
        __asm__ volatile("cpucfg %0, %1" : "=r"(value) : "r"(index));
        if (insn & 31)
            tf->regs[insn & 31] = value;
#ifdef SW_BUG_RESUME_AT_ERA
        static int resumed_at_era;   /* the first cpucfg exit resumes at ERA (once: the run must end) */
        if (!resumed_at_era++)
            return;
#endif
        tf->era += 4;
        return;
    }
    if (ecode == ECODE_GSPR && (insn & 0xffff8000) == 0x06488000) {  /* idle: return at once (hvisor) */
        tf->era += 4;
        return;
    }
    if (ecode == ECODE_HVC) {
        unsigned code = insn & 0x7fff;
        if (code == LVZ_HC_EXIT) {
            printf("guest exit %lu\n", tf->regs[4]);
            poweroff();
        }
        if (code == LVZ_HC_ECHO)
            tf->regs[4] += 1;
        else if (code != LVZ_HC_NOP)
            lvz_fail("unknown hypercall", tf);
        tf->era += 4;
        return;
    }
    lvz_fail("unexpected exit", tf);
}

/* ---- guest side --------------------------------------------------------------------------------------- */
unsigned lvz_failures;

void lvz_check(int ok, const char *what)
{
    printf("  %-64s %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        lvz_failures++;
}

void lvz_guest_done(const char *name)
{
    printf("%s: %s\n", name, lvz_failures ? "FAIL" : "PASS");
    hvcl(LVZ_HC_EXIT, lvz_failures);
    for (;;)
        ;
}
