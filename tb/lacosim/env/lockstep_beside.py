"""Lockstep beside the simulator (LOCKSTEP=beside, the default on a machine with 2+ cores; design.md 10.1).

The reference model and the lockstep checker (IssScoreboard's own checking code, unchanged) run in a second
Python process, so checking batch N overlaps simulating batch N+1. The simulator process copies each batch
into a shared-memory slot (a file in /dev/shm mapped by both; no pickling per record) and sends one short
message; before it publishes the next batch (TraceMonitor.sync_hooks) it waits for the checker's verdict on
this one. So the checker is at most one batch behind, and a divergence stops the simulation within one batch:
its failure (the report built in the checker process, as in-process) reaches the FailureLog, the run ends at
its cycle (end reason lockstep-mismatch), and the batch the simulator ran past it is never published.
Failures other checkers find in a batch lockstep has not confirmed yet are held (FailureLog.horizon) so the
first failure printed is still the first that happened; after a divergence at cycle C those later than C
are dropped (FailureLog.cutoff), as the retirement checks never saw records after C in-process either.
At the end the checker returns the model's UART output and power-off state for the end-of-run comparison,
its idle wake-up measurements and the "irq" coverage it sampled.
"""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import os
import signal
import sys
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import numpy as np
from pyuvm import ConfigDB

from lacosim import trace
from lacosim.elf import load_program
from lacosim.env.checker_process import simulator_end
from lacosim.env.config import RunConfig
from lacosim.env.coverage import Coverage
from lacosim.env.failures import Failure, FailureLog
from lacosim.env.iss_scoreboard import IssScoreboard

if TYPE_CHECKING:
    from lacosim.env.trace_monitor import TraceMonitor

SHM_DIR = "/dev/shm"
MISMATCH = "lockstep-mismatch"  # (trace_monitor.RunEnd.MISMATCH)


def _map(path: str, records: int) -> tuple[mmap.mmap, np.ndarray]:
    fd = os.open(path, os.O_RDWR)
    try:
        mm = mmap.mmap(fd, records * trace.RECORD_DTYPE.itemsize)
    finally:
        os.close(fd)
    return mm, np.frombuffer(mm, dtype=trace.RECORD_BYTES)


