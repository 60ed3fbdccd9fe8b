"""Exception/interrupt monitor: a readable transaction log of every trap, interrupt and `ertn`
(traps.log in the run directory) and the coverage of exception codes and interrupts taken."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.elf import ElfImage
from lacosim.env.config import RunConfig
from lacosim.env.coverage import ECODES, INTERRUPTS, Coverage


class TrapMonitor(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.image: ElfImage = ConfigDB().get(self, "", "image")
        self.cov: Coverage = ConfigDB().get(self, "", "coverage")
        self.log: TextIO = (Path(self.cfg.run_dir) / "traps.log").open("w")
        self.count = 0

    def write(self, batch: np.ndarray) -> None:
        hits = batch[(batch["trap"] & (trace.TRAP_VALID | trace.TRAP_ERTN)) != 0]
        for rec in hits:
            self.log.write(self.describe(rec) + "\n")
        self.count += len(hits)

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
