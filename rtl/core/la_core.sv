// LA64 in-order core: IF -> ID -> EX -> MEM -> WB (architecture.md; interfaces in docs/design.md).
//
//   IF   chooses the fetch address (fetch translation: DA, DMW0/1 or the TLB); the instruction memory
//        answers in the next cycle, in ID
//   ID   decode, register read, forwarding from EX/MEM/WB, interlocks
//   EX   ALU, branches (resolved here: a taken one costs 1 cycle), mul (3 cycles) / div (35/67
//        cycles) stalling the pipeline, address generation and translation, privilege checks, the
//        data-memory and IOCSR requests; picks the instruction that takes a pending interrupt
//   MEM  data-memory/IOCSR response: load extension, sc result, AMO new value
//   WB   commit point: register writes, CSR access, exception/interrupt entry, ertn, idle, trace
//
// Exceptions travel with their instruction and are taken only in WB, which flushes everything
// younger and lets IF refetch from the handler (or ERA, or pc+4 after a serialising instruction)
// in the next cycle. la_csr holds the privileged state and the timer (la_timer); la_tlb the MTLB,
// looked up by IF and EX and maintained by the instruction committing in WB (docs/design.md 9).
//
// LVZ (docs/design.md 12): la_csr twice, the root bank (u_csr) and the guest bank (u_gcsr, the same
// module with Guest = 1). GSTAT.VM (in the root bank) says which bank the pipeline runs on: PLV, DA,
// DMW, MISC and the TLB context come from it, its system operations commit to it, and its exceptions
// enter it, except exits (exc_root, root interrupts) which enter the root bank. Root gcsr* commit to
// the guest bank as host accesses. Mode changes only at WB (ertn, traps), which flushes.
module la_core import la_pkg::*; #(
  parameter int unsigned CoreId = 0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [63:0] boot_addr_i,
  input  logic [15:0] tlb_seed_i,     // +tlb_seed (low 16 bits): tlbfill's LFSR reset (design.md 9.4)
  // instruction port
  output logic        imem_req_o,
  output logic [63:0] imem_addr_o,
  input  logic [31:0] imem_rdata_i,
  // data port
  output logic        dmem_req_o,
  output mem_op_e     dmem_op_o,
  output amo_op_e     dmem_amo_o,
  output logic [63:0] dmem_addr_o,
  output logic [1:0]  dmem_size_o,
  output logic [63:0] dmem_wdata_o,
  input  logic [63:0] dmem_rdata_i,
  input  logic        dmem_sc_ok_i,
  // IOCSR port (design.md 7.1): same timing as the data port
  output logic        iocsr_req_o,
  output logic        iocsr_we_o,
  output logic [31:0] iocsr_addr_o,
  output logic [1:0]  iocsr_size_o,
  output logic [63:0] iocsr_wdata_o,
  input  logic [63:0] iocsr_rdata_i,
  // interrupt lines (levels) -> ESTAT.IS[9:2] and IS[12]
  input  logic [7:0]  irq_hwi_i,
  input  logic        irq_ipi_i,
  // LL bit of this core, kept by the RAM
  output logic        ll_clear_o,
  input  logic        llbit_i,
  // retirement trace
  output retire_t     retire_o
);
  // IF/ID
  logic        id_valid, id_fexc, id_froot;
  exc_cause_e  id_fcause;
  logic [63:0] id_pc, id_pc_pa;
  // pipeline registers
  id_ex_t      id_ex;
  ex_mem_t     ex_mem;
  mem_wb_t     mem_wb;
  // register file
  logic [4:0]  rf_raddr_a, rf_raddr_b, rf_raddr_c, rf_waddr, rf_waddr2;
  logic [63:0] rf_rdata_a, rf_rdata_b, rf_rdata_c, rf_wdata, rf_wdata2;
  logic        rf_we, rf_we2;
  // forwarding
  logic        ex_fwd_we, ex_fwd_late, mem_fwd_we, mem_fwd_late;
  logic [4:0]  ex_fwd_wa, mem_fwd_wa;
  logic [63:0] ex_fwd_data, mem_fwd_data;
  // control
  logic        id_hazard, ex_stall, ex_redirect, mem_flush, flush, sleep;
  logic [63:0] ex_redirect_pc, flush_pc;
  // privileged state: per bank (_r root, _g guest) and of the current mode
  logic        commit, trap, trap_int, ie, da, rdtime_ipe, int_req, wake;
  logic [1:0]  plv;
  logic [3:0]  int_no;
  logic [3:0][63:0] dmw;
  logic [63:0] csr_rdata, csr_rdata2, csr_wdata, trap_vector, ertn_pc;
  logic        vm, pvm, to_guest, commit_r, commit_g, trap_r, trap_g, ll_clear_r, ll_clear_g;
  logic        ie_r, ie_g, da_r, da_g, rdtime_ipe_r, rdtime_ipe_g, int_req_r, int_req_g;
  logic        wake_g;
  logic [1:0]  plv_r, plv_g;
  logic [3:0]  int_no_r, int_no_g;
  logic [12:0] is_r, is_g;
  logic [3:0][63:0] dmw_r, dmw_g;
  logic [63:0] rdata_r, rdata_g, rdata2_r, rdata2_g, wdata_r, wdata_g, tvec_r, tvec_g;
  logic [63:0] ertn_pc_r, ertn_pc_g;
  logic [7:0]  gid;
  logic [63:0] gcfg, gcntc;
  logic [15:0] gintc;   // VIP, PIP (HC has no effect: decision 3)
  logic [23:0] gtlbc;
  // TLB
  logic        if_tlb_req, if_tlb_exc, ex_tlb_req, ex_tlb_exc, tlb_srch_hit, tlb_we;
  logic        if_tlb_s2, ex_tlb_s2, if_tlb_s2f, ex_tlb_s2f;
  logic [47:0] if_tlb_gpa, ex_tlb_gpa;
  logic [7:0]  rgid;
  exc_cause_e  if_tlb_cause, ex_tlb_cause;
  logic [47:0] if_tlb_va, if_tlb_pa, ex_tlb_va, ex_tlb_pa;
  logic [47:13] tlb_srch_vpn;
  logic [TLB_IDX_W-1:0] tlb_index;
  tlb_access_e ex_tlb_acc;
  tlb_op_e     tlb_op;
  tlb_entry_t  tlb_wentry, tlb_rentry;
  logic [15:0] tlb_srch_idx, tlb_widx;
  logic [9:0]  asid, asid_r, asid_g;
  logic [2:0]  dwpl, dwpl_r, dwpl_g;
  logic [29:0] pwcl, pwcl_r, pwcl_g;
  logic [23:0] pwch, pwch_r, pwch_g;
  logic [63:0] tlbrbadv, tlbrbadv_r, tlbrbadv_g;
  logic [TLB_IDX_W-1:0] tlb_index_r, tlb_index_g;
  logic [47:13] tlb_srch_vpn_r, tlb_srch_vpn_g;
  tlb_entry_t  tlb_wentry_r, tlb_wentry_g;

  la_if_stage u_if_stage (
    .clk_i,
    .rst_ni,
    .boot_addr_i,
    .flush_i       (flush),
    .flush_pc_i    (flush_pc),
    .sleep_i       (sleep),
    .wake_i        (wake),
    .redirect_i    (ex_redirect),
    .redirect_pc_i (ex_redirect_pc),
    .stall_i       (id_hazard || ex_stall),
    .vm_i          (vm),
    .da_i          (da),
    .plv_i         (plv),
    .dmw_i         (dmw[1:0]),
    .tlb_req_o     (if_tlb_req),
    .tlb_s2_o      (if_tlb_s2),
    .tlb_va_o      (if_tlb_va),
    .tlb_exc_i     (if_tlb_exc),
    .tlb_cause_i   (if_tlb_cause),
    .tlb_pa_i      (if_tlb_pa),
    .tlb_s2_i      (if_tlb_s2f),
    .tlb_gpa_i     (if_tlb_gpa),
    .imem_req_o,
    .imem_addr_o,
    .id_valid_o    (id_valid),
    .id_pc_o       (id_pc),
    .id_fexc_o     (id_fexc),
    .id_fcause_o   (id_fcause),
    .id_froot_o    (id_froot),
    .id_pc_pa_o    (id_pc_pa)
  );

  la_id_stage u_id_stage (
    .clk_i,
    .rst_ni,
    .valid_i        (id_valid),
    .pc_i           (id_pc),
    .fexc_i         (id_fexc),
    .fcause_i       (id_fcause),
    .froot_i        (id_froot),
    .pc_pa_i        (id_pc_pa),
    .insn_i         (imem_rdata_i),
    .rf_raddr_a_o   (rf_raddr_a),
    .rf_raddr_b_o   (rf_raddr_b),
    .rf_raddr_c_o   (rf_raddr_c),
    .rf_rdata_a_i   (rf_rdata_a),
    .rf_rdata_b_i   (rf_rdata_b),
    .rf_rdata_c_i   (rf_rdata_c),
    .ex_fwd_we_i    (ex_fwd_we),
    .ex_fwd_wa_i    (ex_fwd_wa),
    .ex_fwd_late_i  (ex_fwd_late),
    .ex_fwd_data_i  (ex_fwd_data),
    .mem_fwd_we_i   (mem_fwd_we),
    .mem_fwd_wa_i   (mem_fwd_wa),
    .mem_fwd_late_i (mem_fwd_late),
    .mem_fwd_data_i (mem_fwd_data),
    .wb_fwd_we_i    (rf_we),
    .wb_fwd_wa_i    (rf_waddr),
    .wb_fwd_data_i  (rf_wdata),
    .ex_stall_i     (ex_stall),
    .kill_i         (ex_redirect),
    .flush_i        (flush),
    .hazard_o       (id_hazard),
    .id_ex_o        (id_ex)
  );

  la_regfile u_regfile (
    .clk_i,
    .rst_ni,
    .raddr_a_i (rf_raddr_a),
    .rdata_a_o (rf_rdata_a),
    .raddr_b_i (rf_raddr_b),
    .rdata_b_o (rf_rdata_b),
    .raddr_c_i (rf_raddr_c),
    .rdata_c_o (rf_rdata_c),
    .we_i      (rf_we),
    .waddr_i   (rf_waddr),
    .wdata_i   (rf_wdata),
    .we2_i     (rf_we2),
    .waddr2_i  (rf_waddr2),
    .wdata2_i  (rf_wdata2)
  );

  la_ex_stage u_ex_stage (
    .clk_i,
    .rst_ni,
    .id_ex_i       (id_ex),
    .flush_i       (flush),
    .older_flush_i (mem_flush || flush),
    .plv_i         (plv),
    .da_i          (da),
    .dmw_i         (dmw),
    .rdtime_ipe_i  (rdtime_ipe),
    .vm_i          (vm),
    .gcfg_i        (gcfg),
    .toti_i        (gtlbc[GTLBC_TOTI]),
    .int_req_i     (int_req),
    .pwcl_i        (pwcl),
    .pwch_i        (pwch),
    .tlbrbadv_i    (tlbrbadv),
    .tlb_req_o     (ex_tlb_req),
    .tlb_s2_o      (ex_tlb_s2),
    .tlb_va_o      (ex_tlb_va),
    .tlb_acc_o     (ex_tlb_acc),
    .tlb_exc_i     (ex_tlb_exc),
    .tlb_cause_i   (ex_tlb_cause),
    .tlb_pa_i      (ex_tlb_pa),
    .tlb_s2_i      (ex_tlb_s2f),
    .tlb_gpa_i     (ex_tlb_gpa),
    .fwd_we_o      (ex_fwd_we),
    .fwd_wa_o      (ex_fwd_wa),
    .fwd_late_o    (ex_fwd_late),
    .fwd_data_o    (ex_fwd_data),
    .stall_o       (ex_stall),
    .redirect_o    (ex_redirect),
    .redirect_pc_o (ex_redirect_pc),
    .dmem_req_o,
    .dmem_op_o,
    .dmem_amo_o,
    .dmem_addr_o,
    .dmem_size_o,
    .dmem_wdata_o,
    .iocsr_req_o,
    .iocsr_we_o,
    .iocsr_addr_o,
    .iocsr_size_o,
    .iocsr_wdata_o,
    .ex_mem_o      (ex_mem)
  );

  la_mem_stage u_mem_stage (
    .clk_i,
    .rst_ni,
    .ex_mem_i      (ex_mem),
    .flush_i       (flush),
    .dmem_rdata_i,
    .dmem_sc_ok_i,
    .iocsr_rdata_i,
    .fwd_we_o      (mem_fwd_we),
    .fwd_wa_o      (mem_fwd_wa),
    .fwd_late_o    (mem_fwd_late),
    .fwd_data_o    (mem_fwd_data),
    .flush_o       (mem_flush),
    .mem_wb_o      (mem_wb)
  );

  // Which bank the instruction in WB commits to or traps into (design.md 12.2, 12.5)
  assign to_guest = vm || mem_wb.gcsr;
  assign commit_r = commit && !to_guest;
  assign commit_g = commit && to_guest;
  assign trap_r   = trap && (!vm || (trap_int ? int_req_r : mem_wb.exc_root));
  assign trap_g   = trap && !trap_r;

  la_csr #(.CoreId(CoreId), .Guest(1'b0)) u_csr (
    .clk_i,
    .rst_ni,
    .llbit_i,
    .op_i          (mem_wb.sys_op),
    .csr_num_i     (mem_wb.insn[23:10]),
    .rj_i          (mem_wb.sys_rj),
    .rd_i          (mem_wb.sys_rd),
    .pte_i         (mem_wb.result),
    .trap_int_i    (trap_int),
    .trap_cause_i  (mem_wb.exc_cause),
    .trap_pc_i     (mem_wb.pc),
    .trap_badv_i   (mem_wb.badv),
    .trap_insn_i   (mem_wb.insn),
    .trap_fetch_i  (mem_wb.fexc),
    .tlb_srch_hit_i(tlb_srch_hit),
    .tlb_srch_idx_i(tlb_srch_idx),
    .tlb_rentry_i  (tlb_rentry),
    .irq_hwi_i,
    .irq_ipi_i,
    .host_i        (1'b0),
    .cnt_offset_i  ('0),
    .ll_clear_o    (ll_clear_r),
    .commit_i      (commit_r),
    .rdata_o       (rdata_r),
    .rdata2_o      (rdata2_r),
    .csr_wdata_o   (wdata_r),
    .trap_i        (trap_r),
    .trap_vector_o (tvec_r),
    .ertn_pc_o     (ertn_pc_r),
    .plv_o         (plv_r),
    .ie_o          (ie_r),
    .da_o          (da_r),
    .dmw_o         (dmw_r),
    .rdtime_ipe_o  (rdtime_ipe_r),
    .is_o          (is_r),
    .int_req_o     (int_req_r),
    .wake_o        (wake),
    .int_no_o      (int_no_r),
    .asid_o        (asid_r),
    .dwpl_o        (dwpl_r),
    .pwcl_o        (pwcl_r),
    .pwch_o        (pwch_r),
    .tlbrbadv_o    (tlbrbadv_r),
    .tlb_index_o   (tlb_index_r),
    .tlb_srch_vpn_o(tlb_srch_vpn_r),
    .tlb_wentry_o  (tlb_wentry_r),
    .vm_o          (vm),
    .pvm_o         (pvm),
    .gid_o         (gid),
    .gcfg_o        (gcfg),
    .gintc_o       (gintc),
    .gcntc_o       (gcntc),
    .gtlbc_o       (gtlbc)
  );

  la_csr #(.CoreId(CoreId), .Guest(1'b1)) u_gcsr (
    .clk_i,
    .rst_ni,
    .llbit_i,
    .op_i          (mem_wb.sys_op),
    .csr_num_i     (mem_wb.insn[23:10]),
    .rj_i          (mem_wb.sys_rj),
    .rd_i          (mem_wb.sys_rd),
    .pte_i         (mem_wb.result),
    .trap_int_i    (trap_int),
    .trap_cause_i  (mem_wb.exc_cause),
    .trap_pc_i     (mem_wb.pc),
    .trap_badv_i   (mem_wb.badv),
    .trap_insn_i   (mem_wb.insn),
    .trap_fetch_i  (mem_wb.fexc),
    .tlb_srch_hit_i(tlb_srch_hit),
    .tlb_srch_idx_i(tlb_srch_idx),
    .tlb_rentry_i  (tlb_rentry),
`ifdef LACOSIM_BUG_GINTC_VIP_IGNORED  // planted bug (design.md 6): injected lines never reach the guest
    .irq_hwi_i     (gintc[15:8] & irq_hwi_i),
`elsif LACOSIM_BUG_GINTC_PIP_IGNORED  // planted bug (design.md 6): every physical line reaches the guest
    .irq_hwi_i     (gintc[7:0] | irq_hwi_i),
`else
    .irq_hwi_i     (gintc[7:0] | (gintc[15:8] & irq_hwi_i)),  // design.md 12.3 (decision 3)
`endif
    .irq_ipi_i     (1'b0),
    .host_i        (!vm),
`ifdef LACOSIM_BUG_GCNTC_IGNORED  // planted bug (design.md 6): guest rdtime without the GCNTC offset
    .cnt_offset_i  ('0),
`else
    .cnt_offset_i  (gcntc),
`endif
    .ll_clear_o    (ll_clear_g),
    .commit_i      (commit_g),
    .rdata_o       (rdata_g),
    .rdata2_o      (rdata2_g),
    .csr_wdata_o   (wdata_g),
    .trap_i        (trap_g),
    .trap_vector_o (tvec_g),
    .ertn_pc_o     (ertn_pc_g),
    .plv_o         (plv_g),
    .ie_o          (ie_g),
    .da_o          (da_g),
    .dmw_o         (dmw_g),
    .rdtime_ipe_o  (rdtime_ipe_g),
    .is_o          (is_g),
    .int_req_o     (int_req_g),
    .wake_o        (wake_g),
    .int_no_o      (int_no_g),
    .asid_o        (asid_g),
    .dwpl_o        (dwpl_g),
    .pwcl_o        (pwcl_g),
    .pwch_o        (pwch_g),
    .tlbrbadv_o    (tlbrbadv_g),
    .tlb_index_o   (tlb_index_g),
    .tlb_srch_vpn_o(tlb_srch_vpn_g),
    .tlb_wentry_o  (tlb_wentry_g),
    .vm_o          (unused_g.vm),
    .pvm_o         (unused_g.pvm),
    .gid_o         (unused_g.gid),
    .gcfg_o        (unused_g.gcfg),
    .gintc_o       (unused_g.gintc),
    .gcntc_o       (unused_g.gcntc),
    .gtlbc_o       (unused_g.gtlbc)
  );

  // The guest bank's LVZ outputs are constant 0 (Guest = 1 has no LVZ CSRs)
  struct packed {
    logic vm, pvm;
    logic [7:0] gid;
    logic [63:0] gcfg, gcntc;
    logic [15:0] gintc;
    logic [23:0] gtlbc;
  } unused_g;
  logic unused_lvz;
  assign unused_lvz = ^{unused_g, wake_g};

  // The current mode's view
  assign plv         = vm ? plv_g : plv_r;
  assign ie          = vm ? ie_g : ie_r;
  assign da          = vm ? da_g : da_r;
  assign dmw         = vm ? dmw_g : dmw_r;
  assign rdtime_ipe  = vm ? rdtime_ipe_g : rdtime_ipe_r;
  assign asid        = vm ? asid_g : asid_r;
  assign dwpl        = vm ? dwpl_g : dwpl_r;
  assign pwcl        = vm ? pwcl_g : pwcl_r;
  assign pwch        = vm ? pwch_g : pwch_r;
  assign tlbrbadv    = vm ? tlbrbadv_g : tlbrbadv_r;
  assign tlb_index   = vm ? tlb_index_g : tlb_index_r;
  assign tlb_srch_vpn = vm ? tlb_srch_vpn_g : tlb_srch_vpn_r;
  // Root TLB instructions tag and match with rgid (12.6); guest ones write bank 1 of GSTAT.GID
  assign rgid = gtlbc[GTLBC_USETGID] ? gtlbc[23:16] : pvm ? gid : 8'd0;
  always_comb begin
    tlb_wentry       = vm ? tlb_wentry_g : tlb_wentry_r;
    tlb_wentry.gid   = vm ? gid : rgid;
    tlb_wentry.gbank = vm;
  end
  // Root interrupts first; in guest mode they exit (12.3). Guest interrupts only in guest mode.
  assign int_req     = int_req_r || (vm && int_req_g);
  assign int_no      = int_req_r ? int_no_r : int_no_g;
  assign csr_rdata   = to_guest ? rdata_g : rdata_r;
  assign csr_rdata2  = to_guest ? rdata2_g : rdata2_r;
  assign csr_wdata   = to_guest ? wdata_g : wdata_r;
  assign trap_vector = trap_r ? tvec_r : tvec_g;
  assign ertn_pc     = vm ? ertn_pc_g : ertn_pc_r;
  assign ll_clear_o  = ll_clear_r || ll_clear_g;

  la_tlb #(.Entries(TLB_ENTRIES), .CoreId(CoreId)) u_tlb (
    .clk_i,
    .rst_ni,
    .tlb_seed_i,
    .asid_i        (asid),
    .vm_i          (vm),
    .gid_i         (gid),
    .root_asid_i   (asid_r),
    .part_num_i    (gtlbc[5:0]),
    .plv_i         (plv),
    .dwpl_i        (dwpl),
    .if_req_i      (if_tlb_req),
    .if_s2_i       (if_tlb_s2),
    .if_va_i       (if_tlb_va),
    .if_exc_o      (if_tlb_exc),
    .if_cause_o    (if_tlb_cause),
    .if_pa_o       (if_tlb_pa),
    .if_s2_o       (if_tlb_s2f),
    .if_gpa_o      (if_tlb_gpa),
    .ex_req_i      (ex_tlb_req),
    .ex_s2_i       (ex_tlb_s2),
    .ex_va_i       (ex_tlb_va),
    .ex_acc_i      (ex_tlb_acc),
    .ex_exc_o      (ex_tlb_exc),
    .ex_cause_o    (ex_tlb_cause),
    .ex_pa_o       (ex_tlb_pa),
    .ex_s2_o       (ex_tlb_s2f),
    .ex_gpa_o      (ex_tlb_gpa),
    .op_i          (tlb_op),
    .op_guest_i    (vm),
    .op_gid_i      (vm ? gid : rgid),
    .inv_op_i      (mem_wb.insn[4:0]),
    .inv_asid_i    (mem_wb.sys_rj[9:0]),
    .op_vpn_i      (tlb_op == TLBOP_INV ? mem_wb.sys_rd[47:13] : tlb_srch_vpn),
    .index_i       (tlb_index),
    .wentry_i      (tlb_wentry),
    .srch_hit_o    (tlb_srch_hit),
    .srch_idx_o    (tlb_srch_idx),
    .rentry_o      (tlb_rentry),
    .we_o          (tlb_we),
    .widx_o        (tlb_widx)
  );

  la_wb_stage u_wb_stage (
    .mem_wb_i      (mem_wb),
    .csr_rdata_i   (csr_rdata),
    .csr_rdata2_i  (csr_rdata2),
    .csr_wdata_i   (csr_wdata),
    .int_req_i     (int_req),
    .int_no_i      (int_no),
    .trap_vector_i (trap_vector),
    .ertn_pc_i     (ertn_pc),
    .plv_i         (plv),
    .ie_i          (ie),
    .is_i          (is_r),
    .vm_i          (vm),
    .is_g_i        (is_g),
    .exit_i        (vm && trap_r),
    .tlb_we_i      (tlb_we),
    .tlb_idx_i     (tlb_widx),
    .tlb_op_o      (tlb_op),
    .rf_we_o       (rf_we),
    .rf_waddr_o    (rf_waddr),
    .rf_wdata_o    (rf_wdata),
    .rf_we2_o      (rf_we2),
    .rf_waddr2_o   (rf_waddr2),
    .rf_wdata2_o   (rf_wdata2),
    .commit_o      (commit),
    .trap_o        (trap),
    .trap_int_o    (trap_int),
    .flush_o       (flush),
    .flush_pc_o    (flush_pc),
    .sleep_o       (sleep),
    .retire_o
  );
endmodule
