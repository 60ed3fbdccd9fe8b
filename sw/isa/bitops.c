/* isa_bitops: bstrins.w/.d, bstrpick.w/.d, ext.w.b/.h, maskeqz, masknez, alsl.w/.wu/.d,
 * bytepick.w/.d, clo/clz/cto/ctz .w/.d, revb.2h/.4h/.2w/.d, revh.2w/.d, bitrev.4b/.8b/.w/.d,
 * crc.w.{b,h,w,d}.w and crcc.w.{b,h,w,d}.w: rd = sext32(CRC32(rk[31:0] as the state, rj's low 8/16/32/64
 *   bits as the data)), reflected, no inversion (IEEE 0xEDB88320 / Castagnoli 0x82F63B78). Check vectors:
 *   the CRC-32 of "123456789" is 0xcbf43926, CRC-32C 0xe3069283 (state ~0 in, result inverted), fed in
 *   bytes, halfwords, words and doublewords (+ a last byte); lines "crc <insn> <width> -> <crc> ok|BAD".
 *   bstrins: rd[msb:lsb] = rj[msb-lsb:0] (rest of rd kept; .w: on rd[31:0], then sign-extended)
 *   bstrpick: rd = zero-extended rj[msb:lsb] (.w: then sign-extended from bit 31)
 *   alsl: rd = (rj << sa) + rk, sa = 1..4 (.w sign-extends, .wu zero-extends the 32-bit sum)
 *   bytepick.w: rd = sext32({rk[31-8sa:0], rj[31:32-8sa]}), .d likewise on 64 bits
 * Lines: "<insn> <rd-in> <rj> <msb>:<lsb> -> <rd>" for bstrins (bstrpick has no rd-in); others as in
 * isa.h (<rj> [<rk>] [<sa>] -> <rd>). */
#include "isa.h"

static const u64 U[] = {0, ~0ULL, 1, 0x80000000, V_INT64_MIN, 0x0123456789abcdefULL, 0xfedcba9876543210ULL,
                        0x00000000ffff0000ULL, 0x8000000000000001ULL, 0x7fffffff0000ff80ULL};

static void rep_bf(const char *insn, int has_rd, u64 rd_in, u64 rj, int msb, int lsb, u64 r)
{
    print_str(insn);
    sp();
    if (has_rd) {
        print_hex64(rd_in);
        sp();
    }
    print_hex64(rj);
    printf(" %d:%d", msb, lsb);
    arrow();
    print_hex64(r);
    putchar('\n');
}

/* (rd-in, rj) for bstrins */
static const u64 INS_RD[] = {0x5555555555555555ULL, 0};
static const u64 INS_RJ[] = {0xfedcba9876543210ULL, ~0ULL};
static const u64 PICK_RJ[] = {0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x8000000080000000ULL};

#define BSTRINS(insn, msb, lsb)                                                                   \
    for (unsigned i_ = 0; i_ < N(INS_RD); i_++) {                                                 \
        u64 r_ = INS_RD[i_];                                                                      \
        __asm__ volatile(insn " %0, %1, %2, %3" : "+r"(r_) : "r"(INS_RJ[i_]), "i"(msb), "i"(lsb)); \
        rep_bf(insn, 1, INS_RD[i_], INS_RJ[i_], msb, lsb, r_);                                   \
    }
#define BSTRPICK(insn, msb, lsb)                                                                  \
    for (unsigned i_ = 0; i_ < N(PICK_RJ); i_++) {                                                \
        u64 r_;                                                                                   \
        __asm__ volatile(insn " %0, %1, %2, %3" : "=r"(r_) : "r"(PICK_RJ[i_]), "i"(msb), "i"(lsb)); \
        rep_bf(insn, 0, 0, PICK_RJ[i_], msb, lsb, r_);                                           \
    }
