// Trace ring shared by the SV testbench top (producer, through DPI-C) and Python (consumer, through
// ctypes + numpy). Record layout: docs/design.md section 3; lacosim/trace.py holds the numpy twin and
// tests/unit/test_trace_layout.py checks they agree.
#ifndef LACOSIM_RING_H
#define LACOSIM_RING_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint64_t cycle;
  uint64_t pc;
  uint64_t rd_wdata;
  uint64_t mem_addr;
  uint64_t mem_wdata;
  uint64_t csr_wdata;
  uint64_t rd2_wdata;
  uint64_t mem_pa;
  uint32_t insn;
  uint8_t kind;
  uint8_t core;
  uint8_t rd;
  uint8_t flags;
  uint32_t trap;
  uint16_t csr;
  uint8_t mode;
  uint8_t rd2;
  uint32_t irq;
  uint16_t tlb_idx;
  uint8_t flags2;
  uint8_t pad;
  uint64_t pc_pa;
} lacosim_rec_t;  // 96 bytes

enum { LACOSIM_KIND_RETIRE = 0, LACOSIM_KIND_UART_TX = 1, LACOSIM_KIND_POWEROFF = 2,
       LACOSIM_KIND_TIMEOUT = 3, LACOSIM_KIND_IRQ = 4 };

// Consumer side (Python via ctypes; the benchmark main in C++).
lacosim_rec_t *lacosim_ring_base(void);
uint64_t lacosim_ring_capacity(void);     // records, a power of two
uint64_t lacosim_ring_head(void);         // records ever pushed
uint64_t lacosim_ring_tail(void);         // records ever consumed
void lacosim_ring_set_tail(uint64_t tail);
uint64_t lacosim_ring_overflows(void);    // pushes dropped because the consumer fell behind
void lacosim_ring_set_discard(int on);    // benchmark mode: no consumer, records are dropped
void lacosim_ring_set_watermark(uint64_t records);  // wake the consumer every `records` (<= capacity/2)
uint64_t lacosim_ring_retired(void);      // retirement records ever pushed
uint64_t lacosim_ring_last_cycle(void);   // cycle of the newest record
#ifdef __cplusplus
}
#endif
#endif
