/* isa_branch: beq/bne/blt/bge/bltu/bgeu/beqz/bnez taken and not taken (forward and backward), b, bl,
 * jirl (indirect calls, computed jumps, offsets at the ends of offs16), and far branches (branch.S).
 *
 * Conditional lines: "<insn> <rj> <rd> -> <t>" where t = 0x01 if the forward branch was taken plus 0x10
 * if the same branch backward was taken (so 0x11 or 0x00; anything else is a bug). Return addresses are
 * printed relative to the label of the call site. */
#include "isa.h"

/* Forward: "insn a, b, 1f"; backward: "insn a, b, 3b". */
#define BR2(insn, a, b) ({                                                                        \
    u64 t_ = 0;                                                                                   \
    __asm__ volatile(insn " %1, %2, 1f\n\t"                                                       \
                     "b 2f\n"                                                                     \
                     "1: ori %0, %0, 0x1\n"                                                       \
                     "2: b 4f\n"                                                                  \
                     "3: ori %0, %0, 0x10\n\t"                                                    \
                     "b 5f\n"                                                                     \
                     "4: " insn " %1, %2, 3b\n"                                                   \
                     "5:"                                                                         \
                     : "+r"(t_) : "r"(a), "r"(b));                                                \
    t_; })
#define BR2HI(insn, a, b) ({                                                                      \
    register u64 t_ __asm__("$s8") = 0;                                                           \
    register u64 j_ __asm__("$t8") = (a);                                                         \
    register u64 d_ __asm__("$s7") = (b);                                                         \
    __asm__ volatile(insn " %1, %2, 1f\n\t"                                                       \
                     "b 2f\n"                                                                     \
                     "1: ori %0, %0, 0x1\n"                                                       \
                     "2: b 4f\n"                                                                  \
                     "3: ori %0, %0, 0x10\n\t"                                                    \
                     "b 5f\n"                                                                     \
                     "4: " insn " %1, %2, 3b\n"                                                   \
                     "5:"                                                                         \
                     : "+r"(t_) : "r"(j_), "r"(d_));                                              \
    t_; })
#define BR1(insn, a) ({                                                                           \
    u64 t_ = 0;                                                                                   \
    __asm__ volatile(insn " %1, 1f\n\t"                                                           \
                     "b 2f\n"                                                                     \
                     "1: ori %0, %0, 0x1\n"                                                       \
                     "2: b 4f\n"                                                                  \
                     "3: ori %0, %0, 0x10\n\t"                                                    \
                     "b 5f\n"                                                                     \
                     "4: " insn " %1, 3b\n"                                                       \
                     "5:"                                                                         \
                     : "+r"(t_) : "r"(a));                                                        \
    t_; })

/* signed/unsigned edges: 0, 1, -1, 2^31, INT64_MIN, INT64_MAX */
static const u64 B[] = {0, 1, ~0ULL, 0x80000000, V_INT64_MIN, V_INT64_MAX};

u64 br_bl(void), br_bl_back(void), br_get_ra(void), br_jirl(u64 (*target)(void)), br_jirl_same(void);
u64 br_jirl_maxoff(u64 base), br_jirl_minoff(u64 base), br_table(u64 idx, u64 off_sel);
void br_far(u64 out[3]);
extern char br_bl_site[], br_bl_back_site[], br_jirl_site[], br_jirl_same_site[], br_jirl_maxoff_site[],
    br_jirl_minoff_site[];

static void rep_rel(const char *what, u64 value, const char *label, u64 base)
{
    printf("%s -> %s%+ld\n", what, label, (long)(value - base));
}

static u64 square(u64 x) { return x * x; }
static u64 triple(u64 x) { return 3 * x; }
static u64 (*volatile ops[2])(u64) = {square, triple};

