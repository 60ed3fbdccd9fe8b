// The SoC top: Cores LA64 cores, shared RAM, UART0, the power-off register, the per-core IOCSR space
// (IPI block, mailboxes) and the external interrupt controller (architecture.md section 3). Each core's data port is decoded by address; the response mux uses the registered
// target of the previous cycle's request (all ports have a one-cycle latency).
module la_soc import la_pkg::*; #(
  parameter int unsigned Cores    = 1,
  parameter int unsigned RamBytes = 32 * 1024 * 1024
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic [63:0]           boot_addr_i,
  input  logic [15:0]           tlb_seed_i,   // +tlb_seed (low 16 bits); each core mixes in its index
  output retire_t [Cores-1:0]   retire_o,
  output logic [Cores-1:0]      uart_tx_valid_o,
  output logic [Cores-1:0][7:0] uart_tx_byte_o,
  output logic                  poweroff_o,
  input  logic [EXTIOI_SOURCES-1:0] ext_irq_i   // device lines the testbench drives (source 2: UART0)
);
  typedef enum logic [1:0] { TGT_RAM, TGT_UART, TGT_GED, TGT_NONE } target_e;

  logic [Cores-1:0]       imem_req;
  logic [Cores-1:0][63:0] imem_addr;
  logic [Cores-1:0][31:0] imem_rdata;
  logic [Cores-1:0]       dmem_req;
  mem_op_e [Cores-1:0]    dmem_op;
  amo_op_e [Cores-1:0]    dmem_amo;
  logic [Cores-1:0][63:0] dmem_addr, dmem_wdata, dmem_rdata, ram_rdata;
  logic [Cores-1:0][1:0]  dmem_size;
  logic [Cores-1:0]       dmem_sc_ok;
  logic [Cores-1:0][7:0]  uart_rdata;
  target_e [Cores-1:0]    tgt_d, tgt_q;
  logic [Cores-1:0]       ram_req, uart_req, ged_req, dmem_we;
  logic [Cores-1:0]       iocsr_req, iocsr_we, eio_req, ipi, ll_clear, llbit;
  logic [Cores-1:0][31:0] iocsr_addr;
  logic [Cores-1:0][1:0]  iocsr_size;
  logic [Cores-1:0][63:0] iocsr_wdata, iocsr_rdata, eio_rdata;
  logic [Cores-1:0][7:0]  hwi;
  logic                   uart_irq;
  logic [IRQ_SYNC_STAGES-1:0][Cores-1:0][7:0] hwi_sync_q;
  logic [IRQ_SYNC_STAGES-1:0][Cores-1:0]      ipi_sync_q;
  logic [EXTIOI_SOURCES-1:0] eio_src;

  for (genvar c = 0; c < Cores; c++) begin : g_core
    la_core #(.CoreId(c)) u_core (
      .clk_i, .rst_ni, .boot_addr_i, .tlb_seed_i,
      .imem_req_o   (imem_req[c]),
      .imem_addr_o  (imem_addr[c]),
      .imem_rdata_i (imem_rdata[c]),
      .dmem_req_o   (dmem_req[c]),
      .dmem_op_o    (dmem_op[c]),
      .dmem_amo_o   (dmem_amo[c]),
      .dmem_addr_o  (dmem_addr[c]),
      .dmem_size_o  (dmem_size[c]),
      .dmem_wdata_o (dmem_wdata[c]),
      .dmem_rdata_i (dmem_rdata[c]),
      .dmem_sc_ok_i (dmem_sc_ok[c]),
      .iocsr_req_o  (iocsr_req[c]),
      .iocsr_we_o   (iocsr_we[c]),
      .iocsr_addr_o (iocsr_addr[c]),
      .iocsr_size_o (iocsr_size[c]),
      .iocsr_wdata_o(iocsr_wdata[c]),
      .iocsr_rdata_i(iocsr_rdata[c]),
      .irq_hwi_i    (hwi_sync_q[IRQ_SYNC_STAGES-1][c]),
      .irq_ipi_i    (ipi_sync_q[IRQ_SYNC_STAGES-1][c]),
      .ll_clear_o   (ll_clear[c]),
      .llbit_i      (llbit[c]),
      .retire_o     (retire_o[c])
    );

    always_comb begin
      if (dmem_addr[c] < 64'(RamBytes))                                  tgt_d[c] = TGT_RAM;
      else if (dmem_addr[c][63:3] == UART0_BASE[63:3])                   tgt_d[c] = TGT_UART;
      else if (dmem_addr[c] == GED_SLEEP_CTL)                            tgt_d[c] = TGT_GED;
      else                                                               tgt_d[c] = TGT_NONE;
    end
    assign dmem_we[c]  = dmem_op[c] inside {MEM_STORE, MEM_SC, MEM_AMO};
    assign ram_req[c]  = dmem_req[c] && tgt_d[c] == TGT_RAM;
    assign uart_req[c] = dmem_req[c] && tgt_d[c] == TGT_UART;
    assign ged_req[c]  = dmem_req[c] && tgt_d[c] == TGT_GED;

    always_ff @(posedge clk_i) tgt_q[c] <= tgt_d[c];

    // Unmapped addresses read 0 and drop writes; the testbench reports them from the trace.
    always_comb begin
      unique case (tgt_q[c])
        TGT_RAM:  dmem_rdata[c] = ram_rdata[c];
        TGT_UART: dmem_rdata[c] = {56'd0, uart_rdata[c]};
        default:  dmem_rdata[c] = '0;
      endcase
    end
  end

  la_ram #(.Cores(Cores), .RamBytes(RamBytes)) u_ram (
    .clk_i, .rst_ni,
    .ireq_i   (imem_req),
    .iaddr_i  (imem_addr),
    .irdata_o (imem_rdata),
    .dreq_i   (ram_req),
    .dop_i    (dmem_op),
    .damo_i   (dmem_amo),
    .daddr_i  (dmem_addr),
    .dsize_i  (dmem_size),
    .dwdata_i (dmem_wdata),
    .drdata_o (ram_rdata),
    .dsc_ok_o (dmem_sc_ok),
    .ll_clear_i (ll_clear),
    .llbit_o  (llbit)
  );

  logic [Cores-1:0][2:0] uart_reg;
  logic [Cores-1:0][7:0] dmem_wbyte;
  for (genvar c = 0; c < Cores; c++) begin : g_mmio
    assign uart_reg[c]   = dmem_addr[c][2:0];
    assign dmem_wbyte[c] = dmem_wdata[c][7:0];
  end

  la_uart #(.Cores(Cores)) u_uart (
    .clk_i, .rst_ni,
    .req_i      (uart_req),
    .we_i       (dmem_we),
    .reg_i      (uart_reg),
    .wdata_i    (dmem_wbyte),
    .rdata_o    (uart_rdata),
    .tx_valid_o (uart_tx_valid_o),
    .tx_byte_o  (uart_tx_byte_o),
    .irq_o      (uart_irq)
  );

  la_iocsr #(.Cores(Cores)) u_iocsr (
    .clk_i, .rst_ni,
    .req_i       (iocsr_req),
    .we_i        (iocsr_we),
    .addr_i      (iocsr_addr),
    .size_i      (iocsr_size),
    .wdata_i     (iocsr_wdata),
    .rdata_o     (iocsr_rdata),
    .ipi_o       (ipi),
    .eio_req_o   (eio_req),
    .eio_rdata_i (eio_rdata)
  );

  // UART0's line is source EXTIOI_UART_SOURCE; the testbench drives the others.
  always_comb begin
    eio_src = ext_irq_i;
    eio_src[EXTIOI_UART_SOURCE] = ext_irq_i[EXTIOI_UART_SOURCE] | uart_irq;
  end

  // Interrupt-line synchroniser (la_pkg::IRQ_SYNC_STAGES): cause precedes effect in the trace.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      hwi_sync_q <= '0;
      ipi_sync_q <= '0;
    end else begin
      hwi_sync_q <= {hwi_sync_q[IRQ_SYNC_STAGES-2:0], hwi};
      ipi_sync_q <= {ipi_sync_q[IRQ_SYNC_STAGES-2:0], ipi};
    end
  end

  la_extioi #(.Cores(Cores)) u_extioi (
    .clk_i, .rst_ni,
    .src_i   (eio_src),
    .req_i   (eio_req),
    .we_i    (iocsr_we),
    .addr_i  (iocsr_addr),
    .size_i  (iocsr_size),
    .wdata_i (iocsr_wdata),
    .rdata_o (eio_rdata),
    .hwi_o   (hwi)
  );

  la_ged #(.Cores(Cores)) u_ged (
    .clk_i, .rst_ni,
    .req_i      (ged_req),
    .we_i       (dmem_we),
    .wdata_i    (dmem_wbyte),
    .poweroff_o
  );
endmodule
