/* lacosim.randgen paging support, linked into paging programs only (lacosim/randgen/paging.py describes
 * the scheme). The program defines the data this code works on:
 *
 *   rand_paging_table   entries of ENT_BYTES (offsets ENT_* below, = paging.ENTRY_FIELDS)
 *   rand_paging_count   .word number of entries
 *   rand_paging_mode    .word 0: the refill handler uses tlbwr at the entry's index, 1: tlbfill
 *   rand_paging_asid0   .word ASID the body starts with
 *   rand_cnt_tlbr, rand_cnt_pil, rand_cnt_pis, rand_cnt_touched   .dword counters (the signature prints them)
 *   rand_sig_regions    region descriptors (signature.S); those with the copy flag are filled here
 *
 *   rand_paging_setup   called in direct-address mode by _start (after it emptied the TLB with invtlb 0 or
 *                       1): fills the regions, sets DMW0, EENTRY, TLBRENTRY, STLBPS, ECFG, pre-installs the
 *                       flagged entries with tlbwr and sets the starting ASID. Clobbers t0-t6.
 *   rand_tlbr_handler   TLB refill (TLBRENTRY, direct-address mode, physical pc): installs the table entry of
 *                       TLBRBADV/ASID, counts the refill.
 *   rand_exc_handler    general exceptions (EENTRY, through DMW0): PIL/PIS set V in the table entry and
 *                       rewrite it (tlbsrch + tlbwr); anything else is fatal.
 *   A refill with no table entry, or an unexpected exception, prints "FATAL ..." and powers off (no END line).
 */
    .equ ENT_VBASE, 0
    .equ ENT_VMASK, 8
    .equ ENT_LO0, 16
    .equ ENT_LO1, 24
    .equ ENT_FIX0, 32
    .equ ENT_FIX1, 40
    .equ ENT_TOUCH, 48
    .equ ENT_COUNT, 56
    .equ ENT_ASID, 64
    .equ ENT_G, 68
    .equ ENT_PS, 72
    .equ ENT_INDEX, 76
    .equ ENT_PRE, 80
    .equ ENT_BYTES, 96

    .equ REGION_BYTES, 48

    .equ CSR_CRMD, 0x0
    .equ CSR_ECFG, 0x4
    .equ CSR_ESTAT, 0x5
    .equ CSR_ERA, 0x6
    .equ CSR_BADV, 0x7
    .equ CSR_EENTRY, 0xc
    .equ CSR_TLBIDX, 0x10
    .equ CSR_TLBEHI, 0x11
    .equ CSR_TLBELO0, 0x12
    .equ CSR_TLBELO1, 0x13
    .equ CSR_ASID, 0x18
    .equ CSR_STLBPS, 0x1e
    .equ CSR_SAVE0, 0x30
    .equ CSR_TLBRENTRY, 0x88
    .equ CSR_TLBRBADV, 0x89
    .equ CSR_TLBRERA, 0x8a
    .equ CSR_TLBRSAVE, 0x8b
    .equ CSR_TLBRELO0, 0x8c
    .equ CSR_TLBRELO1, 0x8d
    .equ CSR_TLBREHI, 0x8e
    .equ CSR_DMW0, 0x180

/* #define, not .equ: an absolute symbol this close to the DMW alias of the code would name every pc there */
#define DMW0_VALUE 0x9000000000000011
#define DMW_BASE 0x9000000000000000
    .equ CRMD_DA, 0x8
#define UART0_THR 0x1FE001E0  /* #define: no symbol to name code addresses by */
#define GED_SLEEP_CTL 0x100E001C  /* #define: no symbol to name code addresses by */
    .equ GED_POWEROFF_VALUE, 0x34

    .text
    .globl rand_paging_setup, rand_tlbr_handler, rand_exc_handler

rand_paging_setup:
    /* initial contents of the regions flagged for copying */
    la.local    $t0, rand_sig_regions
