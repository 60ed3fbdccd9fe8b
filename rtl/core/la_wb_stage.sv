// Write-back and commit: the one place where an instruction's architectural effects become final
// (register write, CSR access) or where its exception is taken. Until the privileged issue adds trap
// entry, taking an exception means retiring the instruction as `illegal` and halting the core.
module la_wb_stage import la_pkg::*; (
  input  mem_wb_t     mem_wb_i,
  input  logic [63:0] csr_rdata_i,
  // register file write port
  output logic        rf_we_o,
  output logic [4:0]  rf_waddr_o,
  output logic [63:0] rf_wdata_o,
  // CSR access
  output logic        csr_commit_o,
  // trap: flush everything younger
  output logic        trap_o,
  output retire_t     retire_o
);
  logic        commit;
  logic [63:0] rd_wdata;

  assign commit     = mem_wb_i.valid && !mem_wb_i.exc;
  assign rd_wdata   = mem_wb_i.sys_op != SYS_NONE ? csr_rdata_i : mem_wb_i.result;
  assign rf_we_o    = commit && mem_wb_i.rd_we;
  assign rf_waddr_o = mem_wb_i.wa;
  assign rf_wdata_o = rd_wdata;
  assign csr_commit_o = commit;
  assign trap_o     = mem_wb_i.valid && mem_wb_i.exc;

  always_comb begin
    retire_o           = '0;
    retire_o.valid     = mem_wb_i.valid;
    retire_o.pc        = mem_wb_i.pc;
    retire_o.insn      = mem_wb_i.insn;
    retire_o.illegal   = mem_wb_i.exc;
    if (commit) begin
      retire_o.rd_we     = mem_wb_i.rd_we;
      retire_o.rd        = mem_wb_i.rd_we ? mem_wb_i.wa : 5'd0;
      retire_o.rd_wdata  = mem_wb_i.rd_we ? rd_wdata : '0;
      retire_o.mem_re    = mem_wb_i.mem_re;
      retire_o.mem_we    = mem_wb_i.mem_we;
      retire_o.mem_size  = mem_wb_i.mem_size;
      retire_o.mem_addr  = mem_wb_i.mem_addr;
      retire_o.mem_wdata = mem_wb_i.mem_wdata;
    end
  end
endmodule
