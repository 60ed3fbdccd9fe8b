/* R1: one entry for every core. Each core takes its stack from CPUID (common/stack.ld's slots); core 0
 * alone clears .bss, then publishes hv_bss_done (.data) between two dbar (release) and runs hv_main;
 * the other cores write nothing before they see hv_bss_done, then run hv_secondary (which parks them). */
#include "la.h"
#include "stack.h"
#include "clear_bss.inc"

    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    csrrd       $t0, CSR_CPUID
    andi        $t0, $t0, 0x1ff
    ori         $t1, $zero, MAX_CORES
    bgeu        $t0, $t1, 9f
    la.pcrel    $t2, __stack_base
    addi.d      $t1, $t0, 1
    slli.d      $t1, $t1, STACK_SHIFT
    add.d       $sp, $t2, $t1
    move        $fp, $zero
    move        $ra, $zero
    la.pcrel    $t3, hv_bss_done
    bnez        $t0, 3f
    CLEAR_BSS   $t1, $t2, $t4
    dbar        0
    ori         $t1, $zero, 1
    st.d        $t1, $t3, 0                 /* hv_bss_done = 1 (release) */
    dbar        0
    move        $a0, $zero
    bl          hv_main
9:  b           9b
3:  ld.d        $t1, $t3, 0                 /* secondaries: wait for .bss, write nothing before */
    beqz        $t1, 3b
    dbar        0
    move        $a0, $t0
    bl          hv_secondary
    b           9b
    .size _start, . - _start

    .data
    .p2align 3
    .globl hv_bss_done
hv_bss_done:
    .dword 0
