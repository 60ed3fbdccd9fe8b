"""SMP boot scoreboard (hypervisor-behaviour.md R1, scenario T1): only the boot core initialises .bss.
A secondary core's store into [__bss_start, __bss_end) before it has first acquired the shared lock
(its first successful `sc` to `lock`) means it is wiping state the boot core already set up: the seed's
"every CPU clears BSS and breaks the spinlocks" bug. Independent of the reference model.
"""

from __future__ import annotations

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.elf import ElfImage
from lacosim.env.config import RunConfig
from lacosim.env.failures import FailureLog

SC_MASK, SC_W, SC_D = 0xFF00_0000, 0x2100_0000, 0x2300_0000


class BssModel:
    """Pure logic, testable with hand-made stores."""

    def __init__(self, bss_start: int, bss_end: int, lock: int, symbolize: object = None) -> None:
        self.bss = (bss_start, bss_end)
        self.lock = lock
        self.acquired: set[int] = {0}   # the boot core owns .bss from the start
        self.symbolize = symbolize
        self.reported: set[int] = set()

    def store(self, core: int, cycle: int, addr: int, insn: int) -> str | None:
        if insn & SC_MASK in (SC_W, SC_D) and addr == self.lock:
            self.acquired.add(core)
            return None
        lo, hi = self.bss
        if core in self.acquired or core in self.reported or not lo <= addr < hi:
            return None
        self.reported.add(core)
        where = self.symbolize(addr) if callable(self.symbolize) else ""
        return (f"core {core} stored to .bss address {addr:#x}{f' <{where}>' if where else ''} at cycle {cycle} "
                f"before it ever acquired the lock: a secondary core is clearing .bss that the boot core already "
                f"initialised (lock and counter are destroyed; R1: only the boot core touches .bss)")


class BssScoreboard(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        self.image: ElfImage = ConfigDB().get(self, "", "image")
        self.model = BssModel(self.image.symbol("__bss_start"), self.image.symbol("__bss_end"),
                              self.image.symbol("lock"), self.image.symbolize)

    def end_of_elaboration_phase(self) -> None:
        lo, hi = self.model.bss
        self.logger.info(f"BSS scoreboard: .bss [{lo:#x}, {hi:#x}), lock at {self.model.lock:#x}")

    def write(self, batch: np.ndarray) -> None:
        # Only cores that have neither acquired the lock nor been reported can fail or change state: after
        # the boot phase that is none, and the batch costs two column compares instead of a loop over
        # every store of the secondaries' lock-protected work.
        watched = [c for c in range(1, self.cfg.cores) if c not in self.model.acquired and c not in self.model.reported]
        if not watched:
            return
        stores = np.flatnonzero(((trace.col(batch, "flags") & trace.FLAG_MEM_WE) != 0)
                                & np.isin(trace.col(batch, "core"), watched))
        for i in stores:
            rec = batch[i]
            problem = self.model.store(int(rec["core"]), int(rec["cycle"]), int(rec["mem_addr"]), int(rec["insn"]))
            if problem:
                retire = ConfigDB().get(self, "", "retire_monitor")
                self.failures.add(retire.failure_at("smp-bss", "a secondary core cleared .bss", problem, batch, int(i)))
