"""When a guest interrupt line is takeable, and when the guest takes it (design.md 12.9), from the trace alone.

A line n is *takeable* while the core runs in guest mode with the guest CRMD.IE = 1 (the mode byte of a
guest-mode record: the guest CRMD before it), guest ECFG.LIE[n] = 1 (followed from guest-bank ECFG writes:
flags2.gcsr, in force the cycle after) and guest ESTAT.IS[n] = 1 (irq word [28:16] of the IRQ events). It
must be taken (a guest-mode interrupt record with intno n that is not an exit) within `bound` cycles of the
first cycle it was takeable; a root exit, the guest clearing IE or LIE, or the line falling ends the episode.
The root-to-guest ertn counts: after an entry the line is takeable from the ertn's cycle + 1, so a line that
became pending during an exit is due `bound` cycles after the ertn (hypervisor-behaviour.md T12, T13).

GuestTimerScoreboard (line 11) and GintcScoreboard (lines 2-9) each run one for their lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lacosim import trace

CSR_ECFG = 0x4
LIE_MASK = 0x1BFF
GUEST_IS_MASK = 0x1FFF


@dataclass
class CoreIrqState:
    guest: bool = False
    ie: bool = False
    lie: int = 0
    is_bits: int = 0
    last_cycle: int = 0                                # the core's previous record
    lie_changes: list[tuple[int, int]] = field(default_factory=lambda: [(-1, 0)])  # (first cycle, LIE)
    since: dict[int, int] = field(default_factory=dict)   # line -> first cycle takeable in this episode
    late: set[int] = field(default_factory=set)           # lines already reported late in this episode


class GuestIrqTracker:
    """Follows the lines of `mask`; calls taken(core, line, cycle, since or None) at every guest take and
    late(core, line, since, now) once per episode that exceeds `bound`."""

    def __init__(self, cores: int, mask: int, bound: int,
                 taken: Callable[[int, int, int, int | None], None],
                 late: Callable[[int, int, int, int], None]) -> None:
        self.cores = [CoreIrqState() for _ in range(cores)]
        self.mask, self.bound = mask, bound
        self._taken, self._late = taken, late

    def state(self, core: int) -> CoreIrqState:
        return self.cores[core]

    def lie_at(self, core: int, cycle: int) -> int:
        """The guest ECFG.LIE in force in `cycle` (as far back as the last 64 writes)."""
        value = 0
        for start, lie in self.cores[core].lie_changes:
            if start <= cycle:
                value = lie
        return value

    def write(self, batch: np.ndarray) -> None:
        kinds, mode, flags2 = trace.col(batch, "kind"), trace.col(batch, "mode"), trace.col(batch, "flags2")
        retire = kinds == trace.KIND_RETIRE
        guest = (mode & trace.MODE_GUEST) != 0
        if not guest[retire].any() and not any(st.guest for st in self.cores):
            # root-only: only the guest ECFG writes (a root gcsrwr) and the guest IS matter
            sel = (kinds == trace.KIND_IRQ) | (retire & ((trace.col(batch, "flags") & trace.FLAG_CSR_WE) != 0)
                                               & ((flags2 & trace.FLAG2_GCSR) != 0)
                                               & (trace.col(batch, "csr") == CSR_ECFG))
        else:
            sel = (kinds == trace.KIND_IRQ) | retire
        cols = {k: batch[k][sel].tolist() for k in ("kind", "cycle", "core", "mode", "trap", "flags", "flags2", "csr",
                                                    "csr_wdata", "rd_wdata")}
        for i in range(len(cols["kind"])):
            self._event({k: v[i] for k, v in cols.items()})
        if len(batch):
            now = int(batch["cycle"][-1])
            for core in range(len(self.cores)):
                self._check_late(core, now)

    def _event(self, r: dict[str, int]) -> None:
        core, cycle = r["core"], r["cycle"]
        st = self.cores[core]
        if r["kind"] == trace.KIND_IRQ:
            st.is_bits = (r["rd_wdata"] >> trace.IRQ_GUEST_SHIFT) & GUEST_IS_MASK
            self._update(core, cycle)
            return
        self._check_late(core, cycle)
        guest = bool(r["mode"] & trace.MODE_GUEST)
        trap = r["trap"]
        if guest:
            st.guest, st.ie = True, bool(r["mode"] & trace.MODE_IE)   # the state before this record
            self._update(core, st.last_cycle + 1)
            if trap & trace.TRAP_VALID and trap & trace.TRAP_INT and not r["flags2"] & trace.FLAG2_EXIT:
                line = trace.trap_intno(trap)
                if self.mask >> line & 1:
                    self._taken(core, line, cycle, st.since.get(line))
            if trap & trace.TRAP_VALID and not r["flags2"] & trace.FLAG2_EXIT:
                st.ie = False                                       # the guest's own trap entry clears IE
            elif trap & trace.TRAP_VALID:
                st.guest = False                                    # an exit: root mode from the next cycle
        else:
            st.guest = False
        if r["flags"] & trace.FLAG_CSR_WE and r["flags2"] & trace.FLAG2_GCSR and r["csr"] == CSR_ECFG:
            st.lie = r["csr_wdata"] & LIE_MASK
            st.lie_changes = [*st.lie_changes[-63:], (cycle + 1, st.lie)]
        st.last_cycle = cycle
        self._update(core, cycle + 1)

    def _update(self, core: int, cycle: int) -> None:
        st = self.cores[core]
        takeable = (st.is_bits & st.lie & self.mask) if st.guest and st.ie else 0
        for line in list(st.since):
            if not takeable >> line & 1:
                del st.since[line]
                st.late.discard(line)
        for line in range(13):
            if takeable >> line & 1 and line not in st.since:
                st.since[line] = cycle

    def _check_late(self, core: int, now: int) -> None:
        st = self.cores[core]
        for line, since in st.since.items():
            if now - since > self.bound and line not in st.late:
                st.late.add(line)
                self._late(core, line, since, now)
