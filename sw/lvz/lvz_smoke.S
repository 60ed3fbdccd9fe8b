/* lvz_smoke: the guest's code and the root's exit and stage-2 refill handlers (lvz_smoke.c sets it up).
 *
 * The guest runs in direct-address mode at GPA GUEST_CODE_GPA: a few instructions, cpucfg (GSPR: the root
 * answers 0x123 in $t0), hvcl HVC_SERVICE (HVC: the root adds 1000 to $a0), a syscall it handles itself
 * (its handler counts in its own SAVE0), a load from an unmapped GPA (a stage-2 miss: the root's refill
 * handler maps it, the ertn returns to the guest, the load retries), a line through the UART (mapped
 * through by stage 2), then hvcl HVC_DONE. The guest never touches $sp or the root's CSRs; the root's
 * handlers use only $t7/$t8 (saved in SAVE8/SAVE9) and count in SAVE10-12.
 */
#include "la.h"
#include "lvz_smoke.h"

    /* --- guest code: one 16 KiB page, position independent (it runs at GPAs, linked at HPAs) --- */
    .section .text.lvz_guest, "ax"
    .balign 16384
    .globl lvz_guest_entry
lvz_guest_entry:
    ori         $a0, $zero, 41
    addi.d      $a0, $a0, 1
    ori         $t1, $zero, 2
    cpucfg      $t0, $t1                    /* GSPR exit */
    hvcl        HVC_SERVICE                 /* HVC exit */
    syscall     0                           /* the guest's own exception */
    lu12i.w     $t2, GUEST_MISS_GPA >> 12
    ld.d        $a1, $t2, 0                 /* stage-2 miss: root refill, then the retry */
    la.pcrel    $t2, lvz_guest_msg
    li.w        $t3, 0x1fe001e0             /* UART0: the same address in the guest's physical space */
1:  ld.bu       $t1, $t2, 0
    beqz        $t1, 3f
2:  ld.bu       $a3, $t3, 5                 /* LSR.THRE */
    andi        $a3, $a3, 0x20
    beqz        $a3, 2b
    st.b        $t1, $t3, 0
    addi.d      $t2, $t2, 1
    b           1b
3:  hvcl        HVC_DONE
4:  b           4b

    .balign 4096
    .globl lvz_guest_handler
lvz_guest_handler:                          /* guest EENTRY: skip the syscall, count it in guest SAVE0 */
    csrrd       $a4, CSR_ERA
    addi.d      $a4, $a4, 4
    csrwr       $a4, CSR_ERA
    csrrd       $a4, CSR_SAVE0
    addi.d      $a4, $a4, 1
    csrwr       $a4, CSR_SAVE0
    ertn

lvz_guest_msg:
    .asciz      "lvz_smoke: hello from the guest\n"

    /* --- root: exits (EENTRY) --- */
    .text
    .balign 4096
    .globl lvz_exit
lvz_exit:
    csrwr       $t8, CSR_SAVE8
    csrwr       $t7, CSR_SAVE9
    csrrd       $t8, CSR_ESTAT
    bstrpick.d  $t8, $t8, 21, 16
    ori         $t7, $zero, ECODE_GSPR
    beq         $t8, $t7, 1f
    ori         $t7, $zero, ECODE_HVC
    beq         $t8, $t7, 2f
    csrrd       $a0, CSR_ESTAT              /* anything else: report it */
    csrrd       $a1, CSR_ERA
    b           lvz_unexpected_exit
1:  csrrd       $t7, CSR_SAVE10             /* GSPR: emulate the guest's cpucfg */
    addi.d      $t7, $t7, 1
    csrwr       $t7, CSR_SAVE10
    ori         $t0, $zero, 0x123
    b           9f
2:  csrrd       $t7, CSR_SAVE11             /* HVC: the code is BADI[14:0] */
    addi.d      $t7, $t7, 1
    csrwr       $t7, CSR_SAVE11
    csrrd       $t8, CSR_BADI
    bstrpick.d  $t8, $t8, 14, 0
    ori         $t7, $zero, HVC_SERVICE
    beq         $t8, $t7, 3f
    move        $a2, $t0                    /* HVC_DONE: lvz_done(a0, a1, t0) never returns */
    b           lvz_done
3:  addi.d      $a0, $a0, 1000
9:  csrrd       $t8, CSR_ERA                /* resume the guest after the instruction */
    addi.d      $t8, $t8, 4
    csrwr       $t8, CSR_ERA
    csrrd       $t7, CSR_SAVE9
    csrrd       $t8, CSR_SAVE8
    ertn                                    /* PVM is still 1: back to the guest */

    /* --- root: stage-2 refill (TLBRENTRY): map the missed GPA pair to lvz_refill_page --- */
    .balign 4096
    .globl lvz_refill
lvz_refill:
    csrwr       $t8, CSR_SAVE8
    csrwr       $t7, CSR_SAVE9
    csrrd       $t7, CSR_SAVE12
    addi.d      $t7, $t7, 1
    csrwr       $t7, CSR_SAVE12
    la.pcrel    $t8, lvz_refill_page
    ori         $t8, $t8, 0x53              /* V D MAT=CC G */
    csrwr       $t8, CSR_TLBRELO0
    la.pcrel    $t8, lvz_refill_page
    ori         $t8, $t8, 0x53
    csrwr       $t8, CSR_TLBRELO1
    csrrd       $t8, CSR_TLBREHI            /* VPPN: the GPA (hardware); PS: 16 KiB */
    ori         $t7, $zero, GUEST_PAGE_PS
    bstrins.d   $t8, $t7, 5, 0
    csrwr       $t8, CSR_TLBREHI
    tlbwr                                   /* entry TLBIDX.Index, GID = GTLBC.TGID (USETGID) */
    csrrd       $t7, CSR_SAVE9
    csrrd       $t8, CSR_SAVE8
    ertn                                    /* TLBRPRMD[3] = 1: back to the guest */
