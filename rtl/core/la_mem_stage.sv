// Memory response: the data and IOCSR ports answer the request EX issued last cycle. Loads and
// iocsrrd are sign- or zero-extended here; sc turns dmem_sc_ok_i into rd; am* return the old value and
// the core also computes the value the memory stored (the trace reports it, design.md section 2).
module la_mem_stage import la_pkg::*; (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  ex_mem_t     ex_mem_i,
  input  logic        flush_i,
  input  logic [63:0] dmem_rdata_i,
  input  logic        dmem_sc_ok_i,
  input  logic [63:0] iocsr_rdata_i,
  // to ID: forwarding
  output logic        fwd_we_o,
  output logic [4:0]  fwd_wa_o,
  output logic        fwd_late_o,
  output logic [63:0] fwd_data_o,
  output logic        flush_o,        // this instruction will flush younger ones at commit
  output mem_wb_t     mem_wb_o
);
  logic [63:0] old_val, load_val, result, mem_wdata;
  logic        mem_re, mem_we;

  assign old_val  = (ex_mem_i.io_en ? iocsr_rdata_i : dmem_rdata_i) & size_mask(ex_mem_i.mem_size);
`ifdef LACOSIM_BUG_LDB_NO_SEXT  // planted bug (docs/design.md section 6): ld.b zero-extends
  assign load_val = ex_mem_i.mem_sext && ex_mem_i.mem_size != SIZE_B ?
                    sext_size(old_val, ex_mem_i.mem_size) : old_val;
`else
  assign load_val = ex_mem_i.mem_sext ? sext_size(old_val, ex_mem_i.mem_size) : old_val;
`endif

  always_comb begin
    result    = ex_mem_i.result;
    mem_re    = 1'b0;
    mem_we    = 1'b0;
    mem_wdata = '0;
    if (ex_mem_i.mem_en || ex_mem_i.io_en) begin
      unique case (ex_mem_i.mem_op)
        MEM_LOAD, MEM_LL: begin
          result = ex_mem_i.lddir ? load_val & PA_MASK : load_val;  // lddir (design.md 9.4)
          mem_re = 1'b1;
        end
        MEM_STORE: begin
          mem_we    = 1'b1;
          mem_wdata = ex_mem_i.mem_wdata;
        end
        MEM_SC: begin
          result    = {63'd0, dmem_sc_ok_i};
          mem_we    = dmem_sc_ok_i;
          mem_wdata = dmem_sc_ok_i ? ex_mem_i.mem_wdata : '0;
        end
        MEM_AMO: begin
          result    = load_val;
          mem_re    = 1'b1;
          mem_we    = 1'b1;
          mem_wdata = amo_result(ex_mem_i.amo_op, ex_mem_i.mem_size, old_val, ex_mem_i.mem_wdata)
                    & size_mask(ex_mem_i.mem_size);
        end
        default: ;
      endcase
    end
  end

  assign fwd_we_o   = ex_mem_i.valid && ex_mem_i.rd_we;
  assign fwd_wa_o   = ex_mem_i.wa;
  assign fwd_late_o = ex_mem_i.sys_op != SYS_NONE;
  assign fwd_data_o = result;
  assign flush_o    = ex_mem_i.valid && (ex_mem_i.exc || ex_mem_i.serial);

  mem_wb_t mem_wb_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mem_wb_q <= '0;
    end else if (flush_i) begin
      mem_wb_q.valid <= 1'b0;
    end else begin
      mem_wb_q.valid     <= ex_mem_i.valid;
      mem_wb_q.pc        <= ex_mem_i.pc;
      mem_wb_q.insn      <= ex_mem_i.insn;
      mem_wb_q.exc       <= ex_mem_i.exc;
      mem_wb_q.exc_cause <= ex_mem_i.exc_cause;
      mem_wb_q.fexc      <= ex_mem_i.fexc;
      mem_wb_q.badv      <= ex_mem_i.badv;
      mem_wb_q.pc_pa     <= ex_mem_i.pc_pa;
      mem_wb_q.serial    <= ex_mem_i.serial;
      mem_wb_q.exc_root  <= ex_mem_i.exc_root;
      mem_wb_q.gcsr      <= ex_mem_i.gcsr;
      mem_wb_q.rd2_we    <= ex_mem_i.rd2_we;
      mem_wb_q.iocsr     <= ex_mem_i.io_en;
      mem_wb_q.rd_we     <= ex_mem_i.rd_we;
      mem_wb_q.wa        <= ex_mem_i.wa;
      mem_wb_q.result    <= result;
      mem_wb_q.mem_re    <= mem_re;
      mem_wb_q.mem_we    <= mem_we;
      mem_wb_q.mem_size  <= ex_mem_i.mem_en || ex_mem_i.io_en ? ex_mem_i.mem_size : 2'd0;
      mem_wb_q.mem_addr  <= ex_mem_i.mem_en ? ex_mem_i.mem_addr :
                            ex_mem_i.io_en  ? {32'd0, ex_mem_i.mem_addr[31:0]} : '0;
      mem_wb_q.mem_pa    <= ex_mem_i.mem_en ? ex_mem_i.mem_pa :
                            ex_mem_i.io_en  ? {32'd0, ex_mem_i.mem_addr[31:0]} : '0;
      mem_wb_q.mem_wdata <= mem_wdata;
      mem_wb_q.sys_op    <= ex_mem_i.sys_op;
      mem_wb_q.sys_rj    <= ex_mem_i.sys_rj;
      mem_wb_q.sys_rd    <= ex_mem_i.sys_rd;
    end
  end

  assign mem_wb_o = mem_wb_q;
endmodule
