// The retirement record of one core as plain vectors, only to be read in the waves: a packed struct
// (array) is one opaque vector in an FST. lacosim/waves/gtkw.py groups these per core and shows insn as
// disassembly and pc as a symbol through translate filter processes.
module la_wave_probe import la_pkg::*; (
  input retire_t retire_i
);
  logic        valid, trap_valid, rd_we, mem_re, mem_we;
  logic [1:0]  plv;
  logic [4:0]  rd;
  logic [5:0]  trap_ecode;
  logic [12:0] irq_is;
  logic [31:0] insn;
  logic [63:0] pc, rd_wdata, mem_addr, mem_pa, mem_wdata;

  assign valid      = retire_i.valid;
  assign pc         = retire_i.pc;
  assign insn       = retire_i.insn;
  assign plv        = retire_i.plv;
  assign trap_valid = retire_i.trap_valid;
  assign trap_ecode = retire_i.trap_ecode;
  assign rd_we      = retire_i.rd_we;
  assign rd         = retire_i.rd;
  assign rd_wdata   = retire_i.rd_wdata;
  assign mem_re     = retire_i.mem_re;
  assign mem_we     = retire_i.mem_we;
  assign mem_addr   = retire_i.mem_addr;
  assign mem_pa     = retire_i.mem_pa;
  assign mem_wdata  = retire_i.mem_wdata;
  assign irq_is     = retire_i.irq_is;
endmodule
