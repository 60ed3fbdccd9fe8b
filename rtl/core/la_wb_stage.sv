// Write-back and commit: the one place where an instruction's architectural effects become final
// (register writes, CSR access, ertn, idle) or where its exception or an interrupt is taken
// (la_csr does the entry). Every WB flush empties the younger stages; IF refetches from flush_pc_o in
// the next cycle (la_if_stage), so the first handler fetch is one cycle after the trap record.
//   - exception: the instruction's own record (trap_valid, ecode/esubcode), no other effects;
//   - an instruction EX marked EXC_INT: if the interrupt is still pending and enabled, an interrupt
//     record with its pc/insn (= ERA, not executed); otherwise (the line dropped meanwhile) it is
//     refetched without a record;
//   - ertn returns to ERA (or TLBRERA); idle, csrwr/csrxchg and rdtime with rj write serialise:
//     refetch pc+4 (idle: once an interrupt is pending, la_if_stage);
//   - the TLB instructions (tlb*, invtlb, lddir, ldpte) serialise too: tlb_op_o drives la_tlb's
//     maintenance port at commit, so the refetched instructions already see the new entries;
//   - a TLB refill (EXC_TLBR) is an exception record with ecode 0x3F (design.md 9.3).
module la_wb_stage import la_pkg::*; (
  input  mem_wb_t     mem_wb_i,
  input  logic [63:0] csr_rdata_i,   // rd of a system operation
  input  logic [63:0] csr_rdata2_i,  // rdtime*: rj (TID)
  input  logic [63:0] csr_wdata_i,   // csrwr/csrxchg: the CSR's new value (trace)
  input  logic        int_req_i,
  input  logic [3:0]  int_no_i,
  input  logic [63:0] trap_vector_i,
  input  logic [63:0] ertn_pc_i,
  input  logic [1:0]  plv_i,
  input  logic        ie_i,
  input  logic [12:0] is_i,
  input  logic        vm_i,          // LVZ (design.md 12.7): guest mode, the guest IS, an exit
  input  logic [12:0] is_g_i,
  input  logic        exit_i,
  input  logic        tlb_we_i,      // la_tlb: the committing tlbwr/tlbfill writes entry tlb_idx_i
  input  logic [15:0] tlb_idx_i,
  output tlb_op_e     tlb_op_o,      // maintenance operation of the committing instruction
  // register file write ports
  output logic        rf_we_o,
  output logic [4:0]  rf_waddr_o,
  output logic [63:0] rf_wdata_o,
  output logic        rf_we2_o,
  output logic [4:0]  rf_waddr2_o,
  output logic [63:0] rf_wdata2_o,
  // CSR access / trap entry (la_csr)
  output logic        commit_o,
  output logic        trap_o,
  output logic        trap_int_o,
  // pipeline control
  output logic        flush_o,
  output logic [63:0] flush_pc_o,
  output logic        sleep_o,       // with flush_o: idle
  output retire_t     retire_o
);
  logic        marked, take_int, replay, take_exc, commit;
  logic [63:0] rd_wdata;

  assign marked   = mem_wb_i.valid && mem_wb_i.exc && mem_wb_i.exc_cause == EXC_INT;
  assign take_int = marked && int_req_i;
  assign replay   = marked && !int_req_i;
  assign take_exc = mem_wb_i.valid && mem_wb_i.exc && mem_wb_i.exc_cause != EXC_INT;
  assign commit   = mem_wb_i.valid && !mem_wb_i.exc;

  assign rd_wdata    = mem_wb_i.sys_op != SYS_NONE ? csr_rdata_i : mem_wb_i.result;
  assign rf_we_o     = commit && mem_wb_i.rd_we;
  assign rf_waddr_o  = mem_wb_i.wa;
  assign rf_wdata_o  = rd_wdata;
  assign rf_we2_o    = commit && mem_wb_i.rd2_we;
  assign rf_waddr2_o = mem_wb_i.insn[9:5];
  assign rf_wdata2_o = csr_rdata2_i;

  assign commit_o   = commit;
  always_comb begin
    tlb_op_o = TLBOP_NONE;
    if (commit) begin
      unique case (mem_wb_i.sys_op)
        SYS_TLBSRCH:  tlb_op_o = TLBOP_SRCH;
        SYS_TLBRD:    tlb_op_o = TLBOP_RD;
        SYS_TLBWR:    tlb_op_o = TLBOP_WR;
        SYS_TLBFILL:  tlb_op_o = TLBOP_FILL;
        SYS_TLBCLR:   tlb_op_o = TLBOP_CLR;
        SYS_TLBFLUSH: tlb_op_o = TLBOP_FLUSH;
        SYS_INVTLB:   tlb_op_o = TLBOP_INV;
        SYS_GTLBFLUSH: tlb_op_o = TLBOP_GFLUSH;
        default:      tlb_op_o = TLBOP_NONE;
      endcase
    end
  end
  assign trap_o     = take_int || take_exc;
  assign trap_int_o = take_int;

  assign flush_o    = trap_o || replay || (commit && mem_wb_i.serial);
  assign sleep_o    = commit && mem_wb_i.sys_op == SYS_IDLE;
  always_comb begin
    if (trap_o)                                 flush_pc_o = trap_vector_i;
    else if (replay)                            flush_pc_o = mem_wb_i.pc;
    else if (mem_wb_i.sys_op == SYS_ERTN)       flush_pc_o = ertn_pc_i;
    else                                        flush_pc_o = mem_wb_i.pc + 64'd4;
  end

  always_comb begin
    retire_o        = '0;
    retire_o.valid  = mem_wb_i.valid && !replay;
    retire_o.pc     = mem_wb_i.pc;
    retire_o.insn   = mem_wb_i.insn;
    retire_o.plv    = plv_i;
    retire_o.ie     = ie_i;
    retire_o.irq_is = is_i;
    retire_o.irq_is_g = is_g_i;
    retire_o.guest  = vm_i;
    retire_o.pc_pa  = take_int ? '0 : mem_wb_i.pc_pa;  // fetch faults carry 0 from IF
    if (trap_o) begin
      retire_o.trap_valid    = 1'b1;
      retire_o.trap_int      = take_int;
      retire_o.trap_ecode    = take_int ? 6'd0 : mem_wb_i.exc_cause[5:0];
      retire_o.trap_esubcode = take_int ? 9'd0 : {8'd0, mem_wb_i.exc_cause[6]};
      retire_o.trap_intno    = take_int ? int_no_i : 4'd0;
      retire_o.exit_root     = exit_i;
    end
    if (commit) begin
      retire_o.rd_we     = mem_wb_i.rd_we;
      retire_o.rd        = mem_wb_i.rd_we ? mem_wb_i.wa : 5'd0;
      retire_o.rd_wdata  = mem_wb_i.rd_we ? rd_wdata : '0;
      retire_o.mem_re    = mem_wb_i.mem_re;
      retire_o.mem_we    = mem_wb_i.mem_we;
      retire_o.mem_size  = mem_wb_i.mem_size;
      retire_o.mem_addr  = mem_wb_i.mem_addr;
      retire_o.mem_wdata = mem_wb_i.mem_wdata;
      retire_o.mem_pa    = mem_wb_i.mem_pa;
      retire_o.tlb_we    = tlb_we_i;
      retire_o.tlb_idx   = tlb_we_i ? tlb_idx_i : 16'd0;
      retire_o.iocsr     = mem_wb_i.iocsr;
      retire_o.csr_we    = mem_wb_i.sys_op inside {SYS_CSRWR, SYS_CSRXCHG};
      retire_o.csr_num   = retire_o.csr_we ? mem_wb_i.insn[23:10] : 14'd0;
      retire_o.gcsr      = retire_o.csr_we && (vm_i || mem_wb_i.gcsr);
      retire_o.csr_wdata = retire_o.csr_we ? csr_wdata_i : '0;
      retire_o.rd2_we    = mem_wb_i.rd2_we;
      retire_o.rd2       = mem_wb_i.rd2_we ? mem_wb_i.insn[9:5] : 5'd0;
      retire_o.rd2_wdata = mem_wb_i.rd2_we ? csr_rdata2_i : '0;
      retire_o.ertn      = mem_wb_i.sys_op == SYS_ERTN;
    end
  end
endmodule
