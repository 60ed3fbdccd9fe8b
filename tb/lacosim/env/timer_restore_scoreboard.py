"""The guest-timer save/restore checker of the context-switching hypervisor (issue 10; docs/design.md 13.10),
from the retirement trace only: KVM's reference algorithm (hypervisor-behaviour.md 1.6, kvm timer.c) re-derived
from what the hypervisor read at the switch-out, and compared with what it writes at the switch-in.

A root episode runs from an exit (or reset) to the ertn that re-enters a guest. The vCPU is the struct vcpu the
entry writes to root SAVE0 (the test gives their addresses: ConfigDB "vsw_vcpus"); an episode that ends in
another vCPU is a switch. In it the *save* of the vCPU going out is the last root gcsrrd of guest TCFG, TVAL
and ESTAT before the first restore write (the exit path's own inspection reads come earlier); the *restore* is
every root gcsrwr/gcsrxchg of guest TCFG, TVAL, TICLR and ESTAT, in order, compared with:
    TCFG = 0 -> ESTAT = saved -> TCFG = saved ->
      En = 0:                          TVAL = saved
      one-shot, TVAL > TCFG (fired):   TVAL = 0 [-> TVAL = max, only if a re-read of ESTAT showed no TI]
                                       -> TICLR = 1 if the saved ESTAT had no TI (the guest had acked it)
      else:                            TVAL = expire - now (expire = save + (TVAL < TCFG ? TVAL : 0), +-TOL)
                                       0 for a one-shot that expired while out; a periodic one that expired:
                                       period - (elapsed mod period) (+-TOL around the period) -> ESTAT with TI
                                       set (queued TI)
The first difference fails, named ("the restore wrote TVAL before TCFG at cycle N", "spurious TI ...", "lost
TI ..."). Each restore is a case; the guest's TI takes are counted per case until the vCPU re-arms its timer
(its own TCFG write) or is switched out:
    A  one-shot expired while out:     exactly one, within L_ERTN + L_EXC of the ertn;
    B  one-shot fired and acked:       none;
    C  one-shot not yet fired:         one, not before the saved expiry - TOL;
    P  periodic expired while out:     the queued one within L_ERTN + L_EXC of the ertn;
    F  one-shot fired, TI pending:     exactly one (the pending TI).
Also at each switch: root GINTC is per vCPU (KVM saves and restores it, hypervisor-behaviour.md 1.4): the
switch-in's last GINTC write must be the value the vCPU's switch-out read (not checked at a first entry).
Coverage group "timer-restore": the cases seen, and the TI counts per case (report summary).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.failures import Failure
from lacosim.env.ipi_model import L_EXC

CHECK = "timer-restore"
CSR_ESTAT, CSR_SAVE0, CSR_GINTC = 0x5, 0x30, 0x52
CSR_OP = 0x0400_0000
TIMER_CSRS = (trace.CSR_TCFG, trace.CSR_TVAL, trace.CSR_TICLR, CSR_ESTAT)
NAMES = {trace.CSR_TCFG: "TCFG", trace.CSR_TVAL: "TVAL", trace.CSR_TICLR: "TICLR", CSR_ESTAT: "ESTAT"}
GCSR_OP = 0x0500_0000
TCFG_EN, TCFG_PERIODIC = 1, 2
INITVAL_MASK = ((1 << 48) - 1) & ~3
TVAL_MAX = (1 << 48) - 1
ESTAT_TI = 1 << 11
ESTAT_SOFT = 0x1803          # the guest ESTAT bits a root write sets (design.md 12.3): compared on restore
IRQ_TI = 11
TOL = 200                    # ticks: the hypervisor's `now` is read before its arithmetic (a 64-bit modulo: ~90)
L_ERTN = 16                  # tests/hv.py: ertn record -> first guest record
CASES = {"A": "one-shot expired while switched out", "B": "one-shot fired and acked before the switch-out",
         "C": "one-shot not yet fired", "P": "periodic expired while switched out",
         "Q": "periodic not yet expired", "F": "one-shot fired, TI pending at the switch-out",
         "D": "timer disabled"}


@dataclass
class Saved:
    tcfg: int
    tval: int
    estat: int
    cycle: int               # the TVAL read's


@dataclass
class Case:
    vcpu: int
    kind: str
    ertn: int
    expire: int | None       # C: the saved expiry (cycle)
    tis: list[int] = field(default_factory=list)


@dataclass
class CoreState:
    vcpu: int | None = None
    save0: int | None = None
    reads: dict[int, tuple[int, int]] = field(default_factory=dict)   # csr -> (value, cycle), before any write
    writes: list[tuple[int, int, int, int]] = field(default_factory=list)   # (csr, value, cycle, index)
    rereads: list[tuple[int, int]] = field(default_factory=list)     # ESTAT gcsrrd after the first write
    saved: dict[int, Saved] = field(default_factory=dict)
    gintc_read: int | None = None      # the episode's last root csrrd of GINTC before its first GINTC write
    gintc_write: tuple[int, int] | None = None   # the episode's last root write of GINTC (value, cycle)
    gintc: dict[int, int] = field(default_factory=dict)   # vCPU -> its GINTC at its switch-out
    booted: bool = False
    case: Case | None = None


Fail = Callable[[str, str, int, int], None]     # (summary, detail, cycle, core)


class RestoreChecker:
    def __init__(self, cores: int, vcpus: dict[int, int], fail: Fail) -> None:
        self.cores = [CoreState() for _ in range(cores)]
        self.vcpus = vcpus
        self._fail = fail
        self.cases: dict[str, list[int]] = {}      # kind -> TI count per finished case
        self.delivery: dict[str, list[int]] = {}   # kind -> first TI take - reference (ertn for A/P/F, expiry for C)
        self.restores = 0

    def write(self, batch: np.ndarray) -> None:
        retire = trace.retired(batch)
        guest = trace.in_guest(batch)
        flags, flags2, trap, insn = (trace.col(batch, k) for k in ("flags", "flags2", "trap", "insn"))
        csr_w = (flags & trace.FLAG_CSR_WE) != 0
        gread = ~guest & ((insn & 0xFF00_03E0) == GCSR_OP) & ((flags & trace.FLAG_RD_WE) != 0)
        gwrite = ~guest & csr_w & ((flags2 & trace.FLAG2_GCSR) != 0) & np.isin(trace.col(batch, "csr"), TIMER_CSRS)
        save0 = ~guest & csr_w & ((flags2 & trace.FLAG2_GCSR) == 0) & (trace.col(batch, "csr") == CSR_SAVE0)
        ertn = ~guest & ((trap & trace.TRAP_ERTN) != 0)
        exit_ = guest & ((flags2 & trace.FLAG2_EXIT) != 0)
        take = guest & ((trap & trace.TRAP_INT) != 0) & ((flags2 & trace.FLAG2_EXIT) == 0)
        arm = guest & csr_w & ((flags2 & trace.FLAG2_GCSR) != 0) & (trace.col(batch, "csr") == trace.CSR_TCFG)
        root_csr = ~guest & ((flags2 & trace.FLAG2_GCSR) == 0)
        gintc_w = root_csr & csr_w & (trace.col(batch, "csr") == CSR_GINTC)
        gintc_r = ~guest & ((insn & 0xFF00_03E0) == CSR_OP) & (((insn >> 10) & 0x3FFF) == CSR_GINTC) \
            & ((flags & trace.FLAG_RD_WE) != 0)
        sel = retire & (gread | gwrite | save0 | ertn | exit_ | take | arm | gintc_w | gintc_r)
        for i in np.flatnonzero(sel).tolist():
            rec = batch[i]
            core, cycle = int(rec["core"]), int(rec["cycle"])
            st = self.cores[core]
            if exit_[i]:
                st.reads, st.writes, st.rereads, st.save0 = {}, [], [], None
                st.gintc_read, st.gintc_write = None, None
            elif gintc_w[i]:
                st.gintc_write = (int(rec["csr_wdata"]), cycle)
            elif gintc_r[i]:
                if st.gintc_write is None:
                    st.gintc_read = int(rec["rd_wdata"])
            elif take[i]:
                if trace.trap_intno(int(rec["trap"])) == IRQ_TI and st.case is not None:
                    st.case.tis.append(cycle)
                    self._count(core, st.case, cycle)
            elif arm[i]:
                self._end_case(core, st, cycle)
            elif gread[i]:
                csr = (int(rec["insn"]) >> 10) & 0x3FFF
                if csr in (trace.CSR_TCFG, trace.CSR_TVAL, CSR_ESTAT):
                    if not st.writes:
                        st.reads[csr] = (int(rec["rd_wdata"]), cycle)
                    elif csr == CSR_ESTAT:
                        st.rereads.append((int(rec["rd_wdata"]), cycle))
            elif gwrite[i]:
                st.writes.append((int(rec["csr"]), int(rec["csr_wdata"]), cycle, len(st.rereads)))
            elif save0[i]:
                st.save0 = int(rec["csr_wdata"])
            elif ertn[i]:
                self._ertn(core, st, cycle)

    # ------------------------------------------------------------------------------------------------------
    def _ertn(self, core: int, st: CoreState, cycle: int) -> None:
        new = self.vcpus.get(st.save0, st.vcpu) if st.save0 is not None else st.vcpu
        if new is None or (new == st.vcpu and not st.writes):
            st.reads, st.writes, st.rereads = {}, [], []
            return
        saved = self._saved_from_reads(st)
        if not st.booted:                       # the first entry: the reads were the boot snapshot of the bank
            st.booted = True
            for v in self.vcpus.values():
                if saved is not None:
                    st.saved.setdefault(v, saved)
        elif st.vcpu is not None and new != st.vcpu and saved is not None:
            st.saved[st.vcpu] = saved           # the vCPU going out
        if new != st.vcpu:
            self._end_case(core, st, cycle)
            self._gintc(core, st, new, cycle)
        ref = st.saved.get(new)
        if ref is not None and (new != st.vcpu or st.writes):
            self.restores += 1
            kind = self._compare(core, ref, st.writes, st.rereads, cycle)
            if kind is not None and kind in "ABCPF":
                expire = ref.cycle + ref.tval if kind == "C" else None
                st.case = Case(new, kind, cycle, expire)
        st.vcpu = new
        st.reads, st.writes, st.rereads, st.save0 = {}, [], [], None
        st.gintc_read, st.gintc_write = None, None

    def _gintc(self, core: int, st: CoreState, new: int, cycle: int) -> None:
        """Root GINTC is per vCPU (KVM saves and restores it): the switch-in writes the value the vCPU had."""
        if st.vcpu is not None and st.gintc_read is not None:
            st.gintc[st.vcpu] = st.gintc_read
        want = st.gintc.get(new)
        if want is None:
            return                              # a first entry: the zone's PIP (checked by the start itself)
        got = st.gintc_write
        if got is None or got[0] != want:
            seen = f"wrote GINTC = {got[0]:#x} at cycle {got[1]}" if got else "did not write GINTC"
            self._fail(f"the switch to vCPU {new} {seen}, its GINTC at its switch-out was {want:#x}",
                       f"GINTC (VIP: the lines injected into this vCPU, PIP) is per vCPU: the switch-out saves it and "
                       f"the switch-in restores it (hypervisor-behaviour.md 1.4, KVM); otherwise injected lines move "
                       f"to the other vCPU or are lost; re-entered at cycle {cycle}", got[1] if got else cycle, core)

    @staticmethod
    def _saved_from_reads(st: CoreState) -> Saved | None:
        r = st.reads
        if not all(c in r for c in (trace.CSR_TCFG, trace.CSR_TVAL, CSR_ESTAT)):
            return None
        return Saved(r[trace.CSR_TCFG][0], r[trace.CSR_TVAL][0], r[CSR_ESTAT][0], r[trace.CSR_TVAL][1])

    def _compare(self, core: int, s: Saved, writes: list[tuple[int, int, int, int]], rereads: list[tuple[int, int]],
                 ertn: int) -> str | None:
        """The reference sequence for `s`, step by step against `writes`; the case letter, or None on failure."""
        saved = f"saved TCFG {s.tcfg:#x} TVAL {s.tval:#x} ESTAT {s.estat:#x} (TVAL read at cycle {s.cycle})"
        order = "reference (hypervisor-behaviour.md 1.6): TCFG=0 -> ESTAT -> TCFG -> (TVAL=0 [-> TVAL=max] -> " \
                "TICLR) or TVAL=remaining"
        seq = " -> ".join(f"{NAMES[c]}={v:#x}@{cy}" for c, v, cy, _ in writes) or "none"
        pos = 0

        def fail(summary: str, why: str, cycle: int) -> None:
            self._fail(summary, f"{why}\n{saved}\nrestore writes: {seq}\n{order}", cycle, core)

        def step(csr: int, want: int | None, what: str, tol: int = 0) -> tuple[int, int] | None:
            """The next write must be `csr` (= want, +-tol); returns (value, cycle) or None after failing."""
            nonlocal pos
            if pos >= len(writes):
                fail(f"the restore never wrote {NAMES[csr]} ({what})", f"the writes end before step {pos + 1}, "
                     f"{NAMES[csr]}; the guest was re-entered at cycle {ertn}", ertn)
                return None
            c, v, cy, _ = writes[pos]
            if c != csr:
                fail(f"the restore wrote {NAMES[c]} before {NAMES[csr]} at cycle {cy}",
                     f"step {pos + 1} must be {NAMES[csr]} ({what}); observed {NAMES[c]} = {v:#x}", cy)
                return None
            if want is not None and abs(v - want) > tol:
                fail(f"the restore wrote {NAMES[csr]} = {v:#x} at cycle {cy}, the reference {want:#x}"
                     + (f" +-{tol}" if tol else ""), f"step {pos + 1}: {what}", cy)
                return None
            pos += 1
            return v, cy

        if step(trace.CSR_TCFG, 0, "TCFG = 0 first: the old configuration cannot raise a spurious TI") is None:
            return None
        if step(CSR_ESTAT, None, "the saved ESTAT") is None:
            return None
        got = writes[pos - 1][1]
        if (got ^ s.estat) & ESTAT_SOFT:
            lost = s.estat & ESTAT_TI and not got & ESTAT_TI
            fail(("lost TI: " if lost else "") + f"the restore wrote ESTAT = {got:#x} at cycle {writes[pos - 1][2]}, "
                 f"the saved ESTAT was {s.estat:#x}", "step 2 restores the saved ESTAT (SWI, TI, IPI bits)",
                 writes[pos - 1][2])
            return None
        if step(trace.CSR_TCFG, s.tcfg, "the saved TCFG") is None:
            return None
        if not s.tcfg & TCFG_EN:
            kind = "D"
            if step(trace.CSR_TVAL, s.tval, "En = 0: the saved TVAL, nothing more") is None:
                return None
        elif not s.tcfg & TCFG_PERIODIC and s.tval > s.tcfg:
            acked = not s.estat & ESTAT_TI
            kind = "B" if acked else "F"
            if step(trace.CSR_TVAL, 0, "a one-shot that fired before the save: TVAL = 0 raises TI") is None:
                return None
            if pos < len(writes) and writes[pos][0] == trace.CSR_TVAL:
                rr = [v for v, _ in rereads[: writes[pos][3]]]
                if not acked or not rr or rr[-1] & ESTAT_TI:
                    c, v, cy, _ = writes[pos]
                    fail(f"the restore wrote TVAL = {v:#x} at cycle {cy} although TI had appeared",
                         "TVAL = max only if the ESTAT re-read 2 ticks after TVAL = 0 shows no TI", cy)
                    return None
                if step(trace.CSR_TVAL, TVAL_MAX, "TVAL = max: the late TI cannot come") is None:
                    return None
            if acked:
                if pos >= len(writes) or writes[pos][0] != trace.CSR_TICLR:
                    fail("spurious TI: the restore of an acked one-shot left the TI of its TVAL = 0 pending (no "
                         "TICLR)", "the saved ESTAT had no TI (the guest had acknowledged it before the switch-out): "
                         "after TVAL = 0 the reference clears the TI with TICLR = 1", ertn)
                    return None
                if step(trace.CSR_TICLR, None, "TICLR = 1") is None:
                    return None
        else:
            expire = s.cycle + (s.tval if s.tval < s.tcfg else 0)
            if pos >= len(writes):
                step(trace.CSR_TVAL, None, "TVAL = the remaining ticks")
                return None
            now = writes[pos][2]
            periodic = bool(s.tcfg & TCFG_PERIODIC)
            if now < expire - TOL:
                kind = "Q" if periodic else "C"
                want, tol, what = expire - now, TOL, f"the remaining ticks to the saved expiry at cycle {expire}"
                v = writes[pos][1]
                if writes[pos][0] == trace.CSR_TVAL and v < want - tol:
                    fail(f"spurious TI: the restore of a not-yet-fired {'periodic timer' if periodic else 'one-shot'}"
                         f" wrote TVAL = {v:#x} at cycle {now}, {want - v} ticks early",
                         f"{what}: {want} +-{tol}; TVAL = 0 injects a TI the guest's timer has not raised "
                         f"(hvisor 754838b's inverted condition)", now)
                    return None
            elif not periodic:   # expired while out (within TOL of the expiry: the few ticks left)
                kind, want, tol = "A", max(0, expire - now), TOL if expire > now else 0
                what = "a one-shot that expired while out: TVAL = 0 fires at once"
            else:
                kind = "P"
                period = s.tcfg & INITVAL_MASK
                want = period - (now - expire) % period
                tol, what = TOL, f"period - (elapsed mod period) = {want} (expired at cycle {expire})"
            if kind == "P" and pos < len(writes) and writes[pos][0] == trace.CSR_TVAL:
                d = (writes[pos][1] - want) % period     # the phase: compared around the period
                if min(d, period - d) <= tol:
                    want = writes[pos][1]
            if step(trace.CSR_TVAL, want, what, tol) is None:
                return None
            if kind == "P":
                if step(CSR_ESTAT, None, "the queued TI (kvm_queue_irq(INT_TI))") is None:
                    return None
                if not writes[pos - 1][1] & ESTAT_TI:
                    fail("lost TI: the restore of a periodic timer that expired while out queued no TI",
                         "the ESTAT write after TVAL must set TI", writes[pos - 1][2])
                    return None
        if pos < len(writes):
            c, v, cy, _ = writes[pos]
            fail(f"the restore wrote {NAMES[c]} = {v:#x} at cycle {cy} after the reference sequence had ended",
                 f"case {kind} ({CASES[kind]}) ends after step {pos}", cy)
            return None
        return kind

    def _count(self, core: int, case: Case, cycle: int) -> None:
        n, kind = len(case.tis), case.kind
        what = f"case {kind} ({CASES[kind]}), re-entered at cycle {case.ertn}"
        if kind == "B":
            self._fail("spurious TI in case B: the guest took a TI after re-entry although it had acknowledged its "
                       "one-shot before the switch-out", f"{what}: guest TI taken at cycle {cycle}", cycle, core)
        elif n > 1 and kind in "ACF":
            self._fail(f"duplicated TI in case {kind}: the guest took TI {n} times after one restore",
                       f"{what}: TI takes at cycles {case.tis}", cycle, core)
        elif kind in "APF" and n == 1 and cycle - case.ertn > L_ERTN + L_EXC:
            self._fail(f"late TI in case {kind}: taken {cycle - case.ertn} cycles after the re-entering ertn",
                       f"{what}: bound L_ERTN + L_EXC = {L_ERTN + L_EXC}", cycle, core)
        elif kind == "C" and case.expire is not None and cycle < case.expire - TOL:
            self._fail(f"spurious TI in case C: taken at cycle {cycle}, {case.expire - cycle} cycles before the "
                       f"saved expiry at cycle {case.expire}", what, cycle, core)

    def _end_case(self, core: int, st: CoreState, cycle: int) -> None:
        case, st.case = st.case, None
        if case is None:
            return
        self.cases.setdefault(case.kind, []).append(len(case.tis))
        ref = case.expire if case.kind == "C" else case.ertn if case.kind in "APF" else None
        if case.tis and ref is not None:
            self.delivery.setdefault(case.kind, []).append(case.tis[0] - ref)
        if case.kind in "AF" and not case.tis:
            self._fail(f"lost TI in case {case.kind}: the guest took no TI after the restore",
                       f"case {case.kind} ({CASES[case.kind]}), re-entered at cycle {case.ertn}; the vCPU ran until "
                       f"cycle {cycle} (its re-arm or switch-out) without a TI", cycle, core)

    def finish(self, cycle: int) -> None:
        for core, st in enumerate(self.cores):
            self._end_case(core, st, cycle)


class TimerRestoreScoreboard(uvm_subscriber):
    """The pyuvm end of RestoreChecker: check `timer-restore`, coverage "timer-restore"."""

    def build_phase(self) -> None:
        self.cfg = ConfigDB().get(self, "", "run_config")
        self.failures = ConfigDB().get(self, "", "failures")
        self.image = ConfigDB().get(self, "", "image")
        self.cov = ConfigDB().get(self, "", "coverage")
        self.checker = RestoreChecker(self.cfg.cores, ConfigDB().get(self, "", "vsw_vcpus"), self._fail)
        self._batch: np.ndarray | None = None
        self.last_cycle = 0

    def write(self, batch: np.ndarray) -> None:
        self._batch = batch
        self.checker.write(batch)
        if len(batch):
            self.last_cycle = int(batch["cycle"][-1])

    def _fail(self, summary: str, detail: str, cycle: int, core: int) -> None:
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(retire.failure(CHECK, summary, detail, cycle, core, self._batch))

    def check_phase(self) -> None:
        self.checker.finish(self.last_cycle)
        for kind, counts in sorted(self.checker.cases.items()):
            self.cov.hit(CHECK, f"case {kind}: {CASES[kind]}")
            delays = self.checker.delivery.get(kind)
            worst = (f"; first TI {max(delays, key=abs)} cycles after the "
                     f"{'saved expiry' if kind == 'C' else 're-entering ertn'} at worst") if delays else ""
            self.logger.info(f"timer restore: case {kind} ({CASES[kind]}): {len(counts)} restore(s), guest TIs "
                             f"per case {counts}{worst}")
        if not self.checker.restores:
            self.failures.add(Failure(CHECK, "no vCPU switch with a guest timer restore was seen",
                                      "the test must switch vCPUs (HC_VSW_SLEEP or a blocking idle)",
                                      repro=self.cfg.repro_with_waves(None)))
