"""The lockstep batch path (lacosim.iss.lockstep, design.md 10.1): stretches of plain records are run by the
model without per-record bookkeeping and compared with numpy. Its verdicts and its reports must be exactly
those of the record-by-record path: for a wrong field in the middle of a stretch (on one core and on two
cores sharing memory, with loads, stores, ll/sc, am*), both paths name the same record with the same text,
including the model's registers after that record although the batch path had run past it."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from iss_helpers import put
from lacosim import trace
from lacosim.elf import ElfImage
from lacosim.env.coverage import Coverage
from lacosim.env.iss_scoreboard import IssScoreboard
from lacosim.env.trap_monitor import IrqCoverage
from lacosim.isa.decoder import encode
from lacosim.iss import Iss, Memory, is_async_read
from test_iss_scoreboard import record_of

BASE, DATA = 0x1000, 0x8000
LOOP = [encode("ld.d", rd=5, rj=4, si12=0), encode("addi.d", rd=5, rj=5, si12=1), encode("st.d", rd=5, rj=4, si12=8),
        encode("ll.d", rd=6, rj=4, si14=16), encode("addi.d", rd=6, rj=6, si12=3),
        encode("sc.d", rd=6, rj=4, si14=16), encode("amadd.d", rd=8, rk=9, rj=4),
        encode("st.b", rd=5, rj=4, si12=3), encode("ldx.d", rd=11, rj=4, rk=12),
        encode("addi.d", rd=10, rj=10, si12=1)]
PROGRAM = [*LOOP, encode("b", offs=-4 * len(LOOP))]


def harts(cores: int, lockstep: bool) -> list[Iss]:
    """`cores` harts on one memory running PROGRAM on the same data (their ll/sc and stores interfere)."""
    memory = Memory(ram_size=1 << 20)
    put(memory, BASE, PROGRAM)
    out = []
    for core in range(cores):
        hart = Iss(memory, core, BASE, lockstep=lockstep)
        hart.regs[4], hart.regs[9], hart.regs[12] = DATA, 2 + core, 8
        out.append(hart)
    return out


def rtl_trace(cores: int, n: int = 400) -> np.ndarray:
    """The records of the standalone harts stepped in a seeded random interleaving (the 'RTL')."""
    rtl = harts(cores, lockstep=False)
    order = random.Random(cores).choices(range(cores), k=n)
    records = []
    for cycle, core in enumerate(order):
        rtl[core].step()
        rec = record_of(rtl[core], cycle)
        rec["core"] = core
        records.append(rec)
    return np.array(records, dtype=trace.RECORD_DTYPE)


class Scoreboard(IssScoreboard):
    """The checking logic without pyuvm; a divergence is captured with its whole report."""

    def __init__(self, machine: list[Iss], batch_path: bool = True) -> None:  # (no uvm_component.__init__)
        self.harts, self.enabled, self.diverged = machine, True, False
        self._async_read, self.checked, self.tail = is_async_read, 0, {}
        self.waking, self.idle_wake_latencies, self.idle_late = {}, [], 0
        self.irq_cov = IrqCoverage(Coverage(), len(machine))
        self.divergence: tuple[int, str, str] | None = None
        self.batch_path = batch_path

    def _check_plain(self, batch: np.ndarray, start: int, stop: int, cores: list[int] | None) -> int:
        return super()._check_plain(batch, start, stop, cores) if self.batch_path else 0

    def _diverge(self, batch: np.ndarray, idx: int, summary: str, why: str = "", check: str = "lockstep") -> None:
        self.diverged = True
        hart = self.harts[int(batch["core"][idx])]
        self.divergence = (idx, summary, (why or self._field_diff(batch[idx], hart)) + "\n"
                           + self._translation(batch[idx], hart) + "\n" + self._regs(hart))

    @property
    def image(self) -> ElfImage:
        return ElfImage(path=Path("t.elf"), entry=0, segments=[])


def check(batch: np.ndarray, cores: int, batch_path: bool, split: int = 0) -> Scoreboard:
    sb = Scoreboard(harts(cores, lockstep=True), batch_path)
    for part in (batch[:split], batch[split:]) if split else (batch,):
        sb.write(part)
    return sb


@pytest.mark.parametrize("cores", [1, 2])
def test_batch_path_follows_the_program_and_ends_in_the_same_state(cores):
    batch = rtl_trace(cores)
    rtl = harts(cores, lockstep=False)
    for core in batch["core"].tolist():
        rtl[core].step()
    sb = check(batch, cores, batch_path=True, split=137)
    assert sb.divergence is None and sb.checked == len(batch)
    for model, ref in zip(sb.harts, rtl, strict=True):
        assert model.regs == ref.regs and model.pc == ref.pc and model.retired == ref.retired
    assert sb.harts[0].memory.read(DATA, 32) == rtl[0].memory.read(DATA, 32)
    assert 0 < np.count_nonzero(batch["flags"] & trace.FLAG_MEM_WE)  # sc stored at least once
    sc = batch["insn"] == LOOP[5]
    if cores == 2:  # the other core's store broke a reservation: an sc without a write
        assert np.any(sc & ((batch["flags"] & trace.FLAG_MEM_WE) == 0))


# (field, what to flip, which records: a predicate over the batch)
CORRUPTIONS = [
    ("pc", 4, lambda b: b["insn"] == LOOP[1]),
    ("insn", 1 << 10, lambda b: b["insn"] == LOOP[9]),
    ("pc_pa", 0x1000, lambda b: b["insn"] == LOOP[4]),
    ("rd_wdata", 1, lambda b: b["insn"] == LOOP[0]),
    ("rd", 1, lambda b: b["insn"] == LOOP[1]),
    ("mem_addr", 8, lambda b: b["insn"] == LOOP[2]),
    ("mem_pa", 0x1000, lambda b: b["insn"] == LOOP[8]),
    ("mem_wdata", 1, lambda b: b["insn"] == LOOP[7]),
    ("mem_wdata", 1, lambda b: b["insn"] == LOOP[6]),  # am*: the new memory value
    ("flags", trace.FLAG_MEM_WE, lambda b: b["insn"] == LOOP[5]),  # sc: stored or not
    ("flags", 1 << trace.FLAG_MEM_SIZE_SHIFT, lambda b: b["insn"] == LOOP[3]),
    ("mode", 3, lambda b: b["insn"] == LOOP[9]),
]


@pytest.mark.parametrize("cores", [1, 2])
@pytest.mark.parametrize(("field", "flip", "where"), CORRUPTIONS)
def test_a_wrong_field_gets_the_report_of_the_record_path(cores, field, flip, where):
    batch = rtl_trace(cores)
    candidates = np.flatnonzero(where(batch) & (batch["core"] == cores - 1))
    victim = int(candidates[len(candidates) // 2])
    batch[field][victim] ^= flip
    fast = check(batch, cores, batch_path=True, split=101)
    slow = check(batch, cores, batch_path=False, split=101)
    assert slow.divergence is not None and slow.divergence[0] == victim - (101 if victim >= 101 else 0)
    assert fast.divergence == slow.divergence
    assert fast.checked == slow.checked
    assert "<-- differs" in fast.divergence[2]
