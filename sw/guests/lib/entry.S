/* Guest entry: the hypervisor starts a zone at the ELF entry in DA mode with every GPR 0 (hvisor d83315e).
 * The guest takes its stack from its own image, clears its .bss, runs main() and reports main's return
 * value (the failure count) with HC_TEST_REPORT: the hypervisor prints "<test>: PASS|FAIL" and powers off. */
    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    la.pcrel    $sp, __guest_stack_top
    la.pcrel    $t0, __bss_start
    la.pcrel    $t1, __bss_end
    bgeu        $t0, $t1, 2f
1:  st.d        $zero, $t0, 0
    addi.d      $t0, $t0, 8
    bltu        $t0, $t1, 1b
2:  bl          main
    bl          g_done
3:  b           3b
    .size _start, . - _start
