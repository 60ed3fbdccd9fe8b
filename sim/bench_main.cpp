// The Verilated SoC stepped by a plain C++ main, with no Python and no VPI: the speed ceiling that
// `make bench` compares the cocotb environment against. The trace ring runs in discard mode, so the
// DPI pushes still happen (same model, same work) but nothing consumes them.
#include <chrono>
#include <cstdio>
#include <memory>

#include "Vtop.h"
#include "lacosim_ring.h"
#include "verilated.h"

int main(int argc, char **argv) {
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(argc, argv);
  auto top = std::make_unique<Vtop>(ctx.get());
  lacosim_ring_set_discard(1);
  const auto t0 = std::chrono::steady_clock::now();
  while (!ctx->gotFinish()) {
    top->eval();
    if (!top->eventsPending()) break;
    ctx->time(top->nextTimeSlot());
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  top->final();
  std::printf("{\"cycles\": %llu, \"retired\": %llu, \"seconds\": %.6f}\n",
              (unsigned long long)lacosim_ring_last_cycle(), (unsigned long long)lacosim_ring_retired(),
              secs);
  return 0;
}
