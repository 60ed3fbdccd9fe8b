/* isa_upper: lu12i.w, lu32i.d, lu52i.d, addu16i.d, pcaddi, pcaddu12i, pcaddu18i, pcalau12i.
 *   lu12i.w   rd = sext32(si20 << 12)             lu32i.d rd = {sext(si20)[31:0], rd[31:0]}
 *   lu52i.d   rd = {si12, rj[51:0]}                addu16i.d rd = rj + sext(si16 << 16)
 *   pcaddi    rd = pc + sext(si20 << 2)            pcaddu12i rd = pc + sext(si20 << 12)
 *   pcaddu18i rd = pc + sext(si20 << 18)           pcalau12i rd = (pc + sext(si20 << 12)) & ~0xfff
 * pc-relative results are printed as "label+offset" (decimal), the label being the instruction itself
 * (its address comes from la.abs, i.e. lu12i.w/ori/lu32i.d/lu52i.d with absolute relocations), and for
 * pcalau12i as "page(label)+offset". */
#include "isa.h"

static void rep_u(const char *insn, s64 imm, u64 r)
{
    print_str(insn);
    sp();
    print_dec(imm);
    arrow();
    print_hex64(r);
    putchar('\n');
}

static void rep_pc(const char *insn, s64 imm, const char *base, s64 off)
{
    printf("%s %ld -> %s%+ld\n", insn, imm, base, off);
}

#define SI20(X, insn) X(insn, -524288) X(insn, -1) X(insn, 0) X(insn, 1) X(insn, 524287) X(insn, 0x12345) \
                      X(insn, -0x5a5a5)
#define SI12(X, insn) X(insn, -2048) X(insn, -1) X(insn, 0) X(insn, 1) X(insn, 2047) X(insn, 0x5a5)
#define SI16(X, insn) X(insn, -32768) X(insn, -1) X(insn, 0) X(insn, 1) X(insn, 32767) X(insn, 0x1234)

#define LU12I(insn, imm) do {                                                                     \
        u64 r_;                                                                                   \
        __asm__ volatile("lu12i.w %0, %1" : "=r"(r_) : "i"(imm));                                 \
        rep_u(insn, imm, r_);                                                                     \
    } while (0);

static const u64 LU32_RD[] = {0, 0xffffffff80000000ULL, 0x0123456789abcdefULL};
#define LU32I(insn, imm) do {                                                                     \
        for (unsigned i_ = 0; i_ < N(LU32_RD); i_++) {                                            \
            u64 r_ = LU32_RD[i_];                                                                 \
            __asm__ volatile("lu32i.d %0, %1" : "+r"(r_) : "i"(imm));                             \
            rep_i(insn, LU32_RD[i_], imm, r_);                                                    \
        }                                                                                         \
    } while (0);

static const u64 RJ[] = {0, ~0ULL, 0x0123456789abcdefULL, 0x00007fffffff8000ULL};
#define LU52I(insn, imm) ALL_A(RJ, insn, imm, RI(insn, a, imm));
#define ADDU16I(insn, imm) ALL_A(RJ, insn, imm, RI(insn, a, imm));

#define PCREL(insn, imm) do {                                                                     \
        u64 r_, l_;                                                                               \
        __asm__ volatile("1: " insn " %0, %2\n\t"                                                 \
                         "la.abs %1, 1b"                                                          \
                         : "=&r"(r_), "=&r"(l_) : "i"(imm));                                      \
        rep_pc(insn, imm, "label", (s64)(r_ - l_));                                               \
    } while (0);
#define PCALA(insn, imm) do {                                                                     \
        u64 r_, l_;                                                                               \
        __asm__ volatile("1: " insn " %0, %2\n\t"                                                 \
                         "la.abs %1, 1b"                                                          \
                         : "=&r"(r_), "=&r"(l_) : "i"(imm));                                      \
        rep_pc(insn, imm, "page(label)", (s64)(r_ - (l_ & ~0xfffULL)));                           \
        if (r_ & 0xfff)                                                                           \
            puts("  ^ low 12 bits not clear");                                                    \
    } while (0);

u64 upper_anchor[2] = {1, 2};

int main(void)
{
    section("isa_upper: lu12i.w");
    SI20(LU12I, "lu12i.w")
    section("isa_upper: lu32i.d (reads rd)");
    SI20(LU32I, "lu32i.d")
    section("isa_upper: lu52i.d");
    SI12(LU52I, "lu52i.d")
    section("isa_upper: addu16i.d");
    SI16(ADDU16I, "addu16i.d")
    section("isa_upper: pc-relative");
    SI20(PCREL, "pcaddi")
    SI20(PCREL, "pcaddu12i")
    SI20(PCREL, "pcaddu18i")
    SI20(PCALA, "pcalau12i")

    section("isa_upper: high registers");
    {
        register u64 d_ __asm__("$s8");
        register u64 j_ __asm__("$t8") = 0x0123456789abcdefULL;
        __asm__ volatile("lu12i.w %0, -0x12345" : "=r"(d_));
        rep_u("lu12i.w $s8", -0x12345, d_);
        d_ = 0x0123456789abcdefULL;
        __asm__ volatile("lu32i.d %0, 0x54321" : "+r"(d_));
        rep_i("lu32i.d $s8", 0x0123456789abcdefULL, 0x54321, d_);
        __asm__ volatile("lu52i.d %0, %1, -0x123" : "=r"(d_) : "r"(j_));
        rep_i("lu52i.d $s8,$t8", 0x0123456789abcdefULL, -0x123, d_);
        __asm__ volatile("addu16i.d %0, %1, -0x4321" : "=r"(d_) : "r"(j_));
        rep_i("addu16i.d $s8,$t8", 0x0123456789abcdefULL, -0x4321, d_);
        u64 l_;
        __asm__ volatile("1: pcaddu12i %0, 0x7f\n\tla.abs %1, 1b" : "=r"(d_), "=&r"(l_));
        rep_pc("pcaddu12i $s8", 0x7f, "label", (s64)(d_ - l_));
    }
    {
        /* the usual pair for a symbol's address: pcalau12i + addi.d */
        u64 a, b;
        __asm__ volatile("pcalau12i %0, %%pc_hi20(upper_anchor)\n\taddi.d %0, %0, %%pc_lo12(upper_anchor)"
                         : "=r"(a));
        __asm__ volatile("la.abs %0, upper_anchor" : "=r"(b));
        printf("pcalau12i+addi.d upper_anchor == la.abs upper_anchor: %d\n", a == b && a == (u64)upper_anchor);
    }
    return 0;
}