.Lsetup_region:
    ld.d        $t1, $t0, 16            /* bytes; 0 ends the list */
    beqz        $t1, .Lsetup_csrs
    ld.w        $t2, $t0, 44            /* copy flag */
    beqz        $t2, .Lsetup_next
    ld.d        $t3, $t0, 0             /* destination (physical) */
    ld.d        $t4, $t0, 8             /* initial data */
    move        $t5, $zero
.Lsetup_copy:
    ldx.d       $t6, $t4, $t5
    stx.d       $t6, $t3, $t5
    addi.d      $t5, $t5, 8
    bne         $t5, $t1, .Lsetup_copy
.Lsetup_next:
    addi.d      $t0, $t0, REGION_BYTES
    b           .Lsetup_region

.Lsetup_csrs:
    li.d        $t0, DMW0_VALUE
    csrwr       $t0, CSR_DMW0
    move        $t0, $zero
    csrwr       $t0, CSR_DMW0 + 1
    move        $t0, $zero
    csrwr       $t0, CSR_DMW0 + 2
    move        $t0, $zero
    csrwr       $t0, CSR_DMW0 + 3
    move        $t0, $zero
    csrwr       $t0, CSR_ECFG
    la.local    $t0, rand_exc_handler
    li.d        $t1, DMW_BASE
    or          $t0, $t0, $t1
    csrwr       $t0, CSR_EENTRY
    la.local    $t0, rand_tlbr_handler
    csrwr       $t0, CSR_TLBRENTRY
    li.w        $t0, 14                 /* QEMU's default; no effect on our TLB */
    csrwr       $t0, CSR_STLBPS

    /* pre-install the flagged entries (tlbwr at their index, under their ASID) */
    la.local    $t0, rand_paging_table
    la.local    $t1, rand_paging_count
    ld.w        $t1, $t1, 0
.Lsetup_entry:
    beqz        $t1, .Lsetup_done
    ld.w        $t2, $t0, ENT_PRE
    beqz        $t2, .Lsetup_entry_next
    ld.w        $t2, $t0, ENT_ASID
    csrwr       $t2, CSR_ASID
    ld.d        $t2, $t0, ENT_VBASE
    csrwr       $t2, CSR_TLBEHI
    ld.d        $t2, $t0, ENT_LO0
    csrwr       $t2, CSR_TLBELO0
    ld.d        $t2, $t0, ENT_LO1
    csrwr       $t2, CSR_TLBELO1
    ld.w        $t2, $t0, ENT_PS
    slli.d      $t2, $t2, 24
    ld.w        $t3, $t0, ENT_INDEX
    or          $t2, $t2, $t3
    csrwr       $t2, CSR_TLBIDX
    tlbwr
.Lsetup_entry_next:
    addi.d      $t0, $t0, ENT_BYTES
    addi.w      $t1, $t1, -1
    b           .Lsetup_entry
.Lsetup_done:
    la.local    $t0, rand_paging_asid0
    ld.w        $t0, $t0, 0
    csrwr       $t0, CSR_ASID
    jr          $ra

/* rand_paging_lookup: a0 = VA, a1 = ASID -> t0 = its table entry (or 0). Clobbers t1-t3. Position
   independent: works at the physical pc (refill handler) and through DMW0 (general handler). */
rand_paging_lookup:
    la.local    $t0, rand_paging_table
    la.local    $t1, rand_paging_count
    ld.w        $t1, $t1, 0
.Llookup_loop:
    beqz        $t1, .Llookup_miss
    ld.d        $t2, $t0, ENT_VMASK
    and         $t2, $a0, $t2
    ld.d        $t3, $t0, ENT_VBASE
    bne         $t2, $t3, .Llookup_next
    ld.w        $t2, $t0, ENT_G
    bnez        $t2, .Llookup_hit
    ld.w        $t2, $t0, ENT_ASID
    beq         $t2, $a1, .Llookup_hit
