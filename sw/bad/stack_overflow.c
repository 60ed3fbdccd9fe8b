/* bad_stack_overflow: recursion with a 1 KiB frame, 40 deep, on core 0's 28 KiB stack. It runs into the
 * guard page below the stack (common/stack.ld) and from there into .bss: the testbench's bus check must
 * fail the run with "stack overflow" at the first access to the guard page (tests/sim/test_errors.py). */
#include "print.h"

static unsigned long deep(unsigned depth)
{
    unsigned char frame[1024];
    for (unsigned i = 0; i < sizeof frame; i += 64)
        frame[i] = (unsigned char)depth;
    __asm__ volatile("" : : "r"(frame) : "memory");  /* the whole frame must exist on the stack */
    if (depth == 0)
        return frame[0];
    return deep(depth - 1) + frame[64];
}

int main(void)
{
    puts("bad_stack_overflow: recursing 40 x 1 KiB on a 28 KiB stack");
    printf("sum %lu\n", deep(40));
    return 0;
}
