// UART0: the NS16550 subset software uses (architecture.md section 3). The model transmits a byte the
// cycle it is written, so LSR always reports THRE|TEMT and no receiver exists (RBR reads 0).
// Interrupt: THRE only, as a 16550: pending after each THR write and when IER.ETBEI is set, cleared by
// reading IIR (which then reports it) or clearing ETBEI; irq_o = pending & ETBEI (level).
// One port per core because the SoC's data ports never stall: same-cycle accesses are serialised in
// core order, and each core's transmitted byte leaves on its own lane so none is lost.
module la_uart import la_pkg::*; #(
  parameter int unsigned Cores = 1
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic [Cores-1:0]      req_i,
  input  logic [Cores-1:0]      we_i,
  input  logic [Cores-1:0][2:0] reg_i,
  input  logic [Cores-1:0][7:0] wdata_i,
  output logic [Cores-1:0][7:0] rdata_o,    // valid the cycle after the request
  output logic [Cores-1:0]      tx_valid_o, // byte transmitted by core c this cycle
  output logic [Cores-1:0][7:0] tx_byte_o,
  output logic                  irq_o
);
  logic [7:0] ier_q, lcr_q, mcr_q, scr_q;
  logic       thre_ip_q;

  assign irq_o = thre_ip_q && (ier_q & UART_IER_ETBEI) != 0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ier_q      <= '0;
      lcr_q      <= '0;
      mcr_q      <= '0;
      scr_q      <= '0;
      rdata_o    <= '0;
      tx_valid_o <= '0;
      tx_byte_o  <= '0;
      thre_ip_q  <= 1'b0;
    end else begin
      for (int c = 0; c < Cores; c++) begin
        tx_valid_o[c] <= req_i[c] && we_i[c] && reg_i[c] == UART_THR;
        if (req_i[c] && we_i[c]) begin
          unique case (reg_i[c])
            UART_THR: begin
              tx_byte_o[c] <= wdata_i[c];
              thre_ip_q    <= 1'b1;  // transmitted at once: THR is empty again
            end
            UART_IER: begin
              ier_q     <= wdata_i[c];
              thre_ip_q <= (wdata_i[c] & UART_IER_ETBEI) != 0;
            end
            UART_LCR: lcr_q        <= wdata_i[c];
            UART_MCR: mcr_q        <= wdata_i[c];
            UART_SCR: scr_q        <= wdata_i[c];
            default: ;  // FCR and read-only registers ignore writes
          endcase
        end
        if (req_i[c] && !we_i[c]) begin
          unique case (reg_i[c])
            UART_IER: rdata_o[c] <= ier_q;
            UART_IIR: begin
              rdata_o[c] <= irq_o ? UART_IIR_THRE : UART_IIR_NONE;
              thre_ip_q  <= 1'b0;
            end
            UART_LCR: rdata_o[c] <= lcr_q;
            UART_MCR: rdata_o[c] <= mcr_q;
            UART_LSR: rdata_o[c] <= UART_LSR_IDLE;
            UART_SCR: rdata_o[c] <= scr_q;
            default:  rdata_o[c] <= '0;  // RBR (no receiver), MSR
          endcase
        end
      end
    end
  end
endmodule
