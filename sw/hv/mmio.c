/* R9: MMIO emulation of a PIL/PIS exit on an emulated window (stage-2 V = 0). BADV = the GPA, BADI = the
 * guest's load or store, decoded here in every form:
 *   ld.{b,h,w,d} ld.{bu,hu,wu} st.{b,h,w,d}           (si12)
 *   ldptr.{w,d} stptr.{w,d}                             (si14 << 2)
 *   ldx.{b,h,w,d} ldx.{bu,hu,wu} stx.{b,h,w,d}          (rj + rk)
 * Loads sign-extend (b/h/w) or zero-extend (bu/hu/wu) into rd; ERA += 4. The windows' device is the test
 * device: 64 bytes of little-endian registers (offset mod 64) that read back what was written; its last
 * access is kept for HC_TEST_MMIO_LAST. A store to offset HV_TESTDEV_ACK (0x38) is also the ack of an injected
 * interrupt: the value is the guest ESTAT.IS bit, de-asserted with hv_irq_ack (irq.c). A GPA outside every emulated window or an instruction that is no
 * load/store stops the hypervisor (KVM would inject ADE; design.md 13). */
#include <stdint.h>

#include "hv.h"

volatile uint64_t hv_mmio_last;
static uint8_t testdev[64];

struct access {
    unsigned bytes, is_store, is_signed;
};

static int decode(uint32_t insn, struct access *a)
{
    unsigned op10 = insn >> 22, op8 = insn >> 24, op17 = insn >> 15;
    if (op10 >= 0xa0 && op10 <= 0xaa) {                 /* ld/st si12 */
        unsigned k = op10 - 0xa0;
        a->bytes = 1U << (k & 3);
        a->is_store = k >= 4 && k < 8;
        a->is_signed = k < 4;
        return 1;
    }
    if (op8 >= 0x24 && op8 <= 0x27) {                   /* ldptr/stptr */
        a->bytes = op8 & 2 ? 8 : 4;
        a->is_store = op8 & 1;
        a->is_signed = 1;
        return 1;
    }
    if (op17 >= 0x7000 && op17 <= 0x7050 && !(op17 & 7)) {   /* ldx/stx */
        unsigned k = (op17 - 0x7000) >> 3;
        a->bytes = 1U << (k & 3);
        a->is_store = k >= 4 && k < 8;
        a->is_signed = k < 4;
        return 1;
    }
    return 0;
}

void hv_handle_mmio(struct vcpu *vc)
{
    const struct zone *z = &hv_zones[vc->zone];
    uint64_t gpa = vc->badv;
    const struct mmio_window *hit = 0;
    for (unsigned w = 0; w < HV_MAX_WINDOWS; w++) {
        const struct mmio_window *win = &z->windows[w];
        if (win->emulated && gpa >= win->base && gpa - win->base < win->size)
            hit = win;
    }
    struct access a;
    uint32_t insn = (uint32_t)vc->badi;
    if (!hit || !decode(insn, &a))
        hv_fatal(vc, "stage-2 fault outside an emulated window (KVM: ADE to the guest)");
    unsigned rd = insn & 31, off = (unsigned)(gpa & 63);
    if (hit->emulated == HV_WIN_VIRTIO) {        /* forwarded to the root's daemon (virtio.c), same decoder */
        uint64_t v = hv_virtio_forward(vc, hit, gpa, a.bytes, a.is_store, vc->regs[rd]);
        if (!a.is_store && a.bytes < 8) {
            unsigned s = 64 - 8 * a.bytes;
            v = a.is_signed ? (uint64_t)((int64_t)(v << s) >> s) : (v << s) >> s;
        }
        if (!a.is_store && rd)
            vc->regs[rd] = v;
    } else if (a.is_store) {
        uint64_t v = vc->regs[rd];
        for (unsigned i = 0; i < a.bytes; i++)
            testdev[(off + i) & 63] = (uint8_t)(v >> (8 * i));
        if (off == HV_TESTDEV_ACK)
            hv_irq_ack((unsigned)v);    /* the guest's ack of an injected line: de-assert that line only */
    } else {
        uint64_t v = 0;
        for (unsigned i = 0; i < a.bytes; i++)
            v |= (uint64_t)testdev[(off + i) & 63] << (8 * i);
#ifdef SEED_BUG_MMIO_ZERO_EXTEND
        a.is_signed = 0;    /* the seed's missing sign extension (hvisor PR #304, IOCSR emulation) */
#endif
        if (a.is_signed && a.bytes < 8) {
            unsigned s = 64 - 8 * a.bytes;
            v = (uint64_t)((int64_t)(v << s) >> s);
        }
        if (rd)
            vc->regs[rd] = v;
    }
    hv_mmio_last = (gpa & 0xffffffffffffUL) | ((uint64_t)a.bytes << 48) | ((uint64_t)a.is_store << 56);
    vc->era += 4;
}
