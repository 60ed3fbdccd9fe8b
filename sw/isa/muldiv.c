/* isa_muldiv: mul.w, mulh.w, mulh.wu, mul.d, mulh.d, mulh.du, mulw.d.w, mulw.d.wu, div.w/.wu/.d/.du,
 * mod.w/.wu/.d/.du. `.w` forms use rj[31:0], rk[31:0] and sign-extend their 32-bit result (also .wu);
 * mulw.d.w[u] give the full 64-bit product of the two words. Division by zero and MIN / -1 have no
 * exception; the architecture leaves the result open, the lines show what QEMU (the oracle) gives. */
#include "isa.h"

static const u64 M[] = {~0ULL, 0x7fffffff, 0x80000000, V_INT64_MIN, 0x0123456789abcdefULL,
                        0xfedcba9876543210ULL};
/* dividends: small +/-; word MIN in the low half; INT64_MIN; negative and positive patterns */
static const u64 D[] = {7, (u64)-7, 0x80000000, V_INT64_MIN, 0xfedcba9876543210ULL, 0x0123456789abcdefULL};
/* divisors: zero, +/-1, small +/-, a word that is negative as .w but positive as .d */
static const u64 Q[] = {0, 1, ~0ULL, 3, (u64)-2, 0x87654321};

#define DIV_ALL(insn)                                                                             \
    for (unsigned i = 0; i < N(D); i++)                                                           \
        for (unsigned j = 0; j < N(Q); j++)                                                       \
            rep2(insn, D[i], Q[j], R3(insn, D[i], Q[j]));

int main(void)
{
    section("isa_muldiv: multiply");
    ALL_PAIRS(M, "mul.w", R3("mul.w", a, b));
    ALL_PAIRS(M, "mulh.w", R3("mulh.w", a, b));
    ALL_PAIRS(M, "mulh.wu", R3("mulh.wu", a, b));
    ALL_PAIRS(M, "mul.d", R3("mul.d", a, b));
    ALL_PAIRS(M, "mulh.d", R3("mulh.d", a, b));
    ALL_PAIRS(M, "mulh.du", R3("mulh.du", a, b));
    ALL_PAIRS(M, "mulw.d.w", R3("mulw.d.w", a, b));
    ALL_PAIRS(M, "mulw.d.wu", R3("mulw.d.wu", a, b));

    section("isa_muldiv: divide (incl. by zero and MIN/-1)");
    DIV_ALL("div.w")
    DIV_ALL("div.wu")
    DIV_ALL("div.d")
    DIV_ALL("div.du")
    DIV_ALL("mod.w")
    DIV_ALL("mod.wu")
    DIV_ALL("mod.d")
    DIV_ALL("mod.du")

    section("isa_muldiv: rd=$s8 rj=$t8 rk=$t7, and rd=rj");
    for (unsigned i = 0; i < N(D); i++) {
        u64 a = D[i], b = M[i];
        rep2("mulh.d", a, b, R3HI("mulh.d", a, b));
        rep2("mulw.d.wu", a, b, R3HI("mulw.d.wu", a, b));
        rep2("div.d", a, b, R3HI("div.d", a, b));
        rep2("mod.wu", a, b, R3HI("mod.wu", a, b));
        rep2("mul.d", a, b, R3DJ("mul.d", a, b));
        rep2("div.du", a, b, R3DJ("div.du", a, b));
    }
    return 0;
}
