/* lacosim.randgen signature dump, linked into every random program (the same code for all of them).
 *
 * Entered with `b rand_signature_dump` after the program stored r1..r31 to rand_save[1..31]. Prints over
 * UART0, then powers off through the GED sleep control register:
 *
 *   <rand_sig_header>                   one line naming seed, index and length (defined by the program)
 *   r1=0123456789abcdef ... r31=...     every GPR as the body left it
 *   m+008=0123456789abcdef              every dword of the scratch window that differs from its initial
 *                                       value (rand_scratch_init), with its byte offset in the window
 *   p3+0a8=0123456789abcdef             paging programs: the same for every hot spot of a far page, and
 *   pil=0000000000000002                counters printed whatever their value
 *   END
 *
 * The memory lines come from the program's region descriptors `rand_sig_regions` (REGION_BYTES each:
 * .dword address, initial contents or 0 (print every dword, no comparison), bytes (0 ends the list), offset
 * printed for the first dword, name string; .word offset hex digits (0: print no offset), copy flag (the
 * paging prologue fills the region from its initial contents)). The dump runs in direct-address mode, so
 * the addresses are physical.
 *
 * Printing only the changed dwords compares the whole window (a dword that differs between two runs
 * differs from its initial value in at least one of them) at a fraction of the instructions of a full
 * hex dump. Only plain loads, stores, adds, shifts and branches are used, and no stack.
 */
#define UART0_THR 0x1FE001E0  /* #define: no symbol to name code addresses by */
    .equ UART_LSR, 5
    .equ UART_LSR_THRE, 0x20
#define GED_SLEEP_CTL 0x100E001C  /* #define: no symbol to name code addresses by */
    .equ GED_POWEROFF_VALUE, 0x34
    .equ REGION_BYTES, 48

    .text
    .globl rand_signature_dump, sig_putc, sig_puts, sig_puthex
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

    la.local    $s5, rand_sig_regions   /* region descriptors, REGION_BYTES each, 0 bytes ends */
.Lregion_loop:
    ld.d        $s6, $s5, 16            /* bytes */
    beqz        $s6, .Lregions_done
    ld.d        $s1, $s5, 0             /* address */
    ld.d        $s3, $s5, 8             /* initial contents, or 0: print every dword */
    li.w        $s2, 0                  /* byte offset in the region */
.Lmem_loop:
    ldx.d       $s4, $s1, $s2
    beqz        $s3, .Lmem_print
    ldx.d       $t2, $s3, $s2
    beq         $s4, $t2, .Lmem_next
.Lmem_print:
    ld.d        $a1, $s5, 32            /* name */
    bl          sig_puts
    ld.w        $a2, $s5, 40            /* offset digits; 0: no offset */
    beqz        $a2, .Lmem_value
    li.w        $a0, '+'
    bl          sig_putc
    ld.d        $a1, $s5, 24            /* offset printed for the first dword */
    add.d       $a1, $a1, $s2
    ld.w        $a2, $s5, 40
    bl          sig_puthex
.Lmem_value:
    li.w        $a0, '='
    bl          sig_putc
    move        $a1, $s4
    li.w        $a2, 16
    bl          sig_puthex
    li.w        $a0, 10
    bl          sig_putc
.Lmem_next:
    addi.d      $s2, $s2, 8
    bne         $s2, $s6, .Lmem_loop
    addi.d      $s5, $s5, REGION_BYTES
    b           .Lregion_loop
.Lregions_done:

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
