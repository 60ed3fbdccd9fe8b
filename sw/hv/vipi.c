/* R11: a virtual IPI block per vCPU (KVM intc/ipi.c; hypervisor-behaviour.md 1.8; docs/design.md 13.11).
 *
 * The guest's iocsrrd/iocsrwr exit with GSPR (gspr.c decodes them and calls hv_vipi_iocsr first). Accesses
 * to 0x1000-0x104f are emulated against the calling vCPU's virtual block, never the physical one (hvisor #202):
 *   STATUS 0x1000 (RO)  EN 0x1004 (RW, stored: KVM does not gate delivery with it)  SET 0x1008 / CLEAR 0x100c
 *   (WO, read 0)  0x1010-0x101f (read 0, writes dropped)  BUF 0x1020-0x103f (RW, any width)
 *   IPI_SEND 0x1040 (WO: vector [4:0], cpu [25:16])  MAIL_SEND 0x1048 (WO, .d: word [4:2], cpu [25:16],
 *   byte keep-mask [30:27], data [63:32])
 * STATUS/EN/SET/CLEAR/IPI_SEND take .w and .d (the low 32 bits); .b/.h of them are dropped and read 0. A
 * misaligned access reads 0 and writes nothing. Reads are sign-extended from the width (iocsrrd.w of a
 * STATUS with bit 31 is negative: hvisor PR #304's review).
 * The guest IS[12] follows the vCPU's STATUS (0 -> non-zero sets it, down to 0 clears it; gcsrxchg). Only
 * the core running a vCPU can write that vCPU's guest ESTAT, so a send to another core's vCPU ORs into its
 * STATUS and, if STATUS was 0, doorbells that core (event EV_VIPI_KICK): the core syncs IS[12] in its drain
 * and the change shows at its next entry (KVM's kick). The cpu field names a core: one pinned vCPU per core;
 * a core without a running zone drops the send. */
#include <stdint.h>

#include "hv.h"
#include "ipi.h"
#include "trap.h"

struct vipi {
    volatile uint32_t status, en;
    volatile uint32_t buf[8];
};
static struct vipi vipis[HV_MAX_CPUS];

#define VIPI_BASE      0x1000UL
#define VIPI_END       0x1050UL
#define VIPI_STATUS    0x00
#define VIPI_EN        0x04
#define VIPI_SET       0x08
#define VIPI_CLEAR     0x0c
#define VIPI_BUF       0x20
#define VIPI_IPI_SEND  0x40
#define VIPI_MAIL_SEND 0x48

static uint64_t sext(uint64_t v, unsigned bytes)
{
    unsigned s = 64 - 8 * bytes;
    return bytes == 8 ? v : (uint64_t)((int64_t)(v << s) >> s);
}

/* this core's guest IS[12] = (STATUS != 0): only the running core calls it */
void hv_vipi_sync(struct vcpu *vc)
{
    if (vipis[vc->cpu].status)
        hv_set_estat(IRQ_IPI);
    else
        hv_clear_estat(IRQ_IPI);
}

static void vipi_set(struct vcpu *vc, unsigned cpu, uint32_t bits)
{
    if (cpu >= HV_MAX_CPUS || !bits)
        return;
    if (cpu == vc->cpu) {
        __atomic_fetch_or(&vipis[cpu].status, bits, __ATOMIC_SEQ_CST);
        hv_vipi_sync(vc);
        return;
    }
    if (!hv_power_on[cpu])
        return;                                           /* no vCPU there: dropped */
    if (__atomic_fetch_or(&vipis[cpu].status, bits, __ATOMIC_SEQ_CST) == 0) {
#ifndef HV_BUG_VIPI_NO_KICK     /* the mutation: no kick; the target sees the IPI only after some other exit */
        hv_send_event(cpu, EV_VIPI_KICK, 0);              /* 0 -> non-zero: the target syncs IS[12] */
#endif
    }
}

static void vipi_clear(struct vcpu *vc, uint32_t bits)
{
    __atomic_fetch_and(&vipis[vc->cpu].status, ~bits, __ATOMIC_SEQ_CST);
    hv_vipi_sync(vc);
}

