// The MTLB (docs/design.md section 9): Entries fully associative entries, two combinational lookup
// ports (fetch from IF, data from EX) and one maintenance port driven by the instruction committing
// in WB (tlbsrch, tlbrd, tlbwr, tlbfill, tlbclr, tlbflush, invtlb).
//
// Match (9.1): E and (G or ASID equal) and GID/guest bank equal to the current ones (0/root until
// LVZ) and VA[47:PS+1] = VPPN[47:PS+1]; the lowest matching index wins. Per entry the write also
// stores the compare mask of VPPN and the PPN mask of PS, so a lookup is a handful of word operations
// per entry. A lookup port only searches when its stage asks (a PG-mode access no DMW covers): in DA
// mode the loops are skipped, so direct-address simulation does not pay for the TLB.
//
// Fault order of a matching entry (9.2): V = 0 -> PIL/PIS/PIF; PLV (RPLV = 1: equal, else CRMD.PLV
// <= PLV) -> PPI; fetch and NX -> PNX; load and NR -> PNR; store and D = 0 and not MISC.DWPL[PLV]
// -> PME. No match -> EXC_TLBR (refill).
//
// LVZ (design.md 12.6): in guest mode (vm_i) a port translates twice: stage 1 (only when the stage
// asks, as in root mode) on guest-bank entries of GID gid_i with the guest ASID and PLV, then stage 2
// on the GPA (stage 1's PA, or VA[47:0] for a direct stage 1) on root-bank entries of GID gid_i with
// the root ASID, without PLV checks; *_s2_o marks a stage-2 fault (an exit, BADV = *_gpa_o). Guest
// lookups and guest maintenance see only the partition: the top part_num_i entries. Maintenance
// matches the GID/bank of the instruction (op_gid_i, op_guest_i): root tlbsrch/tlbclr/tlbflush bank 0,
// root invtlb both banks, gtlbflush bank 1; guest ones bank 1 in the partition.
//
// Fill rule (9.4): a 16-bit Galois LFSR (taps 0xB400) per core, reset to
// ((tlb_seed ^ 0x9E37 * (CoreId + 1)) & 0xFFFF) or 1 when that is 0; a committed tlbfill steps it and
// fills index s mod Entries.
module la_tlb import la_pkg::*; #(
  parameter int unsigned Entries = TLB_ENTRIES,
  parameter int unsigned CoreId  = 0
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic [15:0]             tlb_seed_i,   // low 16 bits of +tlb_seed (all the rule uses)
  // translation context (CSR state; stable while an access is in flight)
  input  logic [9:0]              asid_i,       // ASID.ASID
  input  logic                    vm_i,         // LVZ: guest mode, two-stage lookups
  input  logic [7:0]              gid_i,        // GSTAT.GID
  input  logic [9:0]              root_asid_i,  // the root ASID (stage 2)
  input  logic [5:0]              part_num_i,   // GTLBC.GMTLBNum: the guest partition's size
  input  logic [1:0]              plv_i,        // CRMD.PLV
  input  logic [2:0]              dwpl_i,       // MISC.DWPL0-2
  // fetch lookup (IF)
  input  logic                    if_req_i,     // stage 1 through the TLB
  input  logic                    if_s2_i,      // stage 2 (guest mode; stage 1 direct unless req)
  input  logic [47:0]             if_va_i,
  output logic                    if_exc_o,
  output exc_cause_e              if_cause_o,
  output logic [47:0]             if_pa_o,
  output logic                    if_s2_o,      // the fault is stage 2's
  output logic [47:0]             if_gpa_o,
  // data lookup (EX)
  input  logic                    ex_req_i,
  input  logic                    ex_s2_i,
  input  logic [47:0]             ex_va_i,
  input  tlb_access_e             ex_acc_i,     // ACC_LOAD or ACC_STORE
  output logic                    ex_exc_o,
  output exc_cause_e              ex_cause_o,
  output logic [47:0]             ex_pa_o,
  output logic                    ex_s2_o,
  output logic [47:0]             ex_gpa_o,
  // maintenance (WB commit point)
  input  tlb_op_e                 op_i,         // TLBOP_NONE unless such an instruction commits
  input  logic                    op_guest_i,   // it is a guest-mode instruction (12.6)
  input  logic [7:0]              op_gid_i,     // its GID: guest GSTAT.GID, root rgid
  input  logic [4:0]              inv_op_i,     // invtlb op (0-6)
  input  logic [9:0]              inv_asid_i,   // invtlb rj[9:0]
  input  logic [47:13]            op_vpn_i,     // tlbsrch: VPPN; invtlb: rk[47:13]
  input  logic [$clog2(Entries)-1:0] index_i,   // TLBIDX.Index mod Entries (tlbrd/tlbwr)
  input  tlb_entry_t              wentry_i,     // tlbwr/tlbfill: the entry to write
  output logic                    srch_hit_o,
  output logic [15:0]             srch_idx_o,
  output tlb_entry_t              rentry_o,     // tlbrd: entry index_i (G in both halves)
  output logic                    we_o,         // tlbwr/tlbfill writes entry widx_o (trace)
  output logic [15:0]             widx_o
);
  localparam int unsigned IdxW = $clog2(Entries);
  localparam logic [15:0] SeedMix = 16'((32'h9E37 * (CoreId + 1)) & 32'hFFFF);

  // Entry storage, split so that the match-relevant fields are plain words
  logic [Entries-1:0]       e_q, g_q, gbank_q;
  logic [47:13]             vppn_q  [Entries];
  logic [47:13]             vmask_q [Entries];  // VPPN bits the match compares: [47:PS+1]
  logic [47:12]             pmask_q [Entries];  // PA bits taken from the PPN: [47:PS]
  logic [5:0]               ps_q    [Entries];
  logic [9:0]               asid_q  [Entries];
  logic [7:0]               gid_q   [Entries];
  tlb_half_t                lo0_q   [Entries];
  tlb_half_t                lo1_q   [Entries];
  logic [15:0]              lfsr_q, lfsr_next;

  // PS < 12 is outside PRCFG2 (4 KiB is the smallest page): treated like 12 for the masks
  function automatic logic [47:13] vppn_mask(input logic [5:0] ps);
    logic [47:13] m;
    for (int b = 13; b <= 47; b++) m[b] = b > int'(ps);
    return m;
  endfunction

  function automatic logic [47:12] ppn_mask(input logic [5:0] ps);
    logic [47:12] m;
    for (int b = 12; b <= 47; b++) m[b] = b >= int'(ps);
    return m;
  endfunction

  // The guest partition: the top part_num_i entries (12.6)
  logic [Entries-1:0] part;
  for (genvar i = 0; i < Entries; i++) begin : g_part
    assign part[i] = 32'(i) >= 32'(Entries) - 32'(part_num_i);
  end

  // An entry of this GID and bank (a guest's entries also outside a partition the root shrank: 12.8)
  function automatic logic owner_match(input logic [IdxW-1:0] i, input logic [7:0] gid,
                                       input logic bank);
    return gid_q[i] == gid && gbank_q[i] == bank;
  endfunction

  function automatic logic entry_match(input logic [IdxW-1:0] i, input logic [47:13] vpn,
                                       input logic [9:0] asid, input logic [7:0] gid,
                                       input logic bank);
