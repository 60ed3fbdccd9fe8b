/* General exception and interrupt entry (see trap.h). EENTRY needs 4 KiB alignment (EENTRY[11:0] are 0).
 * The frame is built on the current stack; ERA and PRMD are written back from the frame, so C handlers
 * advance ERA (frame->era += 4) and may change the return privilege (frame->prmd). */
#include "la.h"
#include "trap.h"

    .section .text.trap, "ax"
    .p2align 12
    .globl trap_entry
    .type trap_entry, @function
trap_entry:
    addi.d  $sp, $sp, -TF_SIZE
    st.d    $r1,  $sp, TF_REG(1)
    st.d    $r2,  $sp, TF_REG(2)
    st.d    $r4,  $sp, TF_REG(4)
    st.d    $r5,  $sp, TF_REG(5)
    st.d    $r6,  $sp, TF_REG(6)
    st.d    $r7,  $sp, TF_REG(7)
    st.d    $r8,  $sp, TF_REG(8)
    st.d    $r9,  $sp, TF_REG(9)
    st.d    $r10, $sp, TF_REG(10)
    st.d    $r11, $sp, TF_REG(11)
    st.d    $r12, $sp, TF_REG(12)
    st.d    $r13, $sp, TF_REG(13)
    st.d    $r14, $sp, TF_REG(14)
    st.d    $r15, $sp, TF_REG(15)
    st.d    $r16, $sp, TF_REG(16)
    st.d    $r17, $sp, TF_REG(17)
    st.d    $r18, $sp, TF_REG(18)
    st.d    $r19, $sp, TF_REG(19)
    st.d    $r20, $sp, TF_REG(20)
    st.d    $r21, $sp, TF_REG(21)
    st.d    $r22, $sp, TF_REG(22)
    st.d    $r23, $sp, TF_REG(23)
    st.d    $r24, $sp, TF_REG(24)
    st.d    $r25, $sp, TF_REG(25)
    st.d    $r26, $sp, TF_REG(26)
    st.d    $r27, $sp, TF_REG(27)
    st.d    $r28, $sp, TF_REG(28)
    st.d    $r29, $sp, TF_REG(29)
    st.d    $r30, $sp, TF_REG(30)
    st.d    $r31, $sp, TF_REG(31)
    st.d    $zero, $sp, TF_REG(0)
    addi.d  $t0, $sp, TF_SIZE               /* the interrupted sp */
    st.d    $t0,  $sp, TF_REG(3)
    csrrd   $t0, CSR_ERA
    st.d    $t0,  $sp, TF_ERA
    csrrd   $t0, CSR_PRMD
    st.d    $t0,  $sp, TF_PRMD
    csrrd   $t0, CSR_ESTAT
    st.d    $t0,  $sp, TF_ESTAT
    csrrd   $t0, CSR_BADV
    st.d    $t0,  $sp, TF_BADV
    csrrd   $t0, CSR_BADI
    st.d    $t0,  $sp, TF_BADI
    st.d    $zero, $sp, TF_SIZE - 8         /* pad */

    move    $a0, $sp
    bl      trap_dispatch

    ld.d    $t0,  $sp, TF_ERA
    csrwr   $t0, CSR_ERA
    ld.d    $t0,  $sp, TF_PRMD
    csrwr   $t0, CSR_PRMD
    ld.d    $r1,  $sp, TF_REG(1)
    ld.d    $r2,  $sp, TF_REG(2)
    ld.d    $r4,  $sp, TF_REG(4)
    ld.d    $r5,  $sp, TF_REG(5)
    ld.d    $r6,  $sp, TF_REG(6)
    ld.d    $r7,  $sp, TF_REG(7)
    ld.d    $r8,  $sp, TF_REG(8)
    ld.d    $r9,  $sp, TF_REG(9)
    ld.d    $r10, $sp, TF_REG(10)
    ld.d    $r11, $sp, TF_REG(11)
    ld.d    $r12, $sp, TF_REG(12)
    ld.d    $r13, $sp, TF_REG(13)
    ld.d    $r14, $sp, TF_REG(14)
    ld.d    $r15, $sp, TF_REG(15)
    ld.d    $r16, $sp, TF_REG(16)
    ld.d    $r17, $sp, TF_REG(17)
    ld.d    $r18, $sp, TF_REG(18)
    ld.d    $r19, $sp, TF_REG(19)
    ld.d    $r20, $sp, TF_REG(20)
    ld.d    $r21, $sp, TF_REG(21)
    ld.d    $r22, $sp, TF_REG(22)
    ld.d    $r23, $sp, TF_REG(23)
    ld.d    $r24, $sp, TF_REG(24)
    ld.d    $r25, $sp, TF_REG(25)
    ld.d    $r26, $sp, TF_REG(26)
    ld.d    $r27, $sp, TF_REG(27)
    ld.d    $r28, $sp, TF_REG(28)
    ld.d    $r29, $sp, TF_REG(29)
    ld.d    $r30, $sp, TF_REG(30)
    ld.d    $r31, $sp, TF_REG(31)
    addi.d  $sp, $sp, TF_SIZE
    ertn
    .size trap_entry, . - trap_entry

/* void idle_once(void): one `idle 0` at the global label idle_once_insn, so that handlers can recognise
 * ERA = idle_once_insn + 4 (woken from idle) or ERA = idle_once_insn (interrupt before the idle). */
    .text
    .globl idle_once, idle_once_insn
    .type idle_once, @function
idle_once:
idle_once_insn:
    idle        0
    ret
    .size idle_once, . - idle_once
