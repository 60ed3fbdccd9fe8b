// Producer side of the trace ring: DPI-C functions the SV testbench top calls on each retirement and
// event. A push returns 1 when the fill level reaches a multiple of the watermark, which makes the top
// toggle `trace_wm`, the only signal Python waits on in steady state.
#include "lacosim_ring.h"

#include <cstdio>
#include <cstdlib>

namespace {
constexpr uint64_t kCapacity = 1u << 16;   // 6 MiB of records
// Records between wake-ups of Python; the consumer sets it (lacosim.trace.WATERMARK) at start-up.
uint64_t g_watermark = 1u << 13;
lacosim_rec_t g_ring[kCapacity];
uint64_t g_head = 0, g_tail = 0, g_overflows = 0, g_since_wm = 0, g_retired = 0, g_last_cycle = 0;
int g_discard = 0;

int push(const lacosim_rec_t &rec) {
  g_last_cycle = rec.cycle;
  if (rec.kind == LACOSIM_KIND_RETIRE) g_retired++;
  if (g_discard) {
    g_tail = g_head;
  } else if (g_head - g_tail >= kCapacity) {
    // Python drains at every watermark inside the same time step, so this means a consumer bug.
    if (g_overflows++ == 0) {
      std::fprintf(stderr, "lacosim: trace ring overflow at cycle %llu: the Python consumer did not "
                   "drain; records are being lost\n", (unsigned long long)rec.cycle);
    }
    return 1;
  }
  g_ring[g_head & (kCapacity - 1)] = rec;
  g_head++;
  if (++g_since_wm >= g_watermark) {
    g_since_wm = 0;
    return 1;
  }
  return 0;
}
}  // namespace

extern "C" {
lacosim_rec_t *lacosim_ring_base(void) { return g_ring; }
uint64_t lacosim_ring_capacity(void) { return kCapacity; }
uint64_t lacosim_ring_head(void) { return g_head; }
uint64_t lacosim_ring_tail(void) { return g_tail; }
void lacosim_ring_set_tail(uint64_t tail) { g_tail = tail; }
uint64_t lacosim_ring_overflows(void) { return g_overflows; }
void lacosim_ring_set_discard(int on) { g_discard = on; }
void lacosim_ring_set_watermark(uint64_t records) {
  if (records >= 1 && records <= kCapacity / 2) g_watermark = records;
}
uint64_t lacosim_ring_retired(void) { return g_retired; }
uint64_t lacosim_ring_last_cycle(void) { return g_last_cycle; }

// DPI imports of tb/sv/la_tb_top.sv
int lacosim_push_retire(int core, long long cycle, long long pc, int insn, int rd, int flags,
                        long long rd_wdata, long long mem_addr, long long mem_wdata, long long csr_wdata,
                        long long rd2_wdata, int trap, int csr, int mode, int rd2, int irq,
                        long long mem_pa, long long pc_pa, int tlb_idx, int flags2) {
  lacosim_rec_t r{};
  r.kind = LACOSIM_KIND_RETIRE;
  r.core = (uint8_t)core;
  r.cycle = (uint64_t)cycle;
  r.pc = (uint64_t)pc;
  r.insn = (uint32_t)insn;
  r.rd = (uint8_t)rd;
  r.flags = (uint8_t)flags;
  r.rd_wdata = (uint64_t)rd_wdata;
  r.mem_addr = (uint64_t)mem_addr;
  r.mem_wdata = (uint64_t)mem_wdata;
  r.csr_wdata = (uint64_t)csr_wdata;
  r.rd2_wdata = (uint64_t)rd2_wdata;
  r.trap = (uint32_t)trap;
  r.csr = (uint16_t)csr;
  r.mode = (uint8_t)mode;
  r.rd2 = (uint8_t)rd2;
  r.irq = (uint32_t)irq;
  r.mem_pa = (uint64_t)mem_pa;
  r.pc_pa = (uint64_t)pc_pa;
  r.tlb_idx = (uint16_t)tlb_idx;
  r.flags2 = (uint8_t)flags2;
  return push(r);
}

int lacosim_push_event(int kind, int core, long long cycle, long long payload) {
  lacosim_rec_t r{};
  r.kind = (uint8_t)kind;
  r.core = (uint8_t)core;
  r.cycle = (uint64_t)cycle;
  r.rd_wdata = (uint64_t)payload;
  return push(r);
}
}
