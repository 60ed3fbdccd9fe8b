"""The lacosim pyuvm environment: the trace agent's monitor feeding monitors and scoreboards."""

from __future__ import annotations

from pyuvm import ConfigDB, uvm_env

from lacosim.env.iss_scoreboard import IssScoreboard
from lacosim.env.retire_monitor import RetireMonitor
from lacosim.env.trace_monitor import TraceMonitor
from lacosim.env.uart_monitor import UartMonitor


class LaEnv(uvm_env):
    def build_phase(self) -> None:
        self.trace = TraceMonitor.create("trace", self)
        self.retire = RetireMonitor.create("retire", self)
        self.uart = UartMonitor.create("uart", self)
        self.lockstep = IssScoreboard.create("lockstep", self)
        ConfigDB().set(None, "*", "trace_monitor", self.trace)
        ConfigDB().set(None, "*", "uart_monitor", self.uart)
        ConfigDB().set(None, "*", "retire_monitor", self.retire)

    def connect_phase(self) -> None:
        self.trace.retire_ap.connect(self.retire.analysis_export)
        self.trace.retire_ap.connect(self.lockstep.analysis_export)
        self.trace.event_ap.connect(self.uart.analysis_export)
