// Decode and operand fetch. Operands are complete when they enter EX: this stage reads the register
// file and forwards from EX (ALU/mul/div/link result), MEM (ALU result or load data just returned)
// and WB (the value being written this cycle). Results that only exist later stall ID:
//   - a load/ll/sc/am*/iocsrrd in EX (its data returns in MEM): load-use interlock, 1 cycle,
//   - a csr*/rdtime/cpucfg in EX or MEM (served at the commit point, WB): up to 2 cycles.
module la_id_stage import la_pkg::*; (
  input  logic        clk_i,
  input  logic        rst_ni,
  // from IF
  input  logic        valid_i,
  input  logic [63:0] pc_i,
  input  logic        fexc_i,          // the fetch faulted: no instruction word
  input  exc_cause_e  fcause_i,
  input  logic        froot_i,         // ... at stage 2 (LVZ): it exits to the root
  input  logic [63:0] pc_pa_i,
  input  logic [31:0] insn_i,
  // register file read ports
  output logic [4:0]  rf_raddr_a_o,
  output logic [4:0]  rf_raddr_b_o,
  output logic [4:0]  rf_raddr_c_o,
  input  logic [63:0] rf_rdata_a_i,
  input  logic [63:0] rf_rdata_b_i,
  input  logic [63:0] rf_rdata_c_i,
  // forwarding sources
  input  logic        ex_fwd_we_i,     // EX holds a valid instruction writing ex_fwd_wa_i
  input  logic [4:0]  ex_fwd_wa_i,
  input  logic        ex_fwd_late_i,   // ... whose result is not known in EX
  input  logic [63:0] ex_fwd_data_i,
  input  logic        mem_fwd_we_i,
  input  logic [4:0]  mem_fwd_wa_i,
  input  logic        mem_fwd_late_i,
  input  logic [63:0] mem_fwd_data_i,
  input  logic        wb_fwd_we_i,
  input  logic [4:0]  wb_fwd_wa_i,
  input  logic [63:0] wb_fwd_data_i,
  // pipeline control
  input  logic        ex_stall_i,      // EX busy (mul/div): hold everything here
  input  logic        kill_i,          // the instruction in ID is on a wrong path
  input  logic        flush_i,         // WB flush (trap, ertn, serialising instruction)
  output logic        hazard_o,        // ID must wait for an operand
  output id_ex_t      id_ex_o
);
  decoded_t dec;
  logic [31:0] insn;
  logic     haz_a, haz_b, haz_c;
  logic [63:0] val_a, val_b, val_c;
  id_ex_t   id_ex_q;

  // A failed fetch has no word: decode 0 (reads nothing, writes nothing); EX raises its fault.
  assign insn = fexc_i ? 32'd0 : insn_i;

  la_decoder u_decoder (
    .insn_i (insn),
    .dec_o  (dec)
  );

  assign rf_raddr_a_o = insn[9:5];
  assign rf_raddr_b_o = insn[14:10];
  assign rf_raddr_c_o = insn[4:0];

  // Youngest producer first. hazard = the youngest producer of the register has no value yet.
  function automatic logic [64:0] forward(input logic [4:0] r, input logic [63:0] rf_val,
      input logic ex_we, input logic [4:0] ex_wa, input logic ex_late, input logic [63:0] ex_d,
      input logic mem_we, input logic [4:0] mem_wa, input logic mem_late, input logic [63:0] mem_d,
      input logic wb_we, input logic [4:0] wb_wa, input logic [63:0] wb_d);
    if (r == 5'd0)                   return {1'b0, 64'd0};
    else if (ex_we && ex_wa == r)    return {ex_late, ex_d};
    else if (mem_we && mem_wa == r)  return {mem_late, mem_d};
`ifndef LACOSIM_BUG_NO_WB_FORWARD  // planted bug (docs/design.md section 6): no WB -> ID forwarding
    else if (wb_we && wb_wa == r)    return {1'b0, wb_d};
`endif
    else                             return {1'b0, rf_val};
  endfunction

  assign {haz_a, val_a} = forward(insn[9:5], rf_rdata_a_i, ex_fwd_we_i, ex_fwd_wa_i, ex_fwd_late_i,
      ex_fwd_data_i, mem_fwd_we_i, mem_fwd_wa_i, mem_fwd_late_i, mem_fwd_data_i, wb_fwd_we_i,
      wb_fwd_wa_i, wb_fwd_data_i);
  assign {haz_b, val_b} = forward(insn[14:10], rf_rdata_b_i, ex_fwd_we_i, ex_fwd_wa_i,
      ex_fwd_late_i, ex_fwd_data_i, mem_fwd_we_i, mem_fwd_wa_i, mem_fwd_late_i, mem_fwd_data_i,
      wb_fwd_we_i, wb_fwd_wa_i, wb_fwd_data_i);
  assign {haz_c, val_c} = forward(insn[4:0], rf_rdata_c_i, ex_fwd_we_i, ex_fwd_wa_i, ex_fwd_late_i,
      ex_fwd_data_i, mem_fwd_we_i, mem_fwd_wa_i, mem_fwd_late_i, mem_fwd_data_i, wb_fwd_we_i,
      wb_fwd_wa_i, wb_fwd_data_i);

  assign hazard_o = valid_i && ((dec.rj_re && haz_a) || (dec.rk_re && haz_b) || (dec.rd_re && haz_c));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      id_ex_q <= '0;
    end else if (flush_i) begin
      id_ex_q.valid <= 1'b0;
    end else if (!ex_stall_i) begin
      id_ex_q.valid <= valid_i && !kill_i && !hazard_o;
      id_ex_q.pc    <= pc_i;
      id_ex_q.insn  <= insn;
      id_ex_q.fexc  <= fexc_i;
      id_ex_q.fexc_cause <= fcause_i;
      id_ex_q.froot <= froot_i;
      id_ex_q.pc_pa <= pc_pa_i;
      id_ex_q.dec   <= dec;
      id_ex_q.rj_v  <= val_a;
      id_ex_q.rk_v  <= val_b;
      id_ex_q.rd_v  <= val_c;
    end
  end

  assign id_ex_o = id_ex_q;
endmodule
