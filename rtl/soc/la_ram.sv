// Shared simulation RAM: one instruction and one data port per core, fixed one-cycle latency.
//
// Atomics live here (docs/design.md section 1): AMOs are a single read-modify-write, LL sets a per-core
// reservation on a 64-byte line and SC stores only while it holds. Data ports are serialised in core
// order within a cycle: a port sees the writes of lower-numbered ports of the same cycle, so two
// same-cycle AMOs never lose an update and two same-cycle SCs never both succeed.
module la_ram import la_pkg::*; #(
  parameter int unsigned Cores    = 1,
  parameter int unsigned RamBytes = 32 * 1024 * 1024
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  // instruction ports
  input  logic [Cores-1:0]        ireq_i,
  input  logic [Cores-1:0][63:0]  iaddr_i,
  output logic [Cores-1:0][31:0]  irdata_o,
  // data ports (addresses already decoded to RAM by la_soc)
  input  logic [Cores-1:0]        dreq_i,
  input  mem_op_e [Cores-1:0]     dop_i,
  input  amo_op_e [Cores-1:0]     damo_i,
  input  logic [Cores-1:0][63:0]  daddr_i,
  input  logic [Cores-1:0][1:0]   dsize_i,
  input  logic [Cores-1:0][63:0]  dwdata_i,
  output logic [Cores-1:0][63:0]  drdata_o,
  output logic [Cores-1:0]        dsc_ok_o,
  input  logic [Cores-1:0]        ll_clear_i,   // ertn / LLBCTL.WCLLB: drop this core's reservation
  output logic [Cores-1:0]        llbit_o       // LLBCTL.ROLLB
);
  localparam int unsigned Words     = RamBytes / 8;
  localparam int unsigned WordBits  = $clog2(Words);
  localparam int unsigned LineShift = $clog2(LL_LINE_BYTES);

  logic [63:0] mem_q [Words];

  // Backdoor load before reset (docs/design.md section 4): +mem=<file> in $readmemh format of 64-bit
  // words with @word-index directives.
  initial begin : load_image
    string image;
    if ($value$plusargs("mem=%s", image)) begin
      $readmemh(image, mem_q);
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Instruction ports
  for (genvar c = 0; c < Cores; c++) begin : g_iport
    logic [WordBits-1:0] iword;
    assign iword = iaddr_i[c][WordBits+2:3];
    always_ff @(posedge clk_i) begin
      if (ireq_i[c]) begin
        irdata_o[c] <= iaddr_i[c][2] ? mem_q[iword][63:32] : mem_q[iword][31:0];
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Data ports, serialised in core order
  logic [Cores-1:0][WordBits-1:0] dword;
  logic [Cores-1:0][63:0]         new_word;
  logic [Cores-1:0]               word_we;
  logic [Cores-1:0][63:0]         old_val;    // right-aligned, zero-extended operand value
  logic [Cores-1:0]               sc_ok;
  logic [Cores-1:0]               resv_valid_q, resv_valid_d;
  logic [Cores-1:0][63-LineShift:0] resv_line_q, resv_line_d;

  // One pass in core order; locals carry each port's result to the later ports of the same cycle.
  always_comb begin
    logic [63:0] nw [Cores];
    logic        we [Cores];
    for (int c = 0; c < Cores; c++) begin
      logic [5:0]  shift;
      logic [63:0] lane_mask, opnd, cw, ov;
      logic        killed, ok;
      cw     = mem_q[daddr_i[c][WordBits+2:3]];
      killed = 1'b0;
      for (int j = 0; j < c; j++) begin
        if (we[j] && daddr_i[j][WordBits+2:3] == daddr_i[c][WordBits+2:3]) cw = nw[j];
        if (we[j] && resv_line_q[c] == daddr_i[j][63:LineShift]) killed = 1'b1;
      end
      shift     = {daddr_i[c][2:0], 3'b000};
      lane_mask = size_mask(dsize_i[c]) << shift;
      ov        = (cw >> shift) & size_mask(dsize_i[c]);
      ok        = resv_valid_q[c] && !killed && resv_line_q[c] == daddr_i[c][63:LineShift];
      opnd      = dwdata_i[c];
      unique case (dop_i[c])
        MEM_STORE: we[c] = dreq_i[c];
        MEM_SC:    we[c] = dreq_i[c] && ok;
        MEM_AMO: begin
          we[c] = dreq_i[c];
          opnd  = amo_result(damo_i[c], dsize_i[c], ov, dwdata_i[c]);
        end
        default:   we[c] = 1'b0;
      endcase
      nw[c]       = (cw & ~lane_mask) | ((opnd << shift) & lane_mask);
      dword[c]    = daddr_i[c][WordBits+2:3];
      old_val[c]  = ov;
      sc_ok[c]    = ok;
      word_we[c]  = we[c];
      new_word[c] = nw[c];
    end
  end

  // Reservations: LL sets one; SC consumes it; a write by any other port to the line kills it.
  // A same-cycle write by a later port is serialised after this port's LL, so it kills it too.
  always_comb begin
    for (int c = 0; c < Cores; c++) begin
      resv_valid_d[c] = resv_valid_q[c];
      resv_line_d[c]  = resv_line_q[c];
      if (dreq_i[c] && dop_i[c] == MEM_LL) begin
        resv_valid_d[c] = 1'b1;
        resv_line_d[c]  = daddr_i[c][63:LineShift];
      end else if ((dreq_i[c] && dop_i[c] == MEM_SC) || ll_clear_i[c]) begin
        resv_valid_d[c] = 1'b0;
      end
      for (int j = 0; j < Cores; j++) begin
        if (j != c && word_we[j] && daddr_i[j][63:LineShift] == resv_line_d[c] &&
            !(j < c && dreq_i[c] && dop_i[c] == MEM_LL)) begin
          resv_valid_d[c] = 1'b0;
        end
      end
    end
  end

  assign llbit_o = resv_valid_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      resv_valid_q <= '0;
      resv_line_q  <= '0;
    end else begin
      resv_valid_q <= resv_valid_d;
      resv_line_q  <= resv_line_d;
    end
  end

  always_ff @(posedge clk_i) begin
    for (int c = 0; c < Cores; c++) begin
      if (word_we[c]) mem_q[dword[c]] <= new_word[c];
      if (dreq_i[c]) begin
        drdata_o[c] <= old_val[c];
        dsc_ok_o[c] <= sc_ok[c];
      end
    end
  end

endmodule
