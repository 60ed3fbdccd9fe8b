// Control and status registers, accessed at the commit point (WB) so that a CSR access is ordered
// with everything older and nothing younger has seen its effect.
// Implemented so far: CPUID (read-only, = CoreId), SAVE0-15, the stable counter (rdtime*) and the
// CPUCFG words. Every other CSR reads 0 and ignores writes. The privileged issue adds CRMD/PRMD/ESTAT/
// ERA/EENTRY..., the exception-commit inputs and the interrupt request output here.
module la_csr import la_pkg::*; #(
  parameter int unsigned CoreId = 0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        commit_i,   // the instruction in WB commits (valid, no exception)
  input  sys_op_e     op_i,
  input  logic [13:0] csr_num_i,
  input  logic [63:0] rj_i,       // csrxchg write mask / cpucfg index
  input  logic [63:0] rd_i,       // csrwr/csrxchg value
  output logic [63:0] rdata_o     // the value written to rd
);
  logic [NUM_SAVE-1:0][63:0] save_q;
  logic [63:0]               csr_rdata, counter_q;
  logic                      is_save;

  assign is_save = csr_num_i[13:4] == CSR_SAVE0[13:4];

  always_comb begin
    csr_rdata = '0;
    if (csr_num_i == CSR_CPUID) csr_rdata = 64'(CoreId);
    else if (is_save)           csr_rdata = save_q[csr_num_i[3:0]];
  end

  always_comb begin
    unique case (op_i)
      SYS_RDTIMEL: rdata_o = {{32{counter_q[31]}}, counter_q[31:0]};
      SYS_RDTIMEH: rdata_o = {{32{counter_q[63]}}, counter_q[63:32]};
      SYS_RDTIMED: rdata_o = counter_q;
      SYS_CPUCFG: begin
        unique case (rj_i)
          64'd0:   rdata_o = CPUCFG0_PRID;
          64'd1:   rdata_o = CPUCFG1_VAL;
          64'd2:   rdata_o = CPUCFG2_VAL;
          64'd4:   rdata_o = CPUCFG4_VAL;
          64'd5:   rdata_o = CPUCFG5_VAL;
          default: rdata_o = '0;
        endcase
      end
      default:     rdata_o = csr_rdata;  // csrrd/csrwr/csrxchg return the old value
    endcase
  end

  // Stable counter: one tick per core clock (architecture.md section 3), 0 in the first cycle after
  // reset, so a rdtime retiring in trace cycle c reads c.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) counter_q <= '0;
    else         counter_q <= counter_q + 64'd1;
  end

  logic        write;
  logic [63:0] wmask, wdata;
  assign write = commit_i && op_i inside {SYS_CSRWR, SYS_CSRXCHG};
  assign wmask = op_i == SYS_CSRXCHG ? rj_i : '1;
  assign wdata = (rd_i & wmask) | (csr_rdata & ~wmask);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      save_q <= '0;
    end else if (write && is_save) begin
      save_q[csr_num_i[3:0]] <= wdata;
    end
  end
endmodule
