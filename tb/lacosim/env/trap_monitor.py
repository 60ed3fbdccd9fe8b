"""Exception/interrupt monitor: a readable transaction log of every trap, interrupt and `ertn`
(traps.log in the run directory), the coverage of exception codes and interrupts taken, and the
exception policy: an exception the test does not expect (by default INE: an instruction the core does
not implement) is a failure that stops the run with a report."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.elf import ElfImage
from lacosim.env.config import RunConfig
from lacosim.env.coverage import ECODES, INTERRUPTS, Coverage
from lacosim.env.failures import Failure, FailureLog
from lacosim.env.retire_monitor import format_retire


class TrapMonitor(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.image: ElfImage = ConfigDB().get(self, "", "image")
        self.cov: Coverage = ConfigDB().get(self, "", "coverage")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        # exception names (lacosim.env.coverage.ECODES) the running test allows
        self.expected: frozenset[str] = ConfigDB().get(self, "", "expected_exceptions")
        self.log: TextIO = (Path(self.cfg.run_dir) / "traps.log").open("w")
        self.count = 0
        self.stopped = False

    def write(self, batch: np.ndarray) -> None:
        if self.stopped:
            return
        hits = np.flatnonzero((batch["trap"] & (trace.TRAP_VALID | trace.TRAP_ERTN)) != 0)
        for i in hits:
            rec = batch[i]
            self.log.write(self.describe(rec) + "\n")
            trap = int(rec["trap"])
            if trap & trace.TRAP_VALID and not trap & trace.TRAP_INT:
                name = ECODES.get(trace.trap_ecode(trap), f"ecode {trace.trap_ecode(trap):#x}")
                if name not in self.expected:
                    self._unexpected(batch, int(i), name)
                    return
        self.count += len(hits)

    def _unexpected(self, batch: np.ndarray, idx: int, name: str) -> None:
        rec = batch[idx]
        core, cycle, pc = int(rec["core"]), int(rec["cycle"]), int(rec["pc"])
        what = ("illegal instruction: the core does not implement it" if name == "INE"
                else f"unexpected {name} exception")
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(Failure(
            "exceptions", f"{what} ({int(rec['insn']):#010x})",
            f"at: {format_retire(rec, self.image)}\nthe test allows: {', '.join(sorted(self.expected)) or 'none'}; "
            f"fix the program, or declare the exception in the test's expected_exceptions",
            cycle=cycle, core=core, pc=pc, pc_symbol=self.image.symbolize(pc),
            recent=retire.recent(core, batch, idx), repro=self.cfg.repro_with_waves(cycle)))
        self.stopped = True
        ConfigDB().get(self, "", "trace_monitor").stop("unexpected-exception", cycle)

    def describe(self, rec: np.void) -> str:
        trap, pc, core, cycle = int(rec["trap"]), int(rec["pc"]), int(rec["core"]), int(rec["cycle"])
        sym = self.image.symbolize(pc)
        where = f"{cycle:>10} c{core} pc={pc:#x}" + (f" <{sym}>" if sym else "")
        plv, ie = int(rec["mode"]) & trace.MODE_PLV_MASK, int(bool(int(rec["mode"]) & trace.MODE_IE))
        if trap & trace.TRAP_VALID and trap & trace.TRAP_INT:
            n = trace.trap_intno(trap)
            self.cov.hit("interrupt taken", INTERRUPTS.get(n, str(n)))
            return f"{where} INTERRUPT {INTERRUPTS.get(n, n)} (IS={int(rec['irq']):#06x}, PLV{plv})"
        if trap & trace.TRAP_VALID:
            code = trace.trap_ecode(trap)
            sub = (trap >> trace.TRAP_ESUBCODE_SHIFT) & 0x1FF
            name = ECODES.get(code, f"ecode {code:#x}")
            self.cov.hit("exception", name)
            return f"{where} EXCEPTION {name} subcode={sub} insn={int(rec['insn']):08x} (PLV{plv}, IE={ie})"
        self.cov.hit("ertn", "executed")
        return f"{where} ERTN"

    def final_phase(self) -> None:
        self.log.close()
