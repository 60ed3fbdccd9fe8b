"""Coverage group "irq" (issue 13): IrqCoverage samples a lockstep reference-model hart around hand-made IRQ
events; the bins name the model's LIE bit, CRMD.IE and idle state at each rise, masked lines, takes and
wake-ups from idle."""

from __future__ import annotations

import functools

from lacosim.env.coverage import PLAN, Coverage
from lacosim.env.trap_monitor import IrqCoverage
from lacosim.isa.decoder import encode
from lacosim.iss import Iss, Memory
from lacosim.iss import csr as C

BASE = 0x1000
TI, IPI, HWI3, SWI0 = 1 << 11, 1 << 12, 1 << 5, 1 << 0


def hart() -> Iss:
    memory = Memory(ram_size=1 << 16)
    memory.write(BASE, encode("idle", level=0).to_bytes(4, "little") + encode("andi", rd=0, rj=0, ui12=0)
                 .to_bytes(4, "little"))
    return Iss(memory, 0, BASE, lockstep=True)


def event(cov: IrqCoverage, h: Iss, lines: int) -> None:
    cov.irq_event(h, 0, lines, functools.partial(h.set_irq_lines, lines))


def test_rises_are_binned_by_the_models_lie_ie_and_idle_state():
    cov, h = Coverage(), hart()
    irq = IrqCoverage(cov, 1)
    h.csr.values[C.CSR_ECFG] = TI | IPI
    h.csr.values[C.CSR_CRMD] |= C.CRMD_IE
    event(irq, h, TI)                 # enabled, IE = 1, running
    event(irq, h, TI | HWI3)          # HWI3 rises masked; TI is not a new rise
    event(irq, h, HWI3 | SWI0)        # the SWI bit of an event counts as well
    h.csr.values[C.CSR_CRMD] &= ~C.CRMD_IE
    event(irq, h, 0)
    h.step()                          # idle with nothing pending: the core sleeps
    assert h.sleeping
    event(irq, h, HWI3)               # masked: still asleep
    assert h.sleeping
    event(irq, h, HWI3 | IPI)         # enabled: wakes it, IE = 0
    assert not h.sleeping
    irq.taken(11)
    bins = cov.groups["irq"]
    assert bins["TI rise LIE=1 IE=1 idle=0"] == 1 and bins["HWI3 rise LIE=0 IE=1 idle=0"] == 1
    assert bins["SWI0 rise LIE=0 IE=1 idle=0"] == 1 and bins["SWI0 pending but masked"] == 1
    assert bins["HWI3 rise LIE=0 IE=0 idle=1"] == 1 and bins["HWI3 pending but masked"] == 2
    assert bins["IPI rise LIE=1 IE=0 idle=1"] == 1 and bins["IPI woke from idle"] == 1
    assert bins["woke from idle with IE=0"] == 1 and bins["TI taken"] == 1
    assert "HWI3 woke from idle" not in bins
    assert set(bins) <= set(PLAN["irq"])  # every bin sampled is a planned one
    assert "missing:" in cov.report()


def test_an_ecfg_write_that_masks_a_pending_line_is_pending_but_masked():
    cov, h = Coverage(), hart()
    irq = IrqCoverage(cov, 1)
    h.csr.values[C.CSR_ECFG] = TI
    event(irq, h, TI)
    assert "TI pending but masked" not in cov.groups["irq"]
    h.csr.values[C.CSR_ECFG] = IPI
    irq.ecfg_written(h)
    assert cov.groups["irq"]["TI pending but masked"] == 1


def test_unreachable_bins_are_not_planned():
    plan = PLAN["irq"]
    assert not any(b.startswith("SWI") and b.endswith("idle=1") for b in plan)
    assert "SWI0 woke from idle" not in plan and not any(b.startswith("PMI") for b in plan)
    assert len([b for b in plan if " rise " in b]) == 12 * 8 - 2 * 4