class BesideClient:
    """The simulator's end: opens the shared slot to the checker process the runner started, hands it batches,
    applies its verdicts."""

    def __init__(self, sb: IssScoreboard, cov: Coverage, capacity: int | None = None) -> None:
        self.sb, self.cov = sb, cov
        if capacity is None:  # a batch holds at most the whole ring
            lib = ctypes.CDLL(None)
            lib.lacosim_ring_capacity.restype = ctypes.c_uint64
            capacity = int(lib.lacosim_ring_capacity())
        self.capacity = capacity
        self.path = os.path.join(SHM_DIR if os.path.isdir(SHM_DIR) else sb.cfg.run_dir,
                                 f"lacosim-lockstep-{os.getpid()}")
        fd = os.open(self.path, os.O_CREAT | os.O_TRUNC | os.O_RDWR, 0o600)
        os.ftruncate(fd, capacity * trace.RECORD_DTYPE.itemsize)
        os.close(fd)
        self._mm, self.slot = _map(self.path, capacity)
        # the checker process is already starting: the runner started it before the simulator
        cmd_w, res_r, self.pid = simulator_end()
        self.cmd = Connection(cmd_w, readable=False)
        self.res = Connection(res_r, writable=False)
        self._send(("open", self.path, capacity))
        self.pending: int | None = None  # last cycle of the batch the checker has not answered yet
        self.ready = False
        self.finished = False
        self.uart_output = b""
        self.powered_off = False
        sb.failures.horizon = -1  # nothing is confirmed yet

    def submit(self, batch: np.ndarray) -> None:
        """Hand the batch over (the previous one was answered in sync(), before this batch was published)."""
        if self.finished:
            return
        n = len(batch)
        self.slot[:n] = batch.view(trace.RECORD_BYTES)
        self._send(("batch", n))
        self.pending = int(batch["cycle"][-1])

    def _send(self, msg: tuple) -> None:
        with contextlib.suppress(OSError):  # the checker is gone: the next verdict's EOF reports it (_died)
            self.cmd.send(msg)

    def sync(self, final: bool) -> None:
        """Wait for the verdict on the batch handed over last; at the end of the run also for the summary."""
        if self.finished:
            return
        if self.pending is not None:
            done = self._receive()
            if done is not None:
                self._apply(done)
        if final:
            self._finish()

    def _receive(self) -> tuple | None:
        while True:
            try:
                msg = self.res.recv()
            except (EOFError, OSError):
                self._died()
                return None
            if msg[0] == "ready":
                self.ready = True
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)  # both ends have it mapped
                continue
            return msg

    def _apply(self, msg: tuple) -> None:
        _, checked, failures, stop, diverged, latencies, idle_late = msg
        sb, log = self.sb, self.sb.failures
        for failure in failures:
            log.add(failure)
        sb.checked, sb.idle_late = checked, idle_late
        sb.idle_wake_latencies.extend(latencies)
        confirmed, self.pending = self.pending, None
        if stop is not None:
            sb.diverged = True
            log.cutoff = log.horizon = stop
            self._stop(stop)
        elif diverged:  # both trapped with no handler: lockstep ended in agreement, nothing more to wait for
            sb.diverged = True
            log.horizon = None
        else:
            log.horizon = confirmed

    def _stop(self, cycle: int) -> None:
        """End the run at the divergence, also when the batch after it already ended it later (power-off)."""
        mon: TraceMonitor = ConfigDB().get(self.sb, "", "trace_monitor")
        if not mon.end_reason or cycle <= mon.end_cycle:
            mon.end_reason, mon.end_cycle = MISMATCH, cycle
        mon.ended.set()

    def _finish(self) -> None:
        self.finished = True
        log = self.sb.failures
        try:
            self.cmd.send(("end",))
            msg = self._receive()
        except OSError:
            msg = None
        if msg is not None and msg[0] == "final":
            _, self.uart_output, self.powered_off, groups = msg
            other = Coverage()
            other.groups = groups
            self.cov.merge(other)
        log.horizon = None
        self.close()

    def _died(self) -> None:
        self.finished = True
        self.sb.diverged = True
        log = self.sb.failures
        log.horizon = None
        cycle = self.pending if self.pending is not None else 0
        log.add(Failure("lockstep", "the lockstep checker beside the simulator stopped unexpectedly",
                        f"process {self.pid}: its traceback is above in this log and its exit status after the "
                        f"run's end; LOCKSTEP=inproc runs the checker in the simulator process",
                        cycle=cycle, repro=self.sb.cfg.repro_with_waves(None)))
        self._stop(cycle)
        self.close()

    def close(self) -> None:
        """Close this end (the checker exits at EOF; the runner collects its exit status)."""
        for conn in (self.cmd, self.res):
            with contextlib.suppress(OSError):
                conn.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


class Checker(IssScoreboard):
    """IssScoreboard's checking code in the checker process: no pyuvm phases, its own FailureLog and
    Coverage (sent back), and a divergence only remembers where the run must stop."""

    def __init__(self, cfg: RunConfig) -> None:  # (no uvm_component.__init__: no hierarchy, no phases)
        image = load_program(cfg.elf, cfg.guests)
        for name, value in cfg.params.items():  # the same image the runner gave the RTL
            image.set_param(name, value)
        self.cov = Coverage()
        self.setup(cfg, image, FailureLog(), self.cov)
        self.stop_cycle: int | None = None

    def stop_run(self, cycle: int) -> None:
        self.stop_cycle = cycle


def serve(cmd: Connection, res: Connection) -> int:
    checker = Checker(RunConfig.from_env())  # while the simulator starts (checker_process.py)
    try:
        msg: Any = cmd.recv()
    except EOFError:  # the simulator ended before its first batch
        return 0
    _, path, capacity = msg
    mm, slot = _map(path, capacity)
    res.send(("ready",))
    reported = 0
    while True:
        try:
            msg: Any = cmd.recv()
        except EOFError:  # the simulator went away
            return 0
        if msg[0] == "batch":
            checker.write(slot[:msg[1]].view(trace.RECORD_DTYPE))
            failures = checker.failures.take_pending()
            latencies = checker.idle_wake_latencies[reported:]
            reported = len(checker.idle_wake_latencies)
            res.send(("done", checker.checked, failures, checker.stop_cycle, checker.diverged, latencies,
                      checker.idle_late))
        elif msg[0] == "end":
            uart, powered_off = checker.model_end()
            res.send(("final", uart, powered_off, checker.cov.groups))
            # no mm.close(): the checker's history may still view the last batch; the exit unmaps it
            return 0


def main(argv: list[str]) -> int:
    # a Ctrl-C sent to this process alone (its own session): the simulator ends the run and then this process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cmd_fd, res_fd = argv
    return serve(Connection(int(cmd_fd), writable=False), Connection(int(res_fd), readable=False))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
