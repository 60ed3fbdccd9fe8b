// Testbench top: the SoC, a clock generated inside the simulation, and the observation points.
// Retirements and events leave through the DPI trace ring (tb/dpi/lacosim_ring.cc); Python only waits
// on `trace_wm` (ring watermark) and `sim_done` (power-off, watchdog, illegal instruction).
// Plusargs: +mem=<hex image> +entry=<hex> +max_cycles=<n> +waves=<fst path> +wave_from=<c> +wave_to=<c>
//           +finish_on_done +tlb_seed=<n> (the run's SEED: tlbfill's LFSR reset, design.md 9.4; 0 if absent)
`timescale 1ns / 1ps
module la_tb_top #(
  parameter int unsigned Cores    = 1,
  parameter int unsigned RamBytes = 32 * 1024 * 1024
);
  import la_pkg::*;

  import "DPI-C" function int lacosim_push_retire(input int core, input longint cycle, input longint pc,
      input int insn, input int rd, input int flags, input longint rd_wdata, input longint mem_addr,
      input longint mem_wdata, input longint csr_wdata, input longint rd2_wdata, input int trap,
      input int csr, input int mode, input int rd2, input int irq, input longint mem_pa,
      input longint pc_pa, input int tlb_idx, input int flags2);
  // Ends the FST at WAVE_TO (tb/dpi/lacosim_sim.cc): Verilator 5 ignores $dumpoff/$dumpon
  import "DPI-C" context function void lacosim_waves_close();
  import "DPI-C" function int lacosim_push_event(input int kind, input int core, input longint cycle,
      input longint payload);

  localparam int KindUartTx   = 1;
  localparam int KindPoweroff = 2;
  localparam int KindTimeout  = 3;
  localparam int KindIrq      = 4;

  logic clk;
  logic rst_n;
  logic trace_wm;  // toggles when the ring reaches its watermark
  logic sim_done;  // the run is over: drain the ring and finish
  longint unsigned cycle;
  longint unsigned max_cycles = 0;
  // The GED sees the power-off store in MEM; keep tracing until it (and the pipeline) has retired.
  localparam int unsigned PoweroffDrain = 4;
  int unsigned poweroff_cycles;
  logic [63:0] entry = '0;
  logic [15:0] tlb_seed = '0;  // +tlb_seed mod 2^16: the fill rule masks the seed with 0xFFFF
  bit finish_on_done = 1'b0;  // +finish_on_done: the plain C++ benchmark main has no Python to stop it

  initial begin : init
    clk = 1'b0;
    rst_n = 1'b0;
    trace_wm = 1'b0;
    sim_done = 1'b0;
    cycle = 0;
    poweroff_cycles = 0;
    ext_irq = '0;
  end

  always #5 clk = ~clk;

  retire_t [Cores-1:0]   retire;
  logic [Cores-1:0]      uart_tx_valid;
  logic [Cores-1:0][7:0] uart_tx_byte;
  logic                  poweroff;
  logic [la_pkg::EXTIOI_SOURCES-1:0] ext_irq;  // device interrupt lines Python drivers may set

  // What a person reads per core in the waves (la_wave_probe; lacosim/waves/gtkw.py lays them out)
  for (genvar c = 0; c < Cores; c++) begin : g_wave
    la_wave_probe u_core (.retire_i(retire[c]));
  end

  la_soc #(.Cores(Cores), .RamBytes(RamBytes)) u_soc (
    .clk_i           (clk),
    .rst_ni          (rst_n),
    .boot_addr_i     (entry),
    .tlb_seed_i      (tlb_seed),
    .retire_o        (retire),
    .uart_tx_valid_o (uart_tx_valid),
    .uart_tx_byte_o  (uart_tx_byte),
    .poweroff_o      (poweroff),
    .ext_irq_i       (ext_irq)
  );

  initial begin : setup
    string wave_file;
    longint unsigned wave_from, wave_to;
    if (!$value$plusargs("entry=%h", entry)) entry = '0;
    if (!$value$plusargs("max_cycles=%d", max_cycles)) max_cycles = 0;
    if (!$value$plusargs("tlb_seed=%d", tlb_seed)) tlb_seed = 0;
    finish_on_done = $test$plusargs("finish_on_done");
    if ($value$plusargs("waves=%s", wave_file)) begin
      // The window [WAVE_FROM, WAVE_TO] in trace cycles: a late $dumpvars opens it, the DPI call closes it
      if (!$value$plusargs("wave_from=%d", wave_from)) wave_from = 0;
      // after @(posedge clk) `cycle` still holds the old value (its update is non-blocking), and the
      // dump samples at the end of the time step: open after cycle wave_from-1, close before wave_to+1
      while (cycle + 1 < wave_from) @(posedge clk);
      $dumpfile(wave_file);
      $dumpvars(0, la_tb_top);
      if ($value$plusargs("wave_to=%d", wave_to)) begin
        while (cycle < wave_to) @(posedge clk);
        lacosim_waves_close();
      end
    end
  end

  initial begin : reset
    repeat (4) @(posedge clk);
    rst_n = 1'b1;
  end

  logic [Cores-1:0][31:0] irq_is_q;  // last ESTAT.IS word reported per core (IRQ events on change)

  // Trace-record packing (docs/design.md sections 7.2, 9.5 and 12.7)
  function automatic int rec_flags(input la_pkg::retire_t r);
    return {24'd0, r.rd2_we, r.csr_we, r.illegal, r.mem_size, r.mem_we, r.mem_re, r.rd_we};
  endfunction
  function automatic int rec_trap(input la_pkg::retire_t r);
    return {10'd0, r.trap_intno, r.trap_esubcode, r.trap_ecode, r.ertn, r.trap_int, r.trap_valid};
  endfunction
  function automatic int rec_mode(input la_pkg::retire_t r);
    return {27'd0, r.iocsr, r.guest, r.ie, r.plv};
  endfunction
  function automatic int rec_flags2(input la_pkg::retire_t r);
    return {29'd0, r.exit_root, r.gcsr, r.tlb_we};
  endfunction
  // The irq word: [12:0] the root ESTAT.IS, [28:16] the guest bank's
  function automatic logic [31:0] rec_irq(input la_pkg::retire_t r);
    return {3'd0, r.irq_is_g, 3'd0, r.irq_is};
  endfunction

  // Observation: one DPI push per retirement and per event. Within a cycle: IRQ events first (the
  // interrupt state the commit logic saw this cycle), then retirements, core 0..n-1.
  always @(posedge clk) begin
    if (!rst_n) begin
      irq_is_q <= '0;
    end else if (!sim_done) begin
      automatic logic wm = 1'b0;
      for (int c = 0; c < Cores; c++) begin
        if (rec_irq(retire[c]) != irq_is_q[c]) begin
          if (lacosim_push_event(KindIrq, c, cycle, 64'(rec_irq(retire[c]))) != 0) wm = 1'b1;
          irq_is_q[c] <= rec_irq(retire[c]);
        end
      end
      for (int c = 0; c < Cores; c++) begin
        if (retire[c].valid) begin
          if (lacosim_push_retire(c, cycle, retire[c].pc, retire[c].insn, 32'(retire[c].rd),
                                  rec_flags(retire[c]), retire[c].rd_wdata, retire[c].mem_addr,
                                  retire[c].mem_wdata, retire[c].csr_wdata, retire[c].rd2_wdata,
                                  rec_trap(retire[c]), 32'(retire[c].csr_num), rec_mode(retire[c]),
                                  32'(retire[c].rd2), rec_irq(retire[c]), retire[c].mem_pa,
                                  retire[c].pc_pa, 32'(retire[c].tlb_idx), rec_flags2(retire[c])) != 0)
            wm = 1'b1;
          if (retire[c].illegal) sim_done <= 1'b1;
        end
        if (uart_tx_valid[c]) begin
          if (lacosim_push_event(KindUartTx, c, cycle, 64'(uart_tx_byte[c])) != 0) wm = 1'b1;
        end
      end
      if (poweroff) begin
        poweroff_cycles <= poweroff_cycles + 1;
        if (poweroff_cycles == PoweroffDrain) begin
          void'(lacosim_push_event(KindPoweroff, 0, cycle, 0));
          sim_done <= 1'b1;
        end
      end else if (max_cycles != 0 && cycle >= max_cycles) begin
        void'(lacosim_push_event(KindTimeout, 0, cycle, 0));
        sim_done <= 1'b1;
      end
      if (wm) trace_wm <= ~trace_wm;
      cycle <= cycle + 1;
    end
    if (sim_done && finish_on_done) $finish;
  end
endmodule