int main(void)
{
    section("isa_branch: conditional (0x01 forward taken, 0x10 backward taken)");
    ALL_PAIRS(B, "beq", BR2("beq", a, b));
    ALL_PAIRS(B, "bne", BR2("bne", a, b));
    ALL_PAIRS(B, "blt", BR2("blt", a, b));
    ALL_PAIRS(B, "bge", BR2("bge", a, b));
    ALL_PAIRS(B, "bltu", BR2("bltu", a, b));
    ALL_PAIRS(B, "bgeu", BR2("bgeu", a, b));
    for (unsigned i = 0; i < N(B); i++) {
        rep1("beqz", B[i], BR1("beqz", B[i]));
        rep1("bnez", B[i], BR1("bnez", B[i]));
    }
    section("isa_branch: rj=$t8 rd=$s7, and rj == rd");
    for (unsigned i = 0; i < N(B); i++) {
        u64 a = B[i], b = B[(i + 1) % N(B)];
        rep2("blt", a, b, BR2HI("blt", a, b));
        rep2("bgeu", a, b, BR2HI("bgeu", a, b));
        rep2("bne", a, a, BR2("bne", a, a));
        rep2("bge", a, a, BR2("bge", a, a));
    }
    {
        u64 t0, t1, t2;
        /* $zero operands */
        __asm__ volatile("move %0, $zero\n\tbeq $zero, $zero, 1f\n\tori %0, %0, 0x100\n1:" : "=&r"(t0));
        __asm__ volatile("move %0, $zero\n\tbltu $zero, $zero, 1f\n\tori %0, %0, 0x100\n1:" : "=&r"(t1));
        __asm__ volatile("move %0, $zero\n\tbnez $zero, 1f\n\tori %0, %0, 0x100\n1:" : "=&r"(t2));
        rep1("beq $zero,$zero (0x100 = fell through)", 0, t0);
        rep1("bltu $zero,$zero", 0, t1);
        rep1("bnez $zero", 0, t2);
    }

    section("isa_branch: b, bl, jirl");
    {
        u64 t = 0;
        __asm__ volatile("b 1f\n\tori %0, %0, 1\n1:\tori %0, %0, 2\n\tb 3f\n2:\tori %0, %0, 4\n\tb 4f\n"
                         "3:\tb 2b\n\tori %0, %0, 8\n4:"
                         : "+r"(t));
        rep1("b forward/backward (6 = ok)", 0, t);
    }
    rep_rel("bl forward: ra", br_bl(), "br_bl_site", (u64)br_bl_site);
    rep_rel("bl backward: ra", br_bl_back(), "br_bl_back_site", (u64)br_bl_back_site);
    rep_rel("jirl $ra,$a0,0: ra", br_jirl(br_get_ra), "br_jirl_site", (u64)br_jirl_site);
    rep_rel("jirl $a0,$a0,0: a0", br_jirl_same(), "br_jirl_same_site", (u64)br_jirl_same_site);
    rep_rel("jirl $ra,$t8,131068: ra", br_jirl_maxoff((u64)br_get_ra - 131068), "br_jirl_maxoff_site",
            (u64)br_jirl_maxoff_site);
    rep_rel("jirl $ra,$a0,-131072: ra", br_jirl_minoff((u64)br_get_ra + 131072), "br_jirl_minoff_site",
            (u64)br_jirl_minoff_site);
    for (u64 idx = 1; idx <= 4; idx++)
        for (u64 sel = 0; sel < 3; sel++)
            printf("computed jump: table[%lu] offset %ld -> %lx\n", idx, (long)(sel * 8) - 8,
                   br_table(idx, sel));
    for (u64 x = 3; x < 6; x++)
        printf("indirect call: ops[%lu](%lu) -> %lu\n", x & 1, x, ops[x & 1](x));

    section("isa_branch: far (offs21/offs26 high bits to 0x00400000 and back, offs16 across 64 KiB)");
    {
        u64 out[3];
        br_far(out);
        printf("far path %lx (3f = ok), bl ra -> br_far_bl_site%+ld, offs16 path %lx (f = ok)\n", out[0],
               (long)out[1], out[2]);
    }
    return 0;
}
