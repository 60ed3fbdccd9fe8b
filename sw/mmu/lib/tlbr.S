/* TLB-refill handlers (see mmu.h). Each starts a 4 KiB-aligned page: TLBRENTRY holds its physical
 * address (the image runs at VA = PA). They run in direct-address mode at PLV0 (design.md 9.3) and use
 * only $t0, saved in TLBRSAVE. */
#include "la.h"

    .section .text.tlbr, "ax"

/* Linux's handle_tlb_refill with four directory levels: PGD (PGDL/PGDH by TLBRBADV[63]) -> Dir4 ->
 * Dir3 -> Dir2 -> Dir1 -> PTE pair (or a huge Dir1 entry, which lddir passes on and ldpte splits into
 * two halves); tlbfill writes TLBREHI/TLBRELO0/1 into the slot the fill rule picks. SAVE7 counts. */
    .p2align 12
    .globl tlbr_walk
    .type tlbr_walk, @function
tlbr_walk:
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
    .size tlbr_walk, . - tlbr_walk

/* Probe handler: SAVE7 += 1, SAVE6 = TLBRBADV, resume after the missing instruction (TLBRERA keeps
 * IsTLBR = 1 in bit 0; +4 moves PC[63:2] one instruction on). Nothing is written to the TLB. */
    .p2align 12
    .globl tlbr_probe
    .type tlbr_probe, @function
tlbr_probe:
    csrwr       $t0, CSR_TLBRSAVE
    csrrd       $t0, CSR_SAVE7
    addi.d      $t0, $t0, 1
    csrwr       $t0, CSR_SAVE7
    csrrd       $t0, CSR_TLBRBADV
    csrwr       $t0, CSR_SAVE6
    csrrd       $t0, CSR_TLBRERA
    addi.d      $t0, $t0, 4
    csrwr       $t0, CSR_TLBRERA
    csrrd       $t0, CSR_TLBRSAVE
    ertn
    .size tlbr_probe, . - tlbr_probe
