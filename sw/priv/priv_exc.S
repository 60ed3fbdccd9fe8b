/* priv_exc, assembly part: the instructions that trap, each at a global label so that the C part can
 * print ERA relative to it. Every function follows the C ABI; the C trap handlers resume after the
 * trapping instruction (ERA += 4) unless stated otherwise. */
#include "la.h"

    .text

/* void exc_sys(void) / exc_brk(void) / exc_ine(void) */
    .globl exc_sys, exc_sys_insn
    .type exc_sys, @function
exc_sys:
exc_sys_insn:
    syscall     0x123
    ret
    .size exc_sys, . - exc_sys

    .globl exc_brk, exc_brk_insn
    .type exc_brk, @function
exc_brk:
exc_brk_insn:
    break       0x5
    ret
    .size exc_brk, . - exc_brk

/* void exc_asrtgt(uint64_t j, uint64_t k) / exc_asrtle: asrtgt.d j, k / asrtle.d j, k (BCE unless j > k /
 * j <= k). Each its own function: QEMU 7.2 reports a helper's exception raised in the middle of a
 * translation block with ERA at the block's start, so the bound check is the first instruction of one. */
    .globl exc_asrtgt, exc_asrtgt_insn
    .type exc_asrtgt, @function
exc_asrtgt:
exc_asrtgt_insn:
    asrtgt.d    $a0, $a1
    ret
    .size exc_asrtgt, . - exc_asrtgt

    .globl exc_asrtle, exc_asrtle_insn
    .type exc_asrtle, @function
exc_asrtle:
exc_asrtle_insn:
    asrtle.d    $a0, $a1
    ret
    .size exc_asrtle, . - exc_asrtle

    .globl exc_ine, exc_ine_insn
    .type exc_ine, @function
exc_ine:
exc_ine_insn:
    .word       0xffffffff                      /* opcode 0x3f...: no LA64 instruction */
    ret
    .size exc_ine, . - exc_ine

/* u64 exc_ld_w(u64 addr), void exc_st_d(u64 addr, u64 v), u64 exc_ld_h(addr), void exc_st_w(addr, v) */
    .globl exc_ld_w, exc_ld_w_insn
    .type exc_ld_w, @function
exc_ld_w:
exc_ld_w_insn:
    ld.w        $a0, $a0, 0
    ret
    .size exc_ld_w, . - exc_ld_w

    .globl exc_st_d, exc_st_d_insn
    .type exc_st_d, @function
exc_st_d:
exc_st_d_insn:
    st.d        $a1, $a0, 0
    ret
    .size exc_st_d, . - exc_st_d

    .globl exc_ld_h, exc_ld_h_insn
    .type exc_ld_h, @function
exc_ld_h:
exc_ld_h_insn:
    ld.h        $a0, $a0, 0
    ret
    .size exc_ld_h, . - exc_ld_h

    .globl exc_st_w, exc_st_w_insn
    .type exc_st_w, @function
exc_st_w:
exc_st_w_insn:
    st.w        $a1, $a0, 4
    ret
    .size exc_st_w, . - exc_st_w

/* void exc_adef(u64 target): jirl to a misaligned target; the handler resumes at ERA = $ra (the
 * instruction after the jirl). */
    .globl exc_adef, exc_adef_jirl, exc_adef_target
    .type exc_adef, @function
exc_adef:
    move        $t8, $ra
exc_adef_jirl:
    jirl        $ra, $a0, 0
    move        $ra, $t8
    ret
exc_adef_target:
    /* target = exc_adef_target + 2. A machine without ADEF for a misaligned PC (QEMU 7.2) fetches the
     * word at +2, which is `jirl $zero, $ra, 0` (0x4c000020): it returns to the instruction after the
     * jirl, so the program goes on without a trap instead of running garbage. */
    .byte 0x00, 0x00, 0x20, 0x00, 0x00, 0x4c, 0x00, 0x00
    .size exc_adef, . - exc_adef

/* void run_plv3(void): ertn to plv3_code at PLV3 (PRMD.PPLV = 3, PIE = 0); each privileged instruction
 * there raises IPE and is skipped; `syscall 0x3` at plv3_exit asks the SYS handler to return to PLV0 at
 * plv3_return (it sets PRMD.PPLV = 0 and ERA = plv3_return). */
    .globl run_plv3, plv3_code, plv3_csrrd, plv3_csrwr, plv3_csrxchg, plv3_iocsrrd, plv3_iocsrwr
    .globl plv3_idle, plv3_ertn, plv3_exit, plv3_return, plv3_brk
    .type run_plv3, @function
run_plv3:
    la.pcrel    $t0, plv3_code
    csrwr       $t0, CSR_ERA
    ori         $t0, $zero, 3
    csrwr       $t0, CSR_PRMD
    ertn
plv3_code:
plv3_csrrd:
    csrrd       $t0, CSR_CRMD
