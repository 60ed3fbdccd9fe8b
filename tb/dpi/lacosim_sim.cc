// Simulator services the testbench top needs and SystemVerilog cannot ask Verilator for.
//   - vl_finish without the "- :0: Verilog $finish" line Verilator prints when cocotb ends the run (the
//     model is built with -DVL_USER_FINISH, so this definition replaces Verilator's).
//   - lacosim_waves_close(): ends the FST at WAVE_TO. Verilator 5 ignores $dumpoff/$dumpon, so the window
//     is opened by a late $dumpvars and closed here (docs/design.md section 10).
#include "verilated.h"
#include "verilated_dpi.h"
#include "Vtop__Syms.h"

void vl_finish(const char* filename, int linenum, const char* hier) VL_MT_UNSAFE {
  (void)filename;
  (void)linenum;
  (void)hier;
  Verilated::threadContextp()->gotFinish(true);
}

extern "C" void lacosim_waves_close() {
#if VM_TRACE
  auto* syms = static_cast<Vtop__Syms*>(Verilated::dpiScope()->symsp());
  syms->_traceDumpClose();
#endif
}
