"""GINTC scoreboard (design.md 12.3, architecture.md decision 3), independent of the reference model.

Per core it follows the root's writes of GINTC (VIP, PIP) and the physical HWI lines (the root
ESTAT.IS[9:2] of the irq word) and predicts the guest bank's ESTAT.IS[9:2] = VIP | (PIP & HWI) for every
cycle: a GINTC write retiring in cycle c takes effect in c+1, a physical line change in its own cycle.
It compares the prediction with the guest IS[9:2] the trace reports, at every cycle either side changes,
once the trace has passed that cycle (an expected change that never happened has no IRQ event of its own).
"""

from __future__ import annotations

import bisect

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.config import RunConfig
from lacosim.env.coverage import Coverage
from lacosim.env.failures import Failure, FailureLog

CSR_GINTC = 0x52
HWI_SHIFT = 2  # ESTAT.IS[9:2] = HWI0-7
MAX_REPORTS = 5


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

    def predicted(self, cycle: int) -> int:
        g = self.gintc.at(cycle)
        return (g & 0xFF) | ((g >> 8) & self.phys.at(cycle))


class GintcScoreboard(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        self.cov: Coverage = ConfigDB().get(self, "", "coverage")
        self.cores = [CoreGintc() for _ in range(self.cfg.cores)]
        self.failed = 0
        self._batch: np.ndarray | None = None

    def write(self, batch: np.ndarray) -> None:
        kinds = batch["kind"]
        gintc_w = (kinds == trace.KIND_RETIRE) & ((batch["flags"] & trace.FLAG_CSR_WE) != 0) \
            & (batch["csr"] == CSR_GINTC) & ((batch["flags2"] & trace.FLAG2_GCSR) == 0)
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
                st.gintc.set(cycle + 1, value)
                st.writes = [*st.writes[-15:], (cycle, value)]
                st.points.append(cycle + 1)
                self._cover(value)
        last = int(batch["cycle"][-1])
        for core, st in enumerate(self.cores):
            self._compare(core, st, upto=last)

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

    def _cover(self, value: int) -> None:
        for n in range(8):
            if value >> n & 1:
                self.cov.hit("gintc", f"VIP{n}")
            if value >> (8 + n) & 1:
                self.cov.hit("gintc", f"PIP{n}")

    def _fail(self, core: int, cycle: int, summary: str, detail: str) -> None:
        self.failed += 1
        if self.failed > MAX_REPORTS:
            return
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(Failure("gintc", summary, detail, cycle=cycle, core=core,
                                  recent=retire.recent_until(core, self._batch, cycle),
                                  repro=self.cfg.repro_with_waves(cycle)))
