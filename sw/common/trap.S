/* General exception and interrupt entry (see trap.h). EENTRY needs 4 KiB alignment (EENTRY[11:0] are 0).
 * The frame is built on the current stack; ERA and PRMD are written back from the frame, so C handlers
 * advance ERA (frame->era += 4) and may change the return privilege (frame->prmd). */
#include "la.h"
#include "trap.h"
#include "trap_frame.inc"

    .section .text.trap, "ax"
    .p2align 12
    .globl trap_entry
    .type trap_entry, @function
trap_entry:
    addi.d  $sp, $sp, -TF_SIZE
    TRAP_SAVE_FRAME
    addi.d  $t0, $sp, TF_SIZE               /* the interrupted sp */
    st.d    $t0,  $sp, TF_REG(3)

    move    $a0, $sp
    bl      trap_dispatch

    TRAP_RESTORE_FRAME
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
