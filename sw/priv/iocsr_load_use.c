/* iocsr_load_use: the IOCSR load-use interlock (iocsr_load_use.S has the sequences). One core.
 * The C side writes seeded values into the mailboxes and IPI_EN, runs lu_run, then checks every result;
 * lockstep checks each instruction as it retires. The chip words used (FEATURES, VENDOR, CPUNAME) are read
 * with .w/.d only, which QEMU 7.2 answers like the hardware (it reads VERSION and .b/.h as 0).
 *
 * Parameters (uint64_t, ELF symbols in .data):
 *   lu_seed  default 1  seeds the mailbox values, IPI_EN and the offset/pointer choices
 * Success: last line "iocsr_load_use: PASS".
 */
#include <stdint.h>

#include "ipi.h"
#include "la.h"
#include "param.h"
#include "print.h"

PARAM(lu_seed, 1);

#define LU_OUTS 12
#define FEATURES 0x1cUL
#define VENDOR   0x6e6f73676e6f6f4cUL
#define CPUNAME  0x0000303030354133UL

struct lu_args {
    uint64_t mbuf0, mbuf1, mbuf2, mbuf3, en, target;
};

void lu_run(uint64_t *out, const struct lu_args *a);
extern char lu_target[];

static uint64_t out[LU_OUTS + 4];
static uint64_t cell[2];

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x9E3779B97F4A7C15UL;
    x ^= x >> 29;
    return x | 0x100;              /* never 0 */
}

int main(void)
{
    uint64_t v0 = mix(lu_seed), r = mix(v0);
    unsigned idx = 5 + (unsigned)(r % 6);                  /* out[idx], not written yet, read through an index */
    uint32_t en = (uint32_t)mix(r) | 1;
    /* en as iocsrrd.w returns it: sign-extended */
    struct lu_args a = { v0, 8UL * idx, (uint64_t)(uintptr_t)&cell[0], IOCSR_MBUF0, (uint64_t)(int64_t)(int32_t)en,
                         (uint64_t)(uintptr_t)lu_target };
    printf("iocsr_load_use: lu_seed=%lx MBUF0=%lx index=%u EN=%x\n", lu_seed, v0, idx, en);
    for (unsigned i = 0; i < LU_OUTS; i++)
        out[i] = 0x1111111111111111UL * (i + 1);
    cell[0] = mix(en);
    cell[1] = 0;
    uint64_t pre_idx = out[idx], pre_cell = cell[0];

    iocsr_write64(IOCSR_MBUF0, v0);
    iocsr_write64(IOCSR_MBUF(1), a.mbuf1);
    iocsr_write64(IOCSR_MBUF(2), a.mbuf2);
    iocsr_write64(IOCSR_MBUF(3), a.mbuf3);
    iocsr_write32(IOCSR_IPI_CLEAR, 0xffffffffU);
    iocsr_write32(IOCSR_IPI_EN, en);
    lu_run(out, &a);
    iocsr_write32(IOCSR_IPI_EN, 0);

    uint64_t exp[LU_OUTS] = {
        FEATURES + 5,
        VENDOR ^ (uint64_t)(uintptr_t)&a,
        v0 * v0,
        (uint64_t)(int64_t)(int32_t)(uint32_t)CPUNAME < 0,   /* 0x30354133: positive */
        pre_idx,
        pre_cell,
        v0,
        v0,
        v0,
        2 | 4 | 8 | 16,
        0x60d,
        v0 & ~0xffUL,
    };
    int ok = 1;
    for (unsigned i = 0; i < LU_OUTS; i++) {
        printf("out[%u] = %lx%s\n", i, out[i], out[i] == exp[i] ? "" : "  <-- wrong");
        if (out[i] != exp[i]) {
            printf("  expected %lx\n", exp[i]);
            ok = 0;
        }
    }
    if (cell[1] != (uint64_t)(uintptr_t)out) {
        printf("store through an IOCSR-read base: cell[1] = %lx, expected %lx\n", cell[1], (uint64_t)(uintptr_t)out);
        ok = 0;
    }
    puts(ok ? "iocsr_load_use: PASS" : "iocsr_load_use: FAIL");
    return 0;
}
