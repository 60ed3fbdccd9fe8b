/* bad_no_handler: prints a line, then executes an undefined word (0x00000000) without ever setting EENTRY.
 * The core takes INE and jumps to EENTRY = 0, where no handler is: `make sim ELF=` must fail with "no
 * exception handler installed" (the lenient ELF exception policy still fails this; tests/sim/test_errors). */
    .section .rodata
msg:    .asciz "bad_no_handler: executing word 0 with EENTRY never set"

    .text
    .globl main
    .type main, @function
main:
    addi.d  $sp, $sp, -16
    st.d    $ra, $sp, 8
    la.pcrel $a0, msg
    bl      puts
    .globl undefined_insn
undefined_insn:
    .word   0x00000000
    ld.d    $ra, $sp, 8
    addi.d  $sp, $sp, 16
    ret
    .size main, . - main
