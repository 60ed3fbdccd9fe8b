// Control and status registers, exception/interrupt entry and ertn (spec-la64-lvz.md sections 1-3).
// Everything here changes at the commit point (WB): a CSR access is ordered with everything older,
// and the instructions whose writes younger ones depend on (csrwr/csrxchg, ertn, idle) serialise
// the pipeline, so CSR state is stable for every instruction in flight.
//
// Implemented (reset value; writable fields): CRMD (0x08; PLV IE DA PG DATF DATM WE), PRMD (PPLV PIE
// PWE), EUEN ([3:0], no effect), MISC (VA32L/DRDTL/RPCNTL/DWPL; ALCL0-3 read 1: no unaligned access;
// only DRDTL acts), ECFG (LIE VS), ESTAT (IS[1:0]; IS[12:2] = IPI, TI, PMI = 0, HWI7-0 sampled every
// cycle; Ecode/EsubCode set by trap entry), ERA, BADV, BADI (read-only), EENTRY, CPUID (= CoreId),
// PRCFG1-3 (la_pkg), SAVE0-15, TID (= CoreId), TCFG/TVAL (la_timer), CNTC, TICLR, LLBCTL (ROLLB =
// llbit_i, WCLLB pulses ll_clear_o, KLO), DMW0-3, TLBRENTRY and the TLB/refill CSRs (TLBIDX, TLBEHI,
// TLBELO0/1, ASID (0x000A0000), PGDL, PGDH, PGD (read-only), PWCL, PWCH, STLBPS and RVACFG (storage
// only), TLBRBADV, TLBRERA, TLBRSAVE, TLBRELO0/1, TLBREHI, TLBRPRMD). Reset values the manual leaves
// undefined are 0. Unknown CSRs read 0 and ignore writes. 32-bit CSRs are sign-extended into rd
// (spec section 1; only BADI, TLBIDX, PWCL and TID can have bit 31 set).
//
// LVZ (design.md 12): the guest bank is this module again with Guest = 1: only the CSRs of
// la_pkg::csr_in_guest_bank exist in it (others read 0, ignore writes), it has its own timer, and
// its ESTAT.IS is composed from GINTC (hwi_i = VIP | PIP & HWI), its timer and a root-set IPI latch.
// host_i marks a root gcsr* access, which may also write guest ESTAT.IS[11]/[12] and TVAL. The root
// bank (Guest = 0) alone holds the LVZ CSRs (GSTAT with the mode bit VM, GCFG, GINTC, GCNTC, GTLBC,
// TRGP): its ertn enters guest mode from PVM (or TLBRPRMD[3] after a refill) and a trap it takes while
// VM = 1 is an exit (VM = 0, PVM = 1, TLBRPRMD[3] = 1 for a stage-2 refill).
//
// TLB side (design.md section 9): the TLB refill entry (9.3), BADV/TLBEHI of PIL..PPI, the CSR
// effects of tlbsrch/tlbrd/ldpte at commit, and the entry tlbwr/tlbfill write, taken from the refill
// registers (TLBREHI, TLBRELO0/1) while TLBRERA.IsTLBR = 1, else from TLBEHI, TLBIDX.PS, TLBELO0/1.
module la_csr import la_pkg::*; #(
  parameter int unsigned CoreId = 0,
  parameter bit          Guest  = 1'b0
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // interrupt lines (design.md 7.1), sampled into ESTAT.IS every cycle (guest bank: hwi from GINTC,
  // ipi unused)
  input  logic [7:0]       irq_hwi_i,
  input  logic             irq_ipi_i,
  input  logic             host_i,      // guest bank: the access is a root gcsr*
  input  logic [63:0]      cnt_offset_i, // added to the rdtime read-out (guest bank: GCNTC)
  // LL bit of this core (in the RAM)
  input  logic             llbit_i,
  output logic             ll_clear_o,
  // the instruction in WB commits (valid, no exception): its system operation
  input  logic             commit_i,
  input  sys_op_e          op_i,
  input  logic [13:0]      csr_num_i,
  input  logic [63:0]      rj_i,        // csrxchg write mask / cpucfg index
  input  logic [63:0]      rd_i,        // csrwr/csrxchg value; ldpte: the page size PS
  input  logic [63:0]      pte_i,       // ldpte: the page-table entry (read or built in EX)
  output logic [63:0]      rdata_o,     // the value written to rd
  output logic [63:0]      rdata2_o,    // rdtime*: the value written to rj (TID)
  output logic [63:0]      csr_wdata_o, // csrwr/csrxchg: the value presented to the CSR (design.md 7.2)
  // exception or interrupt entry of the instruction in WB
  input  logic             trap_i,
  input  logic             trap_int_i,
  input  exc_cause_e       trap_cause_i,
  input  logic [63:0]      trap_pc_i,
  input  logic [63:0]      trap_badv_i,
  input  logic [31:0]      trap_insn_i,
  input  logic             trap_fetch_i,   // a fetch-stage fault: there is no instruction word
  output logic [63:0]      trap_vector_o,  // handler address of trap_int_i/trap_cause_i
  output logic [63:0]      ertn_pc_o,
  // state for the pipeline
  output logic [1:0]       plv_o,
  output logic             ie_o,
  output logic             da_o,
  output logic [3:0][63:0] dmw_o,
  output logic             rdtime_ipe_o,   // MISC.DRDTL of the current PLV
  output logic [12:0]      is_o,           // ESTAT.IS this cycle
  output logic             int_req_o,      // CRMD.IE && (IS & LIE) != 0
  output logic             wake_o,         // (IS & LIE) != 0: ends idle
  output logic [3:0]       int_no_o,       // the highest pending enabled line (spec 2.2 priority)
  // TLB (la_tlb): translation context, page-walk configuration and the maintenance port
  output logic [9:0]       asid_o,         // ASID.ASID
  output logic [2:0]       dwpl_o,         // MISC.DWPL0-2
  output logic [29:0]      pwcl_o,         // PWCL without PTEWidth (design.md 9.4: taken as 0)
  output logic [23:0]      pwch_o,
  output logic [63:0]      tlbrbadv_o,
  output logic [TLB_IDX_W-1:0] tlb_index_o,  // TLBIDX.Index mod TLB_ENTRIES
  output logic [47:13]     tlb_srch_vpn_o, // tlbsrch: VPPN (TLBREHI while IsTLBR)
  output tlb_entry_t       tlb_wentry_o,   // tlbwr/tlbfill
  input  logic             tlb_srch_hit_i,
  input  logic [15:0]      tlb_srch_idx_i,
  input  tlb_entry_t       tlb_rentry_i,   // tlbrd
  // LVZ state (root bank; the guest bank drives 0)
  output logic             vm_o,           // GSTAT.VM: executing in guest mode
  output logic             pvm_o,
  output logic [7:0]       gid_o,          // GSTAT.GID
  output logic [63:0]      gcfg_o,
  output logic [15:0]      gintc_o,        // VIP, PIP
  output logic [63:0]      gcntc_o,
  output logic [23:0]      gtlbc_o
);
  // Writable fields
  localparam logic [63:0] FM_CRMD   = 64'h3FF;
  localparam logic [63:0] FM_PRMD   = 64'hF;
  localparam logic [63:0] FM_EUEN   = 64'hF;
  localparam logic [63:0] FM_MISC   = 64'h0007_0EEE;
  localparam logic [63:0] RO_MISC   = 64'h0000_F000;     // ALCL0-3
  localparam logic [63:0] FM_ECFG   = 64'h0007_1FFF;
  localparam logic [63:0] FM_ESTAT  = 64'h3;
  localparam logic [63:0] FM_PAGE   = 64'hFFFF_FFFF_FFFF_F000;
  localparam logic [63:0] FM_TLBIDX = 64'hBF00_0FFF;
  localparam logic [63:0] FM_TLBEHI = 64'h0000_FFFF_FFFF_E000;
  localparam logic [63:0] FM_TLBELO = 64'hE000_FFFF_FFFF_F07F;
  localparam logic [63:0] FM_ASID   = 64'h3FF;
  localparam logic [63:0] FM_PWCL   = 64'hFFFF_FFFF;
  localparam logic [63:0] FM_PWCH   = 64'h00FF_FFFF;
  localparam logic [63:0] FM_STLBPS = 64'h3F;
  localparam logic [63:0] FM_RVACFG = 64'hF;
  localparam logic [63:0] FM_TID    = 64'hFFFF_FFFF;
  localparam logic [63:0] FM_TCFG   = 64'((1 << TIMER_BITS) - 1);
  localparam logic [63:0] FM_LLBCTL = 64'h4;             // KLO; WCLLB is a write-1 pulse
  localparam logic [63:0] FM_TLBRENTRY = 64'h0000_FFFF_FFFF_F000;
  localparam logic [63:0] FM_TLBRERA = 64'hFFFF_FFFF_FFFF_FFFD;
  localparam logic [63:0] FM_TLBREHI = 64'h0000_FFFF_FFFF_E03F;
  localparam logic [63:0] FM_TLBRPRMD = 64'h17;          // [3] (root: a refill from guest mode) is RO
  localparam logic [63:0] FM_GSTAT  = 64'h00FF_0002;     // PVM, GID (VM, GIDBITS read-only)
  localparam logic [63:0] FM_GCFG   = 64'h0030_AAB0;     // MATC SIT TIT TOE TOP TORU GCI
  localparam logic [63:0] FM_GINTC  = 64'h00FF_FFFF;     // VIP PIP HC
  localparam logic [63:0] FM_GTLBC  = 64'h00FF_303F;     // GMTLBNum USETGID TOTI TGID
  localparam logic [63:0] FM_ESTAT_HOST = 64'h1803;      // root gcsr*: SWI, guest TI and IPI
  localparam logic [63:0] FM_TVAL_HOST  = 64'((1 << TIMER_BITS) - 1);
  localparam logic [63:0] FM_DMW    = 64'hF000_0000_0000_003F;

  logic [9:0]                crmd_q;
  logic [63:0]               prmd_q, euen_q, misc_q, ecfg_q, era_q, badv_q, eentry_q;
  logic [1:0]                swi_q;
  logic [5:0]                ecode_q;
  logic [8:0]                esub_q;
  logic [31:0]               badi_q;
  logic [63:0]               tlbidx_q, tlbehi_q, tlbelo0_q, tlbelo1_q, asid_q, pgdl_q, pgdh_q;
  logic [63:0]               pwcl_q, pwch_q, stlbps_q, rvacfg_q, tid_q, cntc_q;
  logic [63:0]               tlbrentry_q, tlbrbadv_q, tlbrera_q, tlbrsave_q, tlbrelo0_q, tlbrelo1_q;
  logic [63:0]               tlbrehi_q, tlbrprmd_q;
  logic [NUM_SAVE-1:0][63:0] save_q;
  logic [3:0][63:0]          dmw_q;
  logic                      klo_q;
  // LVZ (root bank only)
  logic                      vm_q, pvm_q, gipi_q, trgp_gtlb_q;
  logic [7:0]                gid_q, trgp_rid_q;
  logic [63:0]               gcfg_q, gcntc_q;
  logic [23:0]               gintc_q, gtlbc_q;

  logic [63:0]           counter;
  logic [TIMER_BITS-1:0] tcfg, tval;
  logic                  ti;
  logic [12:0]           is, pending;

  logic        is_save, is_dmw, sext32, write, ertn;
  logic [63:0] raw, fmask, wmask, wnew, cur;

  assign is_save = csr_num_i[13:4] == CSR_SAVE0[13:4];
  assign is_dmw  = csr_num_i[13:2] == CSR_DMW0[13:2];

  // ---------------------------------------------------------------------------------------------
  // Read: the raw value of the addressed CSR and its writable fields
  always_comb begin
    raw    = '0;
    fmask  = '0;
    sext32 = 1'b0;
    if (is_save) begin
      raw   = save_q[csr_num_i[3:0]];
      fmask = '1;
    end else if (is_dmw) begin
      raw   = dmw_q[csr_num_i[1:0]];
      fmask = FM_DMW;
    end else begin
      unique case (csr_num_i)
        CSR_CRMD:   begin raw = 64'(crmd_q);              fmask = FM_CRMD;   end
        CSR_PRMD:   begin raw = prmd_q;                   fmask = FM_PRMD;   end
        CSR_EUEN:   begin raw = euen_q;                   fmask = FM_EUEN;   end
        CSR_MISC:   begin raw = misc_q | RO_MISC;         fmask = FM_MISC;   end
        CSR_ECFG:   begin raw = ecfg_q;                   fmask = FM_ECFG;   end
        CSR_ESTAT:  begin
          raw   = {33'd0, esub_q, ecode_q, 3'd0, is};
          fmask = FM_ESTAT;
        end
        CSR_ERA:    begin raw = era_q;                    fmask = '1;        end
        CSR_BADV:   begin raw = badv_q;                   fmask = '1;        end
        CSR_BADI:   begin raw = 64'(badi_q);              sext32 = 1'b1;     end
        CSR_EENTRY: begin raw = eentry_q;                 fmask = FM_PAGE;   end
        CSR_TLBIDX: begin raw = tlbidx_q; fmask = FM_TLBIDX; sext32 = 1'b1;  end
        CSR_TLBEHI: begin
          raw   = {{(64 - PALEN){tlbehi_q[PALEN-1]}}, tlbehi_q[PALEN-1:0]};
          fmask = FM_TLBEHI;
        end
        CSR_TLBELO0: begin raw = tlbelo0_q;               fmask = FM_TLBELO; end
        CSR_TLBELO1: begin raw = tlbelo1_q;               fmask = FM_TLBELO; end
        CSR_ASID:   begin raw = asid_q | ASID_RESET;      fmask = FM_ASID;   end
        CSR_PGDL:   begin raw = pgdl_q;                   fmask = FM_PAGE;   end
        CSR_PGDH:   begin raw = pgdh_q;                   fmask = FM_PAGE;   end
        // PGD: the base for the MSB of the current bad VA (TLBRBADV inside a TLB refill)
        CSR_PGD:    raw = (tlbrera_q[0] ? tlbrbadv_q[63] : badv_q[63]) ? pgdh_q : pgdl_q;
        CSR_PWCL:   begin raw = pwcl_q;   fmask = FM_PWCL;   sext32 = 1'b1;  end
        CSR_PWCH:   begin raw = pwch_q;                   fmask = FM_PWCH;   end
        CSR_STLBPS: begin raw = stlbps_q;                 fmask = FM_STLBPS; end
        CSR_RVACFG: begin raw = rvacfg_q;                 fmask = FM_RVACFG; end
        CSR_CPUID:  raw = 64'(CoreId);
        CSR_PRCFG1: raw = PRCFG1_VAL;
        CSR_PRCFG2: raw = PRCFG2_VAL;
        CSR_PRCFG3: raw = PRCFG3_VAL;
        CSR_TID:    begin raw = tid_q;    fmask = FM_TID;    sext32 = 1'b1;  end
        CSR_TCFG:   begin raw = 64'(tcfg);                fmask = FM_TCFG;   end
        CSR_TVAL:   raw = 64'(tval);
        CSR_CNTC:   begin raw = cntc_q;                   fmask = '1;        end
        CSR_TICLR:  raw = '0;
        CSR_LLBCTL: begin raw = {61'd0, klo_q, 1'b0, llbit_i}; fmask = FM_LLBCTL; end
        CSR_TLBRENTRY: begin raw = tlbrentry_q;           fmask = FM_TLBRENTRY; end
        CSR_TLBRBADV: begin raw = tlbrbadv_q;             fmask = '1;        end
        CSR_TLBRERA:  begin raw = tlbrera_q;              fmask = FM_TLBRERA; end
        CSR_TLBRSAVE: begin raw = tlbrsave_q;             fmask = '1;        end
        CSR_TLBRELO0: begin raw = tlbrelo0_q;             fmask = FM_TLBELO; end
        CSR_TLBRELO1: begin raw = tlbrelo1_q;             fmask = FM_TLBELO; end
        CSR_TLBREHI:  begin raw = tlbrehi_q;              fmask = FM_TLBREHI; end
        CSR_TLBRPRMD: begin raw = tlbrprmd_q;             fmask = FM_TLBRPRMD; end
        CSR_GSTAT:  begin raw = GSTAT_RESET | 64'({gid_q, 14'd0, pvm_q, vm_q}); fmask = FM_GSTAT; end
        CSR_GCFG:   begin raw = gcfg_q | GCFG_RO;         fmask = FM_GCFG;   end
        CSR_GINTC:  begin raw = 64'(gintc_q);             fmask = FM_GINTC;  end
        CSR_GCNTC:  begin raw = gcntc_q;                  fmask = '1;        end
        CSR_GTLBC:  begin raw = 64'(gtlbc_q);             fmask = FM_GTLBC;  end
        CSR_TRGP:   raw = 64'({trgp_rid_q, 15'd0, trgp_gtlb_q});
        default: ;
      endcase
    end
    if (Guest && host_i && csr_num_i == CSR_ESTAT) fmask = FM_ESTAT_HOST;
    if (Guest && host_i && csr_num_i == CSR_TVAL)  fmask = FM_TVAL_HOST;
    if (Guest && !csr_in_guest_bank(csr_num_i)) begin
      raw    = '0;
      fmask  = '0;
      sext32 = 1'b0;
    end
  end

  function automatic logic [63:0] sext_if(input logic [63:0] v, input logic s);
    return s ? {{32{v[31]}}, v[31:0]} : v;
  endfunction

  assign cur = sext_if(raw, sext32);

  // csrwr writes every writable field; csrxchg only those its mask rj selects
  assign write = commit_i && op_i inside {SYS_CSRWR, SYS_CSRXCHG};
  assign wmask = (op_i == SYS_CSRXCHG ? rj_i : '1) & fmask;
  assign wnew  = (raw & ~wmask) | (rd_i & wmask);

  // What the instruction presents, before read-only fields drop it: the only way the trace can show
  // a write-1 to a self-clearing field (TICLR.CLR, LLBCTL.WCLLB).
  assign csr_wdata_o = op_i == SYS_CSRXCHG ? (rd_i & rj_i) | (cur & ~rj_i) : rd_i;

  logic [63:0] time_v;
  assign time_v   = counter + cntc_q + cnt_offset_i;  // CNTC (and GCNTC) compensate the read-out only
  assign rdata2_o = sext_if(tid_q, 1'b1);

  always_comb begin
    unique case (op_i)
      SYS_RDTIMEL: rdata_o = {{32{time_v[31]}}, time_v[31:0]};
      SYS_RDTIMEH: rdata_o = {{32{time_v[63]}}, time_v[63:32]};
      SYS_RDTIMED: rdata_o = time_v;
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
      default:     rdata_o = cur;  // csrrd/csrwr/csrxchg return the old value
    endcase
  end

  // ---------------------------------------------------------------------------------------------
  // Timer and interrupt lines
  logic ti_host_we;  // root gcsr* write reaching guest ESTAT.IS[11]
  assign ti_host_we = Guest && host_i && write && csr_num_i == CSR_ESTAT && wmask[IRQ_TI];
  la_timer u_timer (
    .clk_i,
    .rst_ni,
    .tcfg_we_i    (write && csr_num_i == CSR_TCFG),
    .tcfg_wdata_i (wnew[TIMER_BITS-1:0]),
    .ticlr_i      ((write && csr_num_i == CSR_TICLR && (op_i != SYS_CSRXCHG || rj_i[0]) && rd_i[0]) ||
                   (ti_host_we && !wnew[IRQ_TI])),
    .ti_set_i     (ti_host_we && wnew[IRQ_TI]),
    .tval_we_i    (Guest && host_i && write && csr_num_i == CSR_TVAL),
    .tval_wdata_i (wnew[TIMER_BITS-1:0]),
`ifdef LACOSIM_BUG_GUEST_TIMER_STOPS_IN_ROOT  // planted bug (design.md 6): guest TVAL frozen in root mode
    .count_i      (!(Guest && host_i)),  // host_i = root mode for the guest bank (la_core)
`else
    .count_i      (1'b1),
`endif
    .counter_o    (counter),
    .tcfg_o       (tcfg),
    .tval_o       (tval),
    .ti_o         (ti)
  );

  assign is      = {Guest ? gipi_q : irq_ipi_i, ti, 1'b0, irq_hwi_i, swi_q};
`ifdef LACOSIM_BUG_IRQ_HWI_IGNORES_LIE  // planted bug (docs/design.md section 6): HWI0-7 never masked
  assign pending = is & {ecfg_q[12:10], 8'hFF, ecfg_q[1:0]};
`else
  assign pending = is & ecfg_q[12:0];
`endif
  // idle wakes on (IS & LIE) != 0 whatever CRMD.IE says (architecture.md 4.6)
`ifdef LACOSIM_BUG_IDLE_WAKE_IGNORES_LIE  // planted bug (docs/design.md section 6): a masked line ends idle
  assign wake_o    = is != '0;
`elsif LACOSIM_BUG_IDLE_WAKE_LATE  // planted bug (docs/design.md section 6): idle ends 16 cycles late
  logic [4:0] wake_age_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)             wake_age_q <= '0;
    else if (pending == '0)  wake_age_q <= '0;
    else if (!wake_age_q[4]) wake_age_q <= wake_age_q + 5'd1;
  end
  assign wake_o    = wake_age_q[4];
`else
  assign wake_o    = pending != '0;
`endif
`ifdef LACOSIM_BUG_GUEST_IRQ_LATE  // planted bug (design.md 6): the guest bank requests 128 cycles late
  logic [7:0] late_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                                   late_q <= '0;
    else if (!(crmd_q[CRMD_IE] && pending != '0)) late_q <= '0;
    else if (!late_q[7])                           late_q <= late_q + 8'd1;
  end
  assign int_req_o = crmd_q[CRMD_IE] && pending != '0 && (!Guest || late_q[7]);
`else
  assign int_req_o = crmd_q[CRMD_IE] && pending != '0;
`endif
  always_comb begin
    int_no_o = '0;
    for (int i = 0; i < 13; i++) begin
      if (pending[i]) int_no_o = 4'(i);
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Trap entry (spec 2.3): the handler is EENTRY, or with ECFG.VS != 0 EENTRY + code * 2^(VS+2)
  // where interrupts use code 64 + int number
  logic [6:0]  vec_code;
  logic [2:0]  vs;
  assign vs       = ecfg_q[18:16];
  assign vec_code = trap_int_i ? {3'b100, int_no_o} : {1'b0, trap_cause_i[5:0]};
  logic refill;
  assign refill        = !trap_int_i && trap_cause_i == EXC_TLBR;
  assign trap_vector_o = refill ? tlbrentry_q :
                         vs == 3'd0 ? eentry_q : eentry_q + (64'(vec_code) << (vs + 3'd2));
  assign ertn_pc_o     = tlbrera_q[0] ? {tlbrera_q[63:2], 2'b00} : era_q;
  assign ertn          = commit_i && op_i == SYS_ERTN;

  // ertn clears the LL bit unless LLBCTL.KLO; writing LLBCTL.WCLLB = 1 clears it
  assign ll_clear_o = (ertn && !klo_q) ||
                      (write && csr_num_i == CSR_LLBCTL && (op_i != SYS_CSRXCHG || rj_i[1]) && rd_i[1]);

  logic badv_we, badi_we, tlbehi_we;
  assign tlbehi_we = !trap_int_i && trap_cause_i inside {EXC_PIL, EXC_PIS, EXC_PIF, EXC_PME, EXC_PNR,
                                                         EXC_PNX, EXC_PPI};
  assign badv_we   = tlbehi_we || (!trap_int_i && trap_cause_i inside {EXC_ADEF, EXC_ADEM, EXC_ALE});
  // A failed fetch has no word; a refill writes only the TLBR* registers (QEMU: no BADI either)
  // GCHC neither (spec-la64-lvz.md 1: BADI is written for every synchronous exception but INT/GCHC/MERR)
  assign badi_we   = !trap_int_i && !trap_fetch_i && !refill && trap_cause_i != EXC_GCHC;

  // ---------------------------------------------------------------------------------------------
  // TLB maintenance (design.md 9.4)
  logic        in_refill, tlbsrch, tlbrd, ldpte;
  logic [63:0] elo0, elo1, pte;
  assign in_refill = tlbrera_q[0];
  assign elo0      = in_refill ? tlbrelo0_q : tlbelo0_q;
  assign elo1      = in_refill ? tlbrelo1_q : tlbelo1_q;
  // Built only when a tlbwr/tlbfill commits (it is a wide word: simulation speed)
  always_comb begin
    tlb_wentry_o = '0;
    if (commit_i && op_i inside {SYS_TLBWR, SYS_TLBFILL}) begin
      tlb_wentry_o.e    = in_refill || !tlbidx_q[31];
      tlb_wentry_o.vppn = in_refill ? tlbrehi_q[47:13] : tlbehi_q[47:13];
      tlb_wentry_o.ps   = in_refill ? tlbrehi_q[5:0] : tlbidx_q[29:24];
      tlb_wentry_o.asid = asid_q[9:0];
      tlb_wentry_o.lo0  = elo_to_half(elo0);
      tlb_wentry_o.lo1  = elo_to_half(elo1);
      tlb_wentry_o.g    = elo0[6] & elo1[6];
    end
  end
  assign tlb_srch_vpn_o = in_refill ? tlbrehi_q[47:13] : tlbehi_q[47:13];
  assign tlb_index_o   = tlbidx_q[TLB_IDX_W-1:0];
  assign tlbsrch       = commit_i && op_i == SYS_TLBSRCH;
  assign tlbrd         = commit_i && op_i == SYS_TLBRD;
  assign ldpte         = commit_i && op_i == SYS_LDPTE;
  assign pte           = pte_i & FM_TLBELO;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      crmd_q      <= CRMD_RESET;
      prmd_q      <= '0;
      euen_q      <= '0;
      misc_q      <= '0;
      ecfg_q      <= '0;
      swi_q       <= '0;
      ecode_q     <= '0;
      esub_q      <= '0;
      era_q       <= '0;
      badv_q      <= '0;
      badi_q      <= '0;
      eentry_q    <= '0;
      tlbidx_q    <= '0;
      tlbehi_q    <= '0;
      tlbelo0_q   <= '0;
      tlbelo1_q   <= '0;
      asid_q      <= '0;
      pgdl_q      <= '0;
      pgdh_q      <= '0;
      pwcl_q      <= '0;
      pwch_q      <= '0;
      stlbps_q    <= '0;
      rvacfg_q    <= '0;
      save_q      <= '0;
      tid_q       <= 64'(CoreId);
      cntc_q      <= '0;
      klo_q       <= 1'b0;
      tlbrentry_q <= '0;
      tlbrbadv_q  <= '0;
      tlbrera_q   <= '0;
      tlbrsave_q  <= '0;
      tlbrelo0_q  <= '0;
      tlbrelo1_q  <= '0;
      tlbrehi_q   <= '0;
      tlbrprmd_q  <= '0;
      dmw_q       <= '0;
      vm_q        <= 1'b0;
      pvm_q       <= 1'b0;
      gid_q       <= '0;
      gipi_q      <= 1'b0;
      gcfg_q      <= '0;
      gintc_q     <= '0;
      gcntc_q     <= '0;
      gtlbc_q     <= 24'(GTLBC_RESET_NUM);
      trgp_gtlb_q <= 1'b0;
      trgp_rid_q  <= '0;
    end else if (trap_i && refill) begin
      // TLB refill (design.md 9.3): ESTAT, ERA, BADV, BADI and PRMD are untouched; from guest mode
      // it is a stage-2 miss: an exit that remembers the mode for its ertn (12.5)
      tlbrprmd_q        <= {59'd0, crmd_q[CRMD_WE], vm_q, crmd_q[CRMD_IE], crmd_q[1:0]};
      if (vm_q) begin
        vm_q  <= 1'b0;
        pvm_q <= 1'b1;
      end
      crmd_q[1:0]       <= 2'd0;
      crmd_q[CRMD_IE]   <= 1'b0;
      crmd_q[CRMD_WE]   <= 1'b0;
      crmd_q[CRMD_DA]   <= 1'b1;
      crmd_q[CRMD_PG]   <= 1'b0;
      tlbrera_q         <= {trap_pc_i[63:2], 2'b01};
      tlbrbadv_q        <= trap_badv_i;
      tlbrehi_q[47:13]  <= trap_badv_i[47:13];
    end else if (trap_i) begin
      prmd_q        <= {60'd0, crmd_q[CRMD_WE], crmd_q[CRMD_IE], crmd_q[1:0]};
      if (tlbehi_we) tlbehi_q[47:13] <= trap_badv_i[47:13];
      crmd_q[1:0]     <= 2'd0;
      crmd_q[CRMD_IE] <= 1'b0;
      crmd_q[CRMD_WE] <= 1'b0;
      era_q         <= trap_pc_i;
      ecode_q       <= trap_int_i ? 6'd0 : trap_cause_i[5:0];
      esub_q        <= trap_int_i ? 9'd0 : {8'd0, trap_cause_i[6]};
      if (badv_we) badv_q <= trap_badv_i;
`ifdef LACOSIM_BUG_EXIT_BADI_STALE  // planted bug (design.md 6): an exit from guest mode does not latch BADI
      if (badi_we && !vm_q) badi_q <= trap_insn_i;
`else
      if (badi_we) badi_q <= trap_insn_i;
`endif
      if (vm_q) begin  // an exit (root bank only: the guest bank's vm_q is 0)
        vm_q  <= 1'b0;
        pvm_q <= 1'b1;
      end
    end else if (ertn) begin
`ifdef LACOSIM_BUG_ERTN_IGNORES_PVM  // planted bug (design.md 6): ertn never enters guest mode
      if (!Guest) vm_q <= tlbrera_q[0] ? tlbrprmd_q[3] : 1'b0;
`else
      if (!Guest) vm_q <= tlbrera_q[0] ? tlbrprmd_q[3] : pvm_q;
`endif
      if (tlbrera_q[0]) begin
        // return from a TLB refill: TLBRPRMD, back to mapped mode
        crmd_q[1:0]     <= tlbrprmd_q[1:0];
        crmd_q[CRMD_IE] <= tlbrprmd_q[2];
        crmd_q[CRMD_WE] <= tlbrprmd_q[4];
        crmd_q[CRMD_DA] <= 1'b0;
        crmd_q[CRMD_PG] <= 1'b1;
        tlbrera_q[0]    <= 1'b0;
      end else begin
        crmd_q[1:0]     <= prmd_q[1:0];
        crmd_q[CRMD_IE] <= prmd_q[2];
        crmd_q[CRMD_WE] <= prmd_q[3];
      end
      klo_q <= 1'b0;
    end else if (tlbsrch) begin
      if (tlb_srch_hit_i) tlbidx_q <= {tlbidx_q[63:32], 1'b0, tlbidx_q[30:16], tlb_srch_idx_i};
      else                tlbidx_q[31] <= 1'b1;
    end else if (tlbrd) begin
      // E = 0: everything reads 0 and NE = 1, also ASID.ASID (QEMU)
      tlbidx_q[31]    <= !tlb_rentry_i.e;
      tlbidx_q[29:24] <= tlb_rentry_i.e ? tlb_rentry_i.ps : 6'd0;
      tlbehi_q        <= tlb_rentry_i.e ? {16'd0, tlb_rentry_i.vppn, 13'd0} : '0;
      tlbelo0_q       <= tlb_rentry_i.e ? half_to_elo(tlb_rentry_i.lo0) : '0;
      tlbelo1_q       <= tlb_rentry_i.e ? half_to_elo(tlb_rentry_i.lo1) : '0;
      asid_q          <= tlb_rentry_i.e ? {54'd0, tlb_rentry_i.asid} : '0;
      if (!Guest) begin  // TRGP: whose entry the root read (12.6)
        trgp_gtlb_q <= tlb_rentry_i.gbank || tlb_rentry_i.gid != '0;
        trgp_rid_q  <= tlb_rentry_i.gid;
      end
    end else if (ldpte) begin
      // seq != 0 (insn[17:10]) fills the odd half; rd_i carries the PS EX worked out
      if (csr_num_i[7:0] != 8'd0) tlbrelo1_q <= pte;
      else                        tlbrelo0_q <= pte;
      tlbrehi_q[5:0] <= rd_i[5:0];
    end else if (write) begin
      if (is_save) save_q[csr_num_i[3:0]] <= wnew;
      if (is_dmw)  dmw_q[csr_num_i[1:0]]  <= wnew & FM_DMW;
      unique case (csr_num_i)
        CSR_CRMD:      crmd_q      <= wnew[9:0];
        CSR_PRMD:      prmd_q      <= wnew & FM_PRMD;
        CSR_EUEN:      euen_q      <= wnew & FM_EUEN;
        CSR_MISC:      misc_q      <= wnew & FM_MISC;
        CSR_ECFG:      ecfg_q      <= wnew & FM_ECFG;
        CSR_ESTAT: begin
          swi_q <= wnew[1:0];
          if (Guest && host_i) gipi_q <= wnew[IRQ_IPI];
        end
        CSR_ERA:       era_q       <= wnew;
        CSR_BADV:      badv_q      <= wnew;
        CSR_EENTRY:    eentry_q    <= wnew & FM_PAGE;
        CSR_TLBIDX:    tlbidx_q    <= wnew & FM_TLBIDX;
        CSR_TLBEHI:    tlbehi_q    <= wnew & FM_TLBEHI;
        CSR_TLBELO0:   tlbelo0_q   <= wnew & FM_TLBELO;
        CSR_TLBELO1:   tlbelo1_q   <= wnew & FM_TLBELO;
        CSR_ASID:      asid_q      <= wnew & FM_ASID;
        CSR_PGDL:      pgdl_q      <= wnew & FM_PAGE;
        CSR_PGDH:      pgdh_q      <= wnew & FM_PAGE;
        CSR_PWCL:      pwcl_q      <= wnew & FM_PWCL;
        CSR_PWCH:      pwch_q      <= wnew & FM_PWCH;
        CSR_STLBPS:    stlbps_q    <= wnew & FM_STLBPS;
        CSR_RVACFG:    rvacfg_q    <= wnew & FM_RVACFG;
        CSR_TID:       tid_q       <= wnew & FM_TID;
        CSR_CNTC:      cntc_q      <= wnew;
        CSR_LLBCTL:    klo_q       <= wnew[2];
        CSR_TLBRENTRY: tlbrentry_q <= wnew & FM_TLBRENTRY;
        CSR_TLBRBADV:  tlbrbadv_q  <= wnew;
        CSR_TLBRERA:   tlbrera_q   <= wnew & FM_TLBRERA;
        CSR_TLBRSAVE:  tlbrsave_q  <= wnew;
        CSR_TLBRELO0:  tlbrelo0_q  <= wnew & FM_TLBELO;
        CSR_TLBRELO1:  tlbrelo1_q  <= wnew & FM_TLBELO;
        CSR_TLBREHI:   tlbrehi_q   <= wnew & FM_TLBREHI;
        CSR_TLBRPRMD:  tlbrprmd_q  <= wnew & FM_TLBRPRMD;
        CSR_GSTAT: begin
          pvm_q <= wnew[1];
          gid_q <= wnew[23:16];
        end
        CSR_GCFG:      gcfg_q      <= wnew & FM_GCFG;
        CSR_GINTC:     gintc_q     <= wnew[23:0];
        CSR_GCNTC:     gcntc_q     <= wnew;
        CSR_GTLBC: begin  // GMTLBNum above the MTLB size stores the MTLB size
          gtlbc_q       <= wnew[23:0] & FM_GTLBC[23:0];
          if (wnew[5:0] > 6'(TLB_ENTRIES)) gtlbc_q[5:0] <= 6'(TLB_ENTRIES);
        end
        default: ;     // read-only, timer (la_timer) or unknown
      endcase
    end
  end

  assign plv_o        = crmd_q[1:0];
  assign ie_o         = crmd_q[CRMD_IE];
  assign da_o         = crmd_q[CRMD_DA];
  assign dmw_o        = dmw_q;
  assign rdtime_ipe_o = crmd_q[1:0] != 2'd0 && misc_q[4 + crmd_q[1:0]];
  assign is_o         = is;
  assign asid_o       = asid_q[9:0];
  assign dwpl_o       = misc_q[18:16];
  assign pwcl_o       = pwcl_q[29:0];
  assign pwch_o       = pwch_q[23:0];
  assign tlbrbadv_o   = tlbrbadv_q;
  assign vm_o         = vm_q;
  assign pvm_o        = pvm_q;
  assign gid_o        = gid_q;
  assign gcfg_o       = gcfg_q;
  assign gintc_o      = gintc_q[15:0];
  assign gcntc_o      = gcntc_q;
  assign gtlbc_o      = gtlbc_q;
endmodule