plv3_csrwr:
    csrwr       $t0, CSR_SAVE0
plv3_csrxchg:
    csrxchg     $t0, $t1, CSR_SAVE0
plv3_iocsrrd:
    iocsrrd.w   $t0, $t1
plv3_iocsrwr:
    iocsrwr.w   $t0, $t1
plv3_idle:
    idle        0
plv3_ertn:
    ertn
plv3_brk:
    break       0x7                             /* not privileged: BRK with PRMD.PPLV = 3 */
plv3_exit:
    syscall     0x3
plv3_return:
    ret
    .size run_plv3, . - run_plv3

/* u64 ll_trap_sc(u64 *p): ll.d; syscall 0x10; sc.d of the loaded value + 1. Returns sc.d's result
 * (1 stored, 0 failed). The SYS handler only advances ERA, so its ertn decides (LLBCTL.KLO). */
    .globl ll_trap_sc, ll_trap_sc_sys
    .type ll_trap_sc, @function
ll_trap_sc:
    ll.d        $t0, $a0, 0
ll_trap_sc_sys:
    syscall     0x10
    addi.d      $t0, $t0, 1
    sc.d        $t0, $a0, 0
    move        $a0, $t0
    ret
    .size ll_trap_sc, . - ll_trap_sc

/* u64 ll_wcllb_sc(u64 *p): ll.d; LLBCTL.WCLLB = 1; sc.d -> returns sc.d's result (expected 0) */
    .globl ll_wcllb_sc
    .type ll_wcllb_sc, @function
ll_wcllb_sc:
    ll.d        $t0, $a0, 0
    ori         $t1, $zero, 2
    csrxchg     $t1, $t1, CSR_LLBCTL
    addi.d      $t0, $t0, 1
    sc.d        $t0, $a0, 0
    move        $a0, $t0
    ret
    .size ll_wcllb_sc, . - ll_wcllb_sc

/* u64 ll_sc_plain(u64 *p): ll.d; sc.d (no trap) -> 1 */
    .globl ll_sc_plain
    .type ll_sc_plain, @function
ll_sc_plain:
    ll.d        $t0, $a0, 0
    addi.d      $t0, $t0, 1
    sc.d        $t0, $a0, 0
    move        $a0, $t0
    ret
    .size ll_sc_plain, . - ll_sc_plain

/* void swi_sled(u64 bits): ESTAT.IS[1:0] |= bits with csrxchg, then TICLR.CLR = 1, then 16 nops. An
 * interrupt taken because of it has its ERA in [swi_sled_start, swi_sled_end].
 * The TICLR write is for QEMU 7.2, which re-evaluates pending interrupts only when a hardware line
 * changes (loongarch_cpu_set_irq): a CSR write of ESTAT.IS[1:0] alone is never noticed there, while
 * TICLR.CLR = 1 lowers the TI line and so re-examines ESTAT.IS. Architecturally it is a no-op here
 * (no timer runs). The branch after it ends QEMU's translation block, so that QEMU also takes the
 * interrupt inside the sled. */
    .globl swi_sled, swi_sled_start, swi_sled_end
    .type swi_sled, @function
swi_sled:
    csrxchg     $a0, $a0, CSR_ESTAT
swi_sled_start:
    ori         $t0, $zero, 1
    csrwr       $t0, CSR_TICLR
    b           1f                              /* QEMU looks at interrupts between its blocks */
1:
    .rept 16
    nop
    .endr
swi_sled_end:
    ret
    .size swi_sled, . - swi_sled

/* void ie_sled(void): CRMD.IE = 1, then 16 nops; ERA window [ie_sled_start, ie_sled_end] */
    .globl ie_sled, ie_sled_start, ie_sled_end
    .type ie_sled, @function
ie_sled:
    ori         $t0, $zero, 4
    csrxchg     $t0, $t0, CSR_CRMD
ie_sled_start:
    b           1f
1:
    .rept 16
    nop
    .endr
ie_sled_end:
    ret
    .size ie_sled, . - ie_sled

/* Vector table for ECFG.VS != 0: 132 stubs of 16 bytes. Each stub saves $t0 in SAVE0, puts its own
 * address in $t0 and branches to vs_common, which stores that address in SAVE1, restores $t0 and enters
 * the general trap_entry. With spacing 2^(VS+2) >= 16, the entry of code c lands on stub c * 2^VS / 4;
 * the C side computes c = (SAVE1 - vs_table) >> (VS + 2). */
    .section .text.vs_table, "ax"
    .p2align 12
    .globl vs_table
vs_table:
    .rept 132
    csrwr       $t0, CSR_SAVE0
    pcaddi      $t0, -1
    b           vs_common
    nop
    .endr
vs_common:
    csrwr       $t0, CSR_SAVE1
    csrrd       $t0, CSR_SAVE0
    b           trap_entry
