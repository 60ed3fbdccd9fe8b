// External interrupt controller: an EXTIOI-style subset (architecture.md section 3) that routes
// level-sensitive device lines (the UART and lines the testbench drives) to the cores' HWI0-7 pins.
// Registers (IOCSR offsets, reached through la_iocsr; byte/half/word/double accesses):
//   EXTIOI_EN    0x1600  bit i enables source i
//   EXTIOI_ISR   0x1800  read-only: sources currently asserted and enabled
//   EXTIOI_IPMAP 0x14C0+i  byte per source: HWI pin number in [2:0]
//   EXTIOI_ROUTE 0x1C00+i  byte per source: bit c routes it to core c (several bits: every such core)
// Why a subset: Linux's EXTIOI has 256 sources, 32-source pin groups and bounce modes; our tests need
// per-source enable, status and routing to one core's chosen HWI, and nothing else.
module la_extioi import la_pkg::*; #(
  parameter int unsigned Cores   = 1,
  parameter int unsigned Sources = EXTIOI_SOURCES
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic [Sources-1:0]     src_i,
  input  logic [Cores-1:0]       req_i,
  input  logic [Cores-1:0]       we_i,
  input  logic [Cores-1:0][31:0] addr_i,
  input  logic [Cores-1:0][1:0]  size_i,
  input  logic [Cores-1:0][63:0] wdata_i,
  output logic [Cores-1:0][63:0] rdata_o,   // combinational; la_iocsr registers it
  output logic [Cores-1:0][7:0]  hwi_o
);
  logic [Sources-1:0]          en_q, en_d;
  logic [Sources-1:0][7:0]     ipmap_q, ipmap_d, route_q, route_d;
  logic [Sources-1:0]          pending;

  assign pending = src_i & en_q;

  // Byte view of the register file: reads and writes of any size are byte loops.
  function automatic logic [7:0] reg_byte(input logic [31:0] a, input logic [Sources-1:0] en,
                                          input logic [Sources-1:0][7:0] ipmap,
                                          input logic [Sources-1:0][7:0] route,
                                          input logic [Sources-1:0] isr);
    if (a >= IOCSR_EXTIOI_EN && a < IOCSR_EXTIOI_EN + Sources / 8)
      return 8'(en >> (8 * (a - IOCSR_EXTIOI_EN)));
    if (a >= IOCSR_EXTIOI_ISR && a < IOCSR_EXTIOI_ISR + Sources / 8)
      return 8'(isr >> (8 * (a - IOCSR_EXTIOI_ISR)));
    if (a >= IOCSR_EXTIOI_IPMAP && a < IOCSR_EXTIOI_IPMAP + Sources)
      return ipmap[a - IOCSR_EXTIOI_IPMAP];
    if (a >= IOCSR_EXTIOI_ROUTE && a < IOCSR_EXTIOI_ROUTE + Sources)
      return route[a - IOCSR_EXTIOI_ROUTE];
    return 8'h00;
  endfunction

  always_comb begin
    en_d    = en_q;
    ipmap_d = ipmap_q;
    route_d = route_q;
    rdata_o = '0;
    for (int c = 0; c < Cores; c++) begin
      for (int b = 0; b < 8; b++) begin
        logic [31:0] a;
        a = addr_i[c] + 32'(b);
        if (b < (1 << size_i[c]) && req_i[c]) begin
          if (!we_i[c]) begin
            rdata_o[c][8*b +: 8] = reg_byte(a, en_q, ipmap_q, route_q, pending);
          end else if (a >= IOCSR_EXTIOI_EN && a < IOCSR_EXTIOI_EN + Sources / 8) begin
            en_d[8*(a - IOCSR_EXTIOI_EN) +: 8] = wdata_i[c][8*b +: 8];
          end else if (a >= IOCSR_EXTIOI_IPMAP && a < IOCSR_EXTIOI_IPMAP + Sources) begin
            ipmap_d[a - IOCSR_EXTIOI_IPMAP] = wdata_i[c][8*b +: 8];
          end else if (a >= IOCSR_EXTIOI_ROUTE && a < IOCSR_EXTIOI_ROUTE + Sources) begin
            route_d[a - IOCSR_EXTIOI_ROUTE] = wdata_i[c][8*b +: 8];
          end
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      en_q    <= '0;
      ipmap_q <= '0;
      route_q <= '0;
    end else begin
      en_q    <= en_d;
      ipmap_q <= ipmap_d;
      route_q <= route_d;
    end
  end

  always_comb begin
    hwi_o = '0;
    for (int i = 0; i < Sources; i++) begin
      for (int c = 0; c < Cores; c++) begin
        if (pending[i] && route_q[i][c]) hwi_o[c][ipmap_q[i][2:0]] = 1'b1;
      end
    end
  end
endmodule
