/* R3/R4: guest entry and exit. Root SAVE0 = this core's struct vcpu (hv.h) while a guest runs; SAVE1 is the
 * scratch that carries the guest's sp across the exit. The exit saves every GPR, ERA, ESTAT, BADV, BADI,
 * PRMD, GSTAT and, for inspection only, a few guest CSRs (never written back: the guest timer and ESTAT keep
 * running in hardware across exits of a pinned vCPU; hypervisor-behaviour.md 1.3, R4). */
#include "la.h"
#include "hv.h"

#ifdef HV_BUG_TRUST_CALLEE_SAVED
/* A mutation (not the seed's): the exit saves and the entry restores only what a C call clobbers, trusting the
 * C ABI for s0-s8/fp, which is wrong: hv_exit never returns, so the guest gets the hypervisor's values. */
#define GUEST_GPRS 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21
#else
#define GUEST_GPRS 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
#endif

    .section .text.hvexit, "ax"
    .p2align 12
    .globl hv_exit_entry
    .type hv_exit_entry, @function
hv_exit_entry:
    csrwr   $sp, CSR_SAVE1                  /* SAVE1 = the guest's sp */
    csrrd   $sp, CSR_SAVE0                  /* sp = struct vcpu */
    .irp n, GUEST_GPRS
    st.d    $r\n, $sp, VC_REG(\n)
    .endr
    csrrd   $t0, CSR_SAVE1
    st.d    $t0, $sp, VC_REG(3)
    csrrd   $t0, CSR_ERA
    st.d    $t0, $sp, VC_ERA
    csrrd   $t0, CSR_ESTAT
    st.d    $t0, $sp, VC_ESTAT
    csrrd   $t0, CSR_BADV
    st.d    $t0, $sp, VC_BADV
    csrrd   $t0, CSR_BADI
    st.d    $t0, $sp, VC_BADI
    csrrd   $t0, CSR_PRMD
    st.d    $t0, $sp, VC_PRMD
    csrrd   $t0, CSR_GSTAT
    st.d    $t0, $sp, VC_GSTAT
    gcsrrd  $t0, CSR_CRMD
    st.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_CRMD
    gcsrrd  $t0, CSR_PRMD
    st.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_PRMD
    gcsrrd  $t0, CSR_ECFG
    st.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_ECFG
    gcsrrd  $t0, CSR_ESTAT
    st.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_ESTAT
    gcsrrd  $t0, CSR_ERA
    st.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_ERA
    gcsrrd  $t0, CSR_TCFG
    st.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_TCFG
    gcsrrd  $t0, CSR_TVAL
    st.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_TVAL
    li.w    $t0, HV_GSTAT_PVM                  /* PVM = 0 while the root runs: a root exception is told apart */
    csrxchg $zero, $t0, CSR_GSTAT
    move    $a0, $sp
    ld.d    $sp, $sp, VC_HVSP
    bl      hv_exit                         /* never returns: it re-enters through hv_vcpu_enter */
1:  b       1b
    .size hv_exit_entry, . - hv_exit_entry

/* void hv_vcpu_enter(struct vcpu *vc): ERA = vc->era, PRMD = PLV0 | PIE (root interrupts stay enabled
 * while the guest runs), GSTAT.PVM = 1, every GPR from vc, ertn. */
    .text
    .globl hv_vcpu_enter
    .type hv_vcpu_enter, @function
hv_vcpu_enter:
    move    $sp, $a0
    csrwr   $a0, CSR_SAVE0
#ifdef SEED_BUG_TIMER_WRITEBACK
    /* The seed's idle hang (hvisor before 754838b): the saved guest TVAL, TCFG and ESTAT written back on
     * every entry. Rewriting TCFG restarts the countdown from InitVal; rewriting ESTAT drops a TI that rose
     * during the exit. */
    ld.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_TVAL
    gcsrwr  $t0, CSR_TVAL
    ld.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_TCFG
    gcsrwr  $t0, CSR_TCFG
    ld.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_ESTAT
    gcsrwr  $t0, CSR_ESTAT
#elif defined(SEED_BUG_ESTAT_WRITEBACK)
    /* T15's bug build: only the saved guest ESTAT written back, dropping what the root injected during the exit */
    ld.d    $t0, $sp, VC_GCSR + 8 * HV_GCSR_ESTAT
    gcsrwr  $t0, CSR_ESTAT
#endif
    ld.d    $t0, $sp, VC_ERA
    csrwr   $t0, CSR_ERA
    li.w    $t0, HV_PRMD_PIE
    csrwr   $t0, CSR_PRMD
    li.w    $t0, HV_GSTAT_PVM
    csrxchg $t0, $t0, CSR_GSTAT
    .irp n, GUEST_GPRS
    ld.d    $r\n, $sp, VC_REG(\n)
    .endr
    ld.d    $sp, $sp, VC_REG(3)
    ertn
    .size hv_vcpu_enter, . - hv_vcpu_enter
