// Power-off through the ACPI GED sleep-control register, as QEMU virt: writing SLP_EN|SLP_TYP=5 (0x34)
// ends the simulation. Other values are ignored, like QEMU.
module la_ged import la_pkg::*; #(
  parameter int unsigned Cores = 1
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic [Cores-1:0]      req_i,
  input  logic [Cores-1:0]      we_i,
  input  logic [Cores-1:0][7:0] wdata_i,
  output logic                  poweroff_o
);
  logic hit;
  always_comb begin
    hit = 1'b0;
    for (int c = 0; c < Cores; c++) begin
      if (req_i[c] && we_i[c] && wdata_i[c] == GED_POWEROFF_VALUE) hit = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)  poweroff_o <= 1'b0;
    else if (hit) poweroff_o <= 1'b1;
  end
endmodule
