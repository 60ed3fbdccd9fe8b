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
// Fetch translation (spec-la64-lvz.md section 1): direct-address mode (CRMD.DA=1) uses VA[47:0]; in
// mapped mode (PG) only DMW0/DMW1 serve fetches. There is no TLB yet: a PG-mode fetch no fetch window
// covers, which would be a TLB refill, raises ADEF instead, like a fetch from a misaligned PC. Such a
// fetch issues no request, and ID sees the word 0.
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
  input  logic        da_i,           // CRMD.DA
  input  logic [1:0]  plv_i,
  input  logic [1:0][63:0] dmw_i,     // DMW0, DMW1 (the fetch windows)
  output logic        imem_req_o,
  output logic [63:0] imem_addr_o,
  output logic        id_valid_o,     // the word on imem_rdata_i is an instruction at id_pc_o
  output logic [63:0] id_pc_o,
  output logic        id_fexc_o       // ... or the fetch of id_pc_o raised ADEF
);
  logic        boot_q, refetch_q, sleep_q, fetch, fexc_d;
  logic        id_valid_q, id_valid_d, id_fexc_q;
  logic [63:0] id_pc_q, id_pc_d, refetch_pc_q;

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

  assign fexc_d      = id_pc_d[1:0] != 2'b00 ||
                       (!da_i && !dmw_hit(dmw_i[0], id_pc_d[63:60], plv_i) &&
                        !dmw_hit(dmw_i[1], id_pc_d[63:60], plv_i));
  assign imem_req_o  = fetch && !fexc_d;
  assign imem_addr_o = {{(64 - PALEN){1'b0}}, id_pc_d[PALEN-1:2], 2'b00};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      boot_q       <= 1'b1;
      refetch_q    <= 1'b0;
      refetch_pc_q <= '0;
      sleep_q      <= 1'b0;
      id_valid_q   <= 1'b0;
      id_fexc_q    <= 1'b0;
      id_pc_q      <= '0;
    end else begin
      boot_q     <= 1'b0;
      id_valid_q <= id_valid_d;
      id_fexc_q  <= id_valid_d && fexc_d;
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
endmodule
