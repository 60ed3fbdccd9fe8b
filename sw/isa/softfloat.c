/* isa_softfloat: C code using double on this integer-only core (lp64s, soft-float): conversions between
 * double and 32/64-bit integers and the four operations, all through compiler_rt (__floatdidf, __fixdfdi,
 * __adddf3, __muldf3, __divdf3, ...), which sw/Makefile links. Printed as raw IEEE bits and integers, so
 * the output is exact and the same on QEMU. */
#include "print.h"

typedef union { double d; unsigned long u; } bits;

static volatile long inputs[] = {0, 1, -1, 7, -123456789, 1L << 52, -(1L << 40) + 3};

static unsigned long raw(double d)
{
    bits b = {.d = d};
    return b.u;
}

int main(void)
{
    double acc = 0.5;
    puts("isa_softfloat: double <-> integer and + - * / through compiler_rt");
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        long v = inputs[i];
        double d = (double)v;
        double q = d / 3.0;
        acc = acc * 1.5 + q - (double)(unsigned)i;
        printf("%ld -> %016lx; /3 %016lx -> %ld; acc %016lx -> %ld, %lu\n", v, raw(d), raw(q), (long)q,
               raw(acc), (long)acc, (unsigned long)(acc < 0 ? -acc : acc));
    }
    return 0;
}
