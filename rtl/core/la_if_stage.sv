// Instruction fetch. The instruction memory answers one cycle after the request (design.md section
// 1), so the fetch address of a cycle is the PC of the instruction that sits in ID the next cycle:
// this stage only chooses that address and remembers it as the ID stage's PC.
//   - redirect (taken branch/jump resolved in EX, later also trap entry/ertn from WB) wins,
//   - a stalled ID re-fetches its own PC, so the word it holds is valid again next cycle (the port
//     does not promise to hold its output),
//   - otherwise fetch sequentially.
module la_if_stage (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [63:0] boot_addr_i,
  input  logic        halt_i,         // stop fetching (core halted after an unimplemented insn)
  input  logic        redirect_i,
  input  logic [63:0] redirect_pc_i,
  input  logic        stall_i,        // ID keeps its instruction
  output logic        imem_req_o,
  output logic [63:0] imem_addr_o,
  output logic        id_valid_o,     // the word on imem_rdata_i is an instruction at id_pc_o
  output logic [63:0] id_pc_o
);
  logic        boot_q;
  logic        id_valid_q, id_valid_d;
  logic [63:0] id_pc_q, id_pc_d;

  always_comb begin
    imem_req_o = 1'b1;
    id_valid_d = 1'b1;
    if (halt_i) begin
      imem_req_o = 1'b0;
      id_valid_d = 1'b0;
      id_pc_d    = id_pc_q;
    end else if (redirect_i) begin
      id_pc_d    = redirect_pc_i;
    end else if (boot_q) begin
      id_pc_d    = boot_addr_i;
    end else if (stall_i) begin
      id_pc_d    = id_pc_q;
      id_valid_d = id_valid_q;
    end else begin
      id_pc_d    = id_pc_q + 64'd4;
    end
  end

  assign imem_addr_o = {id_pc_d[63:2], 2'b00};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      boot_q     <= 1'b1;
      id_valid_q <= 1'b0;
      id_pc_q    <= '0;
    end else begin
      boot_q     <= 1'b0;
      id_valid_q <= id_valid_d;
      id_pc_q    <= id_pc_d;
    end
  end

  assign id_valid_o = id_valid_q;
  assign id_pc_o    = id_pc_q;
endmodule
