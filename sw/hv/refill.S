/* R9: the stage-2 TLB refill. A guest GPA missing in the TLB enters here (DA mode, root bank) with
 * TLBRBADV = the GPA; the walk reads the running zone's table through PGD (= PGDL: GPAs have bit 63 = 0)
 * with the sw/mmu geometry (lddir 4, 3, 2, 1; ldpte 0, 1), and tlbfill tags the entry with GTLBC.TGID
 * (USETGID = 1). ertn returns to the guest (TLBRPRMD[3], design.md 12.5). Uses $t0 only (TLBRSAVE);
 * counts refills in root SAVE7. */
#include "la.h"

    .section .text.hvrefill, "ax"
    .p2align 12
    .globl hv_s2_refill
    .type hv_s2_refill, @function
hv_s2_refill:
    csrwr       $t0, CSR_TLBRSAVE
    csrrd       $t0, CSR_PGD
    lddir       $t0, $t0, 4
    lddir       $t0, $t0, 3
    lddir       $t0, $t0, 2
    lddir       $t0, $t0, 1
    ldpte       $t0, 0
    ldpte       $t0, 1
    tlbfill
    csrrd       $t0, CSR_SAVE7
    addi.d      $t0, $t0, 1
    csrwr       $t0, CSR_SAVE7
    csrrd       $t0, CSR_TLBRSAVE
    ertn
    .size hv_s2_refill, . - hv_s2_refill
