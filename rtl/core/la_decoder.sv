// Instruction decoder: one LA64 instruction word -> control (la_pkg::decoded_t).
// Decoding is hierarchical on the opcode fields, which is cheaper to simulate than matching every
// TSV entry; each leaf is the exact match/mask of ../shared/docs/la64-base-encodings.tsv.
// Anything without an implementation (FP, LVZ, dbcl (no debug mode), amcas, sc.q, invtlb op > 6,
// unknown words) decodes as `illegal`, which becomes INE at the commit point. Privileged instructions (spec-la64-lvz.md 2.3) carry `priv`: IPE at PLV != 0, even
// when they are also `illegal`.
module la_decoder import la_pkg::*; (
  input  logic [31:0] insn_i,
  output decoded_t    dec_o
);
  logic [4:0]  rd, rj;
  logic [63:0] si12, ui12, si14s2, offs16, offs21, offs26;
  logic [19:0] si20;

  assign rd     = insn_i[4:0];
  assign rj     = insn_i[9:5];
  assign si12   = {{52{insn_i[21]}}, insn_i[21:10]};
  assign ui12   = {52'd0, insn_i[21:10]};
  assign si14s2 = {{48{insn_i[23]}}, insn_i[23:10], 2'b00};
  assign si20   = insn_i[24:5];
  assign offs16 = {{46{insn_i[25]}}, insn_i[25:10], 2'b00};
  assign offs21 = {{41{insn_i[4]}}, insn_i[4:0], insn_i[25:10], 2'b00};
  assign offs26 = {{36{insn_i[9]}}, insn_i[9:0], insn_i[25:10], 2'b00};

  decoded_t d;

  // Field helpers: every instruction class sets its register usage through one of these.
  function automatic decoded_t op_3r(input decoded_t base, input alu_op_e op, input logic w);
    decoded_t r = base;
    r.rj_re  = 1'b1;
    r.rk_re  = 1'b1;
    r.rd_we  = 1'b1;
    r.alu_op = op;
    r.alu_w  = w;
    return r;
  endfunction

  function automatic decoded_t op_2r(input decoded_t base, input alu_op_e op, input logic w);
    decoded_t r = base;
    r.rj_re  = 1'b1;
    r.rd_we  = 1'b1;
    r.alu_op = op;
    r.alu_w  = w;
    return r;
  endfunction

  function automatic decoded_t op_ri(input decoded_t base, input alu_op_e op, input logic w,
                                     input logic [63:0] imm);
    decoded_t r = base;
    r.rj_re   = 1'b1;
    r.rd_we   = 1'b1;
    r.alu_op  = op;
    r.alu_w   = w;
    r.opb_imm = 1'b1;
    r.imm     = imm;
    return r;
  endfunction

  // Memory access with address rj + imm (or rj + rk when !use_imm)
  function automatic decoded_t op_mem(input decoded_t base, input mem_op_e op, input logic [1:0] size,
                                      input logic sext, input logic use_imm, input logic [63:0] imm);
    decoded_t r = base;
    r.rj_re    = 1'b1;
    r.rk_re    = !use_imm;
    r.opb_imm  = use_imm;
    r.imm      = imm;
    r.alu_op   = ALU_ADD;
    r.mem_en   = 1'b1;
    r.mem_op   = op;
    r.mem_size = size;
    r.mem_sext = sext;
    // stores and sc read the data from rd; loads, ll and sc write rd
    r.rd_re    = op inside {MEM_STORE, MEM_SC};
    r.rd_we    = op != MEM_STORE;
    return r;
  endfunction

  function automatic decoded_t op_br(input decoded_t base, input br_op_e op, input logic [63:0] offs);
    decoded_t r = base;
    r.br_op = op;
    r.imm   = offs;
    return r;
  endfunction

  always_comb begin
    d       = '0;
    d.wa    = rd;
    d.opa   = OPA_RJ;
    d.alu_op = ALU_ADD;
    d.mem_op = MEM_LOAD;
    d.amo_op = AMO_SWAP;
    d.md_op  = MD_MUL_W;
    d.br_op  = BR_NONE;
    d.bound  = BND_NONE;
    d.sys_op = SYS_NONE;
    d.pw_op  = PW_NONE;

    unique case (insn_i[31:26])
      6'b000000: begin
        unique case (insn_i[25:22])
          4'b0000: begin
            unique case (insn_i[21:15])
              7'd0: begin
                unique case (insn_i[14:10])
                  5'd4:  d = op_2r(d, ALU_CLO, 1'b1);
                  5'd5:  d = op_2r(d, ALU_CLZ, 1'b1);
                  5'd6:  d = op_2r(d, ALU_CTO, 1'b1);
                  5'd7:  d = op_2r(d, ALU_CTZ, 1'b1);
                  5'd8:  d = op_2r(d, ALU_CLO, 1'b0);
                  5'd9:  d = op_2r(d, ALU_CLZ, 1'b0);
                  5'd10: d = op_2r(d, ALU_CTO, 1'b0);
                  5'd11: d = op_2r(d, ALU_CTZ, 1'b0);
                  5'd12: d = op_2r(d, ALU_REVB2H, 1'b1);
                  5'd13: d = op_2r(d, ALU_REVB4H, 1'b0);
                  5'd14: d = op_2r(d, ALU_REVB2W, 1'b0);
                  5'd15: d = op_2r(d, ALU_REVBD, 1'b0);
                  5'd16: d = op_2r(d, ALU_REVH2W, 1'b0);
                  5'd17: d = op_2r(d, ALU_REVHD, 1'b0);
                  5'd18: d = op_2r(d, ALU_BITREV4B, 1'b1);
                  5'd19: d = op_2r(d, ALU_BITREV8B, 1'b0);
                  5'd20: d = op_2r(d, ALU_BITREVW, 1'b1);
                  5'd21: d = op_2r(d, ALU_BITREVD, 1'b0);
                  5'd22: d = op_2r(d, ALU_EXTH, 1'b0);
                  5'd23: d = op_2r(d, ALU_EXTB, 1'b0);
                  // rdtime*: rd <- counter + CNTC, rj <- TID (second write port). The rj write is
                  // not forwarded: it serialises instead (rare; compilers emit rj = r0).
                  5'd24, 5'd25, 5'd26: begin
                    d.rd_we  = 1'b1;
                    d.rd2_we = rj != 5'd0;
                    d.serial = rj != 5'd0;
                    d.sys_op = insn_i[11:10] == 2'd0 ? SYS_RDTIMEL :
                               insn_i[11:10] == 2'd1 ? SYS_RDTIMEH : SYS_RDTIMED;
                  end
                  5'd27: begin
                    d.rj_re  = 1'b1;
                    d.rd_we  = 1'b1;
                    d.sys_op = SYS_CPUCFG;
                  end
                  default: d.illegal = 1'b1;
                endcase
              end
              // asrtle.d / asrtgt.d (rd field must be 0)
              7'd2, 7'd3: begin
                d.rj_re   = 1'b1;
                d.rk_re   = 1'b1;
                d.bound   = insn_i[15] ? BND_GT : BND_LE;
                d.illegal = rd != 5'd0;
              end
              7'd8, 7'd9, 7'd10, 7'd11: d = op_3r(d, ALU_ALSL, 1'b1);       // alsl.w
              7'd12, 7'd13, 7'd14, 7'd15: begin                               // alsl.wu
                d = op_3r(d, ALU_ALSL, 1'b1);
                d.alu_wu = 1'b1;
              end
              7'd16, 7'd17, 7'd18, 7'd19: d = op_3r(d, ALU_BYTEPICKW, 1'b1);
              7'd24, 7'd25, 7'd26, 7'd27, 7'd28, 7'd29, 7'd30, 7'd31:
                d = op_3r(d, ALU_BYTEPICKD, 1'b0);
              7'd32: d = op_3r(d, ALU_ADD, 1'b1);
              7'd33: d = op_3r(d, ALU_ADD, 1'b0);
              7'd34: d = op_3r(d, ALU_SUB, 1'b1);
              7'd35: d = op_3r(d, ALU_SUB, 1'b0);
              7'd36: d = op_3r(d, ALU_SLT, 1'b0);
              7'd37: d = op_3r(d, ALU_SLTU, 1'b0);
              7'd38: d = op_3r(d, ALU_MASKEQZ, 1'b0);
              7'd39: d = op_3r(d, ALU_MASKNEZ, 1'b0);
              7'd40: d = op_3r(d, ALU_NOR, 1'b0);
              7'd41: d = op_3r(d, ALU_AND, 1'b0);
              7'd42: d = op_3r(d, ALU_OR, 1'b0);
              7'd43: d = op_3r(d, ALU_XOR, 1'b0);
              7'd44: d = op_3r(d, ALU_ORN, 1'b0);
              7'd45: d = op_3r(d, ALU_ANDN, 1'b0);
              7'd46: d = op_3r(d, ALU_SLL, 1'b1);
              7'd47: d = op_3r(d, ALU_SRL, 1'b1);
              7'd48: d = op_3r(d, ALU_SRA, 1'b1);
              7'd49: d = op_3r(d, ALU_SLL, 1'b0);
              7'd50: d = op_3r(d, ALU_SRL, 1'b0);
              7'd51: d = op_3r(d, ALU_SRA, 1'b0);
              7'd54: d = op_3r(d, ALU_ROTR, 1'b1);
              7'd55: d = op_3r(d, ALU_ROTR, 1'b0);
              // mul/mulh/mulw/div/mod: 56..71 in md_op_e order
              7'd56, 7'd57, 7'd58, 7'd59, 7'd60, 7'd61, 7'd62, 7'd63,
              7'd64, 7'd65, 7'd66, 7'd67, 7'd68, 7'd69, 7'd70, 7'd71: begin
                d = op_3r(d, ALU_ADD, 1'b0);
                d.md_en = 1'b1;
                d.md_op = md_op_e'(insn_i[18:15] - 4'd8);
              end
              // crc.w.{b,h,w,d}.w / crcc.w.{b,h,w,d}.w: size in [16:15]
              7'd72, 7'd73, 7'd74, 7'd75: begin
                d = op_3r(d, ALU_CRC, 1'b1);
                d.mem_size = insn_i[16:15];  // reused as the data width of the CRC step
              end
              7'd76, 7'd77, 7'd78, 7'd79: begin
                d = op_3r(d, ALU_CRCC, 1'b1);
                d.mem_size = insn_i[16:15];
              end
              7'd84: d.brk     = 1'b1;                                        // break
              7'd85: begin                                                    // dbcl
                d.priv    = 1'b1;
                d.illegal = 1'b1;  // no debug mode
              end
              7'd86: d.syscall = 1'b1;                                        // syscall
              7'd87: d.hvcl    = 1'b1;                                        // hvcl (LVZ)
              7'd88, 7'd89, 7'd90, 7'd91: d = op_3r(d, ALU_ALSL, 1'b0);       // alsl.d
              default: d.illegal = 1'b1;  // reserved
            endcase
          end
          4'b0001: begin
            if (insn_i[21]) begin
              // bstrins.w / bstrpick.w: msbw [20:16], lsbw [14:10]; lsb > msb is INE (as QEMU)
              d = op_2r(d, insn_i[15] ? ALU_BSTRPICK : ALU_BSTRINS, 1'b1);
              d.rd_re   = !insn_i[15];
              d.illegal = insn_i[14:10] > insn_i[20:16];
            end else begin
              unique casez (insn_i[21:15])
                7'd1:           d = op_ri(d, ALU_SLL, 1'b1, {59'd0, insn_i[14:10]});
                7'd2, 7'd3:     d = op_ri(d, ALU_SLL, 1'b0, {58'd0, insn_i[15:10]});
                7'd9:           d = op_ri(d, ALU_SRL, 1'b1, {59'd0, insn_i[14:10]});
                7'd10, 7'd11:   d = op_ri(d, ALU_SRL, 1'b0, {58'd0, insn_i[15:10]});
                7'd17:          d = op_ri(d, ALU_SRA, 1'b1, {59'd0, insn_i[14:10]});
                7'd18, 7'd19:   d = op_ri(d, ALU_SRA, 1'b0, {58'd0, insn_i[15:10]});
                7'd25:          d = op_ri(d, ALU_ROTR, 1'b1, {59'd0, insn_i[14:10]});
                7'd26, 7'd27:   d = op_ri(d, ALU_ROTR, 1'b0, {58'd0, insn_i[15:10]});
                default:        d.illegal = 1'b1;
              endcase
            end
          end
          4'b0010, 4'b0011: begin
            // bstrins.d / bstrpick.d: msbd [21:16], lsbd [15:10]
            d = op_2r(d, insn_i[22] ? ALU_BSTRPICK : ALU_BSTRINS, 1'b0);
            d.rd_re   = !insn_i[22];
            d.illegal = insn_i[15:10] > insn_i[21:16];
          end
          4'b1000: d = op_ri(d, ALU_SLT, 1'b0, si12);     // slti
          4'b1001: d = op_ri(d, ALU_SLTU, 1'b0, si12);    // sltui: signed immediate, unsigned compare
          4'b1010: d = op_ri(d, ALU_ADD, 1'b1, si12);     // addi.w
          4'b1011: d = op_ri(d, ALU_ADD, 1'b0, si12);     // addi.d
          4'b1100: d = op_ri(d, ALU_LU52I, 1'b0, si12);   // lu52i.d
          4'b1101: d = op_ri(d, ALU_AND, 1'b0, ui12);     // andi
          4'b1110: d = op_ri(d, ALU_OR, 1'b0, ui12);      // ori
          4'b1111: d = op_ri(d, ALU_XOR, 1'b0, ui12);     // xori
          default: d.illegal = 1'b1;                      // FP
        endcase
      end

      // Privileged group (spec-la64-lvz.md 6.2 "System / privileged"; LVZ rows 5.3)
      6'b000001: begin
        d.priv = 1'b1;
        if (!insn_i[25]) begin
          // [24] = 0: csr*; [24] = 1: gcsr* (root access to the guest bank, design.md 12.2)
          // csrrd (rj=0) / csrwr (rj=1) / csrxchg (rj>=2); writes serialise (CRMD, DMW, ... steer
          // the fetch, translation and privilege checks of younger instructions)
          d.rd_we  = 1'b1;
          d.rd_re  = rj != 5'd0;
          d.rj_re  = rj > 5'd1;
          d.serial = rj != 5'd0;
          d.sys_op = rj == 5'd0 ? SYS_CSRRD : rj == 5'd1 ? SYS_CSRWR : SYS_CSRXCHG;
          d.gcsr   = insn_i[24];
        end else if (insn_i[25:22] == 4'b1000) begin
          // cacop: no caches in this model, a no-op (in guest mode GCFG.GCI may trap it)
          d.cacop = 1'b1;
        end else if (insn_i[25:18] == 8'b1001_0010 && insn_i[17:13] == 5'd0) begin
          // iocsrrd.{b,h,w,d} / iocsrwr.{b,h,w,d}: address GR[rj], [12] = write, [11:10] = size
          d = op_mem(d, insn_i[12] ? MEM_STORE : MEM_LOAD, insn_i[11:10], 1'b1, 1'b1, '0);
          d.mem_en = 1'b0;
          d.io_en  = 1'b1;
        end else if (insn_i == 32'h0648_3800) begin
          d.sys_op = SYS_ERTN;
          d.serial = 1'b1;
        end else if (insn_i[25:15] == 11'b1001_0010_001) begin
          d.sys_op = SYS_IDLE;
          d.serial = 1'b1;
        end else if (insn_i[25:18] == 8'b1001_0000 ||
                     (insn_i[25:18] == 8'b1001_0001 && rd == 5'd0)) begin
          // lddir rd, rj, level / ldpte rj, seq: one physical 8-byte read from EX (design.md 9.4);
          // they serialise like every TLB instruction
          d.rj_re    = 1'b1;
          d.rd_we    = !insn_i[18];
          d.serial   = 1'b1;
          d.mem_size = SIZE_D;
          d.pw_op    = insn_i[18] ? PW_LDPTE : PW_LDDIR;
          d.sys_op   = insn_i[18] ? SYS_LDPTE : SYS_NONE;
        end else if (insn_i[31:10] >= 22'h19208 && insn_i[31:10] <= 22'h1920D && rj == 5'd0 &&
                     rd == 5'd0) begin
          // tlbclr, tlbflush, tlbsrch, tlbrd, tlbwr, tlbfill (0x06482000 + 0x400 * k)
          d.serial = 1'b1;
          unique case (insn_i[12:10])
            3'd0:    d.sys_op = SYS_TLBCLR;
            3'd1:    d.sys_op = SYS_TLBFLUSH;
            3'd2:    d.sys_op = SYS_TLBSRCH;
            3'd3:    d.sys_op = SYS_TLBRD;
            3'd4:    d.sys_op = SYS_TLBWR;
            default: d.sys_op = SYS_TLBFILL;
          endcase
        end else if (insn_i == 32'h0648_2401) begin
          d.serial = 1'b1;             // gtlbflush (the other gtlb* are INE: design.md 12.2)
          d.sys_op = SYS_GTLBFLUSH;
        end else if (insn_i[25:15] == 11'b1001_0010_011) begin
          // invtlb op, rj, rk: op > 6 is INE (after IPE, decided in EX)
          d.rj_re   = 1'b1;
          d.rk_re   = 1'b1;
          d.serial  = 1'b1;
          d.sys_op  = SYS_INVTLB;
          d.illegal = rd > 5'd6;
        end else begin
          d.priv    = 1'b0;   // reserved: plain INE
          d.illegal = 1'b1;
        end
      end

      6'b000100: d = op_ri(d, ALU_ADD, 1'b0, {{32{insn_i[25]}}, insn_i[25:10], 16'd0});  // addu16i.d
      6'b000101: begin
        d.rd_we   = 1'b1;
        d.opb_imm = 1'b1;
        if (!insn_i[25]) begin  // lu12i.w
          d.opa    = OPA_ZERO;
          d.imm    = {{32{si20[19]}}, si20, 12'd0};
        end else begin          // lu32i.d keeps rd[31:0]
          d.rd_re  = 1'b1;
          d.alu_op = ALU_LU32I;
          d.imm    = {{44{si20[19]}}, si20};
        end
      end
      6'b000110, 6'b000111: begin
        d.rd_we   = 1'b1;
        d.opb_imm = 1'b1;
        d.opa     = OPA_PC;
        unique case (insn_i[26:25])
          2'b00: d.imm = {{42{si20[19]}}, si20, 2'd0};              // pcaddi
          2'b01: begin                                              // pcalau12i
            d.imm    = {{32{si20[19]}}, si20, 12'd0};
            d.alu_op = ALU_PCALAU12I;
          end
          2'b10: d.imm = {{32{si20[19]}}, si20, 12'd0};             // pcaddu12i
          default: d.imm = {{26{si20[19]}}, si20, 18'd0};           // pcaddu18i
        endcase
      end

      // ll.w sc.w ll.d sc.d / ldptr.w stptr.w ldptr.d stptr.d: si14 << 2
      6'b001000: d = op_mem(d, insn_i[24] ? MEM_SC : MEM_LL, insn_i[25] ? SIZE_D : SIZE_W, 1'b1,
                            1'b1, si14s2);
      6'b001001: d = op_mem(d, insn_i[24] ? MEM_STORE : MEM_LOAD, insn_i[25] ? SIZE_D : SIZE_W,
                            1'b1, 1'b1, si14s2);

      6'b001010: begin
        unique case (insn_i[25:22])
          4'b0000, 4'b0001, 4'b0010, 4'b0011:                       // ld.{b,h,w,d}
            d = op_mem(d, MEM_LOAD, insn_i[23:22], 1'b1, 1'b1, si12);
          4'b0100, 4'b0101, 4'b0110, 4'b0111:                       // st.{b,h,w,d}
            d = op_mem(d, MEM_STORE, insn_i[23:22], 1'b0, 1'b1, si12);
          4'b1000, 4'b1001, 4'b1010:                                // ld.{bu,hu,wu}
            d = op_mem(d, MEM_LOAD, insn_i[23:22], 1'b0, 1'b1, si12);
          4'b1011: ;                                                // preld: a hint, no access
          default: d.illegal = 1'b1;                                // FP loads/stores
        endcase
      end

      6'b001110: begin
        unique casez (insn_i[25:15])
          // ldx.{b,h,w,d} stx.{b,h,w,d} ldx.{bu,hu,wu} preldx: [19:18] size
          11'b000_0000_0000, 11'b000_0000_1000, 11'b000_0001_0000, 11'b000_0001_1000:
            d = op_mem(d, MEM_LOAD, insn_i[19:18], 1'b1, 1'b0, '0);
          11'b000_0010_0000, 11'b000_0010_1000, 11'b000_0011_0000, 11'b000_0011_1000:
            d = op_mem(d, MEM_STORE, insn_i[19:18], 1'b0, 1'b0, '0);
          11'b000_0100_0000, 11'b000_0100_1000, 11'b000_0101_0000:
            d = op_mem(d, MEM_LOAD, insn_i[19:18], 1'b0, 1'b0, '0);
          11'b000_0101_1000: ;                                      // preldx
          // llacq.{w,d} / screl.{w,d} (LA v1.1): ll/sc with offset 0
          11'd175: begin
            unique case (insn_i[14:10])
              5'd0: d = op_mem(d, MEM_LL, SIZE_W, 1'b1, 1'b1, '0);
              5'd1: d = op_mem(d, MEM_SC, SIZE_W, 1'b1, 1'b1, '0);
              5'd2: d = op_mem(d, MEM_LL, SIZE_D, 1'b1, 1'b1, '0);
              5'd3: d = op_mem(d, MEM_SC, SIZE_D, 1'b1, 1'b1, '0);
              default: d.illegal = 1'b1;
            endcase
          end
          // amswap/amadd{,_db}.{b,h} (LA v1.1): 184..191; [17] = add, [15] = h
          11'd184, 11'd185, 11'd186, 11'd187, 11'd188, 11'd189, 11'd190, 11'd191: begin
            d = op_mem(d, MEM_AMO, {1'b0, insn_i[15]}, 1'b1, 1'b1, '0);
            d.rk_re       = 1'b1;
            d.mem_data_rk = 1'b1;
            d.amo_op      = insn_i[16] ? AMO_ADD : AMO_SWAP;
          end
          // am*{,_db}.{w,d}: 192..227, (idx mod 18) = 2*op + is_d
          11'b000_110?_????, 11'b000_1110_00??: begin
            logic [5:0] idx;
            logic [4:0] k;
            idx = 6'(insn_i[20:15]);           // 192..227 -> 0..35 (insn_i[25:21] = 6)
            k   = 5'(idx >= 6'd18 ? idx - 6'd18 : idx);
            d = op_mem(d, MEM_AMO, k[0] ? SIZE_D : SIZE_W, 1'b1, 1'b1, '0);
            d.rk_re       = 1'b1;
            d.mem_data_rk = 1'b1;
            d.amo_op      = amo_op_e'(k[4:1]);
          end
          11'd228, 11'd229: begin                                   // dbar / ibar
            // Memory is in order and single-copy, so dbar is a no-op; ibar re-fetches.
            if (insn_i[15]) d.br_op = BR_REFETCH;
          end
          // ldgt/ldle.{b,h,w,d} 240..247, stgt/stle 248..255: address rj, bound rk
          11'b000_1111_????: begin
            d = op_mem(d, insn_i[18] ? MEM_STORE : MEM_LOAD, insn_i[16:15], 1'b1, 1'b1, '0);
            d.rk_re = 1'b1;
            d.bound = insn_i[17] ? BND_LE : BND_GT;
          end
          default: d.illegal = 1'b1;  // FP indexed, amcas (no CAS at the memory port), sc.q
        endcase
      end

      6'b010000: begin d = op_br(d, BR_EQZ, offs21); d.rj_re = 1'b1; end
      6'b010001: begin d = op_br(d, BR_NEZ, offs21); d.rj_re = 1'b1; end
      6'b010011: begin                                              // jirl
        d = op_br(d, BR_JIRL, offs16);
        d.rj_re = 1'b1;
        d.rd_we = 1'b1;
        d.link  = 1'b1;
      end
      6'b010100: d = op_br(d, BR_B, offs26);
      6'b010101: begin                                              // bl
        d = op_br(d, BR_B, offs26);
        d.rd_we = 1'b1;
        d.wa    = 5'd1;
        d.link  = 1'b1;
      end
      6'b010110, 6'b010111, 6'b011000, 6'b011001, 6'b011010, 6'b011011: begin
        unique case (insn_i[31:26])
          6'b010110: d = op_br(d, BR_EQ, offs16);
          6'b010111: d = op_br(d, BR_NE, offs16);
          6'b011000: d = op_br(d, BR_LT, offs16);
          6'b011001: d = op_br(d, BR_GE, offs16);
          6'b011010: d = op_br(d, BR_LTU, offs16);
          default:   d = op_br(d, BR_GEU, offs16);
        endcase
        d.rj_re = 1'b1;
        d.rd_re = 1'b1;
      end
      default: d.illegal = 1'b1;
    endcase

    // r0 is never written; an illegal instruction has no side effects
    if (d.wa == 5'd0 || d.illegal) d.rd_we = 1'b0;
    if (d.illegal) begin
      d.rd2_we = 1'b0;
      d.serial = 1'b0;
      d.io_en  = 1'b0;
      d.mem_en = 1'b0;
      d.md_en  = 1'b0;
      d.br_op  = BR_NONE;
      d.sys_op = SYS_NONE;
      d.pw_op  = PW_NONE;
      d.bound  = BND_NONE;
    end
  end

  assign dec_o = d;

endmodule