`ifdef LACOSIM_BUG_TLB_ASID_IGNORED  // planted bug (docs/design.md section 6): ASID never compared
    return e_q[i] && owner_match(i, gid, bank) &&
           ((vppn_q[i] ^ vpn) & vmask_q[i]) == '0 && (asid == asid || 1'b1);
`else
    return e_q[i] && (g_q[i] || asid_q[i] == asid) && owner_match(i, gid, bank) &&
           ((vppn_q[i] ^ vpn) & vmask_q[i]) == '0;
`endif
  endfunction

  // The result of a lookup whose lowest matching entry is idx
  function automatic logic [55:0] translate(input logic hit, input logic [IdxW-1:0] idx,
                                            input logic [47:0] va, input tlb_access_e acc,
                                            input logic s2);
    tlb_half_t  h;
    logic       odd, exc;
    exc_cause_e cause;
    logic [47:0] pa;
    odd = va[ps_q[idx] > 6'd47 ? 6'd47 : ps_q[idx]];
`ifdef LACOSIM_BUG_TLB_ODD_EVEN_SWAP  // planted bug (docs/design.md section 6): 16 KiB pages swap halves
    if (ps_q[idx] == 6'd14) odd = !odd;
`endif
    h     = odd ? lo1_q[idx] : lo0_q[idx];
    pa    = {(h.ppn & pmask_q[idx]) | (va[47:12] & ~pmask_q[idx]), va[11:0]};
    exc   = 1'b1;
    cause = EXC_TLBR;
    if (!hit)                                     cause = EXC_TLBR;
    else if (!h.v)                                cause = acc == ACC_FETCH ? EXC_PIF :
                                                          acc == ACC_LOAD  ? EXC_PIL : EXC_PIS;
    else if (!s2 && (h.rplv ? plv_i != h.plv : plv_i > h.plv)) cause = EXC_PPI;
    else if (acc == ACC_FETCH && h.nx)            cause = EXC_PNX;
    else if (acc == ACC_LOAD && h.nr)             cause = EXC_PNR;
`ifndef LACOSIM_BUG_TLB_NO_PME  // planted bug (docs/design.md section 6): stores to D=0 pages pass
    else if (acc == ACC_STORE && !h.d && (s2 || !(plv_i != 2'd3 && dwpl_i[plv_i])))
                                                  cause = EXC_PME;
`endif
    else                                          exc   = 1'b0;
    return {exc, cause, pa};
  endfunction

  // ---------------------------------------------------------------------------------------------
  // Lookup ports: search only when asked (DA mode and DMW accesses never ask)
  // Each port's result is one vector {exc, cause, pa}, computed only when the port is asked
  localparam logic [55:0] NoLookup = {1'b1, EXC_TLBR, 48'd0};
  logic [55:0] if_res, ex_res, if_s1, ex_s1, if_s2, ex_s2;

  // The lowest matching index wins (9.1), then the entry's half decides the fault or the PA (9.2).
  // Stage 1 (s2 = 0) searches the current mode's bank; stage 2 the root bank of the guest's GID.
  function automatic logic [55:0] lookup(input logic [47:0] va, input tlb_access_e acc, input logic s2);
    logic            hit;
    logic [IdxW-1:0] idx;
    hit = 1'b0;
    idx = '0;
    for (int i = Entries - 1; i >= 0; i--) begin
      if (entry_match(IdxW'(i), va[47:13], s2 ? root_asid_i : asid_i, vm_i ? gid_i : 8'd0,
                      vm_i && !s2)) begin
        hit = 1'b1;
        idx = IdxW'(i);
      end
    end
    return translate(hit, idx, va, acc, s2);
  endfunction

  // Stage 1 when asked (else the direct GPA = VA[47:0]), then stage 2 on its result in guest mode
  assign if_s1  = if_req_i ? lookup(if_va_i, ACC_FETCH, 1'b0) : {8'd0, if_va_i};
  assign ex_s1  = ex_req_i ? lookup(ex_va_i, ex_acc_i, 1'b0) : {8'd0, ex_va_i};
  assign if_s2  = if_s2_i && !if_s1[55] ? lookup(if_s1[47:0], ACC_FETCH, 1'b1) : NoLookup;
  assign ex_s2  = ex_s2_i && !ex_s1[55] ? lookup(ex_s1[47:0], ex_acc_i, 1'b1) : NoLookup;
  assign if_res = !if_req_i && !if_s2_i ? NoLookup : if_s2_i && !if_s1[55] ? if_s2 : if_s1;
  assign ex_res = !ex_req_i && !ex_s2_i ? NoLookup : ex_s2_i && !ex_s1[55] ? ex_s2 : ex_s1;

  assign if_exc_o   = if_res[55];
  assign if_cause_o = exc_cause_e'(if_res[54:48]);
  assign if_pa_o    = if_res[47:0];
  assign if_s2_o    = if_s2_i && !if_s1[55];
  assign if_gpa_o   = if_s1[47:0];
  assign ex_exc_o   = ex_res[55];
  assign ex_cause_o = exc_cause_e'(ex_res[54:48]);
  assign ex_pa_o    = ex_res[47:0];
  assign ex_s2_o    = ex_s2_i && !ex_s1[55];
  assign ex_gpa_o   = ex_s1[47:0];

  // ---------------------------------------------------------------------------------------------
  // Maintenance: tlbsrch and invtlb op 5/6 match a VA like a lookup (with ASID.ASID / rj[9:0])
  logic              srch, op_hit;
  logic [IdxW-1:0]   op_idx;
  logic [Entries-1:0] op_match;
  logic [9:0]        op_asid;

  assign srch    = op_i == TLBOP_SRCH || (op_i == TLBOP_INV && inv_op_i inside {5'd5, 5'd6});
  assign op_asid = op_i == TLBOP_INV ? inv_asid_i : asid_i;

  // Whose entries an operation sees (12.6): a guest instruction its own partition entries; the root
  // bank 0 of rgid, both banks for invtlb, bank 1 for gtlbflush
  function automatic logic op_owner(input logic [IdxW-1:0] i);
    if (op_guest_i)             return owner_match(i, op_gid_i, 1'b1);
    if (op_i == TLBOP_INV)      return gid_q[i] == op_gid_i;
    return gid_q[i] == op_gid_i && gbank_q[i] == (op_i == TLBOP_GFLUSH);
  endfunction

  always_comb begin
    op_hit   = 1'b0;
    op_idx   = '0;
    op_match = '0;
    if (srch) begin
      for (int i = Entries - 1; i >= 0; i--) begin
        // a guest's tlbsrch answers only from its partition (an index relative to it)
        op_match[i] = e_q[i] && (g_q[i] || asid_q[i] == op_asid) && op_owner(IdxW'(i)) &&
                      ((vppn_q[i] ^ op_vpn_i) & vmask_q[i]) == '0 &&
                      !(op_guest_i && op_i == TLBOP_SRCH && !part[i]);
        if (op_match[i]) begin
          op_hit = 1'b1;
          op_idx = IdxW'(i);
        end
      end
    end
  end

  // A guest's index i names entry Entries - N + (i mod N) of its partition of N entries (12.6)
  logic [IdxW:0]   pbase;
  logic [IdxW-1:0] ridx, gidx, fidx;
  logic            pempty;
  assign pbase  = (IdxW + 1)'(Entries) - (IdxW + 1)'(part_num_i);
  assign pempty = part_num_i == '0;
  assign gidx   = pempty ? '0 : IdxW'(pbase + (IdxW + 1)'(32'(index_i) % 32'(part_num_i)));
  assign fidx   = op_guest_i ? (pempty ? '0 : IdxW'(pbase + (IdxW + 1)'(32'(lfsr_next[IdxW-1:0]) %
                                                                 32'(part_num_i))))
                             // the root fills below the partition (all of the MTLB if it is the whole)
                             : pbase == '0 ? lfsr_next[IdxW-1:0] : IdxW'(32'(lfsr_next[IdxW-1:0]) % 32'(pbase));
  assign ridx   = op_guest_i ? gidx : index_i;

  assign srch_hit_o = op_hit;
  assign srch_idx_o = op_guest_i ? 16'(op_idx) - 16'(pbase) : 16'(op_idx);

  always_comb begin
    rentry_o        = '0;
    // a guest reads its own entries only: another's (or none, N = 0) reads as empty
    if (op_i == TLBOP_RD && !(op_guest_i && (pempty || !owner_match(ridx, op_gid_i, 1'b1)))) begin
      rentry_o.e      = e_q[ridx];
      rentry_o.vppn   = vppn_q[ridx];
      rentry_o.ps     = ps_q[ridx];
      rentry_o.g      = g_q[ridx];
      rentry_o.asid   = asid_q[ridx];
      rentry_o.gid    = gid_q[ridx];
      rentry_o.gbank  = gbank_q[ridx];
      rentry_o.lo0    = lo0_q[ridx];
      rentry_o.lo1    = lo1_q[ridx];
      rentry_o.lo0.g  = g_q[ridx];
      rentry_o.lo1.g  = g_q[ridx];
    end
  end

  // tlbwr writes Index, tlbfill the next LFSR state mod Entries
  assign lfsr_next = lfsr_q[0] ? (lfsr_q >> 1) ^ 16'hB400 : lfsr_q >> 1;
  assign we_o      = op_i inside {TLBOP_WR, TLBOP_FILL} && !(op_guest_i && pempty);
  logic [IdxW-1:0] widx;
  assign widx      = op_i == TLBOP_FILL ? fidx : ridx;
  assign widx_o    = we_o ? 16'(widx) : 16'd0;

  // invtlb: which entries an op invalidates (op 5/6 use the VA match above)
  function automatic logic inv_hit(input logic [IdxW-1:0] i);
    if (!op_owner(i)) return 1'b0;
    unique case (inv_op_i)
      5'd0, 5'd1: return 1'b1;
      5'd2:       return g_q[i];
      5'd3:       return !g_q[i];
      5'd4:       return !g_q[i] && asid_q[i] == inv_asid_i;
      5'd5:       return !g_q[i] && op_match[i];
      5'd6:       return op_match[i];
      default:    return 1'b0;  // op > 6 is INE: never committed
    endcase
  endfunction

  logic [15:0] lfsr_reset;
  assign lfsr_reset = (tlb_seed_i ^ SeedMix) == 16'd0 ? 16'd1 : tlb_seed_i ^ SeedMix;

  // Valid bits, G and the LFSR reset; the other fields of an entry with E = 0 are never looked at
  // (a lookup needs E, tlbrd of an E = 0 entry returns zeros), so they have no reset: written by
  // index only, which keeps the per-cycle cost of the array flops at a few word copies.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lfsr_q  <= lfsr_reset;
      e_q     <= '0;
      g_q     <= '0;
      gbank_q <= '0;
      for (int i = 0; i < Entries; i++) gid_q[i] <= '0;  // TRGP reads GID/bank of any entry (12.8)
    end else begin
      unique case (op_i)
        TLBOP_WR, TLBOP_FILL: begin
          if (op_i == TLBOP_FILL && we_o) lfsr_q <= lfsr_next;  // a fill that writes nothing: no step
          if (we_o) begin
            e_q[widx]     <= wentry_i.e;
            g_q[widx]     <= wentry_i.g;
            gbank_q[widx] <= wentry_i.gbank;
            gid_q[widx]   <= wentry_i.gid;
          end
        end
        TLBOP_CLR: begin
          for (int i = 0; i < Entries; i++) begin
            if (op_owner(IdxW'(i)) && !g_q[i] && asid_q[i] == asid_i) e_q[i] <= 1'b0;
          end
        end
        TLBOP_FLUSH, TLBOP_GFLUSH: begin
          for (int i = 0; i < Entries; i++) begin
            if (op_owner(IdxW'(i))) e_q[i] <= 1'b0;
          end
        end
        TLBOP_INV: begin
          for (int i = 0; i < Entries; i++) begin
            if (inv_hit(IdxW'(i))) e_q[i] <= 1'b0;
          end
        end
        default: ;
      endcase
    end
  end

  always_ff @(posedge clk_i) begin
    if (we_o) begin
      vppn_q[widx]  <= wentry_i.vppn;
      vmask_q[widx] <= vppn_mask(wentry_i.ps);
      pmask_q[widx] <= ppn_mask(wentry_i.ps);
      ps_q[widx]    <= wentry_i.ps;
      asid_q[widx]  <= wentry_i.asid;
      lo0_q[widx]   <= wentry_i.lo0;
      lo1_q[widx]   <= wentry_i.lo1;
    end
  end
endmodule
