/* isa_alu: add.w/d, sub.w/d, addi.w/d, slt, sltu, slti, sltui, and, or, nor, xor, andn, orn, andi, ori,
 * xori. `.w` results are the 32-bit result sign-extended; andi/ori/xori zero-extend their immediate,
 * slti/sltui sign-extend it (sltui then compares unsigned). */
#include "isa.h"

/* arithmetic / compare operands: all pairs (carries into bit 32 and 64, .w sign changes, signed vs
 * unsigned order) */
static const u64 P[] = {1, ~0ULL, 0x7fffffff, 0x80000000, 0xffffffff, V_INT64_MIN, V_INT64_MAX};
/* bitwise operands: every bit combination appears */
static const u64 L[] = {~0ULL, 0x0123456789abcdefULL, 0xff00ff00f0f0cc33ULL};
/* operands for the immediate forms */
static const u64 A[] = {1, ~0ULL, 0x7fffffff, 0x80000000, 0xfffffffffffff800ULL, 0xfedcba9876543210ULL};

u64 alu_reg_sweep(u64 seed); /* alu.S: every GPR but r0/r3 as rd, rj and rk */

#define SI12(X) X(-2048) X(-1) X(0) X(2047) X(0x555)
#define UI12(X) X(0) X(0x7ff) X(0x800) X(0xfff) X(0xa5a)

#define ADDIW(i) ALL_A(A, "addi.w", i, RI("addi.w", a, i));
#define ADDID(i) ALL_A(A, "addi.d", i, RI("addi.d", a, i));
#define SLTI(i) ALL_A(A, "slti", i, RI("slti", a, i));
#define SLTUI(i) ALL_A(A, "sltui", i, RI("sltui", a, i));
#define ANDI(i) ALL_A(A, "andi", i, RI("andi", a, i));
#define ORI(i) ALL_A(A, "ori", i, RI("ori", a, i));
#define XORI(i) ALL_A(A, "xori", i, RI("xori", a, i));

static const u64 HI_A[] = {0x7fffffff, 0xffffffff, V_INT64_MIN, 0x0123456789abcdefULL};
static const u64 HI_B[] = {1, 0x80000000, ~0ULL, 0xfedcba9876543210ULL};

int main(void)
{
    section("isa_alu: register-register");
    ALL_PAIRS(P, "add.w", R3("add.w", a, b));
    ALL_PAIRS(P, "add.d", R3("add.d", a, b));
    ALL_PAIRS(P, "sub.w", R3("sub.w", a, b));
    ALL_PAIRS(P, "sub.d", R3("sub.d", a, b));
    ALL_PAIRS(P, "slt", R3("slt", a, b));
    ALL_PAIRS(P, "sltu", R3("sltu", a, b));
    ALL_PAIRS(L, "and", R3("and", a, b));
    ALL_PAIRS(L, "or", R3("or", a, b));
    ALL_PAIRS(L, "nor", R3("nor", a, b));
    ALL_PAIRS(L, "xor", R3("xor", a, b));
    ALL_PAIRS(L, "andn", R3("andn", a, b));
    ALL_PAIRS(L, "orn", R3("orn", a, b));

    section("isa_alu: rd=$s8 rj=$t8 rk=$t7, and rd=rj");
    for (unsigned i = 0; i < N(HI_A); i++) {
        u64 a = HI_A[i], b = HI_B[i];
        rep2("add.w", a, b, R3HI("add.w", a, b));
        rep2("sub.d", a, b, R3HI("sub.d", a, b));
        rep2("sltu", a, b, R3HI("sltu", a, b));
        rep2("orn", a, b, R3HI("orn", a, b));
        rep2("sub.w", a, b, R3DJ("sub.w", a, b));
        rep2("slt", a, b, R3DJ("slt", a, b));
        rep2("xor", a, b, R3DJ("xor", a, b));
        rep2("andn", a, b, R3DJ("andn", a, b));
        /* $zero as a source, and as a destination (the write is dropped) */
        u64 z0, z1, z2;
        __asm__ volatile("sub.d %0, $zero, %1" : "=r"(z0) : "r"(a));
        __asm__ volatile("nor %0, %1, $zero" : "=r"(z1) : "r"(a));
        __asm__ volatile("add.d $zero, %1, %1\n\tor %0, $zero, $zero" : "=r"(z2) : "r"(a));
        rep2("sub.d", 0, a, z0);
        rep2("nor", a, 0, z1);
        rep2("add.d_r0+or", a, a, z2);
    }

    section("isa_alu: immediate");
    SI12(ADDIW)
    SI12(ADDID)
    SI12(SLTI)
    SI12(SLTUI)
    UI12(ANDI)
    UI12(ORI)
    UI12(XORI)
    for (unsigned i = 0; i < N(HI_A); i++) {
        u64 a = HI_A[i];
        rep_i("addi.w", a, -1, RIHI("addi.w", a, -1));
        rep_i("sltui", a, -2048, RIHI("sltui", a, -2048));
        rep_i("xori", a, 0xfff, RIHI("xori", a, 0xfff));
    }

    section("isa_alu: every GPR as rd/rj/rk");
    for (u64 seed = 1; seed < 4; seed++)
        rep1("sweep", seed, alu_reg_sweep(seed * 0x9e3779b97f4a7c15ULL));
    return 0;
}
