/* A root that runs a lacosim.randgen program as an LVZ guest (docs/design.md 12; issue 8's random differential).
 *
 * Linked by guest_link.ld into its own section at 0x1800000, away from the program, so the program keeps
 * every address it has in root mode (its signature prints address-derived values); the ELF entry is this
 * _start, the program's own entry is rand_guest_start. The
 * root runs mapped through an identity DMW0 (design.md 12.5), copies the image [0x200000, _end) to
 * 0x200000 + RAND_S2_OFFSET when the offset is not 0 and then zeroes the original (a stage 2 that ignored
 * the offset would run zeros), and enters the guest (GID 1, DA mode, PLV0) at
 * rand_guest_start. Stage 2 is refilled on demand: GPAs in the image map to GPA + RAND_S2_OFFSET, all others
 * (UART, GED) identically; 16 KiB pages tagged with GTLBC.TGID = 1. The guest's signature is then the root
 * program's: it sees the same GPAs, prints through the passed-through UART and powers off through the GED.
 *
 * Exits: a GSPR of iocsrrd.{b,h,w,d} (the random IOCSR reads) is emulated by the same read in root mode;
 * anything else prints "RANDGUEST unexpected exit ESTAT=.. ERA=.. BADI=.." and powers off, which no
 * signature comparison can mistake for a pass.
 */
#ifndef RAND_S2_OFFSET
#define RAND_S2_OFFSET 0
#endif
#define IMAGE_BASE 0x200000

    .section .lvzroot.text, "ax"
    .globl _start
_start:
    li.w        $t0, 0x11                   /* DMW0: VSEG 0, PLV0, MAT CC */
    csrwr       $t0, 0x180
    li.w        $t0, 0x10                   /* CRMD: PG, PLV0, IE 0 */
    csrwr       $t0, 0x0
    la.local    $t0, rg_exit
    csrwr       $t0, 0xc                    /* EENTRY */
    la.local    $t0, rg_refill
    csrwr       $t0, 0x88                   /* TLBRENTRY */
    li.w        $t0, (1 << 16) | (1 << 12) | 16
    csrwr       $t0, 0x15                   /* GTLBC: TGID 1, USETGID, a 16-entry guest partition */
    li.w        $t0, (1 << 16) | 2
    csrwr       $t0, 0x50                   /* GSTAT: GID 1, PVM */
#if RAND_S2_OFFSET != 0
    li.d        $t0, IMAGE_BASE
    la.local    $t1, _end
    li.d        $t2, RAND_S2_OFFSET
1:  ld.d        $t3, $t0, 0
    stx.d       $t3, $t0, $t2
    st.d        $zero, $t0, 0
    addi.d      $t0, $t0, 8
    bltu        $t0, $t1, 1b
#endif
    la.local    $t0, rand_guest_start
    csrwr       $t0, 0x6                    /* ERA */
    csrwr       $zero, 0x1                  /* PRMD: PLV0, PIE 0 */
    ertn

/* Stage-2 refill (DA mode): the pair of 16 KiB pages of TLBRBADV; $t0/$t1 kept in TLBRSAVE/SAVE1 */
    .section .lvzroot.text, "ax"
    .p2align 12
rg_refill:
    csrwr       $t0, 0x8b
    csrwr       $t1, 0x31
    csrrd       $t0, 0x89                   /* TLBRBADV: the GPA */
    srli.d      $t0, $t0, 15
    slli.d      $t0, $t0, 15
#if RAND_S2_OFFSET != 0
    li.d        $t1, IMAGE_BASE
    bltu        $t0, $t1, 1f
    la.local    $t1, _end
    bgeu        $t0, $t1, 1f
    li.d        $t1, RAND_S2_OFFSET
    add.d       $t0, $t0, $t1               /* the image: HPA = GPA + offset */
1:
#endif
    ori         $t0, $t0, 0x53              /* V D MAT=CC G */
    csrwr       $t0, 0x8c
    csrrd       $t0, 0x8c
    lu12i.w     $t1, 4
    add.d       $t0, $t0, $t1
    csrwr       $t0, 0x8d
    csrrd       $t0, 0x8e
    srli.d      $t0, $t0, 6
    slli.d      $t0, $t0, 6
    ori         $t0, $t0, 14
    csrwr       $t0, 0x8e                   /* TLBREHI.PS = 14 */
    tlbfill
    csrrd       $t1, 0x31
    csrrd       $t0, 0x8b
    ertn

