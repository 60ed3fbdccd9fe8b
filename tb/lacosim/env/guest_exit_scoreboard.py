"""Guest-exit scoreboard (issue 9; design.md 12.9), independent of the reference model: from the retirement
trace alone it checks every exit from guest mode (a guest-mode trap record with flags2.exit) three ways.

(a) The cause fits the instruction (architecture.md decision 5, design.md 12.2) under the GCFG/GTLBC trap
    enables in force (followed from the root's writes): cpucfg, idle, iocsr*, gcsr*, gtlbflush and csr* of a
    CSR without a guest copy exit GSPR, hvcl exits HVC, SIT/TIT/TOTI/GCI add theirs; GCSC needs TOP, GCHC
    TOE. An instruction that must exit but retires in the guest (or traps into the guest) fails too.
(b) What the root reads describes it: the first root csrrd of ERA, ESTAT, BADI, BADV (TLBRERA, TLBRBADV
    for a stage-2 refill) after the exit must return the exit PC, the cause, the instruction word and, for a
    guest in direct-address mode, the GPA (= the access's VA) of a stage-2 fault.
(c) What the hypervisor did: at the ertn that re-enters the guest, the resume PC (the first guest record) is
    exit PC + 4 after an emulated GSPR/HVC/PIL/PIS exit and the exit PC after a stage-2 refill or a root
    interrupt (either for PME/PIF/PNR/PNX/GCM: fix-and-retry or skip); every guest GPR is unchanged across
    the exit but the emulated instruction's rd (a shadow register file per core follows every GPR write of
    the trace). A test may give the emulated rd value (LacosimTest.emulated_rd, e.g. a cpucfg table).

GuestExitChecker holds the logic (unit tests feed it synthetic record arrays); GuestExitScoreboard is the
pyuvm subscriber around it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.config import RunConfig
from lacosim.env.coverage import ECODES, Coverage
from lacosim.env.failures import FailureLog
from lacosim.env.retire_monitor import disassemble

CHECK = "guest-exit"

# CSR numbers (spec-la64-lvz.md 5.1/5.2, design.md 12.1), kept here so the scoreboard does not lean on the model
CSR_CRMD, CSR_ESTAT, CSR_ERA, CSR_BADV, CSR_BADI, CSR_EENTRY = 0x0, 0x5, 0x6, 0x7, 0x8, 0xC
CSR_GTLBC, CSR_GCFG = 0x15, 0x51
CSR_SAVE0 = 0x30
CSR_TLBRBADV, CSR_TLBRERA = 0x89, 0x8A
# the guest-copy list (spec 5.2): csr* of anything else exits GSPR
GUEST_CSRS = frozenset([*range(0x0, 0x9), 0xC, *range(0x10, 0x14), *range(0x18, 0x24), *range(0x30, 0x38),
                        *range(0x40, 0x45), 0x60, *range(0x88, 0x90), *range(0x180, 0x184)])
TIMER_CSRS = frozenset(range(0x40, 0x45))                                   # GCFG.TIT: TID..TICLR
TLB_CSRS = frozenset([*range(0x10, 0x14), *range(0x18, 0x20), *range(0x88, 0x90)])  # GTLBC.TOTI
GCFG_SIT, GCFG_TIT, GCFG_TOE, GCFG_TOP = 1 << 7, 1 << 9, 1 << 11, 1 << 13
GCFG_GCI_SHIFT = 20
GTLBC_TOTI = 1 << 13
CRMD_PG = 1 << 4

# encodings (the ISA manual; hypervisor-behaviour.md section 3 lists the BADI words)
HVCL, HVCL_MASK = 0x002B_8000, 0xFFFF_8000
CPUCFG, RDTIME_MASK = 0x0000_6C00, 0xFFFF_FC00
RDTIMES = (0x0000_6000, 0x0000_6400, 0x0000_6800)
IDLE, IDLE_MASK = 0x0648_8000, 0xFFFF_8000
IOCSR, IOCSR_MASK = 0x0648_0000, 0xFFFF_E000         # iocsrrd.{b,h,w,d} 0x06480000-0c00, iocsrwr.* +0x1000
ERTN, GTLBFLUSH = 0x0648_3800, 0x0648_2401
TLB_OPS = (0x0648_2000, 0x0648_2400, 0x0648_2800, 0x0648_2C00, 0x0648_3000, 0x0648_3400)  # tlbclr..tlbfill
INVTLB, INVTLB_MASK = 0x0649_8000, 0xFFFF_8000
LDDIR, LDDIR_MASK = 0x0640_0000, 0xFFFC_0000
LDPTE, LDPTE_MASK = 0x0644_0000, 0xFFFC_001F
CACOP, CACOP_MASK = 0x0600_0000, 0xFFC0_0000
OP_CSR, OP_GCSR = 0x04, 0x05                          # insn[31:24]
INSN_IDLE = 0x0648_8000                               # idle level (level in [14:0]): a hypervisor's park loop

ECODE_GSPR, ECODE_HVC, ECODE_GCM, ECODE_TLBR = 0x16, 0x17, 0x18, trace.TRAP_ECODE_TLBR
STAGE2 = {0x1: "PIL", 0x2: "PIS", 0x3: "PIF", 0x4: "PME", 0x5: "PNR", 0x6: "PNX", 0x7: "PPI"}
EMULATED_CAUSES = frozenset({"GSPR", "HVC", "PIL", "PIS"})     # resume at PC + 4
RETRY_CAUSES = frozenset({"TLBR", "INT"})                       # resume at the PC
# either: the hypervisor may fix the mapping (or CRMD) and retry, or skip the instruction
EITHER_CAUSES = frozenset({"PME", "PIF", "PNR", "PNX", "PPI", "GCSC", "GCHC"})


def is_store(insn: int) -> bool:
    """Stores write no GPR (st.*, stx.*, stptr.*); everything else that faults on data may write rd."""
    op10, op17 = insn >> 22, insn >> 15
    return 0xA4 <= op10 <= 0xA7 or op17 in (0x7020, 0x7028, 0x7030, 0x7038) or insn >> 24 in (0x25, 0x27)


def exit_rule(insn: int, plv: int, gcfg: int, gtlbc: int) -> str | None:
    """The exit a guest instruction must take under these trap enables: "GSPR", "HVC", None (it runs in the
    guest, or the guest itself handles its exceptions), or "?" (the value decides, or the guest's own
    privilege check comes first: not judged)."""
    if insn & HVCL_MASK == HVCL:
        return "HVC"
    if insn & RDTIME_MASK == CPUCFG:
        return "GSPR"          # not privileged: every PLV (design.md 12.8)
    if insn & RDTIME_MASK in RDTIMES:
        return ("GSPR" if plv == 0 else "?") if gcfg & GCFG_TIT else None
    op = insn >> 24
    tlb = insn in TLB_OPS or insn & INVTLB_MASK == INVTLB or insn & LDDIR_MASK == LDDIR \
        or insn & LDPTE_MASK == LDPTE
    privileged = op in (OP_CSR, OP_GCSR) or insn & IOCSR_MASK == IOCSR or insn & IDLE_MASK == IDLE \
        or insn & CACOP_MASK == CACOP or tlb or insn in (ERTN, GTLBFLUSH)
    if not privileged:
        return None
    if plv != 0:
        return "?"             # the guest's IPE first (design.md 12.2)
    if op == OP_GCSR or insn == GTLBFLUSH or insn & IOCSR_MASK == IOCSR or insn & IDLE_MASK == IDLE:
        return "GSPR"
    if op == OP_CSR:
        num = (insn >> 10) & 0x3FFF
        if num not in GUEST_CSRS or gcfg & GCFG_SIT or (gcfg & GCFG_TIT and num in TIMER_CSRS) \
                or (gtlbc & GTLBC_TOTI and num in TLB_CSRS):
            return "GSPR"
        return "?" if gcfg & GCFG_TOP and num == CSR_CRMD and (insn >> 5) & 31 != 0 else None
    if insn & CACOP_MASK == CACOP:
        kind, gci = (insn >> 3) & 3, (gcfg >> GCFG_GCI_SHIFT) & 3
        runs = (gci == 1 and kind == 2) or (gci == 2 and kind in (1, 2))
        return None if runs and not gcfg & GCFG_SIT else "GSPR"
    if tlb:
        if insn & INVTLB_MASK == INVTLB and insn & 0x1F > 6:
            return "?"         # INE to the guest first
        return "GSPR" if gtlbc & GTLBC_TOTI or gcfg & GCFG_SIT else None
    # ertn
    return "GSPR" if gcfg & GCFG_SIT else ("?" if gcfg & GCFG_TOE else None)


def emulated_rds(insn: int, cause: str) -> frozenset[int]:
    """The GPRs a hypervisor may write when it emulates this exit (its rd; a0 for hvcl)."""
    rd, rj = insn & 31, (insn >> 5) & 31
    if cause == "HVC":
        return frozenset({4})
    if cause in ("GSPR", "GCSC"):
        if insn & RDTIME_MASK == CPUCFG or insn >> 24 == OP_CSR or insn & 0xFFFF_F000 == IOCSR:  # iocsrrd.*
            return frozenset({rd})
        if insn & RDTIME_MASK in RDTIMES:
            return frozenset({rd, rj})
        return frozenset()
    if cause in ("PIL", "PIS", "PNR", "PME") and not is_store(insn):
        return frozenset({rd})
    return frozenset()


def data_va(insn: int, gprs: list[int]) -> int | None:
    """The VA of a load/store form (ld/st si12, ldptr/stptr si14<<2, ldx/stx rk), else None."""
    rj, rk = gprs[(insn >> 5) & 31], gprs[(insn >> 10) & 31]
    if 0xA0 <= insn >> 22 <= 0xAB:                      # ld.b..st.d, ld.bu/hu/wu
        si = (insn >> 10) & 0xFFF
        return (rj + (si - (1 << 12) if si & 0x800 else si)) & (2**64 - 1)
    if insn >> 24 in (0x24, 0x25, 0x26, 0x27):          # ldptr.w/stptr.w/ldptr.d/stptr.d
        si = (insn >> 10) & 0x3FFF
        return (rj + ((si - (1 << 14) if si & 0x2000 else si) << 2)) & (2**64 - 1)
    if 0x7000 <= insn >> 15 <= 0x7050:                  # ldx.*/stx.*
        return (rj + rk) & (2**64 - 1)
    return None


def mmio_form(insn: int) -> tuple[int, bool, bool] | None:
    """(bytes, is_store, sign-extends) of a load/store form the hypervisor emulates or forwards (sw/hv/mmio.c's
    decoder): ld/st.{b,h,w,d} ld.{bu,hu,wu} (si12), ldptr/stptr.{w,d}, ldx/stx.{b,h,w,d} ldx.{bu,hu,wu}; else None."""
    op10, op8, op17 = insn >> 22, insn >> 24, insn >> 15
    if 0xA0 <= op10 <= 0xAA:
        k = op10 - 0xA0
    elif 0x24 <= op8 <= 0x27:
        return (8 if op8 & 2 else 4), bool(op8 & 1), True
    elif 0x7000 <= op17 <= 0x7050 and not op17 & 7:
        k = (op17 - 0x7000) >> 3
    else:
        return None
    return 1 << (k & 3), 4 <= k < 8, k < 4

@dataclass
class GuestExit:
    """One exit as the trace shows it, and the guest's GPRs at that moment."""
    cycle: int
    core: int
    pc: int
    insn: int
    cause: str                 # GSPR HVC GCSC GCHC TLBR INT PIL PIS ...
    ecode: int
    esubcode: int
    gprs: list[int]
    gpa: int | None            # stage-2 faults of a guest in DA mode: the GPA the root must report
    reads: dict[int, int] = field(default_factory=dict)   # CSR -> the value its first root csrrd must return
    parked: bool = False       # the core parked (a root idle) before re-entering: its zone was shut down (13.12)


