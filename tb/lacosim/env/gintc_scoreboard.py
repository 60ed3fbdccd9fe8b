"""GINTC scoreboard (design.md 12.3, architecture.md decision 3), independent of the reference model.

Per core it follows the root's writes of GINTC (VIP, PIP) and the physical HWI lines (the root
ESTAT.IS[9:2] of the irq word) and predicts the guest bank's ESTAT.IS[9:2] = VIP | (PIP & HWI) for every
cycle: a GINTC write retiring in cycle c takes effect in c+1, a physical line change in its own cycle.
It compares the prediction with the guest IS[9:2] the trace reports, at every cycle either side changes,
once the trace has passed that cycle (an expected change that never happened has no IRQ event of its own).

Injection (issue 9, design.md 12.9; hypervisor-behaviour.md T13, R11), per HWI line n (guest IS[n+2]):
- latency: from the first cycle the injected line is takeable in the guest (VIP[n] set, guest LIE[n+2] and
  CRMD.IE set, guest mode: lacosim.env.guest_irq) to the guest's interrupt entry; recorded as the
  distribution "GINTC injection latency" and bounded by L_EXC (lacosim.env.ipi_model);
- loss: a root GINTC write that de-asserts VIP[n] while the guest has LIE[n+2] set and has not taken HWIn
  since it was asserted (hvisor's clear-all of every VIP line on one acknowledge, hvisor #361);
- duplication: the guest takes HWIn while neither VIP[n] nor PIP[n] & the physical line asserts it (taken
  again after it was de-asserted and not re-asserted).
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

CSR_GINTC = 0x52
HWI_SHIFT = 2  # ESTAT.IS[9:2] = HWI0-7


def hwi(irq_word: int, guest: bool) -> int:
    return (irq_word >> ((trace.IRQ_GUEST_SHIFT if guest else 0) + HWI_SHIFT)) & 0xFF


class Timeline:
    """A value over cycles: set(cycle, v) in cycle order, at(cycle) the value in force."""

    def __init__(self, initial: int = 0) -> None:
        self.cycles: list[int] = [-1]
        self.values: list[int] = [initial]

    def set(self, cycle: int, value: int) -> None:
        if value != self.values[-1]:
            self.cycles.append(cycle)
            self.values.append(value)

    def at(self, cycle: int) -> int:
        return self.values[bisect.bisect_right(self.cycles, cycle) - 1]


class CoreGintc:
    def __init__(self) -> None:
        self.gintc = Timeline()      # VIP [7:0], PIP [15:8] as in force per cycle
        self.phys = Timeline()       # root IS[9:2]
        self.guest = Timeline()      # observed guest IS[9:2]
        self.writes: list[tuple[int, int]] = []  # (retire cycle, value) of the last GINTC writes
        self.points: list[int] = []  # cycles still to compare
        self.asserted: dict[int, int] = {}      # VIP line -> the cycle it became set (effective)
        self.deasserted: dict[int, int] = {}    # VIP line -> the cycle it last became clear
        self.takes: dict[int, list[int]] = {}   # VIP line -> the guest's recent takes of HWIn
        self.deasserts: list[tuple[int, int, int]] = []  # (write cycle, line, asserted since): loss checks due

    def predicted(self, cycle: int) -> int:
        g = self.gintc.at(cycle)
        return (g & 0xFF) | ((g >> 8) & self.phys.at(cycle))


class GintcScoreboard(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        self.cov: Coverage = ConfigDB().get(self, "", "coverage")
        self.cores = [CoreGintc() for _ in range(self.cfg.cores)]
        self._batch: np.ndarray | None = None
        self.latencies: list[int] = []          # takeable -> guest interrupt entry, injected lines (report plots)
        self.irq = GuestIrqTracker(self.cfg.cores, 0xFF << HWI_SHIFT, L_EXC, self._taken, self._late)

    def write(self, batch: np.ndarray) -> None:
        kinds = trace.col(batch, "kind")
        gintc_w = (kinds == trace.KIND_RETIRE) & ((trace.col(batch, "flags") & trace.FLAG_CSR_WE) != 0) \
            & (trace.col(batch, "csr") == CSR_GINTC) & ((trace.col(batch, "flags2") & trace.FLAG2_GCSR) == 0)
        self._batch = batch
        for i in np.flatnonzero(gintc_w | (kinds == trace.KIND_IRQ)):
            rec = batch[i]
            core, cycle = int(rec["core"]), int(rec["cycle"])
            st = self.cores[core]
            if rec["kind"] == trace.KIND_IRQ:
                word = int(rec["rd_wdata"])
                st.phys.set(cycle, hwi(word, guest=False))
                st.guest.set(cycle, hwi(word, guest=True))
                st.points.append(cycle)
            else:
                value = int(rec["csr_wdata"]) & 0xFFFF
                old = st.gintc.values[-1] & 0xFF
                for n in range(8):
                    if value >> n & 1 and not old >> n & 1:
                        st.asserted[n] = cycle + 1
                    elif old >> n & 1 and not value >> n & 1:
                        st.deasserted[n] = cycle + 1
                        st.deasserts.append((cycle, n, st.asserted.get(n, 0)))
                st.gintc.set(cycle + 1, value)
                st.writes = [*st.writes[-15:], (cycle, value)]
                st.points.append(cycle + 1)
                self._cover(value)
        self.irq.write(batch)       # the guest's takes, after this batch's GINTC writes are known
        last = int(batch["cycle"][-1])
        for core, st in enumerate(self.cores):
            self._compare(core, st, upto=last)
            self._check_losses(core, st)

    def _taken(self, core: int, line: int, cycle: int, since: int | None) -> None:
        st, n = self.cores[core], line - HWI_SHIFT
        g = st.gintc.at(cycle)
        if not (g >> n & 1) and not ((g >> (8 + n)) & 1 and st.phys.at(cycle) >> n & 1):
            prev = st.takes.get(n, [])
            self._fail(core, cycle, f"injected interrupt taken twice: the guest took HWI{n} again after it was "
                       "de-asserted",
                       f"guest interrupt entry for HWI{n} (IS[{line}]) at cycle {cycle}, but GINTC.VIP[{n}] is 0 "
                       f"(de-asserted at cycle {st.deasserted.get(n, 'never set')}, not re-asserted) and PIP[{n}] "
                       f"passes no physical line; its previous take: {prev[-1] if prev else 'none'}")
        if g >> n & 1 and since is not None:
            self.latencies.append(cycle - since)
            self.cov.hit("gintc", "injection taken")
        st.takes[n] = [*st.takes.get(n, [])[-63:], cycle]

    def _late(self, core: int, line: int, since: int, now: int) -> None:
        st, n = self.cores[core], line - HWI_SHIFT
        self._fail(core, now, f"injected interrupt never delivered: HWI{n} pending and enabled in the guest "
                   f"but not taken within {L_EXC} cycles",
                   f"guest IS[{line}] (GINTC.VIP {st.gintc.at(now) & 0xFF:#04x}) with guest ECFG.LIE[{line}] and "
                   f"CRMD.IE set, in guest mode, since cycle {since}; no guest interrupt entry by cycle {now} "
                   f"(bound L_EXC = {L_EXC} cycles from the first cycle it was takeable, the ertn's + 1 after an exit)")

    def _check_losses(self, core: int, st: CoreGintc) -> None:
        """A VIP line de-asserted while enabled in the guest and never taken since it was asserted."""
        for cycle, n, since in st.deasserts:
            line = n + HWI_SHIFT
            g = st.gintc.at(cycle + 1)
            if (g >> (8 + n)) & 1 and st.phys.at(cycle + 1) >> n & 1:
                continue       # PIP still passes the physical line: nothing was lost
            taken = any(since <= t <= cycle + 1 for t in st.takes.get(n, []))
            if not taken and self.irq.lie_at(core, cycle) >> line & 1:
                self._fail(core, cycle, f"injected interrupt lost: HWI{n} de-asserted at cycle {cycle} before the "
                           "guest took it",
                           f"the root's GINTC write retiring at cycle {cycle} clears VIP[{n}] (asserted since cycle "
                           f"{since}); the guest has ECFG.LIE[{line}] set and took no HWI{n} interrupt in between. "
                           f"A hypervisor must de-assert only the line the guest acknowledged (hypervisor-behaviour.md "
                           f"R11; hvisor's clear_hwi_injected_irq clears every line); the last root GINTC writes "
                           f"(retire cycle, value): {[(c, hex(v)) for c, v in st.writes[-4:]]}")
            else:
                self.cov.hit("gintc", "de-asserted after the guest took it" if taken else "de-asserted while masked")
        st.deasserts = []

    def check_phase(self) -> None:
        """At the end of the run: every remaining point (the trace has ended, nothing changes any more)."""
        for core, st in enumerate(self.cores):
            self._compare(core, st, upto=1 << 62)

    def _compare(self, core: int, st: CoreGintc, upto: int) -> None:
        due = sorted(p for p in set(st.points) if p < upto)
        st.points = [p for p in st.points if p >= upto]
        for cycle in due:
            expected, observed = st.predicted(cycle), st.guest.at(cycle)
            if expected != observed:
                g = st.gintc.at(cycle)
                lost = expected & ~observed
                writes = [w for w in st.writes if w[0] < cycle][-4:]
                self._fail(core, cycle,
                           "GINTC line not reflected in the guest ESTAT.IS" if lost else
                           "guest ESTAT.IS shows an HWI line GINTC does not assert",
                           f"at cycle {cycle}: GINTC.VIP {g & 0xFF:#04x}, PIP {g >> 8:#04x}, physical HWI "
                           f"{st.phys.at(cycle):#04x} -> expected guest IS[9:2] {expected:#04x} "
                           f"(VIP | PIP & HWI, decision 3), observed {observed:#04x}; the last root GINTC "
                           f"writes before it (retire cycle, value; effective the next cycle): "
                           f"{[(c, hex(v)) for c, v in writes] or 'none'}")
            elif expected:
                self.cov.hit("gintc", "guest line asserted")
            phys, pip = st.phys.at(cycle), st.gintc.at(cycle) >> 8
            if phys & pip:                      # T14: a device line passed through, and one kept from the guest
                self.cov.hit("gintc", "physical HWI high, PIP set")
            if phys & ~pip & 0xFF:
                self.cov.hit("gintc", "physical HWI high, PIP clear")

    def _cover(self, value: int) -> None:
        for n in range(8):
            if value >> n & 1:
                self.cov.hit("gintc", f"VIP{n}")
            if value >> (8 + n) & 1:
                self.cov.hit("gintc", f"PIP{n}")

    def _fail(self, core: int, cycle: int, summary: str, detail: str) -> None:
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(retire.failure("gintc", summary, detail, cycle, core, self._batch))
