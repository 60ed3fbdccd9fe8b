/* Shared helpers of the base-ISA self-tests (sw/isa/<group>.c): one UART line per case,
 *   "<insn> <operand> [<operand>] -> <result>"
 * with 64-bit values in hex (16 digits) and immediates in decimal. Every instruction under test is
 * emitted by inline asm, so the compiler can neither fold nor replace it. */
#ifndef LACOSIM_ISA_H
#define LACOSIM_ISA_H

#include <stdint.h>

#include "poweroff.h"
#include "print.h"

typedef uint64_t u64;
typedef int64_t s64;

#define N(t) (sizeof(t) / sizeof((t)[0]))
#define ISA_UNUSED __attribute__((noinline, unused))

/* Operand table used by most groups (all pairs of it for two-operand instructions). */
#define V_INT64_MIN 0x8000000000000000ULL
#define V_INT64_MAX 0x7fffffffffffffffULL

static ISA_UNUSED void sp(void) { putchar(' '); }

static ISA_UNUSED void arrow(void) { print_str(" -> "); }

static ISA_UNUSED void rep1(const char *insn, u64 a, u64 r)
{
    print_str(insn);
    sp();
    print_hex64(a);
    arrow();
    print_hex64(r);
    putchar('\n');
}

static ISA_UNUSED void rep2(const char *insn, u64 a, u64 b, u64 r)
{
    print_str(insn);
    sp();
    print_hex64(a);
    sp();
    print_hex64(b);
    arrow();
    print_hex64(r);
    putchar('\n');
}

/* "<insn> <a> <imm> -> <r>" */
static ISA_UNUSED void rep_i(const char *insn, u64 a, s64 imm, u64 r)
{
    print_str(insn);
    sp();
    print_hex64(a);
    sp();
    print_dec(imm);
    arrow();
    print_hex64(r);
    putchar('\n');
}

/* "<insn> <a> <b> <imm> -> <r>" (alsl, bytepick) */
static ISA_UNUSED void rep2_i(const char *insn, u64 a, u64 b, s64 imm, u64 r)
{
    print_str(insn);
    sp();
    print_hex64(a);
    sp();
    print_hex64(b);
    sp();
    print_dec(imm);
    arrow();
    print_hex64(r);
    putchar('\n');
}

static ISA_UNUSED void section(const char *title)
{
    print_str("# ");
    puts(title);
}

/* rd <- insn(rj, rk), compiler-chosen registers */
#define R3(insn, a, b) ({ u64 r_; __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a), "r"(b)); r_; })
/* same with rd=$s8 (r31), rj=$t8 (r20), rk=$t7 (r19) */
#define R3HI(insn, a, b) ({                                                                       \
    register u64 d_ __asm__("$s8");                                                               \
    register u64 j_ __asm__("$t8") = (a);                                                         \
    register u64 k_ __asm__("$t7") = (b);                                                         \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(d_) : "r"(j_), "r"(k_));                           \
    d_; })
/* rd == rj */
#define R3DJ(insn, a, b) ({ u64 r_ = (a); __asm__ volatile(insn " %0, %0, %1" : "+r"(r_) : "r"(b)); r_; })
/* rd <- insn(rj), 2R */
#define R2(insn, a) ({ u64 r_; __asm__ volatile(insn " %0, %1" : "=r"(r_) : "r"(a)); r_; })
#define R2HI(insn, a) ({                                                                          \
    register u64 d_ __asm__("$s7");                                                               \
    register u64 j_ __asm__("$s6") = (a);                                                         \
    __asm__ volatile(insn " %0, %1" : "=r"(d_) : "r"(j_));                                        \
    d_; })
/* rd <- insn(rj, imm) */
#define RI(insn, a, imm) ({ u64 r_; __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a), "i"(imm)); r_; })
#define RIHI(insn, a, imm) ({                                                                     \
    register u64 d_ __asm__("$s5");                                                               \
    register u64 j_ __asm__("$t6") = (a);                                                         \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(d_) : "r"(j_), "i"(imm));                          \
    d_; })

/* All pairs (a, b) of table T: print rep2(name, a, b, EXPR) where EXPR uses a and b. */
#define ALL_PAIRS(T, name, EXPR)                                                                  \
    do {                                                                                          \
        for (unsigned i_ = 0; i_ < N(T); i_++)                                                    \
            for (unsigned j_ = 0; j_ < N(T); j_++) {                                              \
                u64 a = (T)[i_], b = (T)[j_];                                                     \
                rep2(name, a, b, EXPR);                                                           \
            }                                                                                     \
    } while (0)

/* Every a of table T with one immediate: rep_i(name, a, imm, EXPR) */
#define ALL_A(T, name, imm, EXPR)                                                                 \
    do {                                                                                          \
        for (unsigned i_ = 0; i_ < N(T); i_++) {                                                  \
            u64 a = (T)[i_];                                                                      \
            rep_i(name, a, imm, EXPR);                                                            \
        }                                                                                         \
    } while (0)

#endif
