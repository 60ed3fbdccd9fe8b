"""The trace agent's monitor: drains the DPI ring in batches and publishes them.

It waits only on `trace_wm` (the ring reached its watermark) and `sim_done` (power-off, watchdog or an
illegal instruction): Python never awaits a clock edge in steady state. Subscribers receive numpy
record arrays (lacosim.trace.RECORD_DTYPE), retirements and events separately, in trace order.
"""

from __future__ import annotations

import cocotb
import numpy as np
from cocotb.triggers import Event, First, RisingEdge, ValueChange
from pyuvm import uvm_analysis_port, uvm_component

from lacosim import trace
from lacosim.trace import TraceRing


class RunEnd:
    """Why the run ended, as seen in the trace."""

    POWEROFF = "poweroff"
    TIMEOUT = "timeout"
    ILLEGAL = "illegal-instruction"
    MISMATCH = "lockstep-mismatch"


class TraceMonitor(uvm_component):
    def build_phase(self) -> None:
        self.retire_ap = uvm_analysis_port("retire_ap", self)
        self.event_ap = uvm_analysis_port("event_ap", self)
        self.ended = Event()
        self.end_reason = ""
        self.end_cycle = 0
        self.records = 0
        self.batches = 0

    def start_of_simulation_phase(self) -> None:
        self.ring = TraceRing()
        self.logger.info(f"trace ring bound: {self.ring.capacity} records of "
                         f"{trace.RECORD_DTYPE.itemsize} B; waiting on la_tb_top.trace_wm/sim_done")

    def stop(self, reason: str, cycle: int) -> None:
        """A checker saw enough: end the run now (the first lockstep divergence, for example)."""
        if not self.end_reason:
            self.end_reason, self.end_cycle = reason, cycle
        self.ended.set()

    async def run_phase(self) -> None:
        dut = cocotb.top
        while not self.ended.is_set():
            if not int(dut.sim_done.value):
                await First(ValueChange(dut.trace_wm), RisingEdge(dut.sim_done))
            self._publish(self.ring.drain())
            if int(dut.sim_done.value):
                break
        if self.ring.overflows:
            raise RuntimeError(f"trace ring overflowed {self.ring.overflows} times: records were lost")
        self.ended.set()

    def _publish(self, batch: np.ndarray) -> None:
        if len(batch) == 0 or self.ended.is_set():
            return
        self.records += len(batch)
        self.batches += 1
        is_retire = batch["kind"] == trace.KIND_RETIRE
        retired = batch[is_retire] if not is_retire.all() else batch
        events = batch[~is_retire]
        if len(retired):
            self.retire_ap.write(retired)
            illegal = np.flatnonzero(retired["flags"] & trace.FLAG_ILLEGAL)
            if len(illegal) and not self.end_reason:
                self.end_reason = RunEnd.ILLEGAL
                self.end_cycle = int(retired["cycle"][illegal[0]])
        if len(events):
            self.event_ap.write(events)
            for kind, reason in ((trace.KIND_POWEROFF, RunEnd.POWEROFF),
                                 (trace.KIND_TIMEOUT, RunEnd.TIMEOUT)):
                hit = np.flatnonzero(events["kind"] == kind)
                if len(hit) and not self.end_reason:
                    self.end_reason = reason
                    self.end_cycle = int(events["cycle"][hit[0]])
