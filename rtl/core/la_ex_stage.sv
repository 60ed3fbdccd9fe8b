// Execute: ALU, multiply/divide, branch resolution, address generation and the data-memory request.
// The data port answers one cycle later, so the request leaves from here and the response is
// consumed by MEM. Exceptions found here (alignment, bound checks) join the decoder's INE and travel
// with the instruction to the commit point; an instruction with an exception, or younger than one in
// MEM/WB, never touches memory.
module la_ex_stage import la_pkg::*; (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  id_ex_t      id_ex_i,
  input  logic        flush_i,        // trap commit: this instruction is younger, drop it
  input  logic        older_exc_i,    // an older instruction (MEM/WB) will trap: no side effects
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
  output ex_mem_t     ex_mem_o
);
  decoded_t    dec;
  logic [63:0] opa, opb, alu_result, md_result, result, addr, st_src, st_data, pc_plus4;
  logic        md_done, taken, misaligned, bound_fail, exc;
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

  assign redirect_o    = id_ex_i.valid && taken && !dec.illegal;
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
    exc       = 1'b1;
    exc_cause = EXC_INE;
    if (dec.illegal)                   exc_cause = EXC_INE;
    else if (bound_fail)               exc_cause = EXC_BCE;
    else if (dec.mem_en && misaligned) exc_cause = EXC_ALE;
    else                               exc       = 1'b0;
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

  assign dmem_req_o   = id_ex_i.valid && dec.mem_en && !exc && !older_exc_i && !flush_i;
  assign dmem_op_o    = dec.mem_op;
  assign dmem_amo_o   = dec.amo_op;
  assign dmem_addr_o  = addr;
  assign dmem_size_o  = dec.mem_size;
  assign dmem_wdata_o = st_data;

  // ---------------------------------------------------------------------------------------------
  assign fwd_we_o   = id_ex_i.valid && dec.rd_we && !exc;
  assign fwd_wa_o   = dec.wa;
  assign fwd_late_o = (dec.mem_en && dec.mem_op != MEM_STORE) || dec.sys_op != SYS_NONE;
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
      ex_mem_q.exc       <= exc;
      ex_mem_q.exc_cause <= exc_cause;
      ex_mem_q.rd_we     <= dec.rd_we && !exc;
      ex_mem_q.wa        <= dec.wa;
      ex_mem_q.result    <= result;
      ex_mem_q.mem_en    <= dec.mem_en && !exc;
      ex_mem_q.mem_op    <= dec.mem_op;
      ex_mem_q.amo_op    <= dec.amo_op;
      ex_mem_q.mem_size  <= dec.mem_size;
      ex_mem_q.mem_sext  <= dec.mem_sext;
      ex_mem_q.mem_addr  <= addr;
      ex_mem_q.mem_wdata <= st_data;
      ex_mem_q.sys_op    <= exc ? SYS_NONE : dec.sys_op;
      ex_mem_q.sys_rj    <= id_ex_i.rj_v;
      ex_mem_q.sys_rd    <= id_ex_i.rd_v;
    end
  end

  assign ex_mem_o = ex_mem_q;
endmodule