/* Exits: GPRs to rg_frame (r1..r31 at 8*n), emulate, back */
    .p2align 12
rg_exit:
    csrwr       $t0, 0x30                   /* SAVE0 = guest t0 */
    la.local    $t0, rg_frame
    .irp n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    st.d        $r\n, $t0, 8 * \n
    .endr
    csrrd       $t1, 0x30
    st.d        $t1, $t0, 8 * 12            /* $t0 = r12 */
    st.d        $zero, $t0, 0
    move        $s0, $t0
    csrrd       $t1, 0x5                    /* ESTAT.Ecode must be GSPR (0x16) */
    srli.d      $t1, $t1, 16
    andi        $t1, $t1, 0x3f
    li.w        $t2, 0x16
    bne         $t1, $t2, rg_unexpected
    csrrd       $t1, 0x8                    /* BADI: iocsrrd.{b,h,w,d} = 0x06480000 | size << 10 | rj << 5 | rd */
    srli.d      $t2, $t1, 12
    li.w        $t3, 0x6480
    bne         $t2, $t3, rg_unexpected
    bstrpick.d  $t2, $t1, 9, 5              /* rj */
    slli.d      $t2, $t2, 3
    ldx.d       $t2, $s0, $t2               /* the address */
    bstrpick.d  $t3, $t1, 11, 10            /* size */
    li.w        $t4, 1
    beq         $t3, $zero, 10f
    beq         $t3, $t4, 11f
    li.w        $t4, 2
    beq         $t3, $t4, 12f
    iocsrrd.d   $t3, $t2
    b           2f
10: iocsrrd.b   $t3, $t2
    b           2f
11: iocsrrd.h   $t3, $t2
    b           2f
12: iocsrrd.w   $t3, $t2
2:  andi        $t1, $t1, 31                /* rd (r0: the frame's slot 0 is never restored) */
    slli.d      $t1, $t1, 3
    stx.d       $t3, $s0, $t1
    csrrd       $t1, 0x6
    addi.d      $t1, $t1, 4
    csrwr       $t1, 0x6                    /* ERA += 4 */
    move        $t0, $s0
    .irp n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld.d        $r\n, $t0, 8 * \n
    .endr
    ld.d        $t0, $t0, 8 * 12
    ertn

rg_unexpected:
    la.local    $a1, rg_msg
    bl          rg_puts
    csrrd       $a1, 0x5
    bl          rg_puthex
    la.local    $a1, rg_msg_era
    bl          rg_puts
    csrrd       $a1, 0x6
    bl          rg_puthex
    la.local    $a1, rg_msg_badi
    bl          rg_puts
    csrrd       $a1, 0x8
    bl          rg_puthex
    li.w        $a0, 10
    bl          rg_putc
    li.d        $t0, 0x100E001C
    li.w        $t1, 0x34
    st.b        $t1, $t0, 0
1:  b           1b

/* The root's own printing (the program's sig_* may be poisoned away): rg_putc(a0), rg_puts(a1),
 * rg_puthex(a1: 16 digits); they use $t5-$t8 and keep $ra in $t8 where they nest */
rg_putc:
    li.d        $t5, 0x1FE001E0
1:  ld.bu       $t6, $t5, 5                 /* LSR.THRE */
    andi        $t6, $t6, 0x20
    beqz        $t6, 1b
    st.b        $a0, $t5, 0
    ret
rg_puts:
    move        $t8, $ra
1:  ld.bu       $a0, $a1, 0
    beqz        $a0, 2f
    bl          rg_putc
    addi.d      $a1, $a1, 1
    b           1b
2:  jr          $t8
rg_puthex:
    move        $t8, $ra
    li.w        $t7, 60
1:  srl.d       $a0, $a1, $t7
    andi        $a0, $a0, 15
    addi.w      $a0, $a0, '0'
    li.w        $t6, '9'
    bge         $t6, $a0, 2f
    addi.w      $a0, $a0, 'a' - '9' - 1
2:  bl          rg_putc
    addi.w      $t7, $t7, -4
    bge         $t7, $zero, 1b
    jr          $t8

    .section .lvzroot.rodata, "a"
rg_msg:      .asciz "RANDGUEST unexpected exit ESTAT="
rg_msg_era:  .asciz " ERA="
rg_msg_badi: .asciz " BADI="

    .section .lvzroot.data, "aw"
    .p2align 3
rg_frame:    .space 8 * 32
