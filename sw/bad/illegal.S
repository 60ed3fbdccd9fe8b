/* bad_illegal: prints a line, then executes fadd.d $f0, $f1, $f2 (word 0x01010820), which the integer
 * core does not implement. The lacosim core and reference model stop there with an illegal-instruction
 * error (the negative test). A machine that raises an exception instead (QEMU: FPD, as EUEN.FPE = 0)
 * enters trap_handler, which prints ESTAT.Ecode and ERA relative to illegal_insn and powers off. */
#define CSR_ESTAT  0x5
#define CSR_ERA    0x6
#define CSR_EENTRY 0xc

    .section .rodata
msg_start:  .asciz "bad_illegal: executing fadd.d (0x01010820) at illegal_insn"
msg_trap:   .asciz "bad_illegal: exception, ESTAT.Ecode "
msg_era:    .asciz ", ERA - illegal_insn "

    .text
    .globl main
    .type main, @function
main:
    addi.d  $sp, $sp, -16
    st.d    $ra, $sp, 8
    la.pcrel $t0, trap_handler
    csrwr   $t0, CSR_EENTRY
    la.pcrel $a0, msg_start
    bl      puts
    .globl illegal_insn
illegal_insn:
    .word   0x01010820                  /* fadd.d $f0, $f1, $f2 */
    ld.d    $ra, $sp, 8
    addi.d  $sp, $sp, 16
    ret
    .size main, . - main

    .p2align 12                         /* EENTRY is 4 KiB aligned */
    .globl trap_handler
    .type trap_handler, @function
trap_handler:
    la.pcrel $a0, msg_trap
    bl      print_str
    csrrd   $a0, CSR_ESTAT
    bstrpick.d $a0, $a0, 21, 16
    ori     $a1, $zero, 2
    bl      print_hex
    la.pcrel $a0, msg_era
    bl      print_str
    csrrd   $a0, CSR_ERA
    la.pcrel $t0, illegal_insn
    sub.d   $a0, $a0, $t0
    bl      print_dec
    ori     $a0, $zero, '\n'
    bl      putchar
    bl      poweroff
    .size trap_handler, . - trap_handler
