"""Exception/interrupt monitor: a readable transaction log of every trap, interrupt and `ertn`
(traps.log in the run directory), the coverage of exception codes and interrupts taken, the coverage
group "tlb" (TlbCoverage), and the exception policy that stops the run with a report:
- a test class names the exceptions its program may raise (`expected_exceptions`); any other one fails;
- `make sim ELF=...` (handled_exceptions_allowed, unless STRICT=1) accepts every exception the program
  handles: lockstep already proves the RTL raised exactly what the reference model raised. It fails only
  what is a bug whatever the program meant: an exception with no handler installed (the handler address
  the core jumped to is 0: EENTRY or TLBRENTRY never set) and a double fault (the handler's own first
  instruction raises an exception other than a TLB refill, so no handler can ever run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.elf import ElfImage
from lacosim.env.config import RunConfig
from lacosim.env.coverage import ECODES, INTERRUPTS, IRQ_SOURCES, TLB_EXCEPTIONS, Coverage, irq_rise_bin
from lacosim.env.failures import Failure, FailureLog
from lacosim.env.retire_monitor import format_retire, rec_symbol
from lacosim.isa.decoder import encode
from lacosim.iss.core import Iss
from lacosim.iss.csr import (
    CRMD_IE,
    CSR_CRMD,
    CSR_ECFG,
    CSR_ESTAT,
    CSR_PWCH,
    CSR_PWCL,
    CSR_TLBIDX,
    CSR_TLBREHI,
    CSR_TLBRERA,
    ECFG_LIE,
    TLBRERA_ISTLBR,
    csr_name,
)
from lacosim.iss.tlb import page_size_name

TLBRD, TLBWR, TLBFILL = encode("tlbrd"), encode("tlbwr"), encode("tlbfill")
INVTLB_MATCH, INVTLB_MASK = 0x0649_8000, 0xFFFF_8000
LDPTE_MATCH, LDPTE_MASK = 0x0644_0000, 0xFFFC_001F
TRACKED_CSRS = (CSR_TLBIDX, CSR_TLBREHI, CSR_TLBRERA, CSR_PWCL, CSR_PWCH)


@dataclass
class _TlbShadow:
    """What one core's trace says about the CSRs that decide a TLB write's page size."""
    tlbidx_ps: int | None = 0  # None: unknown (after a tlbrd)
    tlbrehi_ps: int | None = 0
    istlbr: bool = False
    pwcl: int = 0
    pwch: int = 0
    gprs: list[int] = field(default_factory=lambda: [0] * 32)  # values as of the end of the last batch


class TlbCoverage:
    """Coverage group "tlb" from the trace records alone (no reference model): TLB exceptions by kind
    (refill = ecode 0x3F), refills by the PLV they interrupted, the invtlb ops executed, and the page
    size (PS) of every tlbwr/tlbfill the RTL committed. PS is not in the record: it is followed from the
    csrwr/csrxchg values of TLBIDX/TLBREHI/TLBRERA/PWCL/PWCH, refill entry and ertn, and ldpte (PS from
    PWCL/PWCH and the entry in rj, whose value is the last GPR write the trace shows); after a tlbrd
    TLBIDX.PS is unknown and a tlbwr using it is not binned."""

    def __init__(self, cov: Coverage) -> None:
        self.cov = cov
        self.cores: dict[int, _TlbShadow] = {}

    def write(self, batch: np.ndarray) -> None:
        retire = trace.retired(batch)
        trap, insn, flags = trace.col(batch, "trap"), trace.col(batch, "insn"), trace.col(batch, "flags")
        executed = retire & ((trap & trace.TRAP_VALID) == 0)
        interesting = retire & (
            ((trap & (trace.TRAP_VALID | trace.TRAP_INT)) == trace.TRAP_VALID) | ((trap & trace.TRAP_ERTN) != 0)
            | (((flags & trace.FLAG_CSR_WE) != 0) & np.isin(trace.col(batch, "csr"), TRACKED_CSRS))
            | (executed & (((insn & LDPTE_MASK) == LDPTE_MATCH) | (insn == TLBRD)
                           | ((insn & INVTLB_MASK) == INVTLB_MATCH)
                           | ((trace.col(batch, "flags2") & trace.FLAG2_TLB_WE) != 0))))
        for i in np.flatnonzero(interesting):
            self._record(batch, int(i))
        self._fold_gprs(batch, retire)

    def _shadow(self, core: int) -> _TlbShadow:
        return self.cores.setdefault(core, _TlbShadow())

    def _record(self, batch: np.ndarray, i: int) -> None:
        rec = batch[i]
        trap, insn, core = int(rec["trap"]), int(rec["insn"]), int(rec["core"])
        sh = self._shadow(core)
        if trap & trace.TRAP_VALID:
            name = ECODES.get(trace.trap_ecode(trap), "")
            if name in TLB_EXCEPTIONS:
                self.cov.hit("tlb", name)
            if name == "TLBR":
                self.cov.hit("tlb", f"refill from PLV{int(rec['mode']) & trace.MODE_PLV_MASK}")
                sh.istlbr = True
            return
        if trap & trace.TRAP_ERTN:
            sh.istlbr = False
        if int(rec["flags"]) & trace.FLAG_CSR_WE:
            self._csr_write(sh, int(rec["csr"]), int(rec["csr_wdata"]))
        if insn & LDPTE_MASK == LDPTE_MATCH:
            sh.tlbrehi_ps = self._ldpte_ps(sh, self._gpr_before(batch, i, core, (insn >> 5) & 31))
        elif insn == TLBRD:
            sh.tlbidx_ps = None
        elif insn & INVTLB_MASK == INVTLB_MATCH and insn & 0x1F <= 6:
            self.cov.hit("tlb", f"invtlb op {insn & 0x1F}")
        elif insn in (TLBWR, TLBFILL) and int(rec["flags2"]) & trace.FLAG2_TLB_WE:
            ps = sh.tlbrehi_ps if sh.istlbr else sh.tlbidx_ps
            if ps is not None:
                self.cov.hit("tlb", f"page {page_size_name(ps)}")

    @staticmethod
    def _csr_write(sh: _TlbShadow, num: int, value: int) -> None:
        if num == CSR_TLBIDX:
            sh.tlbidx_ps = (value >> 24) & 0x3F
        elif num == CSR_TLBREHI:
            sh.tlbrehi_ps = value & 0x3F
        elif num == CSR_TLBRERA:
            sh.istlbr = bool(value & TLBRERA_ISTLBR)
        elif num == CSR_PWCL:
            sh.pwcl = value & 0xFFFF_FFFF
        elif num == CSR_PWCH:
            sh.pwch = value & 0xFF_FFFF

    @staticmethod
    def _ldpte_ps(sh: _TlbShadow, entry: int) -> int:
        """design.md 9.4: a huge entry's PS is base + width - 1 of the level in its bits 14:13 (0: the page
        table's), a normal one's PWCL.PTbase."""
        level = (entry >> 13) & 3 if entry & (1 << 6) else -1
        if level <= 0:
            base, width = sh.pwcl & 0x1F, (sh.pwcl >> 5) & 0x1F
            return base if level < 0 else base + width - 1
        if level <= 2:
            shift = 10 * level
            return ((sh.pwcl >> shift) & 0x1F) + ((sh.pwcl >> (shift + 5)) & 0x1F) - 1
        return (sh.pwch & 0x3F) + ((sh.pwch >> 6) & 0x3F) - 1

    def _gpr_before(self, batch: np.ndarray, i: int, core: int, reg: int) -> int:
        """GR[reg] of `core` just before record i: its last write earlier in the batch, else the shadow."""
        head = batch[:i]
        writes = np.flatnonzero((head["kind"] == trace.KIND_RETIRE) & (head["core"] == core)
                                & ((head["flags"] & trace.FLAG_RD_WE) != 0) & (head["rd"] == reg))
        return int(head["rd_wdata"][writes[-1]]) if len(writes) else self._shadow(core).gprs[reg]

    def _fold_gprs(self, batch: np.ndarray, retire: np.ndarray) -> None:
        written = np.flatnonzero(retire & ((trace.col(batch, "flags") & trace.FLAG_RD_WE) != 0))
        if not len(written):
            return
        for j in trace.last_gpr_writes(batch, written).tolist():
            self._shadow(int(batch["core"][j])).gprs[int(batch["rd"][j])] = int(batch["rd_wdata"][j])


IRQ_SOURCE_MASK = sum(1 << n for n in IRQ_SOURCES)


class IrqCoverage:
    """Coverage group "irq" (issue 13), sampled by the lockstep scoreboard from the reference model in trace
    order, never from the RTL's interrupt logic: the trace says when a line of ESTAT.IS rises (IRQ events,
    SWI bits included), the model what ECFG.LIE, CRMD.IE and idle were at that moment (lockstep keeps the
    model's CSRs equal to the RTL's). Bins: each source's rise by (LIE bit, IE, core sleeping in idle);
    "pending but masked" (a rise with the LIE bit clear, or an ECFG write that masks a pending line);
    "taken"; "woke from idle" (the source whose rise made IS & LIE non-zero while the core slept), and a
    wake-up with IE = 0 (the core continues after idle without taking anything)."""

    def __init__(self, cov: Coverage, cores: int) -> None:
        self.cov = cov
        self.lines = [0] * cores  # IS [12:0] as the last IRQ event of each core reported it

    def irq_event(self, hart: Iss, core: int, is_bits: int, apply: Callable[[], None]) -> None:
        """An IRQ event of `core`: `apply()` hands it to the model; sample around it."""
        values = hart.csr.values
        sleeping = hart.sleeping
        rises = is_bits & ~self.lines[core] & IRQ_SOURCE_MASK
        self.lines[core] = is_bits
        apply()
        if not rises:
            return
        lie = values[CSR_ECFG] & ECFG_LIE
        ie = bool(values[CSR_CRMD] & CRMD_IE)
        for n in IRQ_SOURCES:
            if rises >> n & 1:
                enabled = bool(lie >> n & 1)
                self.cov.hit("irq", irq_rise_bin(n, enabled, ie, sleeping))
                if not enabled:
                    self.cov.hit("irq", f"{INTERRUPTS[n]} pending but masked")
        if sleeping and not hart.sleeping:
            woke = rises & lie
            self.cov.hit("irq", f"{INTERRUPTS[woke.bit_length() - 1]} woke from idle")
            if not ie:
                self.cov.hit("irq", "woke from idle with IE=0")

    def ecfg_written(self, hart: Iss) -> None:
        """After an ECFG write: every pending line it left masked."""
        values = hart.csr.values
        masked = values[CSR_ESTAT] & ~values[CSR_ECFG] & IRQ_SOURCE_MASK
        for n in IRQ_SOURCES:
            if masked >> n & 1:
                self.cov.hit("irq", f"{INTERRUPTS[n]} pending but masked")

    def taken(self, intno: int) -> None:
        self.cov.hit("irq", f"{INTERRUPTS.get(intno, str(intno))} taken")


class TrapMonitor(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.image: ElfImage = ConfigDB().get(self, "", "image")
        self.cov: Coverage = ConfigDB().get(self, "", "coverage")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        # exception names (lacosim.env.coverage.ECODES) the running test allows
        self.expected: frozenset[str] = ConfigDB().get(self, "", "expected_exceptions")
        self.handled_allowed: bool = ConfigDB().get(self, "", "handled_exceptions_allowed")
        # per core: the exception record whose handler entry (the core's next record) is not seen yet
        self.entering: dict[int, np.void] = {}
        self.log: TextIO = (Path(self.cfg.run_dir) / "traps.log").open("w")
        self.count = 0
        self.stopped = False
        self.tlb_coverage = TlbCoverage(self.cov)

    def write(self, batch: np.ndarray) -> None:
        self.tlb_coverage.write(batch)
        self._lvz_coverage(batch)
        if self.stopped:
            return
        traps = (trace.col(batch, "trap") & (trace.TRAP_VALID | trace.TRAP_ERTN)) != 0
        hits = np.flatnonzero(traps)
        if self.handled_allowed:
            self._check_handler_entries(batch, traps)
            if self.stopped:
                return
        for i in hits:
            rec = batch[i]
            self.log.write(self.describe(rec) + "\n")
            trap = int(rec["trap"])
            if trap & trace.TRAP_VALID and not trap & trace.TRAP_INT:
                name = ECODES.get(trace.trap_ecode(trap), f"ecode {trace.trap_ecode(trap):#x}")
                if name not in self.expected and not self.handled_allowed:
                    self._unexpected(batch, int(i), name)
                    return
        self.count += len(hits)

    def _check_handler_entries(self, batch: np.ndarray, traps: np.ndarray) -> None:
        """ELF runs: look at the record after each exception of a core (its handler's first instruction)."""
        retire = trace.retired(batch)
        exc = traps & ((trace.col(batch, "trap") & (trace.TRAP_VALID | trace.TRAP_INT)) == trace.TRAP_VALID)
        pending = [(-1, core, rec) for core, rec in self.entering.items()]  # from the previous batch
        pending += [(int(i), int(batch["core"][i]), batch[i].copy()) for i in np.flatnonzero(exc)]
        self.entering = {}
        cores = trace.col(batch, "core")
        for after, core, first in pending:
            nxt = np.flatnonzero(retire[after + 1:] & (cores[after + 1:] == core))
            if not len(nxt):
                self.entering[core] = first  # the handler's first record comes in a later batch
                continue
            j = after + 1 + int(nxt[0])
            if int(batch["pc"][j]) == 0:
                self._no_handler(batch, j, first)
                return
            # a refill at the handler entry is serviced like any other (a mapped handler); anything else
            # there means the handler can never run
            if exc[j] and trace.trap_ecode(int(batch["trap"][j])) != trace.TRAP_ECODE_TLBR:
                self._double_fault(batch, j, first)
                return

    def _exc_name(self, rec: np.void) -> str:
        code = trace.trap_ecode(int(rec["trap"]))
        return ECODES.get(code, f"ecode {code:#x}")

    def _no_handler(self, batch: np.ndarray, idx: int, exc: np.void) -> None:
        name = self._exc_name(exc)
        entry = "TLBRENTRY" if name == "TLBR" else "EENTRY"
        what = "illegal instruction" if name == "INE" else f"{name} exception"
        self._stop(batch, idx, exc, f"{what} with no exception handler installed ({entry} = 0)",
                   f"the core jumped to address 0: set {entry} before the program can raise {name}")

    def _double_fault(self, batch: np.ndarray, idx: int, exc: np.void) -> None:
        second = batch[idx]
        self._stop(batch, idx, exc, f"double fault: the {self._exc_name(exc)} handler's first instruction "
                   f"raised {self._exc_name(second)}",
                   f"handler entry: {format_retire(second, self.image)}\nno handler can run: check that "
                   "EENTRY/TLBRENTRY point at code the handler mode can fetch (DA mode for TLBRENTRY, a "
                   "mapped or direct-mapped address for EENTRY)")

    def _stop(self, batch: np.ndarray, idx: int, exc: np.void, summary: str, detail: str) -> None:
        core, cycle, pc = int(exc["core"]), int(exc["cycle"]), int(exc["pc"])
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(Failure(   # placed at the exception; the history runs to the record that showed it
            "exceptions", f"{summary} ({int(exc['insn']):#010x})", f"at: {format_retire(exc, self.image)}\n{detail}",
            cycle=cycle, core=core, pc=pc, pc_symbol=rec_symbol(self.image, exc),
            guest=bool(int(exc["mode"]) & trace.MODE_GUEST),
            recent=retire.recent(int(batch[idx]["core"]), batch, idx), repro=self.cfg.repro_with_waves(cycle)))
        self.stopped = True
        ConfigDB().get(self, "", "trace_monitor").stop("unexpected-exception", cycle)

    def _unexpected(self, batch: np.ndarray, idx: int, name: str) -> None:
        rec = batch[idx]
        what = ("illegal instruction: the core does not implement it" if name == "INE"
                else f"unexpected {name} exception")
        if self.cfg.strict_exceptions and self.cfg.test == "elf":
            what += " (STRICT=1)"
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(retire.failure_at(
            "exceptions", f"{what} ({int(rec['insn']):#010x})",
            f"at: {format_retire(rec, self.image)}\nthe test allows: {', '.join(sorted(self.expected)) or 'none'}; "
            f"fix the program, or declare the exception in the test's expected_exceptions", batch, idx))
        self.stopped = True
        ConfigDB().get(self, "", "trace_monitor").stop("unexpected-exception", int(rec["cycle"]))

    def _lvz_coverage(self, batch: np.ndarray) -> None:
        """LVZ bins (design.md 12): every guest CSR written, every exit by cause, stage-2 faults by kind."""
        retire = trace.retired(batch)
        gcsr = retire & ((trace.col(batch, "flags") & trace.FLAG_CSR_WE) != 0) \
            & ((trace.col(batch, "flags2") & trace.FLAG2_GCSR) != 0)
        for num in sorted(set(trace.col(batch, "csr")[gcsr].tolist())):   # (np.unique would import numpy.ma)
            self.cov.hit("lvz", f"guest {csr_name(int(num))} written")
        for i in np.flatnonzero(retire & ((trace.col(batch, "flags2") & trace.FLAG2_EXIT) != 0)):
            trap = int(batch["trap"][i])
            if trap & trace.TRAP_INT:
                self.cov.hit("lvz", "exit by a root interrupt")
                continue
            name = ECODES.get(trace.trap_ecode(trap), "?")
            if name == "GCM":
                name = "GCHC" if (trap >> trace.TRAP_ESUBCODE_SHIFT) & 1 else "GCSC"
            self.cov.hit("lvz", f"stage-2 {name}" if name in TLB_EXCEPTIONS else f"exit {name}")

    def describe(self, rec: np.void) -> str:
        trap, pc, core, cycle = int(rec["trap"]), int(rec["pc"]), int(rec["core"]), int(rec["cycle"])
        sym = rec_symbol(self.image, rec)
        where = f"{cycle:>10} c{core} pc={pc:#x}" + (f" <{sym}>" if sym else "")
        if int(rec["mode"]) & trace.MODE_GUEST:   # LVZ: guest mode, and whether the trap left it
            where += " [guest" + (", EXIT to root]" if int(rec["flags2"]) & trace.FLAG2_EXIT else "]")
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