#define FIELDS_W(X, insn) X(insn, 31, 0) X(insn, 31, 31) X(insn, 0, 0) X(insn, 15, 8) X(insn, 30, 1) \
                          X(insn, 31, 16) X(insn, 7, 4)
#define FIELDS_D(X, insn) X(insn, 63, 0) X(insn, 63, 63) X(insn, 0, 0) X(insn, 47, 16) X(insn, 62, 1) \
                          X(insn, 63, 32) X(insn, 31, 0) X(insn, 40, 33)

/* alsl / bytepick operands */
static const u64 AJ[] = {0x7fffffff, 0x80000001, 0x0123456789abcdefULL};
static const u64 AK[] = {1, ~0ULL, 0xfedcba9876543210ULL};
#define ALSL(insn, sa)                                                                            \
    for (unsigned i_ = 0; i_ < N(AJ); i_++) {                                                     \
        u64 r_;                                                                                   \
        __asm__ volatile(insn " %0, %1, %2, %3" : "=r"(r_) : "r"(AJ[i_]), "r"(AK[i_]), "i"(sa));  \
        rep2_i(insn, AJ[i_], AK[i_], sa, r_);                                                     \
    }
#define SA4(X, insn) X(insn, 1) X(insn, 2) X(insn, 3) X(insn, 4)
static const u64 BJ[] = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
static const u64 BK[] = {0xfedcba9876543210ULL, 0x0123456789abcdefULL};
#define BYTEPICK(insn, sa)                                                                        \
    for (unsigned i_ = 0; i_ < N(BJ); i_++) {                                                     \
        u64 r_;                                                                                   \
        __asm__ volatile(insn " %0, %1, %2, %3" : "=r"(r_) : "r"(BJ[i_]), "r"(BK[i_]), "i"(sa));  \
        rep2_i(insn, BJ[i_], BK[i_], sa, r_);                                                     \
    }
#define SA_W(X, insn) X(insn, 0) X(insn, 1) X(insn, 2) X(insn, 3)
#define SA_D(X, insn) X(insn, 0) X(insn, 1) X(insn, 2) X(insn, 3) X(insn, 4) X(insn, 5) X(insn, 6) X(insn, 7)

#define UNARY(insn) for (unsigned i = 0; i < N(U); i++) rep1(insn, U[i], R2(insn, U[i]));

/* CRC of the 9-byte check string: 8/4/2/1 bytes at a time, then the last byte */
static const char CHECK9[] = "123456789";
static u64 load_le(const char *p, unsigned n)
{
    u64 v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (u64)(unsigned char)p[i] << (8 * i);
    return v;
}
static void rep_crc(const char *insn, unsigned width, u64 crc, u64 expected)
{
    print_str("crc ");
    print_str(insn);
    printf(" %u", width);
    arrow();
    print_hex64(crc);
    print_str(crc == expected ? " ok\n" : " BAD\n");
}
#define CRC_RUN(byte_insn, insn, width, check)                                                    \
    {                                                                                             \
        u64 c_ = 0xffffffffU;                                                                     \
        for (unsigned o_ = 0; o_ + (width) <= 8; o_ += (width))                                   \
            c_ = R3(insn, load_le(CHECK9 + o_, (width)), c_);                                     \
        c_ = R3(byte_insn, load_le(CHECK9 + 8, 1), c_);                                           \
        rep_crc(insn, (width), ~c_ & 0xffffffffU, check);                                         \
    }
#define CRC_ALL(p, check)                                                                         \
    CRC_RUN(p ".b.w", p ".b.w", 1, check) CRC_RUN(p ".b.w", p ".h.w", 2, check)                   \
    CRC_RUN(p ".b.w", p ".w.w", 4, check) CRC_RUN(p ".b.w", p ".d.w", 8, check)

static const u64 MASK_K[] = {0, 1, V_INT64_MIN};
static const u64 MASK_J[] = {~0ULL, 0x0123456789abcdefULL};

