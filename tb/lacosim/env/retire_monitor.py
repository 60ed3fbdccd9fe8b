"""Retirement monitor: per-core history for failure reports, instruction counts, the TRACE=1 logs, and
the bus check: every data access hits RAM or a device (the SoC silently reads 0 elsewhere), and none
touches a stack guard page (sw/common/stack.ld: the page below each core's stack), which is where a stack
overflow into .bss or into another core's stack shows first."""

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


TRACE_HEADER = ("#     cycle core mode  pc                  <symbol>                 insn      disassembly"
                "                           effects\n"
                "# mode: R/G = root/guest, then the PLV; effects: GPR writes (ABI names), memory "
                "[VA->PA]size<=data, CSR writes by name, EXC/INT/TLBR and ERTN inline\n")


def _gpr(n: int) -> str:
    from lacosim.isa.disasm import gpr_name  # noqa: PLC0415
    return gpr_name(n).lstrip("$")


def rec_symbol(image: ElfImage | None, rec: np.void) -> str:
    """The symbol of a record's PC, from the ELF of its mode (a guest kernel's for guest-mode records)."""
    return image.symbolize(int(rec["pc"]), guest=bool(int(rec["mode"]) & trace.MODE_GUEST)) if image else ""


def format_retire(rec: np.void, image: ElfImage | None) -> str:
    """One record as a line of an Ibex-style trace (also the 'last retired instructions' of reports)."""
    from lacosim.env.coverage import ECODES, INTERRUPTS  # noqa: PLC0415
    from lacosim.iss.csr import csr_name  # noqa: PLC0415

    pc = int(rec["pc"])
    sym = rec_symbol(image, rec)
    mode = int(rec["mode"])
    text = disassemble(int(rec["insn"]), pc, image.symbolizer(bool(mode & trace.MODE_GUEST)) if image else None)
    line = (f"{int(rec['cycle']):>11} c{int(rec['core'])}   {'G' if mode & trace.MODE_GUEST else 'R'}"
            f"{mode & trace.MODE_PLV_MASK}  {pc:#018x}  {('<' + sym + '>') if sym else '':<24} "
            f"{int(rec['insn']):08x}  {text:<36}")
    flags, trap = int(rec["flags"]), int(rec["trap"])
    effects = []
    if trap & trace.TRAP_VALID and trap & trace.TRAP_INT:
        n = trace.trap_intno(trap)
        effects.append(f"INT {INTERRUPTS.get(n, n)}")
    elif trap & trace.TRAP_VALID:
        code = trace.trap_ecode(trap)
        effects.append("TLBR" if code == trace.TRAP_ECODE_TLBR else f"EXC {ECODES.get(code, hex(code))}")
    if flags & trace.FLAG_RD_WE:
        effects.append(f"{_gpr(int(rec['rd']))}={int(rec['rd_wdata']):#x}")
    if flags & trace.FLAG_RD2_WE:
        effects.append(f"{_gpr(int(rec['rd2']))}={int(rec['rd2_wdata']):#x}")
    if flags & (trace.FLAG_MEM_RE | trace.FLAG_MEM_WE):
        size = 1 << ((flags >> trace.FLAG_MEM_SIZE_SHIFT) & 3)
        va, pa = int(rec["mem_addr"]), int(rec["mem_pa"])
        where = f"io[{va:#x}]" if mode & trace.MODE_IOCSR else (f"[{va:#x}]" if va == pa else f"[{va:#x}->{pa:#x}]")
        effects.append(f"{where}{size}<={int(rec['mem_wdata']):#x}" if flags & trace.FLAG_MEM_WE
                       else f"{where}{size}")
    if int(rec["flags2"]) & trace.FLAG2_EXIT:
        effects.append("EXIT")
    if flags & trace.FLAG_CSR_WE:
        bank = "guest." if int(rec["flags2"]) & trace.FLAG2_GCSR else ""
        effects.append(f"{bank}{csr_name(int(rec['csr']))}<={int(rec['csr_wdata']):#x}")
    if int(rec["flags2"]) & trace.FLAG2_TLB_WE:
        effects.append(f"tlb[{int(rec['tlb_idx'])}]")
    if trap & trace.TRAP_ERTN:
        effects.append("ERTN")
    if flags & trace.FLAG_ILLEGAL:
        effects.append("ILLEGAL")
    return (line + " " + " ".join(effects)).rstrip()


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
        self.core_logs: list[TextIO] = []
        # stack guard pages: [base + n * slot, + guard) for n < 4, from the program's own link symbols
        syms = self.image.symbols
        self.stack_guard = ((syms["__stack_base"], syms["__stack_slot"], syms["__stack_guard_size"])
                            if {"__stack_base", "__stack_slot", "__stack_guard_size"} <= syms.keys() else None)
        if self.cfg.trace:
            run_dir = Path(self.cfg.run_dir)
            self.trace_log = (run_dir / "trace.log").open("w")
            self.core_logs = [(run_dir / f"trace_c{c}.log").open("w") for c in range(self.cfg.cores)]
            head = f"# lacosim TEST={self.cfg.test} SEED={self.cfg.seed} program={self.cfg.elf}\n" + TRACE_HEADER
            for log in (self.trace_log, *self.core_logs):
                log.write(head)
            self.logger.info(f"TRACE=1: every retired instruction goes to {run_dir}/trace.log (all cores) and "
                             f"trace_c<n>.log (one per core)")

    def write(self, batch: np.ndarray) -> None:
        # `history` covers everything before the batch being published, whatever order subscribers
        # run in; `current` is that batch (checkers pass it, with the index they failed at, to recent()).
        self._fold(self.current)
        self.current = batch
        self._check_bus(batch)
        self.last_cycle = int(batch["cycle"][-1])
        if self.trace_log is not None:
            lines = [format_retire(rec, self.image) + "\n" for rec in batch]
            self.trace_log.writelines(lines)
            for core, log in enumerate(self.core_logs):
                log.writelines(line for line, c in zip(lines, trace.col(batch, "core"), strict=True) if c == core)

    def _fold(self, batch: np.ndarray | None) -> None:
        if batch is None or len(batch) == 0:
            return
        # Copy out only each core's last HISTORY records (not every record of the core, then slice).
        cores = trace.col(batch, "core")
        for core in range(self.cfg.cores):
            mine = trace.take(batch, np.flatnonzero(cores == core)[-HISTORY:])
            if len(mine) == 0:
                continue
            old = self.history.get(core)
            self.history[core] = mine if old is None else np.concatenate((old, mine))[-HISTORY:]

    def _check_bus(self, batch: np.ndarray) -> None:
        access = np.flatnonzero(((trace.col(batch, "flags") & (trace.FLAG_MEM_RE | trace.FLAG_MEM_WE)) != 0)
                                & ((trace.col(batch, "mode") & trace.MODE_IOCSR) == 0))
        if not len(access):
            return
        # mem_addr is the virtual address; the physical one the bus saw is mem_pa (design.md 9.5).
        addr = trace.col(batch, "mem_pa")[access]
        mapped = (addr < self.ram_size) | ((addr >= soc.UART0_BASE) & (addr < soc.UART0_BASE + soc.UART0_SIZE)) \
            | (addr == soc.GED_SLEEP_CTL)
        bad = access[~mapped]
        if len(bad):
            rec = batch[bad[0]]
            self.report("unmapped data access", batch, int(bad[0]),
                        detail=f"physical address {int(rec['mem_pa']):#x} (virtual {int(rec['mem_addr']):#x}) is "
                        f"neither RAM [0, {self.ram_size:#x}) nor a device (UART0 {soc.UART0_BASE:#x}, GED "
                        f"{soc.GED_SLEEP_CTL:#x})")
            return
        if self.stack_guard is not None:
            base, slot, guard = (np.uint64(v) for v in self.stack_guard)
            off = addr - base  # wraps for addresses below the stacks: then far beyond the last slot
            hit = access[(off < slot * np.uint64(4)) & (off % slot < guard)]
            if len(hit):
                rec = batch[hit[0]]
                owner = (int(rec["mem_pa"]) - int(base)) // int(slot)
                self.report("stack overflow: an access to a stack guard page", batch, int(hit[0]),
                            detail=f"physical address {int(rec['mem_pa']):#x} is in the guard page below core "
                            f"{owner}'s stack ([{int(base) + owner * int(slot):#x}, +{int(guard):#x}), "
                            f"sw/common/stack.ld): a stack grew past its {int(slot - guard) // 1024} KiB "
                            f"(core {int(rec['core'])} made the access)", check="stack")

    def recent(self, core: int, batch: np.ndarray | None = None, upto: int = -1) -> str:
        """The last HISTORY instructions of a core, ending at batch[upto] when a batch that is being
        checked (not yet in the history) is given."""
        parts = [h for h in (self.history.get(core),) if h is not None]
        batch = self.current if batch is None else batch
        if batch is not None:
            batch = batch[trace.retired(batch)] if upto < 0 else batch
            head = batch[:upto + 1] if upto >= 0 else batch
            head = head[head["kind"] == trace.KIND_RETIRE]
            parts.append(head[head["core"] == core])
        if not parts:
            return "(no instruction retired)"
        hist = np.concatenate(parts)[-HISTORY:]
        return "\n".join(format_retire(r, self.image) for r in hist)

    def recent_until(self, core: int, batch: np.ndarray | None, cycle: int) -> str:
        """The last HISTORY instructions of a core up to `cycle`, for a checker that noticed a failure later
        than it happened (a whole batch of the trace on): the history, then the batch's records to `cycle`."""
        if batch is None:
            return self.recent(core)
        upto = int(np.searchsorted(trace.col(batch, "cycle"), cycle, side="right")) - 1
        return self.recent(core, batch, upto) if upto >= 0 else self.recent(core, batch[:0], -1)

    def failure(self, check: str, summary: str, detail: str, cycle: int | None, core: int | None,
                batch: np.ndarray | None, pc: int | None = None, guest: bool | None = None) -> Failure:
        """A checker's failure at (cycle, core) with everything a person acts on: the instruction the core last
        retired by `cycle` in `batch` (the batch being checked) gives the pc and the mode the checker did not;
        the symbol comes from that mode's ELF; the core's history runs up to `cycle`."""
        if core is None or cycle is None:
            return Failure(check, summary, detail, cycle=cycle, core=core, repro=self.cfg.repro_with_waves(cycle))
        if (pc is None or guest is None) and batch is not None:
            at = np.flatnonzero((trace.col(batch, "core") == core) & (trace.col(batch, "cycle") <= cycle)
                                & trace.retired(batch))
            if len(at):
                last = batch[at[-1]]
                pc = int(last["pc"]) if pc is None else pc
                guest = bool(int(last["mode"]) & trace.MODE_GUEST) if guest is None else guest
        return Failure(check, summary, detail, cycle=cycle, core=core, pc=pc,
                       pc_symbol=self.image.symbolize(pc, guest=bool(guest)) if pc is not None else "", guest=guest,
                       recent=self.recent_until(core, batch, cycle), repro=self.cfg.repro_with_waves(cycle))

    def failure_at(self, check: str, summary: str, detail: str, batch: np.ndarray, idx: int) -> Failure:
        """A failure at a record of the batch being checked."""
        rec = batch[idx]
        core = int(rec["core"])
        return Failure(check, summary, detail, cycle=int(rec["cycle"]), core=core, pc=int(rec["pc"]),
                       pc_symbol=rec_symbol(self.image, rec), guest=bool(int(rec["mode"]) & trace.MODE_GUEST),
                       recent=self.recent(core, batch, idx), repro=self.cfg.repro_with_waves(int(rec["cycle"])))

    def report(self, summary: str, batch: np.ndarray, idx: int, detail: str = "", check: str = "bus") -> None:
        self.failures.add(self.failure_at(check, summary, detail, batch, idx))

    def final_phase(self) -> None:
        for log in (self.trace_log, *self.core_logs):
            if log is not None:
                log.close()
