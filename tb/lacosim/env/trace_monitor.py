"""The trace agent's monitor: drains the DPI ring in batches and publishes them.

It waits only on `trace_wm` (the ring reached its watermark) and `sim_done` (power-off, watchdog or an
illegal instruction): Python never awaits a clock edge in steady state. Subscribers receive numpy
record arrays (lacosim.trace.RECORD_DTYPE): `trace_ap` carries every record in trace order (for checkers
that need interrupt events interleaved with retirements), `retire_ap` and `event_ap` the two kinds apart.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import cocotb
import numpy as np
from cocotb.triggers import Event, First, RisingEdge, ValueChange
from pyuvm import ConfigDB, uvm_analysis_port, uvm_component

from lacosim import soc, startup, trace
from lacosim.trace import TraceRing


class RunEnd:
    """Why the run ended, as seen in the trace."""

    POWEROFF = "poweroff"
    TIMEOUT = "timeout"
    MISMATCH = "lockstep-mismatch"
    EXCEPTION = "unexpected-exception"
    INTERRUPTED = "interrupted"  # Ctrl-C: the run stops at the next batch and closes its files


class TraceMonitor(uvm_component):
    def build_phase(self) -> None:
        self.trace_ap = uvm_analysis_port("trace_ap", self)
        self.retire_ap = uvm_analysis_port("retire_ap", self)
        self.event_ap = uvm_analysis_port("event_ap", self)
        self.ended = Event()
        self.end_reason = ""
        self.end_cycle = 0
        self.records = 0
        self.batches = 0
        self.retired = np.zeros(soc.MAX_CORES, dtype=np.int64)  # per core, including a stopped batch
        self.last_cycle = 0
        self.interrupted = False
        self.failures = ConfigDB().get(self, "", "failures")  # flushed in cycle order after each batch
        self.python_seconds = 0.0  # wall time spent draining and checking batches (the rest is the simulator)
        # called before each batch is published and once when the run ends (lockstep beside the simulator
        # collects the verdict on the batch before: design.md 10.1)
        self.sync_hooks: list[Callable[[bool], None]] = []

    def start_of_simulation_phase(self) -> None:
        self.ring = TraceRing()
        self.logger.info(f"trace ring bound: {self.ring.capacity} records of "
                         f"{trace.RECORD_DTYPE.itemsize} B, a batch every {self.ring.watermark} records; "
                         f"waiting on la_tb_top.trace_wm/sim_done")
        # Ctrl-C reaches the simulator too: only note it here (a signal handler must not touch the
        # scheduler); the run loop ends the run at the next batch, so waves and reports are closed properly.
        signal.signal(signal.SIGINT, self._on_sigint)

    def _on_sigint(self, signum: int, frame: object) -> None:
        self.interrupted = True

    def stop(self, reason: str, cycle: int) -> None:
        """A checker saw enough: end the run now (the first lockstep divergence, for example)."""
        if not self.end_reason:
            self.end_reason, self.end_cycle = reason, cycle
        self.ended.set()

    async def run_phase(self) -> None:
        dut = cocotb.top
        startup.stamp("first_cycle")
        startup.write(ConfigDB().get(self, "", "run_config").run_dir)
        while not self.ended.is_set():
            if not int(dut.sim_done.value):
                await First(ValueChange(dut.trace_wm), RisingEdge(dut.sim_done))
            started = time.perf_counter()
            self._publish(self.ring.drain())
            self.python_seconds += time.perf_counter() - started
            if self.interrupted:
                self.stop(RunEnd.INTERRUPTED, self.last_cycle)
            if int(dut.sim_done.value):
                break
        started = time.perf_counter()
        for hook in self.sync_hooks:
            hook(True)
        self.python_seconds += time.perf_counter() - started
        if self.ring.overflows:
            raise RuntimeError(f"trace ring overflowed {self.ring.overflows} times: records were lost")
        self.ended.set()

    def _publish(self, batch: np.ndarray) -> None:
        if len(batch) == 0 or self.ended.is_set():
            return
        for hook in self.sync_hooks:
            hook(False)
        if self.ended.is_set():
            return
        self.records += len(batch)
        self.batches += 1
        batch.flags.writeable = False   # published: checkers share its columns (trace.col)
        trace.share_columns(batch)
        self.last_cycle = int(batch["cycle"][-1])
        is_retire = trace.retired(batch)
        all_retire = bool(is_retire.all())
        cores = trace.col(batch, "core")
        self.retired += np.bincount(cores if all_retire else cores[is_retire], minlength=soc.MAX_CORES)[:soc.MAX_CORES]
        events = batch[:0] if all_retire else trace.take(batch, ~is_retire)
        if len(events):
            self.event_ap.write(events)  # first: the program's output reaches the user even if a check stops
        self.trace_ap.write(batch)
        retired = batch if all_retire else trace.take(batch, is_retire)
        if self.ended.is_set():
            # a checker on trace_ap stopped the run: the retirement checks (bus, stack guard, SMP boot)
            # still see everything up to that cycle, since what they find there may have come first
            retired = trace.take(retired, retired["cycle"] <= np.uint64(self.end_cycle))
        if retired is not batch:
            retired.flags.writeable = False
            trace.share_columns(batch, retired)
        if len(retired):
            self.retire_ap.write(retired)
        self.failures.flush()
        if self.ended.is_set():
            return
        if len(events):
            for kind, reason in ((trace.KIND_POWEROFF, RunEnd.POWEROFF),
                                 (trace.KIND_TIMEOUT, RunEnd.TIMEOUT)):
                hit = np.flatnonzero(events["kind"] == kind)
                if len(hit) and not self.end_reason:
                    self.end_reason = reason
                    self.end_cycle = int(events["cycle"][hit[0]])
