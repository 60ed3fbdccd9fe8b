"""Timer scoreboard: predicts from every TCFG/TICLR write the exact cycle each core's TI must rise and
fall and what every TVAL read returns (lacosim.env.timer_model), and checks the trace against it.
Independent of the reference model: it reads only CSR writes, TVAL reads and IRQ (ESTAT.IS) events.

TI must be 1 in every predicted expiry cycle, also when a TICLR takes effect at that same edge (the expiry
wins, design.md 7.3). Coverage (group "timer") bins a TICLR by where its clear lands relative to an
expiry: "ticlr in expiry cycle (one-shot|periodic)" (the TICLR commits in the cycle TVAL is 0, so its clear
and the expiry take the same edge), "ticlr 1 cycle before expiry" and "ticlr 1 cycle after expiry".

The root instance also checks every `rdtime*` value (design.md 7.3): the stable counter is the trace's
cycle (0 in the first cycle after reset release, +1 per cycle), and rdtime returns the counter of its
retirement cycle plus CNTC (in guest mode plus GCNTC and the guest's CNTC), rdtimel.w/rdtimeh.w the low/high
word sign-extended. Lockstep takes the value from the trace (the model is untimed), so this is its check.

One class for both timers of a core: `TimerScoreboard` follows the root bank, `GuestTimerScoreboard`
the guest bank's (design.md 12.4): its CSR writes are the guest-bank ones (flags2.gcsr), its TI is the
guest IS[11] of the irq word, its TVAL reads are gcsrrd from the root or csrrd in guest mode, and the
root also writes its TVAL (0 fires) and its TI through ESTAT.IS[11].

The guest timer's hypervisor-level rules (issue 9, design.md 12.9; hypervisor-behaviour.md R4, T9, T12):
- always: a guest TI pending with guest ECFG.LIE[11] and CRMD.IE set, in guest mode, is taken by the guest
  within L_EXC cycles (lacosim.env.guest_irq; after an exit, counted from the re-entering ertn + 1: a TI that
  fired during an exit is delivered at the next entry);
- with a pinned vCPU (LacosimTest.pinned_vcpu; off for sw/lvz, whose roots write the guest timer on purpose):
  the root must not write guest TCFG while a countdown the guest armed is running (hvisor before 754838b
  rewrote TCFG on every exit, restarting it), nor clear a pending guest TI the guest has not acknowledged by a
  root write of guest ESTAT.IS[11] = 0 or TICLR (the write-back of a stale ESTAT).
"""

from __future__ import annotations

import bisect

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.config import RunConfig
from lacosim.env.coverage import Coverage
from lacosim.env.failures import FailureLog
from lacosim.env.guest_irq import GuestIrqTracker
from lacosim.env.ipi_model import L_EXC
from lacosim.env.timer_model import TVAL_ALL_ONES, TimerPredictor

CSRRD_OP = 0x0400_0000   # insn[31:24] of csrrd/csrwr/csrxchg
GCSRRD_OP = 0x0500_0000  # ... of gcsrrd/gcsrwr/gcsrxchg
RDTIME_OPS = {0x18: "rdtimel.w", 0x19: "rdtimeh.w", 0x1A: "rdtime.d"}  # insn >> 10
CSR_CNTC, CSR_GCNTC = 0x43, 0x53
M64 = (1 << 64) - 1


def _sext32(v: int) -> int:
    v &= 0xFFFF_FFFF
    return v | (M64 ^ 0xFFFF_FFFF) if v >> 31 else v


def rdtime_expected(op: str, cycle: int, offset: int) -> int:
    """design.md 7.3: counter (= the retirement cycle) + the CNTC offset, narrowed for rdtimel/h."""
    count = (cycle + offset) & M64
    return count if op == "rdtime.d" else _sext32(count if op == "rdtimel.w" else count >> 32)


class CoreTimerCheck:
    """One core: the predictor plus the observed TI level history."""

    def __init__(self) -> None:
        self.predictor = TimerPredictor()
        self.level_cycles: list[int] = [0]      # cycles at which the observed TI level changed
        self.levels: list[bool] = [False]
        self.rises: set[int] = set()
        self.checked_upto = 0                   # expiries before this cycle have been checked
        self.fall_due: list[int] = []           # cycles a TICLR must have lowered TI by
        self.set_due: list[int] = []            # cycles a root write of guest IS[11] = 1 raises TI
        self.guest_armed = False                # the last TCFG write was the guest's own (guest timer)
        self.guest_arm_cycle: int | None = None # the cycle of that write (guest timer, En = 1)

    def level_at(self, cycle: int) -> bool:
        return self.levels[bisect.bisect_right(self.level_cycles, cycle) - 1]

    def observe(self, cycle: int, level: bool) -> None:
        self.level_cycles.append(cycle)
        self.levels.append(level)
        if level:
            self.rises.add(cycle)


