/* timer_ticlr_race: the timed part (design.md 7.3, 7.4). Between the TCFG write and the TICLR write every
 * instruction is fixed except the number of nops executed, so the cycle the TICLR commits moves by exactly
 * one cycle per nop (the pipeline timing is deterministic: no caches, no memory stalls).
 *
 * uint64_t ticlr_race(uint64_t tcfg, uint64_t nops)
 *   writes TCFG = tcfg, executes the last `nops` (<= ticlr_race_max_nops) nops of the sled, reads TVAL and
 *   in the very next instruction writes TICLR.CLR = 1; returns the TVAL read. TVAL read = 1 means the
 *   TICLR commits in the cycle TVAL is 0, i.e. in the expiry cycle: its clear and the expiry take effect
 *   at the same edge.
 */
#include "la.h"

#define SLED_NOPS 1100

    .section .rodata
    .globl ticlr_race_max_nops
    .p2align 3
ticlr_race_max_nops:
    .quad SLED_NOPS

    .text
    .globl ticlr_race
    .type ticlr_race, @function
ticlr_race:
    la.pcrel    $t0, .Lsled_end
    slli.d      $t1, $a1, 2
    sub.d       $t0, $t0, $t1           /* enter the sled `nops` instructions before its end */
    ori         $t2, $zero, 1           /* TICLR.CLR */
    csrwr       $a0, CSR_TCFG           /* arm: TVAL = InitVal from the next cycle */
    jr          $t0
    .rept SLED_NOPS
    nop
    .endr
.Lsled_end:
    csrrd       $a0, CSR_TVAL
    csrwr       $t2, CSR_TICLR          /* commits one cycle after the TVAL read */
    ret
    .size ticlr_race, . - ticlr_race
