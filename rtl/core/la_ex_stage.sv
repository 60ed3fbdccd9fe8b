// Execute: ALU, multiply/divide, branch resolution, address generation and the data-memory and IOCSR
// requests. Both ports answer one cycle later, so the request leaves from here and the response is
// consumed by MEM. Exceptions found here (privilege, alignment, address, bound checks, the data TLB)
// join the fetch faults and the decoder's INE/SYS/BRK and travel with the instruction to the commit
// point; an instruction with an exception, or younger than one in MEM/WB that will flush, never
// touches memory.
//
// Data translation (design.md 9.2): DA mode PA = VA[47:0] for every VA; PG mode DMW0-3 first, else a
// non-canonical VA is ADEM, else the TLB's data port. lddir/ldpte (9.4) read one 8-byte page-table
// entry at a physical address built from rj, PWCL/PWCH and TLBRBADV, from here like every access.
//
// Guest mode (design.md 12.2): after the guest's own privilege and INE checks, the instructions the
// hypervisor must see exit to the root (GSPR, HVC, GCSC, GCHC); exc_root marks them. With GCFG.TOE
// every exception the guest would take itself becomes GCHC.
//
// Interrupts: memory and IOCSR side effects happen here, before the commit point, so the instruction
// that will take a pending interrupt is chosen here: while CRMD.IE = 1 and (ESTAT.IS & ECFG.LIE) != 0,
// the instruction leaving EX is marked EXC_INT and does nothing; WB takes the interrupt in its place
// (ERA = its pc), or refetches it if the interrupt went away meanwhile. A mul/div is marked when it
// completes. CSR state read here (PLV, DA, DMW, MISC) is stable for every instruction in flight: the
// instructions that change it serialise at WB.
module la_ex_stage import la_pkg::*; (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  id_ex_t      id_ex_i,
  input  logic        flush_i,        // WB flush: this instruction is younger, drop it
  input  logic        older_flush_i,  // an older instruction (MEM/WB) will flush: no side effects
  // CSR state
  input  logic [1:0]  plv_i,
  input  logic        da_i,
  input  logic [3:0][63:0] dmw_i,
  input  logic        rdtime_ipe_i,   // MISC.DRDTL of the current PLV
  input  logic        vm_i,           // GSTAT.VM: the instruction runs in guest mode (LVZ)
  input  logic [63:0] gcfg_i,         // GCFG (trap controls)
  input  logic        toti_i,         // GTLBC.TOTI
  input  logic        int_req_i,      // CRMD.IE && (ESTAT.IS & ECFG.LIE) != 0
  input  logic [29:0] pwcl_i,         // PWCL without PTEWidth (taken as 0: 64-bit entries)
  input  logic [23:0] pwch_i,
  input  logic [63:0] tlbrbadv_i,
  // TLB data lookup (la_tlb)
  output logic        tlb_req_o,
  output logic        tlb_s2_o,       // guest mode: stage 2 (design.md 12.6)
  output logic [47:0] tlb_va_o,
  output tlb_access_e tlb_acc_o,
  input  logic        tlb_exc_i,
  input  exc_cause_e  tlb_cause_i,
  input  logic [47:0] tlb_pa_i,
  input  logic        tlb_s2_i,       // the fault is stage 2's: an exit, BADV = the GPA
  input  logic [47:0] tlb_gpa_i,
  // to ID: forwarding and stall
  output logic        fwd_we_o,
  output logic [4:0]  fwd_wa_o,
  output logic        fwd_late_o,
  output logic [63:0] fwd_data_o,
  output logic        stall_o,        // mul/div in progress
  // to IF: control transfer
  output logic        redirect_o,
  output logic [63:0] redirect_pc_o,
  // data memory request
  output logic        dmem_req_o,
  output mem_op_e     dmem_op_o,
  output amo_op_e     dmem_amo_o,
  output logic [63:0] dmem_addr_o,
  output logic [1:0]  dmem_size_o,
  output logic [63:0] dmem_wdata_o,
  // IOCSR request (design.md 7.1)
  output logic        iocsr_req_o,
  output logic        iocsr_we_o,
  output logic [31:0] iocsr_addr_o,
  output logic [1:0]  iocsr_size_o,
  output logic [63:0] iocsr_wdata_o,
  output ex_mem_t     ex_mem_o
);
  decoded_t    dec;
  logic [63:0] opa, opb, alu_result, md_result, result, addr, st_src, st_data, pc_plus4;
  logic        md_done, taken, misaligned, bound_fail, addr_bad, exc, side_ok, exc_root;
  logic        g_spr, g_gcsc, g_csr;
  logic [13:0] csr_n;
  logic [1:0]  csr_new;    // the PLV a guest csrwr/csrxchg of CRMD would set
  logic        direct, canonical, access, pw_access;
  logic [47:0] pa;
  exc_cause_e  exc_cause;
  ex_mem_t     ex_mem_q;

  assign dec      = id_ex_i.dec;
  assign pc_plus4 = id_ex_i.pc + 64'd4;

  always_comb begin
    unique case (dec.opa)
      OPA_PC:   opa = id_ex_i.pc;
      OPA_ZERO: opa = '0;
      default:  opa = id_ex_i.rj_v;
    endcase
  end
  assign opb = dec.opb_imm ? dec.imm : id_ex_i.rk_v;

  la_alu u_alu (
    .op_i       (dec.alu_op),
    .w_i        (dec.alu_w),
    .wu_i       (dec.alu_wu),
    .insn_i     (id_ex_i.insn),
    .crc_size_i (dec.mem_size),
    .a_i        (opa),
    .b_i        (opb),
    .c_i        (id_ex_i.rd_v),
    .result_o   (alu_result)
  );

  la_muldiv u_muldiv (
    .clk_i,
    .rst_ni,
    .req_i    (id_ex_i.valid && dec.md_en),
    .kill_i   (flush_i),
    .op_i     (dec.md_op),
    .a_i      (id_ex_i.rj_v),
    .b_i      (id_ex_i.rk_v),
    .done_o   (md_done),
    .result_o (md_result)
  );

  assign stall_o = id_ex_i.valid && dec.md_en && !md_done;
  assign result  = dec.link ? pc_plus4 : dec.md_en ? md_result : alu_result;

  // ---------------------------------------------------------------------------------------------
  // Branches: predict not taken; a taken one kills the instruction in ID (1-cycle penalty)
  always_comb begin
    unique case (dec.br_op)
      BR_EQZ:  taken = id_ex_i.rj_v == '0;
      BR_NEZ:  taken = id_ex_i.rj_v != '0;
      BR_EQ:   taken = id_ex_i.rj_v == id_ex_i.rd_v;
      BR_NE:   taken = id_ex_i.rj_v != id_ex_i.rd_v;
      BR_LT:   taken = $signed(id_ex_i.rj_v) < $signed(id_ex_i.rd_v);
      BR_GE:   taken = $signed(id_ex_i.rj_v) >= $signed(id_ex_i.rd_v);
      BR_LTU:  taken = id_ex_i.rj_v < id_ex_i.rd_v;
      BR_GEU:  taken = id_ex_i.rj_v >= id_ex_i.rd_v;
      BR_B, BR_JIRL, BR_REFETCH: taken = 1'b1;
      default: taken = 1'b0;
    endcase
  end

  assign redirect_o    = id_ex_i.valid && taken && !dec.illegal && !id_ex_i.fexc;
  assign redirect_pc_o = dec.br_op == BR_REFETCH ? pc_plus4
                       : (dec.br_op == BR_JIRL ? id_ex_i.rj_v : id_ex_i.pc) + dec.imm;

  // ---------------------------------------------------------------------------------------------
  // Memory access and exceptions
  assign addr = alu_result;
  always_comb begin
    unique case (dec.mem_size)
      SIZE_H:  misaligned = addr[0];
      SIZE_W:  misaligned = addr[1:0] != 2'b00;
      SIZE_D:  misaligned = addr[2:0] != 3'b000;
      default: misaligned = 1'b0;
    endcase
    // asrt*/ldgt/ldle/stgt/stle compare unsigned, as QEMU's helper_asrtgt_d/asrtle_d
    unique case (dec.bound)
      BND_GT:  bound_fail = !(id_ex_i.rj_v > id_ex_i.rk_v);
      BND_LE:  bound_fail = !(id_ex_i.rj_v <= id_ex_i.rk_v);
      default: bound_fail = 1'b0;
    endcase
    addr_bad = !direct && !canonical;
    // Priority (spec-la64-lvz.md 2.2): fetch > decode > execute; BCE before ALE as QEMU's ldgt/stle;
    // the data TLB result last (design.md 9.2)
    exc       = 1'b1;
    exc_root  = 1'b0;
    exc_cause = EXC_INE;
    if (id_ex_i.fexc)                            {exc_root, exc_cause} = {id_ex_i.froot, id_ex_i.fexc_cause};
    else if (dec.priv && plv_i != 2'd0)          exc_cause = EXC_IPE;
    else if (dec.illegal || (dec.hvcl && !vm_i)) exc_cause = EXC_INE;
    else if (dec.sys_op inside {SYS_RDTIMEL, SYS_RDTIMED, SYS_RDTIMEH} && rdtime_ipe_i)
                                                 exc_cause = EXC_IPE;
    else if (vm_i && g_spr)                      {exc_root, exc_cause} = {1'b1, EXC_GSPR};
    else if (vm_i && dec.hvcl)                   {exc_root, exc_cause} = {1'b1, EXC_HVC};
    else if (vm_i && g_gcsc)                     {exc_root, exc_cause} = {1'b1, EXC_GCSC};
    else if (vm_i && gcfg_i[GCFG_TOE] && dec.sys_op == SYS_ERTN)
                                                 {exc_root, exc_cause} = {1'b1, EXC_GCHC};
    else if (dec.syscall)                        exc_cause = EXC_SYS;
    else if (dec.brk)                            exc_cause = EXC_BRK;
    else if (bound_fail)                         exc_cause = EXC_BCE;
    else if (dec.mem_en && misaligned)           exc_cause = EXC_ALE;
    else if (dec.mem_en && addr_bad)             exc_cause = EXC_ADEM;
    else if ((tlb_req_o || tlb_s2_o) && tlb_exc_i) {exc_root, exc_cause} = {tlb_s2_i, tlb_cause_i};
    else                                         exc       = 1'b0;
    // GCFG.TOE: what the guest would handle itself exits instead
    if (vm_i && exc && !exc_root && gcfg_i[GCFG_TOE]) {exc_root, exc_cause} = {1'b1, EXC_GCHC};
  end

  // What a guest instruction must not do without the hypervisor (design.md 12.2); IPE and INE are
  // the guest's own and come first
  assign csr_n   = id_ex_i.insn[23:10];
  assign g_csr   = dec.sys_op inside {SYS_CSRRD, SYS_CSRWR, SYS_CSRXCHG};
  assign csr_new = dec.sys_op == SYS_CSRXCHG ? (id_ex_i.rd_v[1:0] & id_ex_i.rj_v[1:0]) |
                                               (plv_i & ~id_ex_i.rj_v[1:0]) : id_ex_i.rd_v[1:0];
  assign g_gcsc  = gcfg_i[GCFG_TOP] && dec.sys_op inside {SYS_CSRWR, SYS_CSRXCHG} &&
                   csr_n == CSR_CRMD && csr_new != plv_i;
  always_comb begin
    logic [1:0] gci, cache_op;
    gci      = gcfg_i[21:20];
    cache_op = id_ex_i.insn[4:3];
`ifdef LACOSIM_BUG_GUEST_CPUCFG_NATIVE  // planted bug (design.md 6): a guest cpucfg runs natively
    g_spr = dec.sys_op inside {SYS_IDLE, SYS_GTLBFLUSH} || dec.io_en || dec.gcsr ||
`else
    g_spr = dec.sys_op inside {SYS_CPUCFG, SYS_IDLE, SYS_GTLBFLUSH} || dec.io_en || dec.gcsr ||
`endif
            (g_csr && !csr_in_guest_bank(csr_n)) ||
            (dec.cacop && !((gci == 2'd1 && cache_op == 2'd2) || (gci == 2'd2 && cache_op inside {2'd1, 2'd2}))) ||
            (gcfg_i[GCFG_TIT] && (dec.sys_op inside {SYS_RDTIMEL, SYS_RDTIMEH, SYS_RDTIMED} ||
                                  (g_csr && csr_n inside {[CSR_TID:CSR_TICLR]}))) ||
            (toti_i && (dec.sys_op inside {SYS_TLBSRCH, SYS_TLBRD, SYS_TLBWR, SYS_TLBFILL, SYS_TLBCLR,
                                           SYS_TLBFLUSH, SYS_INVTLB} || dec.pw_op != PW_NONE ||
                        (g_csr && csr_n inside {[CSR_TLBIDX:CSR_TLBELO1], [CSR_ASID:CSR_RVACFG],
                                                [CSR_TLBRENTRY:CSR_TLBRPRMD]}))) ||
            (gcfg_i[GCFG_SIT] && dec.priv);
  end

  assign direct    = da_i || dmw_hit(dmw_i[0], addr[63:60], plv_i) ||
                     dmw_hit(dmw_i[1], addr[63:60], plv_i) || dmw_hit(dmw_i[2], addr[63:60], plv_i) ||
                     dmw_hit(dmw_i[3], addr[63:60], plv_i);
  assign canonical = va_canonical(addr[63:47]);
  // Only a valid PG-mode access no window covers searches the TLB (DA mode never does); in guest mode
  // every access, the page walk's too, goes through stage 2
  assign tlb_req_o = id_ex_i.valid && dec.mem_en && !direct && canonical;
  assign tlb_s2_o  = id_ex_i.valid && vm_i && ((dec.mem_en && (direct || canonical)) || pw_access);
  assign tlb_va_o  = dec.pw_op != PW_NONE ? pw_pa[47:0] : addr[47:0];
  assign tlb_acc_o = dec.mem_op inside {MEM_LOAD, MEM_LL} || dec.pw_op != PW_NONE ? ACC_LOAD : ACC_STORE;
  assign pa        = tlb_req_o || tlb_s2_o ? tlb_pa_i : addr[PALEN-1:0];

  // ---------------------------------------------------------------------------------------------
  // Software page walk (design.md 9.4). Dir1-4 base/width from PWCL/PWCH; ldpte's "level 0" (a huge
  // page whose lddir left no level) uses PTbase/PTwidth, as QEMU's get_dir_base_width.
  logic [7:0]  pw_level;
  logic [1:0]  pw_lvl;
  logic [5:0]  pw_base, pw_width, pw_ps;
  logic [63:0] pw_rj, pw_pa, pw_result, pw_index, pw_pte;
  logic        pw_odd;

  function automatic logic [11:0] dir_bw(input logic [2:0] level, input logic [29:0] pwcl,
                                         input logic [23:0] pwch);
    unique case (level)
      3'd1:    return {1'b0, pwcl[14:10], 1'b0, pwcl[19:15]};
      3'd2:    return {1'b0, pwcl[24:20], 1'b0, pwcl[29:25]};
      3'd3:    return {pwch[5:0], pwch[11:6]};
      3'd4:    return {pwch[17:12], pwch[23:18]};
      default: return {1'b0, pwcl[4:0], 1'b0, pwcl[9:5]};
    endcase
  endfunction

  assign pw_rj    = id_ex_i.rj_v;
  assign pw_level = id_ex_i.insn[17:10];
  assign pw_odd   = id_ex_i.insn[17:10] != 8'd0;
  assign pw_lvl   = pw_rj[14:13];

  always_comb begin
    pw_access = 1'b0;
    pw_result = pw_rj;
    pw_pa     = '0;
    pw_ps     = {1'b0, pwcl_i[4:0]};
    pw_index  = '0;
    pw_pte    = '0;
    {pw_base, pw_width} = dir_bw(3'd0, pwcl_i, pwch_i);
    if (dec.pw_op == PW_LDDIR) begin
      {pw_base, pw_width} = dir_bw(pw_level > 8'd4 ? 3'd0 : pw_level[2:0], pwcl_i,
                                   pwch_i);
      pw_index = (tlbrbadv_i >> pw_base) & ((64'd1 << pw_width) - 64'd1);
      pw_pa    = ((pw_rj & PA_MASK) | (pw_index << 3)) & ~64'd7;
      if (pw_level == 8'd0 || pw_level > 8'd4) begin
        pw_result = pw_rj;                              // no such level: rd = rj, no access
      end else if (pw_rj[6]) begin
        // huge page: the level is remembered in rj[14:13] for ldpte (QEMU)
        if (pw_rj[14:13] == 2'd0 && pw_level < 8'd4) pw_result[14:13] = pw_level[1:0];
      end else begin
        pw_access = 1'b1;
      end
    end else if (dec.pw_op == PW_LDPTE) begin
      if (pw_rj[6]) begin
        {pw_base, pw_width} = dir_bw({1'b0, pw_lvl}, pwcl_i, pwch_i);
        pw_ps  = pw_base + pw_width - 6'd1;
        pw_pte = pw_rj & ~64'h6040;                     // clear HUGE (6) and the level (14:13)
        if (pw_rj[12]) pw_pte = (pw_pte & ~64'h1000) | 64'h40;  // HGLOBAL -> G
        if (pw_odd) pw_pte = pw_pte + (64'd1 << pw_ps);
        pw_result = pw_pte;
      end else begin
        pw_index  = (((tlbrbadv_i >> pwcl_i[4:0]) & ((64'd1 << pwcl_i[9:5]) - 64'd1)) & ~64'd1) +
                    64'(pw_odd);
        pw_pa     = ((pw_rj & PA_MASK) | (pw_index << 3)) & ~64'd7;
        pw_access = 1'b1;
      end
    end
  end

  // Store/AMO operand, right-aligned and truncated to the size (design.md section 1)
  assign st_src = dec.mem_data_rk ? id_ex_i.rk_v : id_ex_i.rd_v;
  always_comb begin
    unique case (dec.mem_size)
      SIZE_B:  st_data = {56'd0, st_src[7:0]};
      SIZE_H:  st_data = {48'd0, st_src[15:0]};
      SIZE_W:  st_data = {32'd0, st_src[31:0]};
      default: st_data = st_src;
    endcase
  end

  // Ports carry physical addresses: VA[PALEN-1:0] in DA mode and through every DMW, else the TLB's
  assign access       = dec.mem_en || pw_access;
  assign side_ok      = id_ex_i.valid && !exc && !int_req_i && !older_flush_i && !flush_i;
  assign dmem_req_o   = side_ok && access;
  assign dmem_op_o    = dec.mem_op;
  assign dmem_amo_o   = dec.amo_op;
  assign dmem_addr_o  = dec.pw_op != PW_NONE && !tlb_s2_o ? pw_pa : {{(64 - PALEN){1'b0}}, pa};
  assign dmem_size_o  = dec.mem_size;
  assign dmem_wdata_o = st_data;

  assign iocsr_req_o   = side_ok && dec.io_en;
  assign iocsr_we_o    = dec.mem_op == MEM_STORE;
  assign iocsr_addr_o  = addr[31:0];
  assign iocsr_size_o  = dec.mem_size;
  assign iocsr_wdata_o = st_data;

  // ---------------------------------------------------------------------------------------------
  assign fwd_we_o   = id_ex_i.valid && dec.rd_we && !exc;
  assign fwd_wa_o   = dec.wa;
`ifdef LACOSIM_BUG_IOCSR_NO_LOAD_USE  // planted bug (docs/design.md section 6): iocsrrd not a load
  assign fwd_late_o = (dec.mem_en && dec.mem_op != MEM_STORE) || dec.sys_op != SYS_NONE ||
                      dec.pw_op != PW_NONE;
`else
  assign fwd_late_o = ((dec.mem_en || dec.io_en) && dec.mem_op != MEM_STORE) || dec.sys_op != SYS_NONE ||
                      dec.pw_op != PW_NONE;
`endif
  assign fwd_data_o = result;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ex_mem_q <= '0;
    end else if (flush_i || stall_o) begin
      ex_mem_q.valid <= 1'b0;
    end else begin
      ex_mem_q.valid     <= id_ex_i.valid;
      ex_mem_q.pc        <= id_ex_i.pc;
      ex_mem_q.insn      <= id_ex_i.insn;
      ex_mem_q.exc       <= exc || int_req_i;
      ex_mem_q.exc_cause <= int_req_i ? EXC_INT : exc_cause;
      ex_mem_q.fexc      <= id_ex_i.fexc;
      ex_mem_q.exc_root  <= exc && exc_root && !int_req_i;
      ex_mem_q.gcsr      <= dec.gcsr;
      ex_mem_q.badv      <= id_ex_i.fexc ? (id_ex_i.froot ? id_ex_i.pc_pa : id_ex_i.pc) :
`ifdef LACOSIM_BUG_S2_BADV_GVA  // planted bug (design.md 6): a stage-2 fault reports the guest VA
                            addr;
`else
                            tlb_s2_o && tlb_s2_i ? 64'(tlb_gpa_i) : addr;
`endif
      ex_mem_q.pc_pa     <= id_ex_i.fexc ? '0 : id_ex_i.pc_pa;
      ex_mem_q.serial    <= dec.serial;
      ex_mem_q.rd2_we    <= dec.rd2_we;
      ex_mem_q.rd_we     <= dec.rd_we && !exc && !int_req_i;
      ex_mem_q.wa        <= dec.wa;
      ex_mem_q.result    <= dec.pw_op != PW_NONE ? pw_result : result;
      ex_mem_q.io_en     <= dec.io_en && !exc && !int_req_i;
      ex_mem_q.mem_en    <= access && !exc && !int_req_i;
      ex_mem_q.mem_op    <= dec.mem_op;
      ex_mem_q.amo_op    <= dec.amo_op;
      ex_mem_q.mem_size  <= dec.mem_size;
      ex_mem_q.mem_sext  <= dec.mem_sext;
      ex_mem_q.mem_addr  <= dec.pw_op != PW_NONE ? pw_pa : addr;
      ex_mem_q.mem_pa    <= dec.pw_op != PW_NONE && !tlb_s2_o ? pw_pa : {{(64 - PALEN){1'b0}}, pa};
      ex_mem_q.lddir     <= dec.pw_op == PW_LDDIR;
      ex_mem_q.mem_wdata <= st_data;
      ex_mem_q.sys_op    <= exc || int_req_i ? SYS_NONE : dec.sys_op;
      ex_mem_q.sys_rj    <= id_ex_i.rj_v;
      // invtlb: the VA (rk); ldpte: the page size it found
      ex_mem_q.sys_rd    <= dec.sys_op == SYS_INVTLB ? id_ex_i.rk_v :
                            dec.sys_op == SYS_LDPTE  ? 64'(pw_ps) : id_ex_i.rd_v;
    end
  end

  assign ex_mem_o = ex_mem_q;
endmodule