static void vipi_mail_send(uint64_t v)
{
    unsigned cpu = (v >> 16) & 0x3ff, word = (v >> 2) & 7, keep = (v >> 27) & 0xf;
    if (cpu >= HV_MAX_CPUS)
        return;
    volatile uint32_t *w = &vipis[cpu].buf[word];
    uint32_t mask = 0;
    for (unsigned i = 0; i < 4; i++)
        if (keep & (1U << i))
            mask |= 0xffU << (8 * i);
    uint32_t old = *w, data = (uint32_t)(v >> 32);
    while (!__atomic_compare_exchange_n(w, &old, (old & mask) | (data & ~mask), 0, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
        ;
}

static uint32_t word_at(const struct vipi *b, unsigned off)
{
    if (off == VIPI_STATUS)
        return b->status;
    if (off == VIPI_EN)
        return b->en;
    if (off >= VIPI_BUF && off < VIPI_BUF + 32)
        return b->buf[(off - VIPI_BUF) / 4];
    return 0;
}

static uint64_t vipi_read(struct vcpu *vc, unsigned off, unsigned bytes)
{
    const struct vipi *b = &vipis[vc->cpu];
    int reg = off < VIPI_BUF || off >= VIPI_IPI_SEND;
    if ((off & (bytes - 1)) || (reg && bytes < 4))
        return 0;
    uint64_t v = word_at(b, off & ~3U);
    if (bytes == 8)
        v |= (uint64_t)word_at(b, off + 4) << 32;
    else
        v >>= 8 * (off & 3);
    return sext(v, bytes);
}

static void vipi_write(struct vcpu *vc, unsigned off, unsigned bytes, uint64_t v)
{
    struct vipi *b = &vipis[vc->cpu];
    if (off & (bytes - 1))
        return;
    if (off >= VIPI_BUF && off < VIPI_BUF + 32) {          /* mailboxes: byte-wise, this vCPU's own */
        volatile uint8_t *p = (volatile uint8_t *)b->buf + (off - VIPI_BUF);
        for (unsigned i = 0; i < bytes; i++)
            p[i] = (uint8_t)(v >> (8 * i));
        return;
    }
    if (bytes < 4)
        return;
    uint32_t w = (uint32_t)v;
    switch (off) {
    case VIPI_EN: b->en = w; break;
    case VIPI_SET: vipi_set(vc, vc->cpu, w); break;
    case VIPI_CLEAR: vipi_clear(vc, w); break;
    case VIPI_IPI_SEND: vipi_set(vc, (w >> 16) & 0x3ff, 1U << (w & 31)); break;
    case VIPI_MAIL_SEND:
        if (bytes == 8)
            vipi_mail_send(v);
        break;
    default: break;                                       /* STATUS is read-only; 0x1010-0x101f: nothing */
    }
}

#ifdef HV_BUG_IOCSR_PASSTHROUGH
/* hvisor's emulate_iocsr (hvisor #202): the guest's access performed on the real registers */
static uint64_t passthrough(unsigned op, uint32_t addr, uint64_t v)
{
    switch (op) {
    case 0: { uint8_t r; __asm__ volatile("iocsrrd.b %0, %1" : "=r"(r) : "r"(addr) : "memory"); return sext(r, 1); }
    case 1: { uint16_t r; __asm__ volatile("iocsrrd.h %0, %1" : "=r"(r) : "r"(addr) : "memory"); return sext(r, 2); }
    case 2: return sext(iocsr_read32(addr), 4);
    case 3: return iocsr_read64(addr);
    case 4: __asm__ volatile("iocsrwr.b %0, %1" : : "r"(v), "r"(addr) : "memory"); break;
    case 5: __asm__ volatile("iocsrwr.h %0, %1" : : "r"(v), "r"(addr) : "memory"); break;
    case 6: iocsr_write32(addr, (uint32_t)v); break;
    default: iocsr_write64(addr, v); break;
    }
    return 0;
}
#endif

/* A guest iocsr* of the IPI block (insn = BADI): 1 when handled (rd written for a read), 0 otherwise. */
int hv_vipi_iocsr(struct vcpu *vc, uint32_t insn)
{
    unsigned op = (insn >> 10) & 7, rd = insn & 31, rj = (insn >> 5) & 31;
    unsigned bytes = 1U << (op & 3);
    uint64_t addr = vc->regs[rj];
    if (addr < VIPI_BASE || addr >= VIPI_END)
        return 0;
#ifdef HV_BUG_IOCSR_PASSTHROUGH
    (void)bytes, (void)vipi_read, (void)vipi_write;
    uint64_t r = passthrough(op, (uint32_t)addr, vc->regs[rd]);
    if (op < 4 && rd)
        vc->regs[rd] = r;
#else
    if (op >= 4)
        vipi_write(vc, (unsigned)(addr - VIPI_BASE), bytes, vc->regs[rd]);
    else if (rd)
        vc->regs[rd] = vipi_read(vc, (unsigned)(addr - VIPI_BASE), bytes);
#endif
    return 1;
}
