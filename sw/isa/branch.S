/* isa_branch, assembly part: bl, jirl, computed jumps, and branches whose offsets need the high bits of
 * offs16/offs21/offs26. Called from branch.c; every function follows the C ABI. */

    .text

/* u64 br_bl(void): returns the ra written by a forward bl at br_bl_site (= br_bl_site + 4) */
    .globl br_bl, br_bl_site
    .type br_bl, @function
br_bl:
    move    $t0, $ra
br_bl_site:
    bl      1f
    ori     $a0, $zero, 0xbad           /* not reached */
    b       2f
1:  move    $a0, $ra
2:  move    $ra, $t0
    ret
    .size br_bl, . - br_bl

/* u64 br_bl_back(void): the same with a backward bl (target before the site) */
    .globl br_bl_back, br_bl_back_site
    .type br_bl_back, @function
br_bl_back:
    move    $t0, $ra
    b       2f
1:  move    $a0, $ra
    move    $ra, $t0
    ret
2:
br_bl_back_site:
    bl      1b
    ori     $a0, $zero, 0xbad           /* not reached */
    move    $ra, $t0
    ret
    .size br_bl_back, . - br_bl_back

/* u64 br_get_ra(void): a leaf that returns its return address */
    .globl br_get_ra
    .type br_get_ra, @function
br_get_ra:
    move    $a0, $ra
    ret
    .size br_get_ra, . - br_get_ra

/* u64 br_jirl(u64 target): jirl $ra, $a0, 0 at br_jirl_site; returns what target returns */
    .globl br_jirl, br_jirl_site
    .type br_jirl, @function
br_jirl:
    move    $t0, $ra
br_jirl_site:
    jirl    $ra, $a0, 0
    move    $ra, $t0
    ret
    .size br_jirl, . - br_jirl

/* u64 br_jirl_maxoff(u64 base): jirl $ra, $a0, 131068 (largest offs16) from br_jirl_maxoff_site */
    .globl br_jirl_maxoff, br_jirl_maxoff_site
    .type br_jirl_maxoff, @function
br_jirl_maxoff:
    move    $t0, $ra
    move    $t8, $a0
br_jirl_maxoff_site:
    jirl    $ra, $t8, 131068
    move    $ra, $t0
    ret
    .size br_jirl_maxoff, . - br_jirl_maxoff

/* u64 br_jirl_minoff(u64 base): jirl $ra, $a0, -131072 (smallest offs16) from br_jirl_minoff_site */
    .globl br_jirl_minoff, br_jirl_minoff_site
    .type br_jirl_minoff, @function
br_jirl_minoff:
    move    $t0, $ra
br_jirl_minoff_site:
    jirl    $ra, $a0, -131072
    move    $ra, $t0
    ret
    .size br_jirl_minoff, . - br_jirl_minoff

/* u64 br_jirl_same(void): jirl $a0, $a0, 0 (rd == rj: the target uses the old value); returns the
 * link value written to $a0 (= br_jirl_same_site + 4) */
    .globl br_jirl_same, br_jirl_same_site
    .type br_jirl_same, @function
br_jirl_same:
    la.pcrel $a0, 1f
br_jirl_same_site:
    jirl    $a0, $a0, 0
    ori     $a0, $zero, 0xbad           /* not reached */
1:  ret
    .size br_jirl_same, . - br_jirl_same

/* u64 br_table(u64 idx, u64 table_entry_offset): computed jump into br_jump_table.
 *   entry = br_jump_table + 8*idx; jirl $zero, entry, off (off in {-8, 0, 8} chosen by a1 in {0,1,2}) */
    .globl br_table
    .type br_table, @function
br_table:
    la.pcrel $t0, br_jump_table
    slli.d  $t1, $a0, 3
    add.d   $t0, $t0, $t1
    beqz    $a1, 1f
    addi.d  $a1, $a1, -1
    beqz    $a1, 2f
    jirl    $zero, $t0, 8
1:  jirl    $zero, $t0, -8
2:  jirl    $zero, $t0, 0
    .size br_table, . - br_table

    .globl br_jump_table
br_jump_table:
    ori     $a0, $zero, 0x100
    ret
    ori     $a0, $zero, 0x101
    ret
    ori     $a0, $zero, 0x102
    ret
    ori     $a0, $zero, 0x103
    ret
    ori     $a0, $zero, 0x104
    ret
    ori     $a0, $zero, 0x105
    ret

/* void br_far(u64 out[3]): branches to .far_text (0x0040_0000, ~2 MiB away: the high offset bits of
 * offs21 (beqz/bnez) and offs26 (b/bl)) and back (negative offsets), and conditional offs16 branches
 * across 64 KiB there. out[0] = path bits (0x3f when every step ran in order), out[1] = ra of the far
 * bl minus br_far_bl_site, out[2] = path bits of the offs16 part. */
    .globl br_far, br_far_bl_site
    .type br_far, @function
br_far:
    move    $t0, $ra
    move    $t1, $zero
    move    $t2, $zero
    ori     $t3, $zero, 1
    beqz    $zero, far_a                /* forward offs21 */
    b       br_far_fail
br_far_1:
    ori     $t1, $t1, 0x4
br_far_bl_site:
    bl      far_b                       /* forward offs26, link */
    ori     $t1, $t1, 0x10
    b       far_c                       /* forward offs26 */
br_far_2:
    la.pcrel $t4, br_far_bl_site
    sub.d   $t4, $t5, $t4
    st.d    $t1, $a0, 0
    st.d    $t4, $a0, 8
    st.d    $t2, $a0, 16
    move    $ra, $t0
    ret
br_far_fail:
    ori     $t1, $t1, 0x800
    b       br_far_2
    .size br_far, . - br_far

    .section .far_text, "ax"
far_a:
    ori     $t1, $t1, 0x1
    bnez    $t3, far_a2                 /* short forward */
    b       br_far_fail
far_a2:
    ori     $t1, $t1, 0x2
    bnez    $t3, br_far_1               /* backward offs21 */
    b       br_far_fail
far_b:
    move    $t5, $ra
    ori     $t1, $t1, 0x8
    jr      $ra
far_c:
    ori     $t1, $t1, 0x20
    /* offs16 across 64 KiB, forward then backward */
    beq     $t3, $t3, far_d             /* taken, forward */
    ori     $t2, $t2, 0x100
far_e:
    ori     $t2, $t2, 0x2
    bltu    $zero, $t3, far_f           /* taken, forward */
    ori     $t2, $t2, 0x200
far_g:
    ori     $t2, $t2, 0x8
    b       br_far_2                    /* backward offs26 */
    .skip   0x10000
far_d:
    ori     $t2, $t2, 0x1
    bne     $t3, $zero, far_e           /* taken, backward */
    ori     $t2, $t2, 0x400
far_f:
    ori     $t2, $t2, 0x4
    bge     $t3, $zero, far_g           /* taken, backward */
    ori     $t2, $t2, 0x800
    b       br_far_2
