// Stable counter and constant timer of one core (spec-la64-lvz.md section 3; architecture.md 4.1;
// exact timing in docs/design.md 7.3, which tb/lacosim/env/timer_model.py predicts independently).
//
//   - The counter is 0 in the first cycle after reset release (the trace's cycle 0) and +1 per cycle.
//   - A TCFG write committing in cycle c loads TVAL = InitVal (TCFG[47:0] with [1:0] = 0) for cycle
//     c+1, whatever En says; with En = 1 TVAL then drops by one per cycle.
//   - In the cycle after TVAL was 0 TI is set (visible in c + InitVal + 2 after the write) and TVAL is
//     InitVal again (periodic) or all ones in the 48 timer bits (one-shot: the countdown stops, TCFG.En
//     stays 1).
//   - TICLR.CLR committing in cycle c clears TI from c+1 on, unless TI rises at that same edge.
//     Neither a TCFG write nor anything else clears TI.
//   - Guest timer only (design.md 12.4; the root's TVAL is read-only): a root gcsr write of TVAL
//     committing in c sets TVAL from c+1; 0 fires at the next edge like a one-shot whatever
//     TCFG.Periodic says (TI from c+2, TVAL all ones, held); a non-zero value counts down while En.
//     A root gcsr write of guest ESTAT.IS[11] = 1 raises TI (ti_set_i), = 0 clears it (ticlr_i).
module la_timer import la_pkg::*; (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  tcfg_we_i,    // TCFG write commits this cycle
  input  logic [TIMER_BITS-1:0] tcfg_wdata_i, // its new value
  input  logic                  ticlr_i,      // TICLR.CLR = 1 written this cycle
  input  logic                  ti_set_i,     // guest bank: root writes ESTAT.IS[11] = 1
  input  logic                  tval_we_i,    // guest bank: root writes TVAL
  input  logic [TIMER_BITS-1:0] tval_wdata_i,
  input  logic                  count_i,      // TVAL counts (always: decision 2 for the guest timer)
  output logic [63:0]           counter_o,
  output logic [TIMER_BITS-1:0] tcfg_o,
  output logic [TIMER_BITS-1:0] tval_o,
  output logic                  ti_o
);
  logic [63:0]           counter_q;
  logic [TIMER_BITS-1:0] tcfg_q, tval_q;
  logic                  run_q, ti_q, expire, fire_q;

  function automatic logic [TIMER_BITS-1:0] initval(input logic [TIMER_BITS-1:2] tcfg_val);
    return {tcfg_val, 2'b00};
  endfunction

  assign expire = run_q && count_i && tval_q == '0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      counter_q <= '0;
      tcfg_q    <= '0;
      tval_q    <= '0;
      run_q     <= 1'b0;
      ti_q      <= 1'b0;
      fire_q    <= 1'b0;
    end else begin
      counter_q <= counter_q + 64'd1;
`ifdef LACOSIM_BUG_TICLR_BEATS_EXPIRY  // planted bug (docs/design.md section 6): the same-edge TI is lost
      if (ticlr_i)       ti_q <= 1'b0;
      else if (expire)   ti_q <= 1'b1;
      else if (ti_set_i) ti_q <= 1'b1;
`else
      if (expire)        ti_q <= 1'b1;
      else if (ticlr_i)  ti_q <= 1'b0;
      else if (ti_set_i) ti_q <= 1'b1;
`endif
      if (tcfg_we_i) begin
        tcfg_q <= tcfg_wdata_i;
        tval_q <= initval(tcfg_wdata_i[TIMER_BITS-1:2]);
        run_q  <= tcfg_wdata_i[0];
        fire_q <= 1'b0;
      end else if (tval_we_i) begin
        tval_q <= tval_wdata_i;
        run_q  <= tcfg_q[0] || tval_wdata_i == '0;
        fire_q <= tval_wdata_i == '0;
      end else if (expire) begin
        fire_q <= 1'b0;
        if (tcfg_q[1] && !fire_q) begin
          tval_q <= initval(tcfg_q[TIMER_BITS-1:2]);
        end else begin
`ifdef LACOSIM_BUG_TIMER_ONESHOT_RELOAD  // planted bug (docs/design.md section 6): one-shot restarts
          tval_q <= initval(tcfg_q[TIMER_BITS-1:2]);
`else
          tval_q <= '1;
          run_q  <= 1'b0;
`endif
        end
      end else if (run_q && count_i) begin
        tval_q <= tval_q - 1'b1;
      end
    end
  end

  assign counter_o = counter_q;
  assign tcfg_o    = tcfg_q;
  assign tval_o    = tval_q;
  assign ti_o      = ti_q;
endmodule
