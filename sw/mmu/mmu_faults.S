/* mmu_faults, assembly part: the faulting instructions at global labels (ERA is printed relative to them),
 * a function in its own 16 KiB page that the C part maps at TLB-translated VAs, and a PLV3 stub. */
#include "la.h"

    .text

/* u64 flt_ld(u64 va): ld.d; a data fault is skipped by the handler (a0 comes back unchanged) */
    .globl flt_ld, flt_ld_insn
    .type flt_ld, @function
flt_ld:
flt_ld_insn:
    ld.d        $a0, $a0, 0
    ret
    .size flt_ld, . - flt_ld

/* void flt_st(u64 va, u64 v): st.d */
    .globl flt_st, flt_st_insn
    .type flt_st, @function
flt_st:
flt_st_insn:
    st.d        $a1, $a0, 0
    ret
    .size flt_st, . - flt_st

/* u64 flt_call(u64 va): jirl to va. The code there returns its magic in a0; on a fetch fault the handler
 * resumes at $ra (after the jirl) and a0 still holds va. */
    .globl flt_call, flt_call_jirl
    .type flt_call, @function
flt_call:
    addi.d      $sp, $sp, -16
    st.d        $ra, $sp, 0
flt_call_jirl:
    jirl        $ra, $a0, 0
    ld.d        $ra, $sp, 0
    addi.d      $sp, $sp, 16
    ret
    .size flt_call, . - flt_call

/* The page the C part maps at TLB VAs (section .tlb.text: a 16 KiB page of its own): a0 = 0x600d_c0de */
    .section .tlb.text, "ax"
    .globl tlb_code_fn
    .type tlb_code_fn, @function
tlb_code_fn:
    lu12i.w     $a0, 0x600dc
    ori         $a0, $a0, 0x0de
    ret
    .size tlb_code_fn, . - tlb_code_fn

/* PLV3 stub (section .user.text, mapped for PLV3 at its own VA). a0 = base VA of four test pages, each
 * 64 KiB apart (see mmu_faults.c): +0 PLV0 data, +64K PLV0 code, +128K RPLV=1 PLV0 data,
 * +192K RPLV=1 PLV3 data. Every access but the last raises PPI; the handler resumes after it (the
 * fetch fault: at $ra). syscall 0 returns to the kernel with a0 = the last load's value. */
    .section .user.text, "ax"
    .globl plv3_stub, plv3_ld, plv3_st, plv3_rplv_ld, plv3_ok_ld, plv3_exit
    .type plv3_stub, @function
plv3_stub:
    lu12i.w     $t3, 0x10                       /* 64 KiB */
    add.d       $t4, $a0, $t3                   /* PLV0 code */
    add.d       $t5, $t4, $t3                   /* RPLV=1 PLV0 data */
    add.d       $t6, $t5, $t3                   /* RPLV=1 PLV3 data */
plv3_ld:
    ld.d        $t0, $a0, 0
plv3_st:
    st.d        $t0, $a0, 8
#ifdef MMU_FAULTS_HW
plv3_call:
    jirl        $ra, $t4, 0                     /* fetch PPI: QEMU 7.2 cannot deliver it */
#endif
plv3_rplv_ld:
    ld.d        $t1, $t5, 0
#ifdef MMU_FAULTS_HW
    .globl plv3_adem
plv3_adem:                                      /* VA 0x0000_8000_0000_0040: ADEM (VA[63:47] mixed) */
    ori         $t7, $zero, 0x40
    lu32i.d     $t7, 0x8000
    ld.d        $t2, $t7, 0
#endif
plv3_ok_ld:
    ld.d        $a0, $t6, 0x10
plv3_exit:
    syscall     0
    b           plv3_exit                       /* not reached */
    .size plv3_stub, . - plv3_stub