int main(void)
{
    section("isa_bitops: bstrins / bstrpick");
    FIELDS_W(BSTRINS, "bstrins.w")
    FIELDS_D(BSTRINS, "bstrins.d")
    FIELDS_W(BSTRPICK, "bstrpick.w")
    FIELDS_D(BSTRPICK, "bstrpick.d")

    section("isa_bitops: ext.w.b/.h, maskeqz, masknez");
    UNARY("ext.w.b")
    UNARY("ext.w.h")
    for (unsigned i = 0; i < N(MASK_J); i++)
        for (unsigned j = 0; j < N(MASK_K); j++) {
            rep2("maskeqz", MASK_J[i], MASK_K[j], R3("maskeqz", MASK_J[i], MASK_K[j]));
            rep2("masknez", MASK_J[i], MASK_K[j], R3("masknez", MASK_J[i], MASK_K[j]));
        }

    section("isa_bitops: alsl (rj, rk, sa), bytepick (rj, rk, sa)");
    SA4(ALSL, "alsl.w")
    SA4(ALSL, "alsl.wu")
    SA4(ALSL, "alsl.d")
    SA_W(BYTEPICK, "bytepick.w")
    SA_D(BYTEPICK, "bytepick.d")

    section("isa_bitops: count leading/trailing ones/zeros");
    UNARY("clo.w")
    UNARY("clz.w")
    UNARY("cto.w")
    UNARY("ctz.w")
    UNARY("clo.d")
    UNARY("clz.d")
    UNARY("cto.d")
    UNARY("ctz.d")

    section("isa_bitops: byte/halfword reversal, bit reversal");
    UNARY("revb.2h")
    UNARY("revb.4h")
    UNARY("revb.2w")
    UNARY("revb.d")
    UNARY("revh.2w")
    UNARY("revh.d")
    UNARY("bitrev.4b")
    UNARY("bitrev.8b")
    UNARY("bitrev.w")
    UNARY("bitrev.d")

    section("isa_bitops: crc.w.*.w / crcc.w.*.w check vectors (\"123456789\")");
    CRC_ALL("crc.w", 0xcbf43926U)
    CRC_ALL("crcc.w", 0xe3069283U)
    rep2("crc.w.w.w", 0x0123456789abcdefULL, ~0ULL, R3("crc.w.w.w", 0x0123456789abcdefULL, ~0ULL));
    rep2("crcc.w.d.w", 0x0123456789abcdefULL, 0x5a5a5a5aULL, R3("crcc.w.d.w", 0x0123456789abcdefULL, 0x5a5a5a5aULL));

    section("isa_bitops: high registers");
    for (unsigned i = 0; i < N(U); i += 3) {
        u64 a = U[i];
        rep1("clz.d", a, R2HI("clz.d", a));
        rep1("revb.2w", a, R2HI("revb.2w", a));
        rep1("bitrev.w", a, R2HI("bitrev.w", a));
        rep2("masknez", a, a, R3HI("masknez", a, a));
        register u64 d_ __asm__("$s8") = 0x5555555555555555ULL;
        register u64 j_ __asm__("$t8") = a;
        register u64 k_ __asm__("$t7") = 0x0123456789abcdefULL;
        __asm__ volatile("bstrins.d %0, %1, 55, 20" : "+r"(d_) : "r"(j_));
        rep_bf("bstrins.d", 1, 0x5555555555555555ULL, a, 55, 20, d_);
        __asm__ volatile("alsl.d %0, %1, %2, 3" : "=r"(d_) : "r"(j_), "r"(k_));
        rep2_i("alsl.d", a, 0x0123456789abcdefULL, 3, d_);
        __asm__ volatile("bytepick.d %0, %1, %2, 5" : "=r"(d_) : "r"(j_), "r"(k_));
        rep2_i("bytepick.d", a, 0x0123456789abcdefULL, 5, d_);
    }
    return 0;
}
