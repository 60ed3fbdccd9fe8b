"""The base test: builds the environment, runs until power-off/watchdog/illegal instruction, and turns
the run's outcome into failures with actionable reports.

A test class declares what the runner needs before the simulator starts (program, cores, watchdog) as
class attributes, and may write constrained-random parameters into the image in `prepare`.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pyuvm import ConfigDB, uvm_test

from lacosim import soc
from lacosim.elf import ElfImage, load_program
from lacosim.env.config import RunConfig
from lacosim.env.coverage import Coverage
from lacosim.env.failures import Failure, FailureLog

if TYPE_CHECKING:
    from lacosim.env.guest_exit_scoreboard import GuestExit

# The environment (trace monitor, scoreboards, the reference model) is imported inside the simulator
# only: the runner imports the test classes for their class attributes and `prepare`, and importing the
# reference model was most of its start-up.


class LacosimTest(uvm_test):
    name: ClassVar[str] = ""            # the TEST= name; classes without one are abstract
    program: ClassVar[str] = ""         # sw program (build/sw/<program>.elf)
    guests: ClassVar[tuple[str, ...]] = ()  # sw guest kernels loaded beside it (a hypervisor test)
    cores: ClassVar[int] = 1
    min_cores: ClassVar[int] = 1        # fewer cores would leave the program waiting for the others
    max_cycles: ClassVar[int] = 20_000_000
    has_sw_bug: ClassVar[bool] = False  # sw builds <program>_bug re-introducing a seed bug (SW_BUG=1)
    expected_exceptions: ClassVar[frozenset[str]] = frozenset()  # ECODES names the program may raise
    handled_exceptions_allowed: ClassVar[bool] = False  # any exception with a working handler is fine
    # hypervisor-level scoreboards (design.md 12.9): a pinned vCPU's exit path never writes back the guest's
    # TCFG/TVAL/TICLR/CNTC/ESTAT (hypervisor-behaviour.md R4): on for hypervisor tests, off for sw/lvz's
    pinned_vcpu: ClassVar[bool] = False
    exit_injection_allowed: ClassVar[bool] = False  # the hypervisor may resume an exit at the guest's EENTRY
    # core -> its zone's entry: an exit may resume there after the core parked (the zone was shut down and
    # restarted, design.md 13.12); None: every exit resumes the same zone
    zone_restart_entries: ClassVar[dict[int, int] | None] = None
    registry: ClassVar[dict[str, type[LacosimTest]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("name"):
            LacosimTest.registry[cls.name] = cls

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        """Choose constrained-random parameters and write them into the image (runner process)."""
        return {}

    # ------------------------------------------------------------------------------------------
    def build_phase(self) -> None:
        self.cfg = RunConfig.from_env()
        self.image = load_program(self.cfg.elf, self.cfg.guests)
        for name, value in self.cfg.params.items():  # the same image the runner gave the RTL
            self.image.set_param(name, value)
        self.failures = FailureLog()
        self.coverage = Coverage()
        db = ConfigDB()
        db.set(None, "*", "coverage", self.coverage)
        db.set(None, "*", "run_config", self.cfg)
        db.set(None, "*", "image", self.image)
        db.set(None, "*", "failures", self.failures)
        db.set(None, "*", "ram_size", soc.RAM_SIZE_DEFAULT)
        db.set(None, "*", "expected_exceptions", self.expected_exceptions)
        db.set(None, "*", "handled_exceptions_allowed",
               self.handled_exceptions_allowed and not self.cfg.strict_exceptions)
        db.set(None, "*", "ipi_require_delivery", False)
        db.set(None, "*", "pinned_vcpu", self.pinned_vcpu)
        db.set(None, "*", "exit_injection_allowed", self.exit_injection_allowed)
        db.set(None, "*", "zone_restart_entries", self.zone_restart_entries)
        db.set(None, "*", "vsw_vcpus", {})   # struct vcpu address -> vCPU, where several share a core (hv_vsw)
        db.set(None, "*", "guest_exit_rd", self.emulated_rd)
        self.configure(db)
        from lacosim.env.env import LaEnv  # noqa: PLC0415  (simulator only)
        self.env = LaEnv.create("env", self)

    def end_of_elaboration_phase(self) -> None:
        params = ", ".join(f"{k}={v:#x}" for k, v in self.cfg.params.items())
        self.logger.info(f"TEST={self.cfg.test} SEED={self.cfg.seed} CORES={self.cfg.cores} "
                         f"program={self.cfg.elf} max_cycles={self.cfg.max_cycles}"
                         + (f" params: {params}" if params else ""))

    async def run_phase(self) -> None:
        self.raise_objection()
        started = time.perf_counter()
        await self.env.trace.ended.wait()
        self.run_seconds = time.perf_counter() - started
        self.drop_objection()

    def check_phase(self) -> None:
        from lacosim.env.trace_monitor import RunEnd  # noqa: PLC0415  (simulator only)
        reason = self.env.trace.end_reason
        if reason == RunEnd.TIMEOUT:
            self._report_timeout()
        elif reason == RunEnd.INTERRUPTED:
            self.failures.add(Failure("run", f"interrupted by the user (Ctrl-C) at cycle "
                                      f"{self.env.trace.end_cycle}: the results of this run are incomplete"))
        elif reason not in (RunEnd.POWEROFF, RunEnd.MISMATCH, RunEnd.EXCEPTION):
            self.failures.add(Failure("run", f"the simulation ended without power-off ({reason!r})"))
        self.check()

    def emulated_rd(self, exit: GuestExit) -> int | None:
        """The value the hypervisor must leave in the emulated instruction's rd (a0 for hvcl) after `exit`,
        or None (not checked): the guest-exit scoreboard's hook, e.g. a cpucfg table (subclasses)."""
        return None

    def configure(self, db: ConfigDB) -> None:
        """Test-specific ConfigDB settings, made before the environment is built (subclasses)."""

    def check(self) -> None:
        """Test-specific checks at the end of the run (subclasses)."""

    def report_phase(self) -> None:
        self.failures.flush()  # what end-of-run checks found
        retired = self.env.trace.retired
        cycles = self.env.trace.end_cycle
        per_core = " ".join(f"c{c}={int(retired[c])}" for c in range(self.cfg.cores))
        verdict = "FAILED" if self.failures else "PASSED"
        print(f"\nlacosim: TEST={self.cfg.test} SEED={self.cfg.seed} {verdict}: ended by "
              f"{self.env.trace.end_reason or '?'} at cycle {cycles}; retired {per_core}; "
              f"{len(self.failures.failures)} failure(s)", flush=True)
        if self.cfg.waves:
            print(f"lacosim: waves written to {self.cfg.waves}", flush=True)
        if self.coverage.groups:
            print("lacosim: functional coverage of this run:\n" + self.coverage.report(), flush=True)
        (Path(self.cfg.run_dir) / "coverage.json").write_text(self.coverage.to_json())
        stats = {"cycles": cycles, "retired": int(retired.sum()), "seconds": self.run_seconds,
                 "python_seconds": self.env.trace.python_seconds, "batches": self.env.trace.batches,
                 "end": self.env.trace.end_reason, "failures": len(self.failures.failures),
                 # where the first failure with a cycle happened: AUTO_WAVES=1 re-runs the seed around it
                 "failure_cycle": next((f.cycle for f in self.failures.failures if f.cycle is not None), None),
                 # the headline of the first failure (make mutate reports which check killed a mutant)
                 "first_failure": str(self.failures.failures[0]).splitlines()[0] if self.failures.failures else None}
        # what the scoreboards measured, for the regression report's distribution plots
        dists = {"IPI latency: send to interrupt taken (cycles)": self.env.ipi.model.latencies(),
                 "timer error: TI rise - predicted expiry (cycles)": self.env.timer.ti_errors,
                 "guest timer error: TI rise - predicted expiry (cycles)": self.env.guest_timer.ti_errors,
                 "guest timer delivery: TI takeable in the guest to its interrupt entry (cycles)":
                     self.env.guest_timer.delivery,
                 "GINTC injection latency: line takeable in the guest to its interrupt entry (cycles)":
                     self.env.gintc.latencies,
                 "idle wake-up: line pending and enabled to next record (cycles)":
                     self.env.lockstep.idle_wake_latencies}
        dists.update(self.distributions())
        stats["distributions"] = {name: values for name, values in dists.items() if values}
        (Path(self.cfg.run_dir) / "stats.json").write_text(json.dumps(stats))

    def distributions(self) -> dict[str, list[int]]:
        """A test's own measured distributions for stats.json (name -> values; a test-specific monitor's)."""
        return {}

    # ------------------------------------------------------------------------------------------
    def fail(self, summary: str, detail: str = "", check: str = "test") -> None:
        self.failures.add(Failure(check, summary, detail, repro=self.cfg.repro_with_waves(None)))

    def _report_timeout(self) -> None:
        lines = []
        for core in range(self.cfg.cores):
            lines.append(f"core {core}:\n" + self.env.retire.recent(core))
        cycle = self.env.trace.end_cycle
        self.failures.add(Failure(
            "watchdog", f"the program did not power off within {self.cfg.max_cycles} cycles",
            detail="raise the limit with MAX_CYCLES=n if it is just slow", cycle=cycle,
            recent="\n".join(lines), repro=self.cfg.repro_with_waves(cycle)))
