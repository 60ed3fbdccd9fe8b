// Per-core IOCSR space (architecture.md section 3; spec-la64-lvz.md section 4): the chip
// configuration words, the IPI block with its mailboxes, and the registers of the external interrupt
// controller (la_extioi, which owns their state). One access port per core, one-cycle latency; every
// core sees its own IPI block at the same offsets.
//
// Same-cycle accesses by several cores are serialised in core order through one next-state pass, so
// two IPI_SENDs to one target in a cycle both land and a SET racing a CLEAR is ordered; a read sees the
// writes of lower-numbered cores in the same cycle (as la_ram does, and as the reference model replays
// the trace: docs/design.md "IPI block rules and IOCSR hazards").
module la_iocsr import la_pkg::*; #(
  parameter int unsigned Cores = 1
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic [Cores-1:0]       req_i,
  input  logic [Cores-1:0]       we_i,
  input  logic [Cores-1:0][31:0] addr_i,
  input  logic [Cores-1:0][1:0]  size_i,
  input  logic [Cores-1:0][63:0] wdata_i,
  output logic [Cores-1:0][63:0] rdata_o,   // right-aligned, zero-extended; the core sign-extends
  output logic [Cores-1:0]       ipi_o,     // (STATUS & EN) != 0: drives ESTAT.IS[12]
  // external interrupt controller register port (addresses in its window)
  output logic [Cores-1:0]       eio_req_o,
  input  logic [Cores-1:0][63:0] eio_rdata_i
);
  logic [Cores-1:0][31:0]      status_q, status_d, en_q, en_d;
  logic [Cores-1:0][3:0][63:0] mbuf_q, mbuf_d;
  logic [Cores-1:0][63:0]      rdata_d;

  // Mail: write 32 bits into one half of a target's mailbox; mask bit k set = keep byte k.
  function automatic logic [63:0] mail_merge(input logic [63:0] box, input logic half,
                                             input logic [3:0] keep, input logic [31:0] data);
    logic [31:0] word;
    word = half ? box[63:32] : box[31:0];
    for (int b = 0; b < 4; b++) begin
`ifdef LACOSIM_BUG_MAIL_MASK_INVERTED  // planted bug (docs/design.md section 6): keep-mask inverted
      if (keep[b]) word[8*b +: 8] = data[8*b +: 8];
`else
      if (!keep[b]) word[8*b +: 8] = data[8*b +: 8];
