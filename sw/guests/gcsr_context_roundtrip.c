/* T5 gcsr_context_roundtrip: the guest writes seeded values to its SAVE0-7, EENTRY, TLBRENTRY, DMW0-3, PGDL,
 * PGDH, ASID and PRCFG-free writable CSRs, keeps a pattern in every callee/caller register it can name, and
 * makes g_rounds x 3 exits of mixed kinds (hvcl, cpucfg, an emulated MMIO load); after each the registers
 * and every CSR must read what they read before (only rd and ERA of the emulated instruction change). */
#include "guest.h"

PARAM(g_seed, 0x1234567);
PARAM(g_rounds, 16);

#define DEV 0x10000000UL

static uint64_t rng_state;
static uint64_t next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define NCSR 16
static const char *const names[NCSR] = {"SAVE0", "SAVE1", "SAVE2", "SAVE3", "SAVE4", "SAVE5", "SAVE6", "SAVE7",
                                       "EENTRY", "TLBRENTRY", "DMW0", "DMW1", "DMW2", "DMW3", "PGDL", "PGDH"};

static void write_all(const uint64_t *v)
{
    csrwr(CSR_SAVE0, v[0]); csrwr(CSR_SAVE1, v[1]); csrwr(CSR_SAVE2, v[2]); csrwr(CSR_SAVE3, v[3]);
    csrwr(CSR_SAVE4, v[4]); csrwr(CSR_SAVE5, v[5]); csrwr(CSR_SAVE6, v[6]); csrwr(CSR_SAVE7, v[7]);
    csrwr(CSR_EENTRY, v[8]); csrwr(CSR_TLBRENTRY, v[9]);
    csrwr(CSR_DMW0, v[10]); csrwr(CSR_DMW1, v[11]); csrwr(CSR_DMW2, v[12]); csrwr(CSR_DMW3, v[13]);
    csrwr(CSR_PGDL, v[14]); csrwr(CSR_PGDH, v[15]);
}

static void read_all(uint64_t *v)
{
    v[0] = csrrd(CSR_SAVE0); v[1] = csrrd(CSR_SAVE1); v[2] = csrrd(CSR_SAVE2); v[3] = csrrd(CSR_SAVE3);
    v[4] = csrrd(CSR_SAVE4); v[5] = csrrd(CSR_SAVE5); v[6] = csrrd(CSR_SAVE6); v[7] = csrrd(CSR_SAVE7);
    v[8] = csrrd(CSR_EENTRY); v[9] = csrrd(CSR_TLBRENTRY);
    v[10] = csrrd(CSR_DMW0); v[11] = csrrd(CSR_DMW1); v[12] = csrrd(CSR_DMW2); v[13] = csrrd(CSR_DMW3);
    v[14] = csrrd(CSR_PGDL); v[15] = csrrd(CSR_PGDH);
}

/* r12..r20 (t0-t8), r21, r22 (fp), r23..r31 (s0-s8) and r1 (ra) hold p ^ n around one exit of `kind`; returns the
 * mask of registers that changed (bit n) */
static uint64_t gprs_across_exit(uint64_t p, unsigned kind)
{
    uint64_t out[32];
    __asm__ volatile(
        "addi.d $sp, $sp, -16\n\t"
        "st.d   %[out], $sp, 0\n\t"
        "st.d   %[k], $sp, 8\n\t"
        ".irp n, 1, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31\n\t"
        "xori   $r\\n, %[p], \\n\n\t"
        ".endr\n\t"
        "ld.d   $a1, $sp, 8\n\t"
        "li.d   $a0, 0x7e\n\t"
        "bnez   $a1, 1f\n\t"
        "hvcl   0\n\t"                       /* kind 0: echo */
        "b      3f\n"
        "1:     addi.d $a1, $a1, -1\n\t"
        "bnez   $a1, 2f\n\t"
        "cpucfg $a0, $zero\n\t"              /* kind 1 */
        "b      3f\n"
        "2:     lu12i.w $a0, 0x10000\n\t"
        "ld.d   $a0, $a0, 0\n"               /* kind 2: an emulated MMIO load */
        "3:     ld.d   $a0, $sp, 0\n\t"
        ".irp n, 1, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31\n\t"
        "st.d   $r\\n, $a0, 8 * \\n\n\t"
        ".endr\n\t"
        "addi.d $sp, $sp, 16\n\t"
        :
        : [out] "r"(out), [p] "r"(p), [k] "r"((uint64_t)kind)
        : "$r1", "$r4", "$r5", "$r12", "$r13", "$r14", "$r15", "$r16", "$r17", "$r18", "$r19", "$r20", "$r21",
          "$r22", "$r23", "$r24", "$r25", "$r26", "$r27", "$r28", "$r29", "$r30", "$r31", "memory");
    static const unsigned regs[] = {1, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
    uint64_t changed = 0;
    for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++)
        if (out[regs[i]] != (p ^ regs[i]))
            changed |= 1UL << regs[i];
    return changed;
}

int main(void)
{
    rng_state = g_seed | 1;
    printf("guest gcsr_context_roundtrip: %lu rounds\n", g_rounds);
    uint64_t want[NCSR], got[NCSR], v[NCSR];
    for (unsigned i = 0; i < NCSR; i++)
        v[i] = next();
    v[10] &= ~0xfUL;    /* DMWs without PLV enables: the guest stays unpaged anyway (DA) */
    v[11] &= ~0xfUL;
    v[12] &= ~0xfUL;
    v[13] &= ~0xfUL;
    write_all(v);
    read_all(want);
    csrwr(CSR_ASID, next() & 0x3ff);
    uint64_t asid = csrrd(CSR_ASID);
    unsigned csr_bad = 0;
    uint64_t gpr_bad = 0;
    for (uint64_t r = 0; r < g_rounds; r++) {
        for (unsigned kind = 0; kind < 3; kind++) {
            gpr_bad |= gprs_across_exit(next(), kind);
            read_all(got);
            for (unsigned i = 0; i < NCSR; i++)
                if (got[i] != want[i]) {
                    if (!(csr_bad & (1U << i)))
                        printf("    %s changed across an exit: %lx, was %lx\n", names[i], got[i], want[i]);
                    csr_bad |= 1U << i;
                }
            if (csrrd(CSR_ASID) != asid) {
                if (!(csr_bad & (1U << NCSR)))
                    printf("    ASID changed across an exit: %lx, was %lx\n", csrrd(CSR_ASID), asid);
                csr_bad |= 1U << NCSR;
            }
        }
    }
    if (gpr_bad)
        printf("    registers changed across an exit: mask %lx\n", gpr_bad);
    g_check(!gpr_bad, "every GPR but the emulated rd keeps its value across exits");
    g_check(!csr_bad, "every guest CSR keeps its value across exits");
    return 0;
}
