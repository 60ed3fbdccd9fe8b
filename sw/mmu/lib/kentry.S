/* General exception entry of the paging programs (see mmu.h): common/trap.S's frame and dispatcher, plus
 * a stack switch for exceptions from PLV3 (the user's sp is a user VA) and sp restored from the frame.
 * SAVE2 is scratch, SAVE3 holds the top of the kernel exception stack. */
#include "la.h"
#include "trap.h"
#include "trap_frame.inc"

    .section .text.kentry, "ax"
    .p2align 12
    .globl kentry
    .type kentry, @function
kentry:
    csrwr       $sp, CSR_SAVE2                  /* SAVE2 = interrupted sp */
    csrrd       $sp, CSR_PRMD
    andi        $sp, $sp, 3                     /* PRMD.PPLV */
    beqz        $sp, 1f
    csrrd       $sp, CSR_SAVE3                  /* from PLV3: kernel exception stack */
    b           2f
1:  csrrd       $sp, CSR_SAVE2                  /* from PLV0: the same stack */
2:  addi.d      $sp, $sp, -TF_SIZE
    TRAP_SAVE_FRAME
    csrrd       $t0, CSR_SAVE2
    st.d        $t0,  $sp, TF_REG(3)            /* the interrupted sp */

    move        $a0, $sp
    bl          trap_dispatch

    TRAP_RESTORE_FRAME
    ld.d        $sp,  $sp, TF_REG(3)
    ertn
    .size kentry, . - kentry

/* u64 enter_user(u64 pc, u64 user_sp, u64 arg): callee-saved registers on the kernel stack, the kernel sp
 * in kernel_saved_sp, then ertn to pc at PLV3 with sp = user_sp, a0 = arg. user_exit() (C, from an
 * exception handler) makes the handler's ertn land on user_return at PLV0 with the kernel sp. */
    .text
    .globl enter_user, user_return
    .type enter_user, @function
enter_user:
    addi.d      $sp, $sp, -96
    st.d        $ra, $sp, 0
    st.d        $fp, $sp, 8
    st.d        $s0, $sp, 16
    st.d        $s1, $sp, 24
    st.d        $s2, $sp, 32
    st.d        $s3, $sp, 40
    st.d        $s4, $sp, 48
    st.d        $s5, $sp, 56
    st.d        $s6, $sp, 64
    st.d        $s7, $sp, 72
    st.d        $s8, $sp, 80
    la.pcrel    $t0, kernel_saved_sp
    st.d        $sp, $t0, 0
    csrwr       $a0, CSR_ERA
    ori         $t0, $zero, 3                   /* PRMD: PPLV = 3, PIE = 0, PWE = 0 */
    csrwr       $t0, CSR_PRMD
    move        $sp, $a1
    move        $a0, $a2
    move        $ra, $zero
    ertn
user_return:
    ld.d        $ra, $sp, 0
    ld.d        $fp, $sp, 8
    ld.d        $s0, $sp, 16
    ld.d        $s1, $sp, 24
    ld.d        $s2, $sp, 32
    ld.d        $s3, $sp, 40
    ld.d        $s4, $sp, 48
    ld.d        $s5, $sp, 56
    ld.d        $s6, $sp, 64
    ld.d        $s7, $sp, 72
    ld.d        $s8, $sp, 80
    addi.d      $sp, $sp, 96
    ret
    .size enter_user, . - enter_user

    .data
    .p2align 3
    .globl kernel_saved_sp
kernel_saved_sp:
    .dword      0
