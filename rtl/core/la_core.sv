// LA64 in-order core: IF -> ID -> EX -> MEM -> WB (architecture.md; interfaces in docs/design.md).
//
//   IF   chooses the fetch address; the instruction memory answers in the next cycle, in ID
//   ID   decode, register read, forwarding from EX/MEM/WB, interlocks
//   EX   ALU, branches (resolved here: a taken one costs 1 cycle), mul (3 cycles) / div (35/67
//        cycles) stalling the pipeline, address generation and the data-memory request
//   MEM  data-memory response: load extension, sc result, AMO new value
//   WB   commit point: register write, CSR access, exceptions, retirement trace
//
// Exceptions travel with their instruction and are taken only in WB, which flushes everything
// younger; this is where trap entry, ertn and interrupts will attach.
module la_core import la_pkg::*; #(
  parameter int unsigned CoreId = 0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [63:0] boot_addr_i,
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
  // retirement trace
  output retire_t     retire_o
);
  // IF/ID
  logic        id_valid;
  logic [63:0] id_pc;
  // pipeline registers
  id_ex_t      id_ex;
  ex_mem_t     ex_mem;
  mem_wb_t     mem_wb;
  // register file
  logic [4:0]  rf_raddr_a, rf_raddr_b, rf_raddr_c, rf_waddr;
  logic [63:0] rf_rdata_a, rf_rdata_b, rf_rdata_c, rf_wdata;
  logic        rf_we;
  // forwarding
  logic        ex_fwd_we, ex_fwd_late, mem_fwd_we, mem_fwd_late;
  logic [4:0]  ex_fwd_wa, mem_fwd_wa;
  logic [63:0] ex_fwd_data, mem_fwd_data;
  // control
  logic        id_hazard, ex_stall, ex_redirect, mem_exc, trap, halt_q, csr_commit;
  logic [63:0] ex_redirect_pc, csr_rdata;

  // An unimplemented instruction stops the core for good (until INE/ALE entry exists).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)   halt_q <= 1'b0;
    else if (trap) halt_q <= 1'b1;
  end

  la_if_stage u_if_stage (
    .clk_i,
    .rst_ni,
    .boot_addr_i,
    .halt_i        (halt_q || trap),
    .redirect_i    (ex_redirect),
    .redirect_pc_i (ex_redirect_pc),
    .stall_i       (id_hazard || ex_stall),
    .imem_req_o,
    .imem_addr_o,
    .id_valid_o    (id_valid),
    .id_pc_o       (id_pc)
  );

  la_id_stage u_id_stage (
    .clk_i,
    .rst_ni,
    .valid_i        (id_valid),
    .pc_i           (id_pc),
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
    .flush_i        (trap),
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
    .wdata_i   (rf_wdata)
  );

  la_ex_stage u_ex_stage (
    .clk_i,
    .rst_ni,
    .id_ex_i       (id_ex),
    .flush_i       (trap),
    .older_exc_i   (mem_exc || trap),
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
    .ex_mem_o      (ex_mem)
  );

  la_mem_stage u_mem_stage (
    .clk_i,
    .rst_ni,
    .ex_mem_i     (ex_mem),
    .flush_i      (trap),
    .dmem_rdata_i,
    .dmem_sc_ok_i,
    .fwd_we_o     (mem_fwd_we),
    .fwd_wa_o     (mem_fwd_wa),
    .fwd_late_o   (mem_fwd_late),
    .fwd_data_o   (mem_fwd_data),
    .exc_o        (mem_exc),
    .mem_wb_o     (mem_wb)
  );

  la_csr #(.CoreId(CoreId)) u_csr (
    .clk_i,
    .rst_ni,
    .commit_i  (csr_commit),
    .op_i      (mem_wb.sys_op),
    .csr_num_i (mem_wb.insn[23:10]),
    .rj_i      (mem_wb.sys_rj),
    .rd_i      (mem_wb.sys_rd),
    .rdata_o   (csr_rdata)
  );

  la_wb_stage u_wb_stage (
    .mem_wb_i     (mem_wb),
    .csr_rdata_i  (csr_rdata),
    .rf_we_o      (rf_we),
    .rf_waddr_o   (rf_waddr),
    .rf_wdata_o   (rf_wdata),
    .csr_commit_o (csr_commit),
    .trap_o       (trap),
    .retire_o
  );
endmodule
