// Instruction fetch. The instruction memory answers one cycle after the request (design.md section
// 1), so the fetch address of a cycle is the PC of the instruction that sits in ID the next cycle:
// this stage only chooses that address and remembers it as the ID stage's PC.
//   - a WB flush (trap entry, ertn, interrupt, a serialising instruction) fetches nothing in its
//     own cycle and refetches from its target in the next one, so the fetch already sees the CSR
//     state (PLV, DA/PG, DMW) the flushing instruction wrote at the end of its cycle,
//   - after `idle` the refetch waits while sleeping, until an interrupt line is pending and enabled
//     (architecture.md 4.6; the WB/EX stages then take it if CRMD.IE = 1),
//   - a taken branch/jump resolved in EX redirects,
//   - a stalled ID re-fetches its own PC, so the word it holds is valid again next cycle (the port
//     does not promise to hold its output),
//   - otherwise fetch sequentially.
// Fetch translation (design.md 9.2): direct-address mode (CRMD.DA=1) uses VA[47:0] for every VA; in
// mapped mode (PG) DMW0/DMW1 first (PA = VA[47:0]), else a non-canonical PC is ADEF, else the TLB's
// fetch port (refill, PIF, PPI, PNX). A misaligned PC is ADEF. A faulting fetch issues no request,
// ID sees the word 0, and the fault (id_fcause_o) travels with the instruction to WB.
// Guest mode (design.md 12.6): every fetch also goes through stage 2 (la_tlb); a stage-2 fault
// exits to the root (id_froot_o) with BADV = the GPA, which then rides in id_pc_pa_o.
module la_if_stage import la_pkg::*; (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [63:0] boot_addr_i,
  input  logic        flush_i,        // WB flush: refetch from flush_pc_i, starting next cycle
  input  logic [63:0] flush_pc_i,
  input  logic        sleep_i,        // with flush_i: `idle` committed, hold the refetch
  input  logic        wake_i,         // (ESTAT.IS & ECFG.LIE) != 0
  input  logic        redirect_i,
  input  logic [63:0] redirect_pc_i,
  input  logic        stall_i,        // ID keeps its instruction
  input  logic        vm_i,           // guest mode: stage 2 for every fetch
  input  logic        da_i,           // CRMD.DA
  input  logic [1:0]  plv_i,
  input  logic [1:0][63:0] dmw_i,     // DMW0, DMW1 (the fetch windows)
  // TLB fetch lookup (la_tlb)
  output logic        tlb_req_o,
  output logic        tlb_s2_o,
  output logic [47:0] tlb_va_o,
  input  logic        tlb_exc_i,
  input  exc_cause_e  tlb_cause_i,
  input  logic [47:0] tlb_pa_i,
  input  logic        tlb_s2_i,       // the fault is stage 2's
  input  logic [47:0] tlb_gpa_i,
  output logic        imem_req_o,
  output logic [63:0] imem_addr_o,
  output logic        id_valid_o,     // the word on imem_rdata_i is an instruction at id_pc_o
  output logic [63:0] id_pc_o,
  output logic        id_fexc_o,      // ... or the fetch of id_pc_o faulted
  output exc_cause_e  id_fcause_o,    // ADEF, EXC_TLBR, PIF, PPI, PNX
  output logic        id_froot_o,     // ... a stage-2 fault: it exits to the root
  output logic [63:0] id_pc_pa_o      // physical address of the word (0 after a fault)
);
  logic        boot_q, refetch_q, sleep_q, fetch, fexc_d, aligned, direct, canonical, tlb_used;
  logic        id_valid_q, id_valid_d, id_fexc_q, froot_d, id_froot_q;
  exc_cause_e  fcause_d, id_fcause_q;
  logic [47:0] pa_d;
  logic [63:0] id_pc_q, id_pc_d, refetch_pc_q, id_pc_pa_q;

  always_comb begin
    fetch      = 1'b1;
    id_valid_d = 1'b1;
    id_pc_d    = id_pc_q + 64'd4;
    if (flush_i || (sleep_q && !wake_i)) begin
      fetch      = 1'b0;
      id_valid_d = 1'b0;
      id_pc_d    = id_pc_q;
    end else if (refetch_q) begin
      id_pc_d    = refetch_pc_q;
    end else if (redirect_i) begin
      id_pc_d    = redirect_pc_i;
    end else if (boot_q) begin
      id_pc_d    = boot_addr_i;
    end else if (stall_i) begin
      id_pc_d    = id_pc_q;
      id_valid_d = id_valid_q;
    end
  end

  assign aligned   = id_pc_d[1:0] == 2'b00;
  assign direct    = da_i || dmw_hit(dmw_i[0], id_pc_d[63:60], plv_i) ||
                     dmw_hit(dmw_i[1], id_pc_d[63:60], plv_i);
  assign canonical = va_canonical(id_pc_d[63:47]);
  assign tlb_req_o = fetch && aligned && !direct && canonical;
  assign tlb_s2_o  = fetch && aligned && vm_i && (direct || canonical);
  assign tlb_used  = tlb_req_o || tlb_s2_o;
  assign tlb_va_o  = id_pc_d[47:0];
  assign fexc_d    = !aligned || (!direct && !canonical) || (tlb_used && tlb_exc_i);
  assign fcause_d  = !aligned || (!direct && !canonical) ? EXC_ADEF : tlb_cause_i;
  assign froot_d   = aligned && tlb_used && tlb_exc_i && tlb_s2_i;
  assign pa_d      = tlb_used ? tlb_pa_i : id_pc_d[PALEN-1:0];

  assign imem_req_o  = fetch && !fexc_d;
  assign imem_addr_o = {{(64 - PALEN){1'b0}}, pa_d};  // pa_d[1:0] = 0 whenever a request leaves

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      boot_q       <= 1'b1;
      refetch_q    <= 1'b0;
      refetch_pc_q <= '0;
      sleep_q      <= 1'b0;
      id_valid_q   <= 1'b0;
      id_fexc_q    <= 1'b0;
      id_froot_q   <= 1'b0;
      id_fcause_q  <= EXC_ADEF;
      id_pc_pa_q   <= '0;
      id_pc_q      <= '0;
    end else begin
      boot_q     <= 1'b0;
      id_valid_q <= id_valid_d;
      id_fexc_q  <= id_valid_d && fexc_d;
      id_fcause_q <= fcause_d;
      id_froot_q <= froot_d;
      // after a fault 0, except a stage-2 fault: the GPA (its BADV; la_ex_stage clears it)
      id_pc_pa_q <= froot_d ? {{(64 - PALEN){1'b0}}, tlb_gpa_i} :
                    fexc_d ? '0 : {{(64 - PALEN){1'b0}}, pa_d};
      id_pc_q    <= id_pc_d;
      if (flush_i) begin
        refetch_q    <= 1'b1;
        refetch_pc_q <= flush_pc_i;
        sleep_q      <= sleep_i;
      end else if (sleep_q) begin
        sleep_q      <= !wake_i;
        refetch_q    <= !wake_i;
      end else begin
        refetch_q    <= 1'b0;
      end
    end
  end

  assign id_valid_o = id_valid_q;
  assign id_pc_o    = id_pc_q;
  assign id_fexc_o  = id_fexc_q;
  assign id_fcause_o = id_fcause_q;
  assign id_froot_o = id_froot_q;
  assign id_pc_pa_o = id_pc_pa_q;
endmodule
