/* T6 cpucfg_emul: the guest executes `cpucfg` for indices 0..0x14, 0x15, 0x40 and 0xffff_ffff (plus one
 * seeded index g_cfg_idx) with every rd/rj pair of {r4, r12, r31}. Every one must exit (GSPR; counted with
 * HC_TEST_EXITS) and resume at PC + 4 with rd = the hypervisor's table word (the host's, CPUCFG2 without
 * LVZ/LVZVER; 0 from index 21 on) and every other register unchanged. g_cfg_val is the word the testbench
 * expects for g_cfg_idx (from the reference model's table, LVZ masked). */
#include "guest.h"

PARAM(g_cfg_idx, 2);
PARAM(g_cfg_val, 0);
PARAM(g_sentinel, 0x5a5a5a5a12345678);

struct regs3 {
    uint64_t r4, r12, r31;
};

/* rd/rj named in the asm text: r4, r12, r31 hold sentinels (sentinel ^ register number), rj then the index */
#define CFG(RD, RJ)                                                                                  \
    static struct regs3 cfg_##RD##_##RJ(uint64_t idx, uint64_t s)                                      \
    {                                                                                                \
        struct regs3 o;                                                                              \
        __asm__ volatile("xori $r4, %[s], 4\n\txori $r12, %[s], 12\n\txori $r31, %[s], 31\n\t"         \
                         "move $" #RJ ", %[idx]\n\tcpucfg $" #RD ", $" #RJ "\n\t"                      \
                         "move %[o4], $r4\n\tmove %[o12], $r12\n\tmove %[o31], $r31"                   \
                         : [o4] "=&r"(o.r4), [o12] "=&r"(o.r12), [o31] "=&r"(o.r31)                   \
                         : [idx] "r"(idx), [s] "r"(s)                                                 \
                         : "$r4", "$r12", "$r31", "memory");                                         \
        return o;                                                                                    \
    }
CFG(r4, r4) CFG(r4, r12) CFG(r4, r31) CFG(r12, r4) CFG(r12, r12) CFG(r12, r31) CFG(r31, r4) CFG(r31, r12)
CFG(r31, r31)

typedef struct regs3 (*cfg_fn)(uint64_t, uint64_t);
static const struct {
    cfg_fn fn;
    unsigned rd, rj;
} pairs[9] = {{cfg_r4_r4, 4, 4},    {cfg_r4_r12, 4, 12},    {cfg_r4_r31, 4, 31},
              {cfg_r12_r4, 12, 4},  {cfg_r12_r12, 12, 12},  {cfg_r12_r31, 12, 31},
              {cfg_r31_r4, 31, 4},  {cfg_r31_r12, 31, 12},  {cfg_r31_r31, 31, 31}};

static uint64_t reg_of(struct regs3 o, unsigned r)
{
    return r == 4 ? o.r4 : r == 12 ? o.r12 : o.r31;
}

static uint64_t indices[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                             0x15, 0x40, 0xffffffff, 0};

int main(void)
{
    unsigned n = sizeof indices / sizeof indices[0];
    indices[n - 1] = g_cfg_idx;
    printf("guest cpucfg_emul: %u indices x 9 register pairs; g_cfg_idx=%lu expects %lx\n", n, g_cfg_idx,
           g_cfg_val);
    int differs = 0, out_of_range = 0, clobbered = 0, seeded = 0, lvz = 0;
    uint64_t e0 = hvcall(HC_TEST_EXITS, 0, 0);
    for (unsigned i = 0; i < n; i++) {
        uint64_t idx = indices[i], first = 0;
        for (unsigned p = 0; p < 9; p++) {
            uint64_t s = g_sentinel ^ (i << 8) ^ (p << 16);
            struct regs3 o = pairs[p].fn(idx, s);
            uint64_t v = reg_of(o, pairs[p].rd);
            if (p == 0)
                first = v;
            differs |= v != first;
            for (unsigned r = 4; r <= 31; r += (r == 4 ? 8 : 19)) {   /* 4, 12, 31 */
                if (r == pairs[p].rd)
                    continue;
                uint64_t want = r == pairs[p].rj ? idx : (s ^ r);
                if (reg_of(o, r) != want) {
                    if (!clobbered)
                        printf("    cpucfg $r%u, $r%u (index %lx): $r%u = %lx, expected %lx\n", pairs[p].rd,
                               pairs[p].rj, idx, r, reg_of(o, r), want);
                    clobbered = 1;
                }
            }
        }
        if (idx >= 21 && first != 0) {
            printf("    index %lx reads %lx, expected 0\n", idx, first);
            out_of_range = 1;
        }
        if (idx == 2 && (first & (0xfUL << 10)))
            lvz = 1;
        if (i == n - 1 && first != g_cfg_val) {
            printf("    index %lx reads %lx, the testbench expects %lx\n", idx, first, g_cfg_val);
            seeded = 1;
        }
    }
    uint64_t exits = hvcall(HC_TEST_EXITS, 0, 0) - e0;
    printf("guest cpucfg_emul: %lu exits for %u cpucfg\n", exits, 9 * n);
    g_check(exits == 9 * n + 1, "one exit per cpucfg");
    g_check(!differs, "every register pair reads the same word");
    g_check(!clobbered, "rj and the other registers are unchanged, execution resumes at PC + 4");
    g_check(!out_of_range, "indices >= 21 read 0");
    g_check(!lvz, "CPUCFG2 hides LVZ/LVZVER from the guest");
    g_check(!seeded, "the seeded index reads the testbench's word");
    return 0;
}
