// Multi-cycle multiplier and iterative divider, used by the EX stage.
//
// Protocol: while EX holds a mul/div instruction it asserts req_i (with operands) every cycle and
// stalls until done_o; done_o is high for exactly one cycle, together with result_o, and EX moves on
// at that edge. kill_i (pipeline flush) aborts whatever is in flight.
//
// Latencies (cycles the instruction spends in EX):
//   mul*: 3 -- operands -> four 32x32 partial products -> 128-bit sum and signed correction -> done
//   div*/mod*: .d 67, .w 35 -- setup, one quotient bit per cycle (radix 2, restoring) on the
//   magnitudes, sign fix-up, done. Division by zero takes the setup cycle only.
// Results follow QEMU (our oracle): x / 0 = x and x % 0 = 0; MIN / -1 = MIN and MIN % -1 = 0 (both
// fall out of the unsigned magnitude division); .w/.wu results are sign-extended from 32 bits.
module la_muldiv import la_pkg::*; (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        req_i,
  input  logic        kill_i,
  input  md_op_e      op_i,
  input  logic [63:0] a_i,      // rj
  input  logic [63:0] b_i,      // rk
  output logic        done_o,
  output logic [63:0] result_o
);
  typedef enum logic [2:0] { MD_IDLE, MD_MUL_SUM, MD_DIV_ITER, MD_DIV_FIX, MD_DONE } md_state_e;

  md_state_e   state_q, state_d;
  md_op_e      op_q;
  logic [63:0] result_q;

  function automatic logic is_word(input md_op_e op);
    return op inside {MD_MUL_W, MD_MULH_W, MD_MULH_WU, MD_MULW_D_W, MD_MULW_D_WU,
                      MD_DIV_W, MD_MOD_W, MD_DIV_WU, MD_MOD_WU};
  endfunction

  function automatic logic is_signed(input md_op_e op);
    return op inside {MD_MUL_W, MD_MULH_W, MD_MUL_D, MD_MULH_D, MD_MULW_D_W,
                      MD_DIV_W, MD_MOD_W, MD_DIV_D, MD_MOD_D};
  endfunction

  function automatic logic is_div(input md_op_e op);
    return op inside {MD_DIV_W, MD_MOD_W, MD_DIV_WU, MD_MOD_WU, MD_DIV_D, MD_MOD_D, MD_DIV_DU,
                      MD_MOD_DU};
  endfunction

  // Operands as the operation sees them: .w variants extend [31:0] by their signedness.
  logic [63:0] a_ext, b_ext;
  assign a_ext = !is_word(op_i) ? a_i : is_signed(op_i) ? {{32{a_i[31]}}, a_i[31:0]}
                                                        : {32'd0, a_i[31:0]};
  assign b_ext = !is_word(op_i) ? b_i : is_signed(op_i) ? {{32{b_i[31]}}, b_i[31:0]}
                                                        : {32'd0, b_i[31:0]};

  // ---------------------------------------------------------------------------------------------
  // Multiplier state: unsigned 64x64 from four 32x32 products; the signed high half is corrected
  // by subtracting (a<0 ? b : 0) + (b<0 ? a : 0), which keeps all arithmetic in 64/128-bit words.
  logic [63:0] pp_ll_q, pp_lh_q, pp_hl_q, pp_hh_q, corr_q;

  // Divider state
  logic [63:0] quo_q;        // dividend shifting out, quotient shifting in
  logic [63:0] rem_q;
  logic [63:0] divisor_q;
  logic [6:0]  count_q;
  logic        q_neg_q, r_neg_q;

  logic [64:0] rem_shift;
  logic        rem_ge;
  assign rem_shift = {rem_q[63:0], quo_q[63]};
  assign rem_ge    = rem_shift >= {1'b0, divisor_q};

  always_comb begin
    state_d = state_q;
    unique case (state_q)
      MD_IDLE:     if (req_i && !kill_i) state_d = is_div(op_i) ? (b_ext == '0 ? MD_DONE : MD_DIV_ITER)
                                                                : MD_MUL_SUM;
      MD_MUL_SUM:  state_d = MD_DONE;
      MD_DIV_ITER: if (count_q == 7'd1) state_d = MD_DIV_FIX;
      MD_DIV_FIX:  state_d = MD_DONE;
      MD_DONE:     state_d = MD_IDLE;
      default:     state_d = MD_IDLE;
    endcase
    if (kill_i) state_d = MD_IDLE;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= MD_IDLE;
    else         state_q <= state_d;
  end

  // Datapath registers need no reset: they are written before they are used.
  always_ff @(posedge clk_i) begin
    unique case (state_q)
      MD_IDLE: if (req_i) begin
        op_q <= op_i;
        if (!is_div(op_i)) begin
          pp_ll_q <= 64'(a_ext[31:0])  * 64'(b_ext[31:0]);
          pp_lh_q <= 64'(a_ext[31:0])  * 64'(b_ext[63:32]);
          pp_hl_q <= 64'(a_ext[63:32]) * 64'(b_ext[31:0]);
          pp_hh_q <= 64'(a_ext[63:32]) * 64'(b_ext[63:32]);
          corr_q  <= is_signed(op_i) ? ((a_ext[63] ? b_ext : '0) + (b_ext[63] ? a_ext : '0)) : '0;
        end else begin
          logic a_neg, b_neg;
          logic [63:0] a_mag, b_mag;
          a_neg = is_signed(op_i) && a_ext[63];
          b_neg = is_signed(op_i) && b_ext[63];
          a_mag = a_neg ? -a_ext : a_ext;
          b_mag = b_neg ? -b_ext : b_ext;
          // .w: the 32-bit magnitude sits in the top half so 32 iterations suffice
          quo_q     <= is_word(op_i) ? {a_mag[31:0], 32'd0} : a_mag;
          rem_q     <= '0;
          divisor_q <= b_mag;
          count_q   <= is_word(op_i) ? 7'd32 : 7'd64;
          q_neg_q   <= a_neg ^ b_neg;
          r_neg_q   <= a_neg;
          if (b_ext == '0) begin
            // QEMU: divisor 0 is replaced by 1, so quotient = dividend, remainder = 0
            result_q <= op_i inside {MD_DIV_W, MD_DIV_WU, MD_DIV_D, MD_DIV_DU} ? a_ext : '0;
          end
        end
      end
      MD_MUL_SUM: begin
        logic [127:0] full;
        logic [63:0]  hi;
        full = {64'd0, pp_ll_q} + ({64'd0, pp_lh_q} << 32) + ({64'd0, pp_hl_q} << 32)
             + {pp_hh_q, 64'd0};
        hi   = full[127:64] - corr_q;
        unique case (op_q)
          MD_MULH_W, MD_MULH_WU:    result_q <= {32'd0, full[63:32]};
          MD_MULH_D, MD_MULH_DU:    result_q <= hi;
          default:                  result_q <= full[63:0];
        endcase
      end
      MD_DIV_ITER: begin
        count_q <= count_q - 7'd1;
        rem_q   <= 64'(rem_ge ? rem_shift - {1'b0, divisor_q} : rem_shift);  // < divisor
        quo_q   <= {quo_q[62:0], rem_ge};
      end
      MD_DIV_FIX: begin
        unique case (op_q)
          MD_DIV_W, MD_DIV_WU, MD_DIV_D, MD_DIV_DU: result_q <= q_neg_q ? -quo_q : quo_q;
          default:                                  result_q <= r_neg_q ? -rem_q : rem_q;
        endcase
      end
      default: ;
    endcase
  end

  assign done_o   = state_q == MD_DONE;
  // .w results (including mulw.d.w(u), which are full 64-bit products) are handled here
  assign result_o = op_q inside {MD_MUL_W, MD_MULH_W, MD_MULH_WU, MD_DIV_W, MD_MOD_W, MD_DIV_WU,
                                 MD_MOD_WU} ? {{32{result_q[31]}}, result_q[31:0]} : result_q;

endmodule
