// General-purpose register file: 32 x 64 bits, r0 reads as zero. Three combinational read ports
// (rj, rk, rd: stores, bstrins and lu32i.d read rd as a source) and two write ports from WB (the
// second serves rdtime*'s rj <- TID; it wins when both name the same register, as QEMU writes rj last).
// The ID stage bypasses a same-cycle WB write itself; this file has no write-through.
module la_regfile (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [4:0]  raddr_a_i,
  output logic [63:0] rdata_a_o,
  input  logic [4:0]  raddr_b_i,
  output logic [63:0] rdata_b_o,
  input  logic [4:0]  raddr_c_i,
  output logic [63:0] rdata_c_o,
  input  logic        we_i,
  input  logic [4:0]  waddr_i,
  input  logic [63:0] wdata_i,
  input  logic        we2_i,
  input  logic [4:0]  waddr2_i,
  input  logic [63:0] wdata2_i
);
  logic [31:1][63:0] rf_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rf_q <= '0;
    end else begin
      if (we_i && waddr_i != 5'd0)   rf_q[waddr_i]  <= wdata_i;
      if (we2_i && waddr2_i != 5'd0) rf_q[waddr2_i] <= wdata2_i;
    end
  end

  assign rdata_a_o = raddr_a_i == 5'd0 ? '0 : rf_q[raddr_a_i];
  assign rdata_b_o = raddr_b_i == 5'd0 ? '0 : rf_q[raddr_b_i];
  assign rdata_c_o = raddr_c_i == 5'd0 ? '0 : rf_q[raddr_c_i];
endmodule
