/* lacosim.randgen signature dump, linked into every random program (the same code for all of them).
 *
 * Entered with `b rand_signature_dump` after the program stored r1..r31 to rand_save[1..31]. Prints over
 * UART0, then powers off through the GED sleep control register:
 *
 *   <rand_sig_header>                   one line naming seed, index and length (defined by the program)
 *   r1=0123456789abcdef ... r31=...     every GPR as the body left it
 *   m+008=0123456789abcdef              every dword of the scratch window that differs from its initial
 *                                       value (rand_scratch_init), with its byte offset in the window
 *   END
 *
 * Printing only the changed dwords compares the whole window (a dword that differs between two runs
 * differs from its initial value in at least one of them) at a fraction of the instructions of a full
 * hex dump. Only plain loads, stores, adds, shifts and branches are used, and no stack.
 */
    .equ UART0_THR, 0x1FE001E0
    .equ UART_LSR, 5
    .equ UART_LSR_THRE, 0x20
    .equ GED_SLEEP_CTL, 0x100E001C
    .equ GED_POWEROFF_VALUE, 0x34
    .equ WINDOW_BYTES, 4096

    .text
    .globl rand_signature_dump
rand_signature_dump:
    li.d        $s0, UART0_THR
    la.local    $a1, rand_sig_header
    bl          sig_puts

    la.local    $s1, rand_save
    addi.d      $s1, $s1, 8             /* rand_save[1] holds r1 */
    li.w        $s2, 1                  /* register number */
.Lreg_loop:
    li.w        $a0, 'r'
    bl          sig_putc
    move        $a1, $s2
    bl          sig_putdec
    li.w        $a0, '='
    bl          sig_putc
    ld.d        $a1, $s1, 0
    li.w        $a2, 16
    bl          sig_puthex
    li.w        $a0, 10
    bl          sig_putc
    addi.d      $s1, $s1, 8
    addi.w      $s2, $s2, 1
    li.w        $t2, 32
    bne         $s2, $t2, .Lreg_loop

    la.local    $s1, rand_scratch
    la.local    $s3, rand_scratch_init
    li.w        $s2, 0                  /* byte offset in the window */
.Lmem_loop:
    ldx.d       $s4, $s1, $s2
    ldx.d       $t2, $s3, $s2
    beq         $s4, $t2, .Lmem_next
    li.w        $a0, 'm'
    bl          sig_putc
    li.w        $a0, '+'
    bl          sig_putc
    move        $a1, $s2
    li.w        $a2, 3
    bl          sig_puthex
    li.w        $a0, '='
    bl          sig_putc
    move        $a1, $s4
    li.w        $a2, 16
    bl          sig_puthex
    li.w        $a0, 10
    bl          sig_putc
.Lmem_next:
    addi.w      $s2, $s2, 8
    li.w        $t2, WINDOW_BYTES
    bne         $s2, $t2, .Lmem_loop

    la.local    $a1, sig_end_text
    bl          sig_puts
    li.d        $t0, GED_SLEEP_CTL
    li.w        $t1, GED_POWEROFF_VALUE
    st.b        $t1, $t0, 0
.Lhalt:
    b           .Lhalt

/* sig_putc: send the byte in a0. Clobbers t0. */
sig_putc:
    ld.bu       $t0, $s0, UART_LSR
    andi        $t0, $t0, UART_LSR_THRE
    beqz        $t0, sig_putc
    st.b        $a0, $s0, 0
    jr          $ra

/* sig_puts: send the NUL-terminated string at a1. Clobbers a0, a1, t0, t8. */
sig_puts:
    move        $t8, $ra
.Lputs_loop:
    ld.bu       $a0, $a1, 0
    beqz        $a0, .Lputs_done
    bl          sig_putc
    addi.d      $a1, $a1, 1
    b           .Lputs_loop
.Lputs_done:
    jr          $t8

/* sig_puthex: send the low a2 hex digits of a1, most significant first. Clobbers a0, a2, t0, t1, t8. */
sig_puthex:
    move        $t8, $ra
.Lhex_loop:
    addi.w      $a2, $a2, -1
    slli.w      $t1, $a2, 2
    srl.d       $a0, $a1, $t1
    andi        $a0, $a0, 15
    sltui       $t1, $a0, 10
    bnez        $t1, .Lhex_digit
    addi.w      $a0, $a0, 'a' - 10 - '0'
.Lhex_digit:
    addi.w      $a0, $a0, '0'
    bl          sig_putc
    bnez        $a2, .Lhex_loop
    jr          $t8

/* sig_putdec: send a1 (0..99) in decimal without leading zero. Clobbers a0, a1, t0, t1, t8. */
sig_putdec:
    move        $t8, $ra
    li.w        $t1, 0                  /* tens */
.Ldec_tens:
    sltui       $a0, $a1, 10
    bnez        $a0, .Ldec_ones
    addi.w      $a1, $a1, -10
    addi.w      $t1, $t1, 1
    b           .Ldec_tens
.Ldec_ones:
    beqz        $t1, .Ldec_last
    addi.w      $a0, $t1, '0'
    bl          sig_putc
.Ldec_last:
    addi.w      $a0, $a1, '0'
    bl          sig_putc
    jr          $t8

    .section .rodata
sig_end_text:
    .asciz      "END\n"

    .bss
    .balign 16
    .globl rand_stack_top
rand_stack:
    .space 4096
rand_stack_top:
