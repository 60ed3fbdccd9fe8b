"""The timer-restore checker (env/timer_restore_scoreboard.py, design.md 13.10) on hand-made record arrays:
KVM's reference order per case, and the guest TI counts per case. Every rule is seen to fail."""

from __future__ import annotations

import pytest
from lacosim import trace
from lacosim.env.timer_restore_scoreboard import RestoreChecker
from records import batch

GUEST = trace.MODE_GUEST
TCFG, TVAL, TICLR, ESTAT, SAVE0 = trace.CSR_TCFG, trace.CSR_TVAL, trace.CSR_TICLR, 0x5, 0x30
VC0, VC1 = 0x20_6000, 0x20_6200
ALL_ONES = (1 << 48) - 1


class Trace:
    """Builds a core-0 record stream: one record per cycle from `cycle`."""

    def __init__(self) -> None:
        self.recs: list[dict] = []
        self.cycle = 100

    def add(self, cycle: int | None = None, **kw: int) -> None:
        self.cycle = self.cycle + 1 if cycle is None else cycle
        self.recs.append({"cycle": self.cycle, "kind": trace.KIND_RETIRE, **kw})

    def gread(self, csr: int, value: int, cycle: int | None = None) -> None:
        self.add(cycle, insn=0x0500_0000 | csr << 10 | 12, flags=trace.FLAG_RD_WE, rd=12, rd_wdata=value)

    def gwrite(self, csr: int, value: int, cycle: int | None = None) -> None:
        self.add(cycle, insn=0x0500_0020 | csr << 10 | 12, flags=trace.FLAG_CSR_WE, flags2=trace.FLAG2_GCSR, csr=csr,
                 csr_wdata=value)

    def enter(self, vcpu: int) -> None:
        self.add(flags=trace.FLAG_CSR_WE, csr=SAVE0, csr_wdata=vcpu)
        self.add(trap=trace.TRAP_ERTN)

    def exit(self, cycle: int | None = None) -> None:
        self.add(cycle, mode=GUEST, trap=trace.TRAP_VALID, flags2=trace.FLAG2_EXIT)

    def save(self, tcfg: int, tval: int, estat: int) -> None:
        self.gread(TCFG, tcfg)
        self.gread(TVAL, tval)
        self.gread(ESTAT, estat)

    def restore(self, *writes: tuple[int, int]) -> None:
        for csr, value in writes:
            self.gwrite(csr, value)

    def ti(self, cycle: int | None = None) -> None:
        self.add(cycle, mode=GUEST, trap=trace.TRAP_VALID | trace.TRAP_INT | 11 << trace.TRAP_INTNO_SHIFT)

    def guest_arm(self, value: int = 0) -> None:
        self.add(mode=GUEST, flags=trace.FLAG_CSR_WE, flags2=trace.FLAG2_GCSR, csr=TCFG, csr_wdata=value)

    def run(self) -> tuple[RestoreChecker, list[str]]:
        out = batch(*self.recs)
        fails: list[str] = []
        chk = RestoreChecker(1, {VC0: 0, VC1: 1}, lambda s, d, c, core: fails.append(s))
        chk.write(out)
        chk.finish(self.cycle + 1)
        return chk, fails


def two_vcpus(t: Trace) -> None:
    """Boot (timer off), vCPU 0 enters; it arms a one-shot of 0x1000 and exits; vCPU 1's first entry."""
    t.save(0, 0x55, 0)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0), (TVAL, 0x55))
    t.enter(VC0)
    t.guest_arm(0x1001)
    t.exit(1000)
    t.save(0x1001, 0x800, 0)           # TVAL read at 1001: expiry at 1001 + 0x800 = 3049
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0), (TVAL, 0x55))
    t.enter(VC1)
    t.exit(1500)
    t.save(0, 0x55, 0)


def test_case_c_reference_order_passes():
    t = Trace()
    two_vcpus(t)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0x1001))
    t.gwrite(TVAL, 3049 - 1600, 1600)
    t.enter(VC0)
    t.ti(3100)
    t.guest_arm()
    chk, fails = t.run()
    assert fails == []
    assert chk.cases == {"C": [1]}


def test_tval_before_tcfg_is_named():
    t = Trace()
    two_vcpus(t)
    t.restore((TCFG, 0), (ESTAT, 0), (TVAL, 0x400), (TCFG, 0x1001))
    t.enter(VC0)
    _, fails = t.run()
    assert fails[0].startswith("the restore wrote TVAL before TCFG at cycle")


def test_case_c_tval_zero_is_a_spurious_ti():
    t = Trace()
    two_vcpus(t)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0x1001), (TVAL, 0))
    t.enter(VC0)
    _, fails = t.run()
    assert fails[0].startswith("spurious TI: the restore of a not-yet-fired one-shot wrote TVAL = 0x0")


def test_case_c_early_ti_take_is_spurious():
    t = Trace()
    two_vcpus(t)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0x1001))
    t.gwrite(TVAL, 3049 - 1600, 1600)
    t.enter(VC0)
    t.ti(2000)
    _, fails = t.run()
    assert fails[0].startswith("spurious TI in case C: taken at cycle 2000")


def case_a(t: Trace) -> None:
    two_vcpus(t)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0x1001))
    t.gwrite(TVAL, 0, 5000)            # expired at 3049, while out
    t.enter(VC0)


def test_case_a_one_ti_passes_and_missing_or_double_fails():
    t = Trace()
    case_a(t)
    t.ti()
    t.guest_arm()
    chk, fails = t.run()
    assert fails == [] and chk.cases == {"A": [1]}
    t = Trace()
    case_a(t)
    t.guest_arm()
    _, fails = t.run()
    assert fails[0].startswith("lost TI in case A")
    t = Trace()
    case_a(t)
    t.ti()
    t.ti(5100)
    _, fails = t.run()
    assert fails[0].startswith("duplicated TI in case A")


def test_case_a_late_ti_fails():
    t = Trace()
    case_a(t)
    t.ti(5400)
    _, fails = t.run()
    assert fails[0].startswith("late TI in case A")


def fired_and_out(t: Trace, estat: int) -> None:
    """vCPU 0's one-shot fired before the save (TVAL all ones); out, then back in."""
    two_vcpus(t)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0x1001))
    t.gwrite(TVAL, 3049 - 1600, 1600)
    t.enter(VC0)
    t.ti(3100)
    t.exit(4000)
    t.save(0x1001, ALL_ONES, estat)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0), (TVAL, 0x55))
    t.enter(VC1)
    t.exit(4500)
    t.save(0, 0x55, 0)


@pytest.mark.parametrize("with_ticlr", [True, False])
def test_case_b_acked(with_ticlr):
    t = Trace()
    fired_and_out(t, 0)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0x1001), (TVAL, 0))
    t.gread(ESTAT, 1 << 11)
    if with_ticlr:
        t.gwrite(TICLR, 1)
    t.enter(VC0)
    t.ti()
    _, fails = t.run()
    if with_ticlr:
        assert fails[0].startswith("spurious TI in case B")
    else:
        assert fails[0].startswith("spurious TI: the restore of an acked one-shot left the TI of its TVAL = 0 "
                                   "pending (no TICLR)")


def test_pending_ti_dropped_by_the_estat_restore_is_lost():
    t = Trace()
    fired_and_out(t, 1 << 11)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0x1001), (TVAL, 0))
    t.enter(VC0)
    _, fails = t.run()
    assert fails[0].startswith("lost TI: the restore wrote ESTAT = 0x0")


def test_pending_ti_cleared_by_ticlr_is_an_extra_write():
    t = Trace()
    fired_and_out(t, 1 << 11)
    t.restore((TCFG, 0), (ESTAT, 1 << 11), (TCFG, 0x1001), (TVAL, 0), (TICLR, 1))
    t.enter(VC0)
    _, fails = t.run()
    assert fails[0].startswith("the restore wrote TICLR = 0x1 at cycle")


def test_periodic_expired_needs_the_queued_ti():
    t = Trace()
    t.save(0, 0x55, 0)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0), (TVAL, 0x55))
    t.enter(VC0)
    t.exit(1000)
    t.save(0x1003, 0x800, 0)           # periodic, period 0x1000, expiry at 1001 + 0x800 = 3049
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0), (TVAL, 0x55))
    t.enter(VC1)
    t.exit(9000)
    t.save(0, 0x55, 0)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0x1003))
    t.gwrite(TVAL, 0x1000 - (9100 - 3049) % 0x1000, 9100)
    t.enter(VC0)
    _, fails = t.run()
    assert fails[0].startswith("the restore never wrote ESTAT (the queued TI")


@pytest.mark.parametrize("restored", [0x80, 0x0, None])
def test_gintc_is_restored_per_vcpu(restored):
    """vCPU 0 had HWI7 injected (GINTC.VIP = 0x80) at its switch-out; its switch-in must write it back."""
    t = Trace()
    t.save(0, 0x55, 0)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0), (TVAL, 0x55))
    t.enter(VC0)
    t.exit(1000)
    t.add(insn=0x0400_0000 | 0x52 << 10 | 12, flags=trace.FLAG_RD_WE, rd=12, rd_wdata=0x80)   # csrrd GINTC
    t.save(0, 0x55, 0)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0), (TVAL, 0x55))
    t.add(flags=trace.FLAG_CSR_WE, csr=0x52, csr_wdata=0)                                    # vCPU 1's first
    t.enter(VC1)
    t.exit(2000)
    t.add(insn=0x0400_0000 | 0x52 << 10 | 12, flags=trace.FLAG_RD_WE, rd=12, rd_wdata=0)
    t.save(0, 0x55, 0)
    t.restore((TCFG, 0), (ESTAT, 0), (TCFG, 0), (TVAL, 0x55))
    if restored is not None:
        t.add(flags=trace.FLAG_CSR_WE, csr=0x52, csr_wdata=restored)
    t.enter(VC0)
    _, fails = t.run()
    if restored == 0x80:
        assert fails == []
    elif restored is None:
        assert fails[0] == "the switch to vCPU 0 did not write GINTC, its GINTC at its switch-out was 0x80"
    else:
        assert fails[0].startswith("the switch to vCPU 0 wrote GINTC = 0x0 at cycle")