ESTAT_TI = 1 << 11  # in an ESTAT value (csr_wdata of a root gcsr* write of the guest ESTAT); self.TI is the irq word's


class TimerScoreboard(uvm_subscriber):
    CHECK = "timer"
    TI = 1 << 11           # in the irq word
    GUEST = False

    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        self.cores = [CoreTimerCheck() for _ in range(self.cfg.cores)]
        self.cov: Coverage = ConfigDB().get(self, "", "coverage")
        self.last_cycle = 0
        self.ti_errors: list[int] = []  # observed TI rise - nearest predicted expiry, per rise (report plots)
        self._batch: np.ndarray | None = None
        # per core: root CNTC, guest CNTC, GCNTC as last written (rdtime offsets; root instance only)
        self.cntc = [[0, 0, 0] for _ in range(self.cfg.cores)]
        self.image = ConfigDB().get(self, "", "image")
        self.pinned = bool(ConfigDB().get(self, "", "pinned_vcpu")) if self.GUEST else False
        self.delivery: list[int] = []   # guest TI takeable -> guest interrupt entry (report plots)
        self.irq = GuestIrqTracker(self.cfg.cores, 1 << 11, L_EXC, self._ti_taken, self._ti_late) \
            if self.GUEST else None

    def write(self, batch: np.ndarray) -> None:
        if not self.GUEST:
            self._rdtimes(batch)
        kinds, flags, csrs, insn = (trace.col(batch, k) for k in ("kind", "flags", "csr", "insn"))
        retire = kinds == trace.KIND_RETIRE
        guest_mode = trace.in_guest(batch)
        to_bank = ((trace.col(batch, "flags2") & trace.FLAG2_GCSR) != 0) == self.GUEST
        watched = (csrs == trace.CSR_TCFG) | (csrs == trace.CSR_TICLR)
        if self.GUEST:  # the root's writes of the guest TVAL and of guest ESTAT.IS[11]
            watched |= ~guest_mode & ((csrs == trace.CSR_TVAL) | (csrs == trace.CSR_ESTAT))
        csr_w = retire & ((flags & trace.FLAG_CSR_WE) != 0) & to_bank & watched
        op = insn & 0xFF00_0000
        bank_read = ((op == GCSRRD_OP) & ~guest_mode) | ((op == CSRRD_OP) & guest_mode) if self.GUEST \
            else (op == CSRRD_OP) & ~guest_mode
        tval_read = retire & ((flags & trace.FLAG_RD_WE) != 0) & bank_read & (((insn >> 10) & 0x3FFF) == trace.CSR_TVAL)
        irq = kinds == trace.KIND_IRQ
        self._batch = batch
        for i in np.flatnonzero(csr_w | tval_read | irq):
            self._record(batch[i])
        self.last_cycle = int(batch["cycle"][-1])
        for core in range(self.cfg.cores):
            self._check_expiries(core, self.last_cycle)
        if self.irq is not None:
            self.irq.write(batch)

    def _ti_taken(self, core: int, line: int, cycle: int, since: int | None) -> None:
        if since is not None:
            self.delivery.append(cycle - since)
        self.cov.hit(self.CHECK, "TI taken by the guest")

    def _ti_late(self, core: int, line: int, since: int, now: int) -> None:
        self._fail(core, now, f"guest timer interrupt never delivered: TI pending and enabled in the guest since "
                   f"cycle {since}, not taken within {L_EXC} cycles",
                   f"guest ESTAT.IS[11] = 1 with guest ECFG.LIE[11] = 1 and guest CRMD.IE = 1 in guest mode from cycle "
                   f"{since} (after an exit: the re-entering ertn's cycle + 1), and no guest interrupt entry for TI by "
                   f"cycle {now} (bound L_EXC = {L_EXC} cycles, lacosim.env.ipi_model)")

    def _pinned_rules(self, rec: np.void, st: CoreTimerCheck, csr: int, value: int) -> None:
        """A root write of the guest timer by a pinned vCPU's hypervisor (hypervisor-behaviour.md R4)."""
        cycle, core = int(rec["cycle"]), int(rec["core"])
        if csr == trace.CSR_TCFG and st.guest_armed:
            cfg = st.predictor.config_at(cycle)
            if cfg is not None and cfg.enabled and (cfg.periodic or cfg.start + cfg.first + 1 > cycle):
                self._fail(core, cycle, f"guest timer interrupt never delivered: the exit path rewrote guest TCFG at "
                           f"cycle {cycle}, restarting the countdown",
                           f"root gcsrwr of guest TCFG = {value:#x} (root mode) while the countdown the guest armed "
                           f"(TVAL {st.predictor.tval(cycle):#x}, {cfg}) was running: a guest that exits more often "
                           f"than its timer period never sees its interrupt (hvisor before 754838b wrote back TCFG on "
                           f"every exit; a pinned vCPU's hypervisor never writes TCFG/TVAL/TICLR/CNTC/ESTAT back, R4)")
        elif (csr == trace.CSR_ESTAT and not value & ESTAT_TI) or (csr == trace.CSR_TICLR and value & 1):
            if st.level_at(cycle):
                how = "guest ESTAT with IS[11] = 0" if csr == trace.CSR_ESTAT else "guest TICLR.CLR = 1"
                self._fail(core, cycle, f"guest timer interrupt never delivered: the exit path dropped a pending guest "
                           f"timer interrupt at cycle {cycle}",
                           f"root write of {how} (value {value:#x}, root mode) while guest TI was pending and the "
                           f"guest had not acknowledged it: writing back a stale guest ESTAT loses a TI raised during "
                           f"the exit (hypervisor-behaviour.md 1.6; a pinned vCPU's hypervisor never writes "
                           f"ESTAT/TICLR back, R4)")

    def _guest_ack_order(self, rec: np.void, st: CoreTimerCheck) -> None:
        """A guest bug (rcore-os/tgoskits PR 1360): the guest's TICLR at cycle c clears a TI that its own re-armed
        countdown (TCFG at w) raised at e, w < e <= c, while the previous event's TI was still pending since before
        w (no level change in [w, c]): the new expiry merged into the unacknowledged TI and the TICLR loses it.
        Acknowledging before re-arming leaves TI 0 at e, so e is a rise of its own."""
        cycle, core, w = int(rec["cycle"]), int(rec["core"]), st.guest_arm_cycle
        if w is None or not st.level_at(w) or st.level_cycles[-1] >= w:
            return
        merged = st.predictor.expiries(w + 1, cycle)
        if merged:
            self.cov.hit(self.CHECK, "guest bug: TICLR after re-arming")
            self._fail(core, cycle, f"guest bug: the guest acknowledged TI after re-arming its timer: the TICLR at "
                       f"cycle {cycle} clears the expiry at cycle {merged[0]} of the countdown it armed at cycle {w}",
                       f"guest TICLR.CLR = 1 (guest mode) at cycle {cycle}; the guest TCFG write at cycle {w} re-armed "
                       f"the timer while the previous TI (pending since cycle {st.level_cycles[-1]}) was not yet "
                       f"acknowledged, the new countdown expired at cycle {merged[0]} into that pending TI, and this "
                       f"TICLR clears both: the new event is lost (acknowledge before re-arming; rcore-os/tgoskits "
                       f"PR 1360)")

    def _rdtimes(self, batch: np.ndarray) -> None:
        """CNTC/GCNTC writes and rdtime* reads, in trace order (the reads are rare, so a Python loop)."""
        retire = trace.retired(batch)
        csrs, flags = trace.col(batch, "csr"), trace.col(batch, "flags")
        cnt_w = retire & ((flags & trace.FLAG_CSR_WE) != 0) & ((csrs == CSR_CNTC) | (csrs == CSR_GCNTC))
        op = trace.col(batch, "insn") >> 10
        reads = retire & ((flags & trace.FLAG_RD_WE) != 0) & (op >= 0x18) & (op <= 0x1A)
        for i in np.flatnonzero(cnt_w | reads):
            rec = batch[i]
            core, cycle = int(rec["core"]), int(rec["cycle"])
            offs = self.cntc[core]
            if reads[i]:
                guest = bool(int(rec["mode"]) & trace.MODE_GUEST)
                offset = offs[1] + offs[2] if guest else offs[0]
                name = RDTIME_OPS[int(op[i])]
                expected, observed = rdtime_expected(name, cycle, offset), int(rec["rd_wdata"])
                self.cov.hit(self.CHECK, f"{name} read{' in guest mode' if guest else ''}")
                if observed != expected:
                    self._rdtime_fail(batch, int(i), name, guest, offset, expected, observed)
            elif int(rec["csr"]) == CSR_GCNTC:
                offs[2] = int(rec["csr_wdata"])
            else:
                offs[1 if int(rec["flags2"]) & trace.FLAG2_GCSR else 0] = int(rec["csr_wdata"])

    def _rdtime_fail(self, batch: np.ndarray, i: int, name: str, guest: bool, offset: int, expected: int,
                     observed: int) -> None:
        cycle = int(batch[i]["cycle"])
        delta = (observed - expected) & M64
        hint = f"; observed - expected = {delta:#x}" if delta < 1 << 32 else ""
        detail = (f"{name} retiring at cycle {cycle} in {'guest' if guest else 'root'} mode: expected {expected:#x}, "
                  f"observed {observed:#x}{hint}\nrule (design.md 7.3): the stable counter is the trace's cycle "
                  f"(0 at reset release, +1 per cycle); rdtime returns the counter of its retirement cycle plus "
                  f"{'GCNTC + the guest CNTC' if guest else 'CNTC'} (here {offset:#x}); rdtimel.w/rdtimeh.w the "
                  f"low/high word, sign-extended")
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(retire.failure_at(self.CHECK, "rdtime returned the wrong counter value", detail, batch, i))

    def _record(self, rec: np.void) -> None:
        core, cycle = int(rec["core"]), int(rec["cycle"])
        st = self.cores[core]
        self._check_expiries(core, cycle)
        if rec["kind"] == trace.KIND_IRQ:
            level = bool(int(rec["rd_wdata"]) & self.TI)
            if level != st.level_at(cycle):
                self._ti_change(rec, st, level)
            return
        csr = int(rec["csr"]) if int(rec["flags"]) & trace.FLAG_CSR_WE else None
        value = int(rec["csr_wdata"])
        if self.GUEST and csr is not None:
            if self.pinned and not int(rec["mode"]) & trace.MODE_GUEST:
                self._pinned_rules(rec, st, csr, value)
            if csr == trace.CSR_TCFG:
                st.guest_armed = bool(int(rec["mode"]) & trace.MODE_GUEST) and bool(value & 1)
                st.guest_arm_cycle = int(rec["cycle"]) if st.guest_armed else None
            elif csr == trace.CSR_TICLR and value & 1 and int(rec["mode"]) & trace.MODE_GUEST:
                self._guest_ack_order(rec, st)
        if csr == trace.CSR_TCFG:
            st.predictor.write_tcfg(value, cycle)
            self.cov.hit(self.CHECK, "tcfg periodic" if value & 2 else "tcfg one-shot" if value & 1 else "tcfg disable")
            if st.level_at(cycle):
                self.cov.hit(self.CHECK, "tcfg written while TI pending")
        elif csr == trace.CSR_TICLR or (csr == trace.CSR_ESTAT and not value & ESTAT_TI):
            if csr == trace.CSR_ESTAT or value & 1:  # a root gcsr write of guest IS[11] = 0 clears too
                st.fall_due.append(cycle + 1)
                self.cov.hit(self.CHECK, "ticlr" if csr == trace.CSR_TICLR else "TI cleared by the root")
                self._ticlr_coincidence(st, cycle + 1)
        elif csr == trace.CSR_ESTAT:                 # guest IS[11] = 1 written by the root: TI from c+1
            st.set_due.append(cycle + 1)
            self.cov.hit(self.CHECK, "TI set by the root")
        elif csr == trace.CSR_TVAL:
            st.predictor.write_tval(value, cycle)
            self.cov.hit(self.CHECK, "tval written 0 (fire)" if value == 0 else "tval written")
        elif int(rec["flags"]) & trace.FLAG_RD_WE:   # a TVAL read (the selection in write())
            self._tval_read(rec, st)

    def _ticlr_coincidence(self, st: CoreTimerCheck, clear: int) -> None:
        """Coverage: a TICLR whose clear is visible from cycle `clear`, against the expiries around it (known
        already: a later TCFG write cannot move an expiry that is at most one cycle away)."""
        for e in st.predictor.expiries(clear - 1, clear + 1):
            if e == clear:
                cfg = st.predictor.config_at(e - 1)
                mode = "periodic" if cfg is not None and cfg.periodic else "one-shot"
                self.cov.hit(self.CHECK, f"ticlr in expiry cycle ({mode})")
            else:
                self.cov.hit(self.CHECK, "ticlr 1 cycle before expiry" if e > clear else "ticlr 1 cycle after expiry")

    def _ti_change(self, rec: np.void, st: CoreTimerCheck, level: bool) -> None:
        cycle, core = int(rec["cycle"]), int(rec["core"])
        if level:
            nearby = st.predictor.expiries(max(0, cycle - 100_000), cycle + 100_000)
            if nearby and cycle not in st.set_due:  # a TI the root set (TVAL = 0, ESTAT) is no timer's error
                self.ti_errors.append(min((cycle - e for e in nearby), key=abs))
            if cycle not in st.predictor.expiries(cycle, cycle) and cycle not in st.set_due:
                self._fail(core, cycle, "TI rose when no timer expiry was due",
                           f"observed ESTAT.IS[11] 0->1 at cycle {cycle}; predicted expiries near it: "
                           f"{nearby[:8]}; timer configuration in force: {st.predictor.config_at(cycle)}")
            self.cov.hit(self.CHECK, "TI rise")
        else:
            due = [d for d in st.fall_due if d <= cycle]
            if cycle not in due:
                self._fail(core, cycle, "TI fell without a TICLR write",
                           f"observed ESTAT.IS[11] 1->0 at cycle {cycle}; TICLR writes take effect at: "
                           f"{st.fall_due[-4:] or 'none'} (TICLR retiring in cycle c clears TI from c+1)")
            st.fall_due = [d for d in st.fall_due if d > cycle]
        st.observe(cycle, level)

    def _tval_read(self, rec: np.void, st: CoreTimerCheck) -> None:
        cycle, core = int(rec["cycle"]), int(rec["core"])
        expected = st.predictor.tval(cycle)
        observed = int(rec["rd_wdata"])
        self.cov.hit(self.CHECK, "tval read after expiry" if expected == TVAL_ALL_ONES else "tval read")
        if expected is not None and observed != expected:
            guest_mode = bool(int(rec["mode"]) & trace.MODE_GUEST)
            how = "gcsrrd" if int(rec["insn"]) & 0xFF00_0000 == GCSRRD_OP else "csrrd"
            why = ""
            if self.GUEST and not guest_mode and observed > expected:
                why = ("; the guest timer lags: it must keep counting while the core runs in root mode "
                       "(architecture.md decision 2)")
            self._fail(core, cycle, f"{'guest ' if self.GUEST else ''}TVAL read returned the wrong value",
                       f"{how} TVAL in {'guest' if guest_mode else 'root'} mode retiring at cycle {cycle}: "
                       f"expected {expected:#x}, observed {observed:#x}{why}; configuration in force: "
                       f"{st.predictor.config_at(cycle)}")

    def _check_expiries(self, core: int, now: int) -> None:
        """Every expiry strictly before `now` must show as a TI rise (unless TI was already set),
        and every TICLR due before `now` must have lowered TI (unless an expiry re-raised it)."""
        st = self.cores[core]
        if now <= st.checked_upto:
            return
        for e in st.predictor.expiries(st.checked_upto, now - 1):
            if st.level_at(e):
                continue
            if e in st.fall_due:
                self._fail(core, e, f"TI lost: a TICLR committing in the expiry cycle {e - 1} won over the expiry",
                           f"predicted TI visible at cycle {e}; TICLR.CLR=1 retired at cycle {e - 1}, so its clear "
                           f"and the expiry take the same edge, and the expiry must win (design.md 7.3: no "
                           f"interrupt is lost); observed TI at {e}: 0 (at {e - 1}: {int(st.level_at(e - 1))}); "
                           f"configuration: {st.predictor.config_at(e - 1)}")
            else:
                self._fail(core, e, "TI did not rise when the timer expired",
                           f"predicted TI visible at cycle {e} (design.md 7.3: TCFG write retiring at c, "
                           f"InitVal n -> TI at c+n+2); observed level at {e}: 0; "
                           f"configuration: {st.predictor.config_at(e - 1)}")
        for s in [s for s in st.set_due if s < now]:
            if not st.level_at(s):
                self._fail(core, s, "the root's write of ESTAT.IS[11] = 1 did not raise TI",
                           f"gcsr write retiring at cycle {s - 1}; TI still 0 at cycle {s}")
            st.set_due.remove(s)
        for d in [d for d in st.fall_due if d < now]:
            if st.level_at(d) and d not in st.predictor.expiries(d, d):
                self._fail(core, d, "TICLR did not clear TI",
                           f"TICLR.CLR=1 retired at cycle {d - 1}; TI still 1 at cycle {d}")
            st.fall_due.remove(d)
        st.checked_upto = now

    def _fail(self, core: int, cycle: int, summary: str, detail: str) -> None:
        # the history up to the failing cycle, not up to where it was noticed
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(retire.failure(self.CHECK, summary, detail, cycle, core, self._batch))



class GuestTimerScoreboard(TimerScoreboard):
    """The guest bank's timer (design.md 12.4): counts in root and guest mode, its TI is guest IS[11]."""
    CHECK = "guest-timer"
    TI = 1 << (trace.IRQ_GUEST_SHIFT + 11)
    GUEST = True
