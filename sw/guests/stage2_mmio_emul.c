/* T16 stage2_mmio_emul: every load/store form on an emulated MMIO window (stage-2 V = 0 at HV_TESTDEV_GPA):
 * each access exits (PIL/PIS, BADV = the GPA, BADI = the instruction) and the hypervisor emulates it on its
 * test device (64 bytes that read back what was written), writes rd sign- or zero-extended, and resumes at
 * PC + 4. The guest checks every loaded value against the bytes it stored (two seeded patterns, one with
 * every byte's top bit set, one with none), the store widths, the device's record of the last access
 * (GPA, size, direction) and one exit per access. */
#include "guest.h"

#define DEV 0x10000000UL
PARAM(g_pattern, 0x0123456789abcdefUL);
PARAM(g_off, 3);

#define LD(op, off) ({ uint64_t __v; __asm__ volatile(op " %0, %1, " #off : "=r"(__v) : "r"(DEV) : "memory"); __v; })
#define LDX(op, off) ({ uint64_t __v; \
    __asm__ volatile(op " %0, %1, %2" : "=r"(__v) : "r"(DEV), "r"((uint64_t)(off)) : "memory"); __v; })
#define ST(op, v, off) __asm__ volatile(op " %0, %1, " #off : : "r"((uint64_t)(v)), "r"(DEV) : "memory")
#define STX(op, v, off) __asm__ volatile(op " %0, %1, %2" : : "r"((uint64_t)(v)), "r"(DEV), "r"((uint64_t)(off)) \
                                         : "memory")

static uint64_t sext(uint64_t v, unsigned bytes)
{
    unsigned s = 64 - 8 * bytes;
    return (uint64_t)((int64_t)(v << s) >> s);
}

static uint64_t field(uint64_t w, unsigned off, unsigned bytes)
{
    uint64_t v = w >> (8 * off);
    return bytes == 8 ? v : v & ((1UL << (8 * bytes)) - 1);
}

static unsigned bad;

static void expect(const char *form, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("    %s: %lx, expected %lx\n", form, got, want);
        bad++;
    }
}

static void loads(uint64_t w)
{
    ST("st.d", w, 0);
    expect("ld.d", LD("ld.d", 0), w);
    expect("ld.w", LD("ld.w", 4), sext(field(w, 4, 4), 4));
    expect("ld.h", LD("ld.h", 6), sext(field(w, 6, 2), 2));
    expect("ld.b", LD("ld.b", 7), sext(field(w, 7, 1), 1));
    expect("ld.wu", LD("ld.wu", 4), field(w, 4, 4));
    expect("ld.hu", LD("ld.hu", 2), field(w, 2, 2));
    expect("ld.bu", LD("ld.bu", 5), field(w, 5, 1));
    expect("ldptr.w", LD("ldptr.w", 4), sext(field(w, 4, 4), 4));
    expect("ldptr.d", LD("ldptr.d", 0), w);
    unsigned ob = (unsigned)(g_off & 7), oh = ob & 6, ow = ob & 4;
    expect("ldx.b", LDX("ldx.b", ob), sext(field(w, ob, 1), 1));
    expect("ldx.h", LDX("ldx.h", oh), sext(field(w, oh, 2), 2));
    expect("ldx.w", LDX("ldx.w", ow), sext(field(w, ow, 4), 4));
    expect("ldx.d", LDX("ldx.d", 0), w);
    expect("ldx.bu", LDX("ldx.bu", ob), field(w, ob, 1));
    expect("ldx.hu", LDX("ldx.hu", oh), field(w, oh, 2));
    expect("ldx.wu", LDX("ldx.wu", ow), field(w, ow, 4));
}

static void stores(uint64_t w)
{
    unsigned ob = (unsigned)(g_off & 7), oh = ob & 6, ow = ob & 4;
    ST("st.d", 0, 8);
    ST("st.b", w, 9);
    expect("st.b", LD("ld.d", 8), field(w, 0, 1) << 8);
    ST("st.d", 0, 8);
    ST("st.h", w, 10);
    expect("st.h", LD("ld.d", 8), field(w, 0, 2) << 16);
    ST("st.d", 0, 8);
    ST("st.w", w, 12);
    expect("st.w", LD("ld.d", 8), field(w, 0, 4) << 32);
    ST("stptr.w", w, 8);
    expect("stptr.w", LD("ld.d", 8), (field(w, 0, 4) << 32) | field(w, 0, 4));
    ST("stptr.d", ~w, 8);
    expect("stptr.d", LD("ld.d", 8), ~w);
    ST("st.d", 0, 16);
    STX("stx.b", w, 16 + ob);
    expect("stx.b", LD("ld.d", 16), field(w, 0, 1) << (8 * ob));
    ST("st.d", 0, 16);
    STX("stx.h", w, 16 + oh);
    expect("stx.h", LD("ld.d", 16), field(w, 0, 2) << (8 * oh));
    ST("st.d", 0, 16);
    STX("stx.w", w, 16 + ow);
    expect("stx.w", LD("ld.d", 16), field(w, 0, 4) << (8 * ow));
    STX("stx.d", w, 16);
    expect("stx.d", LD("ld.d", 16), w);
}

int main(void)
{
    uint64_t neg = g_pattern | 0x8080808080808080UL, pos = g_pattern & 0x7f7f7f7f7f7f7f7fUL;
    printf("guest stage2_mmio_emul: patterns %lx %lx, offset %lu\n", neg, pos, g_off & 7);
    uint64_t e0 = hvcall(HC_TEST_EXITS, 0, 0);
    loads(neg);
    loads(pos);
    uint64_t e1 = hvcall(HC_TEST_EXITS, 0, 0);
    g_check(!bad, "loads of every form: the stored bytes, sign- or zero-extended");
    g_check(e1 - e0 == 2 * 17 + 1, "one exit per load");
    unsigned b0 = bad;
    stores(neg);
    stores(pos);
    g_check(bad == b0, "stores of every form: the bytes of their width at their GPA");
    ST("st.h", 0, 0x22);
    uint64_t last = hvcall(HC_TEST_MMIO_LAST, 0, 0);
    g_check(last == ((DEV + 0x22) | (2UL << 48) | (1UL << 56)), "the device saw the store's GPA, size, direction");
    (void)LD("ld.bu", 0x31);
    last = hvcall(HC_TEST_MMIO_LAST, 0, 0);
    g_check(last == ((DEV + 0x31) | (1UL << 48)), "the device saw the load's GPA, size, direction");
    return 0;
}
