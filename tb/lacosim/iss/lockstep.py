"""The reference model's batch path for lockstep (design.md 10.1): run a stretch of *plain* instructions
without building a record per step, writing only what varies into flat columns the scoreboard compares
with numpy.

A translation is plain when its instruction can only change GPRs, memory (including LL/SC reservations,
UART bytes and the power-off device), and the pc: not a privileged instruction (csr*, gcsr*, tlb*, invtlb,
ertn, idle, iocsr*, lddir/ldpte, rdtime*, cacop, dbcl, gtlbflush). Such an instruction never changes CSRs,
the TLB, the translation context or the interrupt state, and writes at most one GPR (`Translation.rd`),
so everything `Iss.step` would record for it is either static (pc, word, physical pc, rd, memory flags:
kept once per translation in `TABLE`) or one of a few dynamic values (the rd value; for a memory access
the address, store data and physical address; for sc whether it stored). A plain instruction that raises
`Trap` or `IssError` does so before any effect: `run_plain` stops in front of it (and in front of any
instruction that is not plain), and the scoreboard steps that record the ordinary way.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from lacosim.isa.decoder import Decoded
from lacosim.iss.csr import CRMD_PLV, CSR_CRMD, PA_MASK
from lacosim.iss.errors import IssError, PowerOff, Trap
from lacosim.iss.memory import SIZE_MASKS
from lacosim.iss.privileged import privileged_factories
from lacosim.iss.semantics import MEM_AMO, MEM_LL, MEM_LOAD, MEM_NONE, MEM_SC, MEM_STORE

M64 = (1 << 64) - 1
PRIVILEGED = frozenset(privileged_factories())
PLAIN_KINDS = frozenset({MEM_NONE, MEM_LOAD, MEM_STORE, MEM_AMO, MEM_LL, MEM_SC})
MEM_FIELDS = 5  # per memory access in PlainRun.mem: local index, address, store data, physical address, flags


def is_plain(decoded: Decoded | None, mem_kind: int) -> bool:
    """True if the instruction only changes GPRs, memory and the pc (an undefined word is plain: it raises INE
    before any effect, which stops `run_plain` in front of it)."""
    return mem_kind in PLAIN_KINDS and (decoded is None or decoded.mnemonic not in PRIVILEGED)


def mem_flags(kind: int, size_log2: int) -> int:
    """The trace's flags bits 1-4 (mem_re, mem_we, mem_size) of a plain access; sc: as if it stored."""
    reads = kind in (MEM_LOAD, MEM_LL, MEM_AMO)
    writes = kind in (MEM_STORE, MEM_AMO, MEM_SC)
    return (reads << 1 | writes << 2 | size_log2 << 3) if reads or writes else 0


