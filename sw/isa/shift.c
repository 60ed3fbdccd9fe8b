/* isa_shift: sll/srl/sra/rotr .w and .d by register, slli/srli/srai/rotri .w and .d by immediate.
 * By register, .w uses rk[4:0] and .d uses rk[5:0] (the rest of rk is ignored); .w results are the
 * 32-bit result sign-extended (srl.w of a negative word by 0 therefore stays negative). */
#include "isa.h"

/* values: mixed pattern; negative with a positive low word; negative low word; only bit 63 and bit 0 */
static const u64 V[] = {0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x0000000080000001ULL,
                        0x8000000000000001ULL};
/* amounts incl. masking: 32/33/64/65/127 and a negative one (-27: .w uses 5, .d uses 37) */
static const u64 SH[] = {0, 1, 31, 32, 33, 63, 64, 65, 127, (u64)-27};

#define SHIFT_REG(insn)                                                                           \
    for (unsigned i = 0; i < N(V); i++)                                                           \
        for (unsigned j = 0; j < N(SH); j++)                                                      \
            rep2(insn, V[i], SH[j], R3(insn, V[i], SH[j]));

#define IMM_W(X, insn) X(insn, 0) X(insn, 1) X(insn, 13) X(insn, 31)
#define IMM_D(X, insn) X(insn, 0) X(insn, 1) X(insn, 31) X(insn, 32) X(insn, 63)
#define SHIFT_IMM(insn, imm) ALL_A(V, insn, imm, RI(insn, a, imm));

int main(void)
{
    section("isa_shift: by register");
    SHIFT_REG("sll.w")
    SHIFT_REG("srl.w")
    SHIFT_REG("sra.w")
    SHIFT_REG("rotr.w")
    SHIFT_REG("sll.d")
    SHIFT_REG("srl.d")
    SHIFT_REG("sra.d")
    SHIFT_REG("rotr.d")

    section("isa_shift: by immediate");
    IMM_W(SHIFT_IMM, "slli.w")
    IMM_W(SHIFT_IMM, "srli.w")
    IMM_W(SHIFT_IMM, "srai.w")
    IMM_W(SHIFT_IMM, "rotri.w")
    IMM_D(SHIFT_IMM, "slli.d")
    IMM_D(SHIFT_IMM, "srli.d")
    IMM_D(SHIFT_IMM, "srai.d")
    IMM_D(SHIFT_IMM, "rotri.d")

    section("isa_shift: rd=$s8 rj=$t8 rk=$t7 / rd=$s5 rj=$t6, and rd=rj");
    for (unsigned i = 0; i < N(V); i++) {
        u64 a = V[i];
        rep2("sra.w", a, 33, R3HI("sra.w", a, 33));
        rep2("rotr.d", a, 65, R3HI("rotr.d", a, 65));
        rep2("srl.d", a, 4, R3DJ("srl.d", a, 4));
        rep2("sll.w", a, 36, R3DJ("sll.w", a, 36));
        rep_i("srai.d", a, 62, RIHI("srai.d", a, 62));
        rep_i("rotri.w", a, 31, RIHI("rotri.w", a, 31));
    }
    return 0;
}