@dataclass
class CoreExitState:
    gprs: list[int] = field(default_factory=lambda: [0] * 32)
    gcfg: int = 0
    gtlbc: int = 0
    guest_pg: bool = False     # guest CRMD.PG as its last write (reset: DA)
    guest_eentry: int | None = None
    pending: GuestExit | None = None
    after_ertn: bool = False   # the previous record of this core was an ertn
    guest_seen: bool = False
    save0: int | None = None   # the root's SAVE0 (the running struct vcpu): a change switches vCPUs (13.10)
    parked: dict[int, GuestExit] = field(default_factory=dict)   # each switched-out vCPU's pending exit


class GuestExitChecker:
    """The rules of (a), (b), (c) over record batches; reports through `fail(summary, detail, exit_or_rec)`."""

    def __init__(self, cores: int, fail: Callable[[str, str, int, int, int, bool], None],
                 cov: Coverage | None = None,
                 emulated_rd: Callable[[GuestExit], int | None] | None = None,
                 injection_allowed: bool = False, restart_entries: dict[int, int] | None = None,
                 vcpus: frozenset[int] = frozenset()) -> None:
        self.cores = [CoreExitState() for _ in range(cores)]
        # SAVE0 values that name a vCPU (struct vcpu addresses) where several share a core (13.10); other roots
        # (sw/lvz's stub) use SAVE0 as a scratch register
        self.vcpus = vcpus
        self.restart_entries = restart_entries or {}   # core -> its zone's entry: a re-entry there after a park
        self._fail = fail          # (summary, detail, cycle, core, pc, guest mode)
        self.cov = cov
        self.emulated_rd = emulated_rd
        self.injection_allowed = injection_allowed
        self.exits = 0

    def _hit(self, name: str) -> None:
        if self.cov is not None:
            self.cov.hit(CHECK, name)

    # ------------------------------------------------------------------------------------------
    def write(self, batch: np.ndarray) -> None:
        retire = trace.retired(batch)
        guest = trace.in_guest(batch)
        if not guest[retire].any() and all(st.pending is None and not st.guest_seen for st in self.cores):
            self._fold_fast(batch, retire)    # root-only code: only the GPR shadow and the trap enables
            return
        cols = {k: batch[k].tolist() for k in ("cycle", "core", "pc", "insn", "flags", "flags2", "trap", "mode", "rd",
                                               "rd_wdata", "rd2", "rd2_wdata", "csr", "csr_wdata")}
        for i in np.flatnonzero(retire).tolist():
            self._record({k: v[i] for k, v in cols.items()})

    def _fold_fast(self, batch: np.ndarray, retire: np.ndarray) -> None:
        """Root-only batches, vectorised: each core's last write of every GPR, then the CSR writes in order."""
        flags = trace.col(batch, "flags")
        for we, reg, val in ((trace.FLAG_RD_WE, "rd", "rd_wdata"), (trace.FLAG_RD2_WE, "rd2", "rd2_wdata")):
            written = np.flatnonzero(retire & ((flags & we) != 0))
            if not len(written):
                continue
            for j in trace.last_gpr_writes(batch, written, reg).tolist():
                self.cores[int(batch["core"][j])].gprs[int(batch[reg][j])] = int(batch[val][j])
        csrs = np.flatnonzero(retire & ((flags & trace.FLAG_CSR_WE) != 0)
                              & np.isin(trace.col(batch, "csr"),
                                        (CSR_GCFG, CSR_GTLBC, CSR_CRMD, CSR_EENTRY, CSR_SAVE0)))
        for i in csrs.tolist():
            r = {k: int(batch[k][i]) for k in ("core", "flags2", "csr", "csr_wdata", "mode")}
            self._effects(self.cores[r["core"]], r | {"flags": trace.FLAG_CSR_WE})

    def _effects(self, st: CoreExitState, r: dict[str, int]) -> None:
        flags = r["flags"]
        if flags & trace.FLAG_RD_WE:
            st.gprs[r["rd"]] = r["rd_wdata"]
        if flags & trace.FLAG_RD2_WE:
            st.gprs[r["rd2"]] = r["rd2_wdata"]
        if flags & trace.FLAG_CSR_WE:
            num, value = r["csr"], r["csr_wdata"]
            if r["flags2"] & trace.FLAG2_GCSR:
                if num == CSR_CRMD:
                    st.guest_pg = bool(value & CRMD_PG)
                elif num == CSR_EENTRY:
                    st.guest_eentry = value & ~0x3F & (2**64 - 1)
            elif not r["mode"] & trace.MODE_GUEST:
                if num == CSR_SAVE0 and value in self.vcpus:  # the exit waits for its own vCPU's re-entry
                    if st.save0 is not None and value != st.save0:
                        if st.pending is not None:
                            st.parked[st.save0] = st.pending
                        st.pending = st.parked.pop(value, None)
                    st.save0 = value
                if num == CSR_GCFG:
                    st.gcfg = value
                elif num == CSR_GTLBC:
                    st.gtlbc = value
                if st.pending is not None:
                    st.pending.reads.pop(num, None)  # the root changed it: later reads say nothing

    def _record(self, r: dict[str, int]) -> None:
        st = self.cores[r["core"]]
        is_guest = bool(r["mode"] & trace.MODE_GUEST)
        trap = r["trap"]
        if st.after_ertn:
            st.after_ertn = False
            if is_guest and st.pending is not None:
                self._reentry(st, r)
        if is_guest:
            st.guest_seen = True
            if trap & trace.TRAP_VALID and r["flags2"] & trace.FLAG2_EXIT:
                self._exit(st, r)
            elif not trap & trace.TRAP_INT:
                self._stays_in_guest(st, r)
        else:
            if st.pending is not None:
                if trap & trace.TRAP_VALID:
                    st.pending.reads.clear()   # a root exception overwrote the exit's CSRs
                elif r["insn"] >> 24 == OP_CSR and (r["insn"] >> 5) & 31 == 0 and r["flags"] & trace.FLAG_RD_WE:
                    self._root_read(st.pending, r)
                if r["insn"] & ~0x7FFF == INSN_IDLE:
                    st.pending.parked = True
            if trap & trace.TRAP_ERTN:
                st.after_ertn = True
        self._effects(st, r)

    # (a) ----------------------------------------------------------------------------------------
    def _stays_in_guest(self, st: CoreExitState, r: dict[str, int]) -> None:
        rule = exit_rule(r["insn"], r["mode"] & trace.MODE_PLV_MASK, st.gcfg, st.gtlbc)
        if rule not in ("GSPR", "HVC"):
            return
        trap = r["trap"]
        if trap & trace.TRAP_VALID:
            code = trace.trap_ecode(trap)
            how = f"raised {ECODES.get(code, hex(code))} to the guest's own handler"
        else:
            how = "retired in guest mode without exiting"
        self._fail(f"guest instruction {how}: it must exit to the hypervisor with {rule}",
                   f"{self._insn(r['insn'], r['pc'])} at guest PLV{r['mode'] & 3}: architecture.md decision 5 / "
                   f"design.md 12.2 require a {rule} exit (GCFG {st.gcfg:#x}, GTLBC {st.gtlbc:#x}); no exit record "
                   f"came (flags2.exit = 0)", r["cycle"], r["core"], r["pc"], True)

    def _exit(self, st: CoreExitState, r: dict[str, int]) -> None:
        trap, insn, pc = r["trap"], r["insn"], r["pc"]
        self.exits += 1
        if trap & trace.TRAP_INT:
            cause, ecode, sub = "INT", 0, 0
        else:
            ecode, sub = trace.trap_ecode(trap), (trap >> trace.TRAP_ESUBCODE_SHIFT) & 0x1FF
            cause = ("GCHC" if sub & 1 else "GCSC") if ecode == ECODE_GCM else \
                "TLBR" if ecode == ECODE_TLBR else STAGE2.get(ecode) or ECODES.get(ecode, f"ecode {ecode:#x}")
        fetch = insn == 0 and cause in ("PIF", "TLBR")
        gpa = None
        if cause in STAGE2.values() or cause == "TLBR":
            va = pc if fetch or cause == "PIF" else data_va(insn, st.gprs)
            gpa = None if st.guest_pg or va is None else va & (2**48 - 1)   # DA: PA = VA[47:0] (design.md 9.2)
        ex = GuestExit(r["cycle"], r["core"], pc, insn, cause, ecode, sub, list(st.gprs), gpa)
        if cause == "TLBR":
            ex.reads[CSR_TLBRERA] = pc | 1
            if gpa is not None:
                ex.reads[CSR_TLBRBADV] = gpa
        else:
            ex.reads[CSR_ERA] = pc
            ex.reads[CSR_ESTAT] = (ecode << 16) | (sub << 22)
            if cause != "INT" and cause != "GCHC" and not fetch:
                ex.reads[CSR_BADI] = insn
            if gpa is not None:
                ex.reads[CSR_BADV] = gpa
        st.pending = ex
        self._hit(f"exit {cause}")
        if cause == "INT":
            return
        rule = exit_rule(insn, r["mode"] & trace.MODE_PLV_MASK, st.gcfg, st.gtlbc)
        bad = ""
        if cause in ("GSPR", "HVC") and rule != cause and rule != "?":
            bad = (f"this instruction runs in the guest under GCFG {st.gcfg:#x} / GTLBC {st.gtlbc:#x}" if rule is None
                   else f"it must exit with {rule}")
        elif rule in ("GSPR", "HVC") and cause != rule and not fetch:
            bad = f"it must exit with {rule} (design.md 12.2)"
        elif cause == "GCSC" and not (st.gcfg & GCFG_TOP and insn >> 24 == OP_CSR
                                      and (insn >> 10) & 0x3FFF == CSR_CRMD):
            bad = "GCSC needs GCFG.TOP = 1 and a guest csrwr/csrxchg of CRMD"
        elif cause == "GCHC" and not st.gcfg & GCFG_TOE:
            bad = "GCHC needs GCFG.TOE = 1"
        if bad:
            self._fail(f"guest exit with the wrong cause: {cause} for {self._insn(insn, pc).split(' (')[0]}",
                       f"exit {cause} (ecode {ecode:#x}, esubcode {sub}) of {self._insn(insn, pc)}: {bad}",
                       r["cycle"], r["core"], pc, True)

    # (b) ----------------------------------------------------------------------------------------
    def _root_read(self, ex: GuestExit, r: dict[str, int]) -> None:
        num = (r["insn"] >> 10) & 0x3FFF
        if num not in ex.reads:
            return
        expected, observed = ex.reads.pop(num), r["rd_wdata"]
        names = {CSR_ERA: "ERA", CSR_ESTAT: "ESTAT", CSR_BADI: "BADI", CSR_BADV: "BADV", CSR_TLBRERA: "TLBRERA",
                 CSR_TLBRBADV: "TLBRBADV"}
        if num == CSR_ESTAT:
            ok = (observed >> 16) & 0x7FFF == expected >> 16
            want = f"Ecode {(expected >> 16) & 0x3F:#x} EsubCode {expected >> 22}"
            got = f"Ecode {(observed >> 16) & 0x3F:#x} EsubCode {(observed >> 22) & 0x1FF}"
        elif num == CSR_BADI:
            ok, want, got = (observed & 0xFFFF_FFFF) == expected, f"{expected:#010x}", f"{observed & 0xFFFF_FFFF:#010x}"
        else:
            ok, want, got = observed == expected, f"{expected:#x}", f"{observed:#x}"
        what = {CSR_ERA: "the exit PC", CSR_ESTAT: "the exit cause", CSR_BADI: "the exiting instruction word",
                CSR_BADV: "the GPA of the faulting access", CSR_TLBRERA: "the exit PC | IsTLBR",
                CSR_TLBRBADV: "the GPA that missed"}[num]
        self._hit(f"root read {names[num]}")
        if not ok:
            self._fail(f"the root's {names[num]} does not describe the guest exit: expected {what}",
                       f"exit {ex.cause} of {self._insn(ex.insn, ex.pc)} at cycle {ex.cycle} (guest mode); the root's "
                       f"first csrrd {names[num]} after it (root mode, cycle {r['cycle']}, pc {r['pc']:#x}) returned "
                       f"{got}, expected {want} (design.md 12.5)", ex.cycle, ex.core, ex.pc, True)

    # (c) ----------------------------------------------------------------------------------------
    def _reentry(self, st: CoreExitState, r: dict[str, int]) -> None:
        ex, st.pending = st.pending, None
        assert ex is not None
        resume = r["pc"]
        if resume == (ex.pc + 4) & (2**64 - 1):
            kind = "PC+4"
        elif resume == ex.pc:
            kind = "PC"
        elif st.guest_eentry is not None and resume == st.guest_eentry:
            kind = "guest EENTRY"
        else:
            kind = "elsewhere"
        if ex.parked and self.restart_entries.get(ex.core) == resume:
            self._hit("zone restarted at its entry after a shutdown")   # a new zone: nothing of the exit resumes
            return
        self._hit(f"{ex.cause} resumed at {kind}")
        where = f"{self._insn(ex.insn, ex.pc)}, exit {ex.cause} at cycle {ex.cycle}"
        if kind == "guest EENTRY" and self.injection_allowed:
            return                       # the hypervisor injected an exception: the GPRs are the guest's business
        if kind in ("elsewhere", "guest EENTRY") or (ex.cause in EMULATED_CAUSES and kind != "PC+4") \
                or (ex.cause in RETRY_CAUSES and kind != "PC"):
            want = ("ERA + 4 (the emulated instruction is done)" if ex.cause in EMULATED_CAUSES else
                    "ERA (the interrupted or refilled instruction has not run)" if ex.cause in RETRY_CAUSES
                    else "ERA or ERA + 4")
            seed = ""
            if ex.cause in EMULATED_CAUSES and kind == "PC":
                seed = "; the guest re-executes the instruction and exits again (the hypervisor forgot ERA + 4)"
            elif ex.cause in RETRY_CAUSES and kind == "PC+4":
                seed = "; the guest skips an instruction that never ran"
            elif kind == "guest EENTRY":
                seed = "; the hypervisor injected an exception into the guest, which this test does not allow"
            self._fail(f"the hypervisor resumed the guest at the wrong PC after a {ex.cause} exit",
                       f"{where}; re-entered at cycle {r['cycle']} at {resume:#x}, expected {want}: "
                       f"{(ex.pc + 4) & (2**64 - 1):#x} / {ex.pc:#x}{seed}", r["cycle"], r["core"], ex.pc, True)
            return
        allowed = emulated_rds(ex.insn, ex.cause) if kind == "PC+4" else frozenset()
        changed = [n for n in range(1, 32) if n not in allowed and st.gprs[n] != ex.gprs[n]]
        if changed:
            from lacosim.isa.disasm import gpr_name  # noqa: PLC0415
            lines = "; ".join(f"{gpr_name(n)}: {ex.gprs[n]:#x} at the exit -> {st.gprs[n]:#x} at re-entry"
                              for n in changed[:6])
            self._fail("the hypervisor clobbered a guest register across an exit",
                       f"{where}; re-entered at cycle {r['cycle']} at {resume:#x}: {lines} ("
                       + (f"only {', '.join(gpr_name(n) for n in sorted(allowed))} may change: the emulated "
                          "instruction's result)" if allowed else "nothing may change: the exit emulates no result)"),
                       r["cycle"], r["core"], ex.pc, True)
            return
        if kind == "PC+4" and self.emulated_rd is not None:
            value = self.emulated_rd(ex)    # every emulated exit (stores too: a test's device model follows them)
            if value is not None and allowed:
                rd = 4 if ex.cause == "HVC" else ex.insn & 31
                self._hit(f"{ex.cause} rd checked against the test's table")
                if rd and st.gprs[rd] != value & (2**64 - 1):
                    from lacosim.isa.disasm import gpr_name  # noqa: PLC0415
                    self._fail(f"the hypervisor emulated the exit with the wrong result in {gpr_name(rd)}",
                               f"{where}; re-entered at cycle {r['cycle']}: {gpr_name(rd)} = {st.gprs[rd]:#x}, the "
                               f"test's table says {value & (2**64 - 1):#x}", r["cycle"], r["core"], ex.pc, True)

    @staticmethod
    def _insn(insn: int, pc: int) -> str:
        return f"`{disassemble(insn, pc)}` ({insn:#010x})" if insn else "a fetch (no instruction word)"


class GuestExitScoreboard(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        cov: Coverage = ConfigDB().get(self, "", "coverage")
        hook = ConfigDB().get(self, "", "guest_exit_rd")
        injection = bool(ConfigDB().get(self, "", "exit_injection_allowed"))
        restarts = ConfigDB().get(self, "", "zone_restart_entries")
        vcpus = frozenset(ConfigDB().get(self, "", "vsw_vcpus"))
        self.checker = GuestExitChecker(self.cfg.cores, self._fail, cov, hook, injection, restarts, vcpus)
        self._batch: np.ndarray | None = None

    def write(self, batch: np.ndarray) -> None:
        self._batch = batch
        self.checker.write(batch)

    def _fail(self, summary: str, detail: str, cycle: int, core: int, pc: int, guest: bool) -> None:
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(retire.failure(CHECK, summary, detail, cycle, core, self._batch, pc, guest))
