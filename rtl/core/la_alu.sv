// Single-cycle integer ALU (spec-la64-lvz.md section 6.3). `.w` operations compute on [31:0] and
// sign-extend the 32-bit result (alsl.wu zero-extends); this is applied once, at the end.
// Costly operations (counts, bit reversal, CRC) live inside their case branch so that Verilator only
// evaluates the one selected.
module la_alu import la_pkg::*; (
  input  alu_op_e     op_i,
  input  logic        w_i,      // .w variant
  input  logic        wu_i,     // alsl.wu: zero-extend the 32-bit result
  input  logic [31:0] insn_i,   // sa2/sa3, msb/lsb fields
  input  logic [1:0]  crc_size_i,
  input  logic [63:0] a_i,      // rj, pc or 0
  input  logic [63:0] b_i,      // rk or immediate
  input  logic [63:0] c_i,      // rd (lu32i.d, bstrins)
  output logic [63:0] result_o
);
  function automatic logic [63:0] sext32(input logic [31:0] v);
    return {{32{v[31]}}, v};
  endfunction

  // Count leading ones of the top `n` bits of v (v left-aligned)
  function automatic logic [63:0] count_lead(input logic [63:0] v, input logic ones, input int n);
    logic [6:0] cnt = 7'd0;
    logic       run = 1'b1;
    for (int i = 63; i >= 0; i--) begin
      if (i >= 64 - n && run && v[i] == ones) cnt = cnt + 7'd1;
      else if (i >= 64 - n) run = 1'b0;
    end
    return 64'(cnt);
  endfunction

  function automatic logic [63:0] count_trail(input logic [63:0] v, input logic ones, input int n);
    logic [6:0] cnt = 7'd0;
    logic       run = 1'b1;
    for (int i = 0; i < 64; i++) begin
      if (i < n && run && v[i] == ones) cnt = cnt + 7'd1;
      else if (i < n) run = 1'b0;
    end
    return 64'(cnt);
  endfunction

  function automatic logic [63:0] bitrev_bytes(input logic [63:0] v);
    logic [63:0] r;
    for (int i = 0; i < 64; i++) r[i] = v[(i & ~7) + 7 - (i & 7)];
    return r;
  endfunction

  function automatic logic [63:0] bitrev64(input logic [63:0] v);
    logic [63:0] r;
    for (int i = 0; i < 64; i++) r[i] = v[63 - i];
    return r;
  endfunction

  // Reflected CRC-32 step over the low (8 << size) bits of data, as QEMU's helper_crc32(c):
  // no pre/post inversion; the old CRC comes from rk, the data from rj.
  function automatic logic [31:0] crc32_step(input logic [31:0] crc_in, input logic [63:0] data,
                                             input logic [1:0] size, input logic [31:0] poly);
    logic [31:0] crc = crc_in;
    for (int i = 0; i < 64; i++) begin
      if (i < (8 << size)) crc = (crc >> 1) ^ ((crc[0] ^ data[i]) ? poly : 32'd0);
    end
    return crc;
  endfunction

  logic [5:0]  sh;
  logic [63:0] res, mask;
  logic [5:0]  msb, lsb;
  logic [1:0]  sa2;
  logic [2:0]  sa3;

  assign sh  = w_i ? {1'b0, b_i[4:0]} : b_i[5:0];
  assign msb = w_i ? {1'b0, insn_i[20:16]} : insn_i[21:16];
  assign lsb = w_i ? {1'b0, insn_i[14:10]} : insn_i[15:10];
  assign sa2 = insn_i[16:15];
  assign sa3 = insn_i[17:15];

  always_comb begin
    mask = '0;
    unique case (op_i)
      ALU_ADD:       res = a_i + b_i;
      ALU_SUB:       res = a_i - b_i;
      ALU_SLT:       res = 64'($signed(a_i) < $signed(b_i));
`ifdef LACOSIM_BUG_SLTU_SIGNED  // planted bug (docs/design.md section 6): sltu compares signed
      ALU_SLTU:      res = 64'($signed(a_i) < $signed(b_i));
`else
      ALU_SLTU:      res = 64'(a_i < b_i);
`endif
      ALU_AND:       res = a_i & b_i;
      ALU_OR:        res = a_i | b_i;
      ALU_XOR:       res = a_i ^ b_i;
      ALU_NOR:       res = ~(a_i | b_i);
      ALU_ANDN:      res = a_i & ~b_i;
      ALU_ORN:       res = a_i | ~b_i;
      ALU_MASKEQZ:   res = (b_i == '0) ? '0 : a_i;
      ALU_MASKNEZ:   res = (b_i != '0) ? '0 : a_i;
      ALU_SLL:       res = a_i << sh;
      ALU_SRL:       res = w_i ? 64'(a_i[31:0] >> sh) : a_i >> sh;
      ALU_SRA:       res = w_i ? 64'($signed(a_i[31:0]) >>> sh) : 64'($signed(a_i) >>> sh);
      ALU_ROTR: begin
        if (w_i) res = {a_i[31:0], a_i[31:0]} >> sh;  // low half is the rotation
        else     res = (a_i >> sh) | (a_i << (7'd64 - 7'(sh)));
      end
      ALU_ALSL:      res = (a_i << (3'(sa2) + 3'd1)) + b_i;  // sa2 holds shift - 1
      ALU_PCALAU12I: res = (a_i + b_i) & ~64'hfff;
      ALU_LU32I:     res = {b_i[31:0], c_i[31:0]};
      ALU_LU52I:     res = {b_i[11:0], a_i[51:0]};
      ALU_EXTB:      res = {{56{a_i[7]}}, a_i[7:0]};
      ALU_EXTH:      res = {{48{a_i[15]}}, a_i[15:0]};
      ALU_CLO:       res = count_lead(w_i ? {a_i[31:0], 32'd0} : a_i, 1'b1, w_i ? 32 : 64);
      ALU_CLZ:       res = count_lead(w_i ? {a_i[31:0], 32'd0} : a_i, 1'b0, w_i ? 32 : 64);
      ALU_CTO:       res = count_trail(a_i, 1'b1, w_i ? 32 : 64);
      ALU_CTZ:       res = count_trail(a_i, 1'b0, w_i ? 32 : 64);
      ALU_REVB2H:    res = {32'd0, a_i[23:16], a_i[31:24], a_i[7:0], a_i[15:8]};
      ALU_REVB4H:    res = {a_i[55:48], a_i[63:56], a_i[39:32], a_i[47:40],
                            a_i[23:16], a_i[31:24], a_i[7:0], a_i[15:8]};
      ALU_REVB2W:    res = {a_i[39:32], a_i[47:40], a_i[55:48], a_i[63:56],
                            a_i[7:0], a_i[15:8], a_i[23:16], a_i[31:24]};
      ALU_REVBD:     res = {a_i[7:0], a_i[15:8], a_i[23:16], a_i[31:24],
                            a_i[39:32], a_i[47:40], a_i[55:48], a_i[63:56]};
      ALU_REVH2W:    res = {a_i[47:32], a_i[63:48], a_i[15:0], a_i[31:16]};
      ALU_REVHD:     res = {a_i[15:0], a_i[31:16], a_i[47:32], a_i[63:48]};
      ALU_BITREV4B, ALU_BITREV8B: res = bitrev_bytes(a_i);
      ALU_BITREVW:   res = bitrev64({a_i[31:0], 32'd0});
      ALU_BITREVD:   res = bitrev64(a_i);
      ALU_BYTEPICKW: res = 64'({b_i[31:0], a_i[31:0]} >> (6'd32 - {sa2, 3'b000}));
      ALU_BYTEPICKD: res = (sa3 == 3'd0) ? b_i
                                         : (b_i << {sa3, 3'b000}) | (a_i >> (7'd64 - {sa3, 3'b000}));
      ALU_BSTRINS: begin
        mask = ({64{1'b1}} << lsb) & ({64{1'b1}} >> (6'd63 - msb));
        res  = (c_i & ~mask) | ((a_i << lsb) & mask);
      end
      ALU_BSTRPICK: begin
        mask = ({64{1'b1}} << lsb) & ({64{1'b1}} >> (6'd63 - msb));
        res  = (a_i & mask) >> lsb;
      end
      ALU_CRC:       res = {32'd0, crc32_step(b_i[31:0], a_i, crc_size_i, 32'hEDB8_8320)};
      ALU_CRCC:      res = {32'd0, crc32_step(b_i[31:0], a_i, crc_size_i, 32'h82F6_3B78)};
      default:       res = a_i + b_i;
    endcase
  end

  assign result_o = !w_i ? res : wu_i ? {32'd0, res[31:0]} : sext32(res[31:0]);

endmodule