`endif
    end
    return half ? {word, box[31:0]} : {box[63:32], word};
  endfunction

  // The window of la_extioi's registers (its read data comes back combinationally).
  logic [Cores-1:0] eio_sel;
  for (genvar c = 0; c < Cores; c++) begin : g_eio_sel
    assign eio_sel[c] = addr_i[c] >= IOCSR_EXTIOI_BASE && addr_i[c] < IOCSR_EXTIOI_END;
    assign eio_req_o[c] = req_i[c] && eio_sel[c];
  end

  always_comb begin
    status_d = status_q;
    en_d     = en_q;
    mbuf_d   = mbuf_q;
    rdata_d  = '0;
    for (int c = 0; c < Cores; c++) begin
      logic [31:0] a;
      logic [63:0] wd, rd;
      a         = addr_i[c];
      wd        = wdata_i[c] & size_mask(size_i[c]);
      rd        = '0;
      if (req_i[c] && !we_i[c]) begin
        unique casez (a)
          IOCSR_VERSION:  rd = IOCSR_VERSION_VALUE;
          IOCSR_FEATURES: rd = IOCSR_FEATURES_VALUE;
          IOCSR_VENDOR:   rd = IOCSR_VENDOR_VALUE;
          IOCSR_CPUNAME:  rd = IOCSR_CPUNAME_VALUE;
`ifdef LACOSIM_BUG_IOCSR_READ_STALE  // planted bug (docs/design.md section 6): reads miss same-cycle writes
          IOCSR_IPI_STATUS: rd = 64'(status_q[c]);
          IOCSR_IPI_EN:     rd = 64'(en_q[c]);
          32'h0000_102?, 32'h0000_103?: begin  // MBUF0-3, any naturally aligned part
            rd = mbuf_q[c][a[4:3]] >> {a[2:0], 3'b000};
          end
`else
          // the state so far in this pass: a read sees the same-cycle writes of lower-numbered cores,
          // like la_ram (docs/design.md 7.5)
          IOCSR_IPI_STATUS: rd = 64'(status_d[c]);
          IOCSR_IPI_EN:     rd = 64'(en_d[c]);
          32'h0000_102?, 32'h0000_103?: begin  // MBUF0-3, any naturally aligned part
            rd = mbuf_d[c][a[4:3]] >> {a[2:0], 3'b000};
          end
`endif
          default: rd = eio_sel[c] ? eio_rdata_i[c] : '0;
        endcase
        rdata_d[c] = rd & size_mask(size_i[c]);
      end
      if (req_i[c] && we_i[c]) begin
        unique casez (a)
          IOCSR_IPI_EN:    en_d[c]     = wd[31:0];
`ifdef LACOSIM_BUG_IPI_SET_OVERWRITES  // planted bug (docs/design.md section 6): SET replaces STATUS
          IOCSR_IPI_SET:   status_d[c] = wd[31:0];
`else
          IOCSR_IPI_SET:   status_d[c] = status_d[c] | wd[31:0];
`endif
`ifdef LACOSIM_BUG_IPI_CLEAR_ALL  // planted bug (docs/design.md section 6): CLEAR empties STATUS
          IOCSR_IPI_CLEAR: status_d[c] = '0;
`else
          IOCSR_IPI_CLEAR: status_d[c] = status_d[c] & ~wd[31:0];
`endif
          32'h0000_102?, 32'h0000_103?: begin
            logic [63:0] lane;
            lane = size_mask(size_i[c]) << {a[2:0], 3'b000};
            mbuf_d[c][a[4:3]] = (mbuf_d[c][a[4:3]] & ~lane) | ((wd << {a[2:0], 3'b000}) & lane);
          end
          IOCSR_IPI_SEND: begin
            // [25:16] target core, [4:0] vector; sends to absent cores are dropped
            if (32'(wd[25:16]) < Cores) begin
`ifdef LACOSIM_BUG_IPI_SET_OVERWRITES  // SEND replaces the target's STATUS too
              status_d[wd[25:16]] = 32'd1 << wd[4:0];
`else
              status_d[wd[25:16]] = status_d[wd[25:16]] | (32'd1 << wd[4:0]);
`endif
            end
          end
          IOCSR_MAIL_SEND: begin
            // [63:32] data, [30:27] byte keep-mask, [25:16] core, [4:2] box*2 + half
            if (32'(wd[25:16]) < Cores) begin
              mbuf_d[wd[25:16]][wd[4:3]] =
                  mail_merge(mbuf_d[wd[25:16]][wd[4:3]], wd[2], wd[30:27], wd[63:32]);
            end
          end
          default: ;  // read-only or unimplemented: ignored
        endcase
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      status_q <= '0;
      en_q     <= '0;
      mbuf_q   <= '0;
      rdata_o  <= '0;
    end else begin
      status_q <= status_d;
      en_q     <= en_d;
      mbuf_q   <= mbuf_d;
      for (int c = 0; c < Cores; c++) begin
        if (req_i[c] && !we_i[c]) rdata_o[c] <= rdata_d[c];
      end
    end
  end

  for (genvar c = 0; c < Cores; c++) begin : g_ipi
`ifdef LACOSIM_BUG_IPI_IGNORES_EN  // planted bug (docs/design.md section 6): the line ignores IPI_EN
    assign ipi_o[c] = |status_q[c];
`else
    assign ipi_o[c] = |(status_q[c] & en_q[c]);
`endif
  end
endmodule
