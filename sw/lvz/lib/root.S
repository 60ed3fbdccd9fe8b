/* The root stub's exception entries (lvz.h). Both start a 4 KiB-aligned page. */
#include "la.h"
#include "trap.h"
#include "trap_frame.inc"
#include "lvz.h"

/* Root EENTRY: every exit from the guest (and any root exception) lands here. The root's exit stack
 * top lives in the root's SAVE0 while the guest runs (the guest's SAVE0 is its own copy). */
    .section .text.lvz, "ax"
    .p2align 12
    .globl lvz_exit_entry
    .type lvz_exit_entry, @function
lvz_exit_entry:
    csrwr   $sp, CSR_SAVE0                  /* sp = root exit stack, SAVE0 = the guest's sp */
    addi.d  $sp, $sp, -TF_SIZE
    TRAP_SAVE_FRAME
    csrrd   $t0, CSR_SAVE0
    st.d    $t0, $sp, TF_REG(3)
    move    $a0, $sp
    bl      lvz_exit_dispatch
    ld.d    $t0, $sp, TF_REG(3)
    csrwr   $t0, CSR_SAVE0                  /* SAVE0 = the guest's sp (as the handler left it) */
    TRAP_RESTORE_FRAME
    addi.d  $sp, $sp, TF_SIZE
    csrwr   $sp, CSR_SAVE0                  /* sp = the guest's, SAVE0 = root exit stack again */
    ertn                                    /* GSTAT.PVM = 1: back into the guest */
    .size lvz_exit_entry, . - lvz_exit_entry

/* Root TLBRENTRY: stage 2 for the GPA in TLBRBADV, 16 KiB pages tagged with the GID of GTLBC.TGID
 * (USETGID = 1): the pair's halves from lvz_s2_windows[] if the GPA falls in one of its 32 KiB windows
 * (lvz.h: a test's MMIO or fault windows), else identity (GPA = HPA), V D G, MAT = CC. Uses $t0-$t3
 * (kept in TLBRSAVE, SAVE1, SAVE3, SAVE4); runs in DA mode, returns by ertn to the guest (TLBRPRMD[3]) or to the root.
 * SAVE2 counts the refills. */
    .p2align 12
    .globl lvz_s2_refill
    .type lvz_s2_refill, @function
lvz_s2_refill:
    csrwr   $t0, CSR_TLBRSAVE
    csrwr   $t1, CSR_SAVE1
    csrwr   $t2, CSR_SAVE3
    csrwr   $t3, CSR_SAVE4
    csrrd   $t0, CSR_TLBRBADV
    srli.d  $t0, $t0, 15
    slli.d  $t0, $t0, 15                    /* the pair's base */
    la.pcrel $t1, lvz_s2_windows
    addi.d  $t2, $t1, LVZ_S2_WINDOWS * 24
1:  beq     $t1, $t2, 2f
    ld.d    $t3, $t1, 0
    addi.d  $t1, $t1, 24
    bne     $t3, $t0, 1b
    ld.d    $t0, $t1, -16                   /* a window: its halves */
    csrwr   $t0, CSR_TLBRELO0
    ld.d    $t0, $t1, -8
    csrwr   $t0, CSR_TLBRELO1
    b       3f
2:  ori     $t0, $t0, 0x53                  /* identity: V | D | MAT=1 (CC) | G */
    csrwr   $t0, CSR_TLBRELO0
    csrrd   $t0, CSR_TLBRELO0
    lu12i.w $t1, 4                          /* + 16 KiB: the odd page */
    add.d   $t0, $t0, $t1
    csrwr   $t0, CSR_TLBRELO1
3:  csrrd   $t0, CSR_TLBREHI
    srli.d  $t0, $t0, 6
    slli.d  $t0, $t0, 6
    ori     $t0, $t0, 14                    /* PS = 14 */
    csrwr   $t0, CSR_TLBREHI
    tlbfill
    csrrd   $t0, CSR_SAVE2
    addi.d  $t0, $t0, 1
    csrwr   $t0, CSR_SAVE2
    csrrd   $t3, CSR_SAVE4
    csrrd   $t2, CSR_SAVE3
    csrrd   $t1, CSR_SAVE1
    csrrd   $t0, CSR_TLBRSAVE
    ertn
    .size lvz_s2_refill, . - lvz_s2_refill

/* void lvz_enter(entry, sp, root_ie): ERA = entry, PRMD = PLV0 with PIE = root_ie, SAVE0 = the exit
 * stack, PVM = 1, then ertn with the guest's sp. */
    .text
    .globl lvz_enter
    .type lvz_enter, @function
lvz_enter:
    csrwr   $a0, CSR_ERA
    slli.d  $a2, $a2, 2                     /* PRMD.PIE */
    csrwr   $a2, CSR_PRMD
    la.pcrel $t0, lvz_exit_stack_top
    ld.d    $t0, $t0, 0
    csrwr   $t0, CSR_SAVE0
    li.w    $t0, 2                          /* GSTAT.PVM */
    csrxchg $t0, $t0, 0x50
    move    $sp, $a1
    move    $ra, $zero
    ertn
    .size lvz_enter, . - lvz_enter
