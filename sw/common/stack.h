/* Per-core stack slots (the layout is common/stack.ld's): core n's stack pointer starts at
 * __stack_base + (n + 1) << STACK_SHIFT. */
#ifndef LACOSIM_STACK_H
#define LACOSIM_STACK_H
#define STACK_SHIFT 15          /* 32 KiB per core: a 4 KiB guard page, then 28 KiB of stack */
#define MAX_CORES   4
#endif