.Llookup_next:
    addi.d      $t0, $t0, ENT_BYTES
    addi.w      $t1, $t1, -1
    b           .Llookup_loop
.Llookup_miss:
    move        $t0, $zero
.Llookup_hit:
    jr          $ra

/* ---- TLB refill: direct-address mode, physical pc ---------------------------------------------------- */
    .balign 4096
rand_tlbr_handler:
    csrwr       $t0, CSR_TLBRSAVE
    csrwr       $t1, CSR_SAVE0 + 0
    csrwr       $t2, CSR_SAVE0 + 1
    csrwr       $t3, CSR_SAVE0 + 2
    csrwr       $ra, CSR_SAVE0 + 3
    csrwr       $a0, CSR_SAVE0 + 4
    csrwr       $a1, CSR_SAVE0 + 5
    csrrd       $a0, CSR_TLBRBADV
    csrrd       $a1, CSR_ASID
    andi        $a1, $a1, 0x3ff
    bl          rand_paging_lookup
    beqz        $t0, .Ltlbr_fatal
    ld.d        $t1, $t0, ENT_LO0
    csrwr       $t1, CSR_TLBRELO0
    ld.d        $t1, $t0, ENT_LO1
    csrwr       $t1, CSR_TLBRELO1
    ld.w        $t1, $t0, ENT_PS
    li.w        $t2, 0x3f
    csrxchg     $t1, $t2, CSR_TLBREHI   /* TLBREHI.PS; the hardware set VPPN */
    la.local    $t1, rand_paging_mode
    ld.w        $t1, $t1, 0
    bnez        $t1, .Ltlbr_fill
    ld.w        $t1, $t0, ENT_PS        /* "wr": the entry's fixed index */
    slli.d      $t1, $t1, 24
    ld.w        $t2, $t0, ENT_INDEX
    or          $t1, $t1, $t2
    csrwr       $t1, CSR_TLBIDX
    tlbwr
    b           .Ltlbr_count
.Ltlbr_fill:
    tlbfill
.Ltlbr_count:
    la.local    $t1, rand_cnt_tlbr
    ld.d        $t2, $t1, 0
    addi.d      $t2, $t2, 1
    st.d        $t2, $t1, 0
    ld.d        $t2, $t0, ENT_COUNT
    addi.d      $t2, $t2, 1
    st.d        $t2, $t0, ENT_COUNT
    la.local    $t1, rand_cnt_touched
    ld.d        $t2, $t1, 0
    ld.d        $t3, $t0, ENT_TOUCH
    or          $t2, $t2, $t3
    st.d        $t2, $t1, 0
    csrrd       $a1, CSR_SAVE0 + 5
    csrrd       $a0, CSR_SAVE0 + 4
    csrrd       $ra, CSR_SAVE0 + 3
    csrrd       $t3, CSR_SAVE0 + 2
    csrrd       $t2, CSR_SAVE0 + 1
    csrrd       $t1, CSR_SAVE0 + 0
    csrrd       $t0, CSR_TLBRSAVE
    ertn
.Ltlbr_fatal:
    csrrd       $s1, CSR_TLBRBADV
    csrrd       $s2, CSR_TLBRERA
    csrrd       $s3, CSR_ASID
    la.local    $a1, .Lmsg_tlbr
    b           rand_fatal

/* ---- general exceptions: paged mode, pc in DMW0 ------------------------------------------------------ */
    .balign 4096
rand_exc_handler:
    .set rand_exc_handler_dmw0, rand_exc_handler + DMW_BASE  /* its DMW0 alias (names pcs in traces) */
    csrwr       $t0, CSR_SAVE0 + 0
    csrwr       $t1, CSR_SAVE0 + 1
    csrwr       $t2, CSR_SAVE0 + 2
    csrwr       $t3, CSR_SAVE0 + 3
    csrwr       $ra, CSR_SAVE0 + 4
    csrwr       $a0, CSR_SAVE0 + 5
    csrwr       $a1, CSR_SAVE0 + 6
    csrrd       $t1, CSR_ESTAT
    bstrpick.d  $t1, $t1, 21, 16        /* Ecode */
    la.local    $t2, rand_cnt_pil
    li.w        $t3, 1                  /* PIL */
    beq         $t1, $t3, .Lexc_count
    la.local    $t2, rand_cnt_pis
    li.w        $t3, 2                  /* PIS */
    bne         $t1, $t3, .Lexc_fatal
