/* Secondary-core park loop and wake-up vector (see smp.h). Writes no .bss: only CSRs, IOCSRs and the
 * core's smp_parked[] slot in .data. Entered from crt0 with $t0 = CPUID.CoreID and sp = own stack top. */
#include "la.h"
#include "smp.h"

#define IOCSR_IPI_STATUS 0x1000
#define IOCSR_IPI_EN     0x1004
#define IOCSR_IPI_CLEAR  0x100c
#define IOCSR_MBUF0      0x1020
#include "stack.h"

    .text
    .globl secondary_park
    .type secondary_park, @function
secondary_park:
    csrrd       $t0, CSR_CPUID
    andi        $t0, $t0, 0x1ff
    ori         $t1, $zero, SMP_MAX_CORES
    bgeu        $t0, $t1, 9f                    /* no stack, no slot: spin */
    ori         $t1, $zero, 4
    csrxchg     $zero, $t1, CSR_CRMD            /* CRMD.IE = 0 while (re)configuring */
    la.pcrel    $t1, park_vector
    csrwr       $t1, CSR_EENTRY
    lu12i.w     $t1, 1                          /* ECFG = 0x1000: VS = 0, LIE = IPI only */
    csrwr       $t1, CSR_ECFG
    addi.w      $t1, $zero, -1
    li.w        $t2, IOCSR_IPI_EN
    iocsrwr.w   $t1, $t2                        /* IPI_EN = all vectors */
    la.pcrel    $t1, smp_parked
    slli.d      $t2, $t0, 3
    add.d       $t1, $t1, $t2
    ori         $t2, $zero, 1
    dbar        0
    st.d        $t2, $t1, 0                     /* smp_parked[core] = 1 */
    dbar        0
    ori         $t1, $zero, 4
    csrxchg     $t1, $t1, CSR_CRMD              /* CRMD.IE = 1 */
1:  idle        0
    b           1b
9:  b           9b
    .size secondary_park, . - secondary_park

/* Interrupt entry while parked (LIE = IPI only, so this is the IPI). */
    .p2align 12
    .globl park_vector
    .type park_vector, @function
park_vector:
    li.w        $t2, IOCSR_IPI_STATUS
    iocsrrd.w   $t1, $t2
    li.w        $t2, IOCSR_IPI_CLEAR
    iocsrwr.w   $t1, $t2                        /* clear what was pending */
    li.w        $t2, IOCSR_MBUF0
    iocsrrd.d   $t3, $t2                        /* entry PC */
    beqz        $t3, 2f                         /* spurious: back to the idle loop (ERA = idle + 4) */
    iocsrwr.d   $zero, $t2                      /* consume the mailbox */
    csrwr       $t3, CSR_ERA
    csrwr       $zero, CSR_PRMD                 /* return to PLV0 with IE = 0 */
    csrrd       $a0, CSR_CPUID
    andi        $a0, $a0, 0x1ff
    la.pcrel    $t2, __stack_base
    addi.d      $t1, $a0, 1
    slli.d      $t1, $t1, STACK_SHIFT
    add.d       $sp, $t2, $t1
    la.pcrel    $ra, secondary_park
    move        $fp, $zero
2:  ertn
    .size park_vector, . - park_vector