class TranslationTable:
    """The static trace fields of every translation made in this process, indexed by `Translation.tid`:
    pc, word, physical pc, rd and memory flags. Rows are only appended (a dropped translation's row stays:
    the table grows with the code translated, like the translation caches)."""

    COLUMNS = (("pc", np.uint64), ("insn", np.uint32), ("pc_pa", np.uint64), ("rd", np.uint8),
               ("memflags", np.uint8))

    def __init__(self) -> None:
        self._rows: list[tuple[int, int, int, int, int]] = []
        self._synced = 0
        self._arrays = {name: np.zeros(1024, dtype=dtype) for name, dtype in self.COLUMNS}

    def add(self, pc: int, word: int, pa: int, rd: int, memflags: int) -> int:
        self._rows.append((pc, word, pa, rd, memflags))
        return len(self._rows) - 1

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns as numpy arrays (indexed by tid), brought up to date with the rows added since."""
        rows, done = self._rows, self._synced
        if done < len(rows):
            cap = len(next(iter(self._arrays.values())))
            if len(rows) > cap:
                while cap < len(rows):
                    cap *= 2
                for name, arr in self._arrays.items():
                    grown = np.zeros(cap, dtype=arr.dtype)
                    grown[:done] = arr[:done]
                    self._arrays[name] = grown
            new = list(zip(*rows[done:], strict=True))
            for (name, dtype), values in zip(self.COLUMNS, new, strict=True):
                self._arrays[name][done:len(rows)] = np.array(values, dtype=dtype)
            self._synced = len(rows)
        return self._arrays


TABLE = TranslationTable()


@dataclass
class PlainRun:
    """What `run_plain` executed: `count` records from the start index, per record its translation id and
    rd value (0 when rd = 0), and MEM_FIELDS values per memory access."""

    count: int = 0
    tid: array = field(default_factory=lambda: array("q"))
    rd_value: array = field(default_factory=lambda: array("Q"))
    mem: array = field(default_factory=lambda: array("Q"))


def hart_mode(hart: object) -> int:
    """The trace's mode bits PLV, IE, guest of the hart's executing state (constant over plain records)."""
    crmd = hart.csr.values[CSR_CRMD]  # type: ignore[attr-defined]
    return (crmd & CRMD_PLV) | ((crmd >> 2) & 1) << 2 | hart.vm << 3  # type: ignore[attr-defined]


def run_plain(harts: list, cores: list[int] | None, count: int, blocked: frozenset[int]) -> PlainRun:
    """Execute up to `count` records in trace order (cores[j] is record j's core; None: all on harts[0]) while
    each is plain and its core not in `blocked`. The harts' pc and `retired` are up to date afterwards; their
    last_* fields are not (the scoreboard rebuilds them for a report: `materialise`)."""
    if cores is None:
        return _run_one(harts[0], count)
    return _run_many(harts, cores, count, blocked)


def plain_entry(hart: object, pc: int) -> tuple | None:
    """The unpacked form of the plain translation at pc (cached in the context's `plain`), None if the
    instruction there is not plain or cannot be fetched."""
    try:
        t = hart._translation_at(pc)  # type: ignore[attr-defined]
    except (Trap, IssError):
        return None
    if not t.plain:
        return None
    entry = (t.handler, t.tid, t.rd, t.mem_kind, t.mem_base, t.mem_index, t.mem_imm, t.mem_data,
             SIZE_MASKS[t.mem_size], t.mem_size, t.memflags)
    hart._ctx.plain[pc] = entry  # type: ignore[attr-defined]
    return entry


def _run_one(hart: object, count: int) -> PlainRun:
    # _run_many's loop with the per-record core lookups hoisted out: the one-core case is the hot path
    # (no per-record list indexing); tests/unit/test_lockstep_batch.py runs both against the per-record path
    out = PlainRun()
    tids: list[int] = []
    rdvs: list[int] = []
    mem: list[int] = []
    tids_append, rdvs_append, mem_extend = tids.append, rdvs.append, mem.extend
    regs = hart.regs  # type: ignore[attr-defined]
    get = hart._ctx.plain.get  # type: ignore[attr-defined]  # (plain code never switches context)
    reservations = hart.memory.reservations  # type: ignore[attr-defined]
    core_id = hart.core_id  # type: ignore[attr-defined]
    da = bool(hart.fast_ram_size)  # type: ignore[attr-defined]
    pc = hart.pc  # type: ignore[attr-defined]
    n = 0
    for n in range(count):  # noqa: B007  (n: the records done when the loop breaks)
        e = get(pc)
        if e is None:
            e = plain_entry(hart, pc)
            if e is None:
                break
        handler, tid, rd, kind, base, index, imm, data, size_mask, size, flags = e
        if kind:
            addr = (regs[base] + (regs[index] if index >= 0 else imm)) & M64
            wdata = regs[data] & size_mask if data >= 0 else 0
            if kind == MEM_SC and core_id not in reservations:
                flags = addr = wdata = 0
            try:
                next_pc = handler()
            except PowerOff:
                next_pc = (pc + 4) & M64
            except (Trap, IssError):
                break
            pa = addr & PA_MASK if da else hart._data_pa  # type: ignore[attr-defined]
            if kind == MEM_AMO:
                wdata = hart.memory.load(pa, size)  # type: ignore[attr-defined]
            mem_extend((n, addr, wdata, pa if flags else 0, flags))
        else:
            try:
                next_pc = handler()
            except (Trap, IssError):
                break
        tids_append(tid)
        rdvs_append(regs[rd])
        pc = next_pc
    else:
        n = count
    hart.pc = pc  # type: ignore[attr-defined]
    hart.retired += n  # type: ignore[attr-defined]
    out.count = n
    out.tid, out.rd_value, out.mem = array("q", tids), array("Q", rdvs), array("Q", mem)
    return out


def _run_many(harts: list, cores: list[int], count: int, blocked: frozenset[int]) -> PlainRun:
    # per record only what differs by core is indexed (pc, regs, plain cache); the rest as in _run_one
    out = PlainRun()
    tids: list[int] = []
    rdvs: list[int] = []
    mem: list[int] = []
    tids_append, rdvs_append, mem_extend = tids.append, rdvs.append, mem.extend
    pcs = [h.pc for h in harts]
    regss = [h.regs for h in harts]
    das = [bool(h.fast_ram_size) for h in harts]
    gets = [h._ctx.plain.get for h in harts]
    reservations = harts[0].memory.reservations  # (one Memory for all harts)
    n = 0
    for n in range(count):  # noqa: B007
        core = cores[n]
        if core in blocked:
            break
        pc = pcs[core]
        e = gets[core](pc)
        if e is None:
            e = plain_entry(harts[core], pc)
            if e is None:
                break
        handler, tid, rd, kind, base, index, imm, data, size_mask, size, flags = e
        regs = regss[core]
        if kind:
            addr = (regs[base] + (regs[index] if index >= 0 else imm)) & M64
            wdata = regs[data] & size_mask if data >= 0 else 0
            if kind == MEM_SC and core not in reservations:
                flags = addr = wdata = 0
            try:
                next_pc = handler()
            except PowerOff:
                next_pc = (pc + 4) & M64
            except (Trap, IssError):
                break
            pa = addr & PA_MASK if das[core] else harts[core]._data_pa
            if kind == MEM_AMO:
                wdata = harts[core].memory.load(pa, size)
            mem_extend((n, addr, wdata, pa if flags else 0, flags))
        else:
            try:
                next_pc = handler()
            except (Trap, IssError):
                break
        tids_append(tid)
        rdvs_append(regs[rd])
        pcs[core] = next_pc
    else:
        n = count
    retired = Counter(cores[:n])
    for core, (hart, pc) in enumerate(zip(harts, pcs, strict=True)):
        hart.pc = pc
        hart.retired += retired[core]
    out.count = n
    out.tid, out.rd_value, out.mem = array("q", tids), array("Q", rdvs), array("Q", mem)
    return out


__all__ = ["MEM_FIELDS", "TABLE", "PlainRun", "TranslationTable", "hart_mode", "is_plain", "mem_flags",
           "plain_entry", "run_plain"]
