/* R5: GSPR exits decoded from BADI (KVM's kvm_trap_handle_gspr), R6: the idle policy. On success ERA += 4.
 *   cpucfg rd, rj           rd = hv_cpucfg(rj)                                   (cpucfg.c)
 *   csrrd/csrwr/csrxchg     a CSR without a guest copy: reads 0, writes dropped, rd = 0 (the old value)
 *   cacop                   a no-op (GCFG.GCI = 2 traps only init/unimplemented ops)
 *   iocsrrd/wr.{b,h,w,d}    reads of the info registers 0x0..0x3f come from the real IOCSR (sign-extended
 *                           as the instruction's width); 0x1000-0x104f: the vCPU's virtual IPI block
 *                           (vipi.c); everything else reads 0 and writes are dropped: the guest never
 *                           touches the physical IPI block (hvisor #202)
 *   idle                    -DHV_IDLE_BLOCK (KVM): block in the root until guest ESTAT.IS & guest ECFG.LIE
 *                           != 0 or a doorbell; default (hvisor): resume at once
 *   anything else           KVM injects INE; the RTL gives the root no write to the guest ESTAT.Ecode
 *                           (design.md 12.3), so the hypervisor stops with a FATAL line (design.md 13) */
#include <stdint.h>

#include "hv.h"
#include "ipi.h"
#include "timer.h"
#include "trap.h"

static void set_rd(struct vcpu *vc, unsigned rd, uint64_t v)
{
    if (rd)
        vc->regs[rd] = v;
}

static uint64_t sext(uint64_t v, unsigned bytes)
{
    unsigned s = 64 - 8 * bytes;
    return bytes == 8 ? v : (uint64_t)((int64_t)(v << s) >> s);
}

static void iocsr(struct vcpu *vc, uint32_t insn)
{
    unsigned op = (insn >> 10) & 7, rd = insn & 31, rj = (insn >> 5) & 31;
    unsigned bytes = 1U << (op & 3);
    uint64_t addr = vc->regs[rj];
    if (hv_vipi_iocsr(vc, insn))
        return;                                         /* the IPI block: this vCPU's virtual one (vipi.c) */
    if (op >= 4)
        return;                                         /* writes: dropped */
    uint64_t v = 0;
    if (addr < 0x40 && !(addr & (bytes - 1))) {
        uint64_t w = iocsr_read64((uint32_t)(addr & ~7UL));
        v = sext(w >> (8 * (addr & 7)), bytes);
    }
    set_rd(vc, rd, v);
}

#ifdef HV_IDLE_BLOCK
static int guest_pending(void)
{
    return (gcsrrd(CSR_ESTAT) & gcsrrd(CSR_ECFG) & ECFG_LIE_MASK) != 0;
}
#endif

void hv_idle(struct vcpu *vc)
{
#ifdef HV_IDLE_BLOCK
    /* KVM's kvm_emu_idle: nothing pending -> block. The guest timer counts in root mode but its TI never
     * reaches the root, so the root arms its own one-shot to end just after the guest's (KVM's hrtimer) and
     * waits in `idle 0` with CRMD.IE = 0 (LIE = TI | IPI wakes it without an interrupt: decision 6). */
    while (!guest_pending()) {
        if (csrrd(CSR_ESTAT) & (1UL << IRQ_IPI)) {      /* a doorbell ends the block */
            ipi_clear(ipi_status());
            hv_drain_events(vc);
            break;
        }
        uint64_t tcfg = gcsrrd(CSR_TCFG), tval = gcsrrd(CSR_TVAL);
        if ((tcfg & TCFG_EN) && tval <= (tcfg & TCFG_INITVAL_MASK))
            csrwr(CSR_TCFG, ((tval + 8) & TCFG_INITVAL_MASK) | TCFG_EN);
        if (!guest_pending())
            __asm__ volatile("idle 0" ::: "memory");
        csrwr(CSR_TCFG, 0);
        csrwr(CSR_TICLR, TICLR_CLR);
    }
#endif
    vc->era += 4;
}

void hv_handle_gspr(struct vcpu *vc)
{
    uint32_t insn = (uint32_t)vc->badi;
    if ((insn & 0xfffffc00) == 0x00006c00) {                    /* cpucfg rd, rj */
        set_rd(vc, insn & 31, hv_cpucfg(vc->regs[(insn >> 5) & 31]));
    } else if ((insn >> 24) == 0x04) {                          /* csrrd/csrwr/csrxchg */
        set_rd(vc, insn & 31, 0);
    } else if ((insn >> 22) == 0x18) {                          /* cacop */
    } else if ((insn >> 15) == 0xc90) {                         /* iocsr* */
        iocsr(vc, insn);
    } else if ((insn >> 15) == 0xc91) {                         /* idle */
        hv_idle(vc);
        return;
    } else {
        hv_fatal(vc, "GSPR of an instruction the hypervisor does not emulate (KVM: INE to the guest)");
    }
    vc->era += 4;
}
