// The Verilator main of the cocotb testbench: cocotb's own main (cocotb/share/lib/verilator/verilator.cpp,
// Copyright cocotb contributors, Revised BSD License) with a fast path for the steady state of a lacosim
// run, where Python waits only on value changes (`trace_wm`, `sim_done`) and no other callback exists.
//
// cocotb's loop calls into the VPI layer about ten times per time step (four value-change scans, the
// ReadWrite/ReadOnly/NextSimTime/timed callback lists, inertial puts) although in steady state every one
// of them but one value-change scan has nothing to do. That made the model under cocotb run at about
// 0.6x the plain C++ main (sim/bench_main.cpp) with no Python work at all. The fast path runs a time
// step as eval_step, one value-change scan, eval_end_step, and skips the rest only while it provably
// does nothing:
//   - no ReadWrite/ReadOnly/NextSimTime/AfterDelay callback is in the current lists,
//   - the next time slot is before the next timed (cbAfterDelay) callback's deadline,
//   - no callback of any kind ran in the previous time step (Python only runs inside callbacks, so only
//     then can it have registered a callback, queued an inertial put or asked for a re-evaluation).
// When a value-change callback fires in a fast step the step finishes on the full path, exactly as
// cocotb's loop would run it from that point. Semantics are therefore cocotb's: every callback runs in
// the same region of the same time step. Left out of cocotb's main: --trace/--trace-file (lacosim's
// waves come from $dumpfile/$dumpvars in the testbench top, +waves=) and coverage (never built).
#include <libgen.h>
#include <stdio.h>

#include <algorithm>
#include <memory>
#include <string>

#include "Vtop.h"
#include "verilated.h"
#include "verilated_vpi.h"

static vluint64_t main_time = 0;  // current simulation time

double sc_time_stamp() { return main_time; }  // $time

extern "C" {
void vlog_startup_routines_bootstrap(void);
}

namespace {
constexpr vluint64_t kNoEvents = static_cast<vluint64_t>(~0ULL);

// Value-change callbacks may change signals, so scan until nothing changes.
bool settle_value_callbacks() {
  const bool called = VerilatedVpi::callValueCbs();
  bool again = called;
  while (again) again = VerilatedVpi::callValueCbs();
  return called;
}

// Only value-change callbacks are registered (the steady state of a lacosim run).
bool only_value_callbacks() {
  return !VerilatedVpi::hasCbs(cbReadWriteSynch) && !VerilatedVpi::hasCbs(cbReadOnlySynch) &&
         !VerilatedVpi::hasCbs(cbNextSimTime) && !VerilatedVpi::hasCbs(cbAfterDelay);
}

// The end of a time step after eval_end_step: advance time, then the NextSimTime and timed callbacks.
// Returns false when the simulation has nothing left to do; sets `called` if a callback may have run.
bool advance(Vtop &top, bool &called) {
  const vluint64_t next_cocotb = VerilatedVpi::cbNextDeadline();
  const vluint64_t next_timing = top.eventsPending() ? top.nextTimeSlot() : kNoEvents;
  const vluint64_t next_time = std::min(next_cocotb, next_timing);
  if (next_time == kNoEvents) return false;
  main_time = next_time;
  called |= VerilatedVpi::callCbs(cbNextSimTime);
  called |= settle_value_callbacks();
  called |= next_cocotb <= next_time;  // a timed callback (Python) runs now
  VerilatedVpi::callTimedCbs();
  called |= settle_value_callbacks();
  return true;
}
}  // namespace

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (std::string(argv[i]) == "--help") {
      fprintf(stderr, "usage: %s [plusargs]\ncocotb + Verilator simulation (lacosim)\n", basename(argv[0]));
      return 0;
    }
  }
  Verilated::commandArgs(argc, argv);
  std::unique_ptr<Vtop> top(new Vtop(""));
  Verilated::fatalOnVpiError(false);  // otherwise it fails on system tasks
#if VM_TRACE
  Verilated::traceEverOn(true);  // $dumpfile/$dumpvars in the testbench top write the waves
#endif

  vlog_startup_routines_bootstrap();
  Verilated::addExitCb([](void *) { VerilatedVpi::callCbs(cbEndOfSimulation); }, nullptr);
  VerilatedVpi::callCbs(cbStartOfSimulation);
  settle_value_callbacks();

  // Fast steps need no callback to have run in the previous step (`quiet`): only a callback (Python) can
  // register callbacks, so the callback lists and the next timed deadline stay as they were checked.
  bool quiet = false;
  bool fast = false;  // quiet, and only value-change callbacks are registered
  vluint64_t deadline = kNoEvents;  // next timed callback while fast
  while (!Verilated::gotFinish()) {
    bool called = false;
    bool evaluated = false;
    if (fast) {
      top->eval_step();
      VerilatedVpi::clearEvalNeeded();
      called = settle_value_callbacks();
      evaluated = true;
      if (!called) {  // fast step: nothing else has anything to do
        top->eval_end_step();
        const vluint64_t next_timing = top->eventsPending() ? top->nextTimeSlot() : kNoEvents;
        if (next_timing < deadline) {
          main_time = next_timing;
          continue;
        }
        // a timed callback is due (or nothing is left): end the step on the full path
        fast = false;
        if (!advance(*top, called)) break;
        quiet = !called;
        continue;
      }
      // a value-change callback ran: finish this step exactly as the full path does
      fast = false;
    }
    do {
      do {
        if (!evaluated) {
          top->eval_step();
          VerilatedVpi::clearEvalNeeded();
        }
        evaluated = false;
        VerilatedVpi::doInertialPuts();
        called |= settle_value_callbacks();
      } while (VerilatedVpi::evalNeeded());
      called |= VerilatedVpi::callCbs(cbReadWriteSynch);
      VerilatedVpi::doInertialPuts();
      called |= settle_value_callbacks();
    } while (VerilatedVpi::evalNeeded());
    top->eval_end_step();
    called |= VerilatedVpi::callCbs(cbReadOnlySynch);
    if (!advance(*top, called)) break;
    quiet = !called;
    fast = quiet && only_value_callbacks();
    deadline = fast ? VerilatedVpi::cbNextDeadline() : kNoEvents;
  }

  top->final();
  VerilatedVpi::callCbs(cbEndOfSimulation);
  return Verilated::threadContextp()->errorCount() > 0 ? 1 : 0;
}
