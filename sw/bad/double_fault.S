/* bad_double_fault: installs an exception handler whose first word is undefined, then executes a syscall.
 * The handler entry itself raises INE, so no handler can ever run: `make sim ELF=` must fail with
 * "double fault" (tests/sim/test_errors). */
#define CSR_EENTRY 0xc
    .section .rodata
msg:    .asciz "bad_double_fault: EENTRY -> an undefined word, then syscall 0"

    .text
    .globl main
    .type main, @function
main:
    addi.d  $sp, $sp, -16
    st.d    $ra, $sp, 8
    la.pcrel $t0, broken_handler
    csrwr   $t0, CSR_EENTRY
    la.pcrel $a0, msg
    bl      puts
    syscall 0
    ld.d    $ra, $sp, 8
    addi.d  $sp, $sp, 16
    ret
    .size main, . - main

    .p2align 12                         /* EENTRY is 4 KiB aligned */
    .globl broken_handler
broken_handler:
    .word   0x00000000                  /* INE at the handler entry */
    b       broken_handler
