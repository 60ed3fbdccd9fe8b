/* Guest entry: the hypervisor starts a zone at the ELF entry in DA mode with every GPR 0 (hvisor d83315e).
 * The guest asks its zone id (HC_TEST_ZONE_ID): several zones may run the same image (identity stage 2,
 * the same RAM), so only zone 0's copy clears .bss, and zone n takes the n-th 4 KiB slot of the stack area
 * from the top. It runs main() and reports the failure count with HC_TEST_REPORT (g_done): the hypervisor
 * prints "<test>: PASS|FAIL" and powers off. */
#include "clear_bss.inc"

    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    ori         $a0, $zero, 0x7d            /* HC_TEST_ZONE_ID */
    hvcl        0
    la.pcrel    $sp, __guest_stack_top
    slli.d      $t0, $a0, 12
    sub.d       $sp, $sp, $t0
    bnez        $a0, 2f
    CLEAR_BSS   $t0, $t1
2:  bl          main
    bl          g_done
3:  b           3b
    .size _start, . - _start
