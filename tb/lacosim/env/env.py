"""The lacosim pyuvm environment: the trace agent's monitor feeding monitors and scoreboards."""

from __future__ import annotations

from pyuvm import ConfigDB, uvm_env

from lacosim.env.gintc_scoreboard import GintcScoreboard
from lacosim.env.guest_exit_scoreboard import GuestExitScoreboard
from lacosim.env.ipi_scoreboard import IpiScoreboard
from lacosim.env.iss_scoreboard import IssScoreboard
from lacosim.env.lockstep_beside import BesideClient
from lacosim.env.retire_monitor import RetireMonitor
from lacosim.env.timer_scoreboard import GuestTimerScoreboard, TimerScoreboard
from lacosim.env.trace_monitor import TraceMonitor
from lacosim.env.trap_monitor import TrapMonitor
from lacosim.env.uart_monitor import UartMonitor


class LaEnv(uvm_env):
    def build_phase(self) -> None:
        self.trace = TraceMonitor.create("trace", self)
        self.retire = RetireMonitor.create("retire", self)
        self.uart = UartMonitor.create("uart", self)
        self.lockstep = IssScoreboard.create("lockstep", self)
        self.traps = TrapMonitor.create("traps", self)
        self.timer = TimerScoreboard.create("timer", self)
        self.guest_timer = GuestTimerScoreboard.create("guest_timer", self)
        self.gintc = GintcScoreboard.create("gintc", self)
        self.ipi = IpiScoreboard.create("ipi", self)
        self.guest_exit = GuestExitScoreboard.create("guest_exit", self)
        ConfigDB().set(None, "*", "trace_monitor", self.trace)
        ConfigDB().set(None, "*", "uart_monitor", self.uart)
        ConfigDB().set(None, "*", "retire_monitor", self.retire)

    def connect_phase(self) -> None:
        self.trace.retire_ap.connect(self.retire.analysis_export)
        self.trace.trace_ap.connect(self.lockstep.analysis_export)
        self.trace.event_ap.connect(self.uart.analysis_export)
        self.trace.trace_ap.connect(self.traps.analysis_export)
        self.trace.trace_ap.connect(self.timer.analysis_export)
        self.trace.trace_ap.connect(self.guest_timer.analysis_export)
        self.trace.trace_ap.connect(self.gintc.analysis_export)
        self.trace.trace_ap.connect(self.ipi.analysis_export)
        self.trace.trace_ap.connect(self.guest_exit.analysis_export)
        if self.lockstep.enabled and self.lockstep.cfg.lockstep_beside:  # LOCKSTEP=beside (design.md 10.1)
            self.lockstep.beside = BesideClient(self.lockstep, ConfigDB().get(self, "", "coverage"))
            self.trace.sync_hooks.append(self.lockstep.beside.sync)