.Lexc_count:
    ld.d        $t3, $t2, 0
    addi.d      $t3, $t3, 1
    st.d        $t3, $t2, 0
    csrrd       $a0, CSR_BADV
    csrrd       $a1, CSR_ASID
    andi        $a1, $a1, 0x3ff
    bl          rand_paging_lookup
    beqz        $t0, .Lexc_fatal
    ld.d        $t1, $t0, ENT_LO0       /* set V of the used halves, in the table too */
    ld.d        $t2, $t0, ENT_FIX0
    or          $t1, $t1, $t2
    st.d        $t1, $t0, ENT_LO0
    csrwr       $t1, CSR_TLBELO0
    ld.d        $t1, $t0, ENT_LO1
    ld.d        $t2, $t0, ENT_FIX1
    or          $t1, $t1, $t2
    st.d        $t1, $t0, ENT_LO1
    csrwr       $t1, CSR_TLBELO1
    bstrins.d   $a0, $zero, 12, 0
    csrwr       $a0, CSR_TLBEHI
    tlbsrch
    csrrd       $t1, CSR_TLBIDX
    bstrpick.d  $t2, $t1, 31, 31        /* NE: the entry that faulted must be there */
    bnez        $t2, .Lexc_fatal
    bstrpick.d  $t1, $t1, 11, 0
    ld.w        $t2, $t0, ENT_PS
    slli.d      $t2, $t2, 24
    or          $t1, $t1, $t2
    csrwr       $t1, CSR_TLBIDX
    tlbwr
    csrrd       $a1, CSR_SAVE0 + 6
    csrrd       $a0, CSR_SAVE0 + 5
    csrrd       $ra, CSR_SAVE0 + 4
    csrrd       $t3, CSR_SAVE0 + 3
    csrrd       $t2, CSR_SAVE0 + 2
    csrrd       $t1, CSR_SAVE0 + 1
    csrrd       $t0, CSR_SAVE0 + 0
    ertn
.Lexc_fatal:
    csrrd       $s1, CSR_ESTAT
    csrrd       $s2, CSR_ERA
    csrrd       $s3, CSR_BADV
    la.local    $a1, .Lmsg_exc
    /* fall through */

/* rand_fatal: print a1 (message), s1, s2, s3 and power off. Leaves paged mode first (the UART is not
   in DMW0); the pc stays in the DMW0 alias, which direct-address mode maps to the same place. */
rand_fatal:
    li.w        $t0, CRMD_DA
    csrwr       $t0, CSR_CRMD
    li.d        $s0, UART0_THR
    bl          sig_puts
    move        $a1, $s1
    li.w        $a2, 16
    bl          sig_puthex
    li.w        $a0, ' '
    bl          sig_putc
    move        $a1, $s2
    li.w        $a2, 16
    bl          sig_puthex
    li.w        $a0, ' '
    bl          sig_putc
    move        $a1, $s3
    li.w        $a2, 16
    bl          sig_puthex
    li.w        $a0, 10
    bl          sig_putc
    li.d        $t0, GED_SLEEP_CTL
    li.w        $t1, GED_POWEROFF_VALUE
    st.b        $t1, $t0, 0
.Lfatal_halt:
    b           .Lfatal_halt

    .section .rodata
.Lmsg_tlbr:
    .asciz      "FATAL TLB refill with no table entry: TLBRBADV TLBRERA ASID = "
.Lmsg_exc:
    .asciz      "FATAL unexpected exception: ESTAT ERA BADV = "
