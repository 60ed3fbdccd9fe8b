/* iocsr_load_use: iocsrrd.{w,d} whose result the very next instruction uses, in every operand role
 * (docs/design.md "IPI block rules and IOCSR hazards (issue 13)"): the pipeline must interlock an IOCSR read
 * like a load (rtl/core/la_id_stage.sv), or the consumer sees a stale register.
 *
 * void lu_run(uint64_t *out, const struct lu_args *a)
 *   a (filled by iocsr_load_use.c, the mailboxes and IPI_EN written before the call):
 *     0: MBUF0 value    8: MBUF1 = a byte offset into out[]    16: MBUF2 = a pointer to a dword
 *    24: MBUF3 = the IOCSR address of MBUF0    32: IPI_EN value    40: code address (lu_target)
 *   out[0..LU_OUTS-1]: the results, compared by the C side.
 */
#define IOCSR_FEATURES   0x8
#define IOCSR_VENDOR     0x10
#define IOCSR_CPUNAME    0x20
#define IOCSR_IPI_STATUS 0x1000
#define IOCSR_IPI_EN     0x1004
#define IOCSR_MBUF0      0x1020
#define IOCSR_MBUF1      0x1028
#define IOCSR_MBUF2      0x1030
#define IOCSR_MBUF3      0x1038

    .text
    .globl lu_run
    .type lu_run, @function
lu_run:
    /* ALU use (rj), iocsrrd.w sign-extends */
    li.w        $t8, IOCSR_FEATURES
    iocsrrd.w   $t0, $t8
    addi.d      $t1, $t0, 5
    st.d        $t1, $a0, 0
    /* ALU use (rk), 64-bit */
    li.w        $t8, IOCSR_VENDOR
    iocsrrd.d   $t0, $t8
    xor         $t1, $a1, $t0
    st.d        $t1, $a0, 8
    /* ALU use of both operands */
    li.w        $t8, IOCSR_MBUF0
    iocsrrd.d   $t0, $t8
    mul.d       $t1, $t0, $t0
    st.d        $t1, $a0, 16
    /* sign extension of a .w read feeding a compare */
    li.w        $t8, IOCSR_CPUNAME
    iocsrrd.w   $t0, $t8
    slt         $t1, $t0, $zero
    st.d        $t1, $a0, 24
    /* address use: an index (ldx) */
    li.w        $t8, IOCSR_MBUF1
    iocsrrd.d   $t0, $t8
    ldx.d       $t1, $a0, $t0
    st.d        $t1, $a0, 32
    /* address use: a base (ld) */
    li.w        $t8, IOCSR_MBUF2
    iocsrrd.d   $t0, $t8
    ld.d        $t1, $t0, 0
    st.d        $t1, $a0, 40
    /* address use: a store base, and store data */
    li.w        $t8, IOCSR_MBUF2
    iocsrrd.d   $t0, $t8
    st.d        $a0, $t0, 8
    li.w        $t8, IOCSR_MBUF0
    iocsrrd.d   $t0, $t8
    st.d        $t0, $a0, 48
    /* an IOCSR address from an IOCSR read (MBUF3 holds MBUF0's address) */
    li.w        $t8, IOCSR_MBUF3
    iocsrrd.d   $t0, $t8
    iocsrrd.d   $t1, $t0
    st.d        $t1, $a0, 56
    /* IOCSR write data from an IOCSR read (as park_vector clears STATUS): MBUF1 <- MBUF0 */
    li.w        $t8, IOCSR_MBUF0
    iocsrrd.d   $t0, $t8
    li.w        $t7, IOCSR_MBUF1
    iocsrwr.d   $t0, $t7
    iocsrrd.d   $t1, $t7
    st.d        $t1, $a0, 64
    /* branch use: beq on IPI_EN (equal: taken), bne (not taken), bnez on STATUS, blt signed */
    ld.d        $t2, $a1, 32
    ori         $t3, $zero, 0
    li.w        $t8, IOCSR_IPI_EN
    iocsrrd.w   $t0, $t8
    beq         $t0, $t2, 1f
    ori         $t3, $t3, 1                     /* not reached when EN reads back right */
1:  iocsrrd.w   $t0, $t8
    bne         $t0, $t2, 2f
    ori         $t3, $t3, 2                     /* reached */
2:  li.w        $t8, IOCSR_IPI_STATUS
    iocsrrd.w   $t0, $t8
    bnez        $t0, 3f
    ori         $t3, $t3, 4                     /* reached only if STATUS reads 0 */
3:  li.w        $t8, IOCSR_VENDOR
    iocsrrd.w   $t0, $t8                        /* 0x6e6f6f4c: positive */
    blt         $t0, $zero, 4f
    ori         $t3, $t3, 8                     /* reached */
4:  li.w        $t8, IOCSR_CPUNAME
    iocsrrd.d   $t0, $t8
    beqz        $t0, 5f
    ori         $t3, $t3, 16                    /* reached */
5:  st.d        $t3, $a0, 72
    /* computed jump: jirl through an address read from a mailbox */
    li.w        $t8, IOCSR_MBUF2
    ld.d        $t1, $a1, 40
    iocsrwr.d   $t1, $t8                        /* MBUF2 <- lu_target */
    iocsrrd.d   $t0, $t8
    jirl        $t4, $t0, 0
    ori         $t5, $zero, 0xbad               /* skipped */
    b           6f
    .globl lu_target
lu_target:
    ori         $t5, $zero, 0x60d
6:  st.d        $t5, $a0, 80
    /* the consumer's rd port: bstrins.d reads rd as an operand */
    li.w        $t8, IOCSR_MBUF0
    iocsrrd.d   $t0, $t8
    bstrins.d   $t0, $zero, 7, 0
    st.d        $t0, $a0, 88
    jr          $ra
    .size lu_run, . - lu_run
