"""Retirement monitor: per-core history for failure reports, instruction counts, the TRACE=1 log, and
the bus check that every data access hits RAM or a device (the SoC silently reads 0 elsewhere)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import soc, trace
from lacosim.elf import ElfImage
from lacosim.env.config import RunConfig
from lacosim.env.failures import Failure, FailureLog

HISTORY = 32


def disassemble(word: int, pc: int, symbolize: Callable[[int], str] | None = None) -> str:
    from lacosim.isa.disasm import disassemble as _dis  # noqa: PLC0415  (keeps import cost off startup)
    return _dis(word, pc, symbolize)


def format_retire(rec: np.void, image: ElfImage | None) -> str:
    pc = int(rec["pc"])
    sym = image.symbolize(pc) if image else ""
    text = disassemble(int(rec["insn"]), pc, image.symbolize if image else None)
    line = f"{int(rec['cycle']):>9} c{int(rec['core'])} {pc:#010x} {('<' + sym + '>') if sym else '':<24} " \
           f"{int(rec['insn']):08x}  {text:<36}"
    flags = int(rec["flags"])
    if flags & trace.FLAG_RD_WE:
        line += f" r{int(rec['rd'])}={int(rec['rd_wdata']):#018x}"
    if flags & trace.FLAG_MEM_WE:
        size = 1 << ((flags >> trace.FLAG_MEM_SIZE_SHIFT) & 3)
        line += f" [{int(rec['mem_addr']):#x}]{size}<={int(rec['mem_wdata']):#x}"
    elif flags & trace.FLAG_MEM_RE:
        line += f" [{int(rec['mem_addr']):#x}]"
    if flags & trace.FLAG_ILLEGAL:
        line += "  ILLEGAL"
    return line


class RetireMonitor(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.image: ElfImage = ConfigDB().get(self, "", "image")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        self.ram_size: int = ConfigDB().get(self, "", "ram_size")
        self.history: dict[int, np.ndarray] = {}
        self.current: np.ndarray | None = None
        self.last_cycle = 0
        self.trace_log: TextIO | None = None
        if self.cfg.trace:
            path = Path(self.cfg.run_dir) / "trace.log"
            self.trace_log = path.open("w")
            self.logger.info(f"TRACE=1: every retired instruction goes to {path}")

    def write(self, batch: np.ndarray) -> None:
        # `history` covers everything before the batch being published, whatever order subscribers
        # run in; `current` is that batch (checkers pass it, with the index they failed at, to recent()).
        self._fold(self.current)
        self.current = batch
        self._check_bus(batch)
        self.last_cycle = int(batch["cycle"][-1])
        if self.trace_log is not None:
            self.trace_log.writelines(format_retire(rec, self.image) + "\n" for rec in batch)

    def _fold(self, batch: np.ndarray | None) -> None:
        if batch is None or len(batch) == 0:
            return
        # Copy out only each core's last HISTORY records (not every record of the core, then slice).
        cores = batch["core"]
        for core in range(self.cfg.cores):
            mine = trace.take(batch, np.flatnonzero(cores == core)[-HISTORY:])
            if len(mine) == 0:
                continue
            old = self.history.get(core)
            self.history[core] = mine if old is None else np.concatenate((old, mine))[-HISTORY:]

    def _check_bus(self, batch: np.ndarray) -> None:
        access = np.flatnonzero(((batch["flags"] & (trace.FLAG_MEM_RE | trace.FLAG_MEM_WE)) != 0)
                                & ((batch["mode"] & trace.MODE_IOCSR) == 0))
        if not len(access):
            return
        # The trace carries virtual addresses; without a TLB both direct-address mode and the DMW
        # windows map VA[47:0] to the physical address.
        addr = batch["mem_addr"][access] & np.uint64((1 << 48) - 1)
        mapped = (addr < self.ram_size) | ((addr >= soc.UART0_BASE) & (addr < soc.UART0_BASE + soc.UART0_SIZE)) \
            | (addr == soc.GED_SLEEP_CTL)
        bad = access[~mapped]
        if len(bad):
            rec = batch[bad[0]]
            self.report("unmapped data access", batch, int(bad[0]),
                        detail=f"address {int(rec['mem_addr']):#x} is neither RAM [0, {self.ram_size:#x}) nor a "
                        f"device (UART0 {soc.UART0_BASE:#x}, GED {soc.GED_SLEEP_CTL:#x})")

    def recent(self, core: int, batch: np.ndarray | None = None, upto: int = -1) -> str:
        """The last HISTORY instructions of a core, ending at batch[upto] when a batch that is being
        checked (not yet in the history) is given."""
        parts = [h for h in (self.history.get(core),) if h is not None]
        batch = self.current if batch is None else batch
        if batch is not None:
            batch = batch[batch["kind"] == trace.KIND_RETIRE] if upto < 0 else batch
            head = batch[:upto + 1] if upto >= 0 else batch
            head = head[head["kind"] == trace.KIND_RETIRE]
            parts.append(head[head["core"] == core])
        if not parts:
            return "(no instruction retired)"
        hist = np.concatenate(parts)[-HISTORY:]
        return "\n".join(format_retire(r, self.image) for r in hist)

    def report(self, summary: str, batch: np.ndarray, idx: int, detail: str = "",
               check: str = "bus") -> None:
        rec = batch[idx]
        cycle, core, pc = int(rec["cycle"]), int(rec["core"]), int(rec["pc"])
        self.failures.add(Failure(check=check, summary=summary, detail=detail, cycle=cycle, core=core,
                                  pc=pc, pc_symbol=self.image.symbolize(pc),
                                  recent=self.recent(core, batch, idx),
                                  repro=self.cfg.repro_with_waves(cycle)))

    def final_phase(self) -> None:
        if self.trace_log is not None:
            self.trace_log.close()
