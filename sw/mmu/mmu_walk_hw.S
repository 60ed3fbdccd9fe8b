/* mmu_walk_hw, assembly part: a function in its own 16 KiB page (mapped through the page tables), a call
 * helper whose fetch fault resumes at $ra, a store at a label, and lddir with level 0. */
#include "la.h"

    .text
/* u64 walk_call(u64 va): jirl to va; the code there returns 0x600dc0de in a0. A fetch fault: the handler
 * resumes at $ra and a0 still holds va. */
    .globl walk_call
    .type walk_call, @function
walk_call:
    addi.d      $sp, $sp, -16
    st.d        $ra, $sp, 0
    jirl        $ra, $a0, 0
    ld.d        $ra, $sp, 0
    addi.d      $sp, $sp, 16
    ret
    .size walk_call, . - walk_call

/* void walk_st(u64 va, u64 v) */
    .globl walk_st, walk_st_insn
    .type walk_st, @function
walk_st:
walk_st_insn:
    st.d        $a1, $a0, 0
    ret
    .size walk_st, . - walk_st

/* u64 lddir0(u64 rj): lddir rd, rj, 0 (design.md 9.4: level 0 -> rd = rj, no access) */
    .globl lddir0
    .type lddir0, @function
lddir0:
    lddir       $a0, $a0, 0
    ret
    .size lddir0, . - lddir0

    .section .tlb.text, "ax"
    .globl walk_code_fn
    .type walk_code_fn, @function
walk_code_fn:
    lu12i.w     $a0, 0x600dc
    ori         $a0, $a0, 0x0de
    ret
    .size walk_code_fn, . - walk_code_fn
