"""Failure reports (env/failures.py, RetireMonitor.failure): cycle order, the per-check cap, and the context a
checker's failure carries (core, root/guest mode, PC with the symbol of that mode's ELF, the history)."""

from __future__ import annotations

from lacosim import trace
from lacosim.env.failures import MAX_PER_CHECK, Failure, FailureLog
from lacosim.env.retire_monitor import RetireMonitor
from records import batch, rec


class Image:
    """Root symbols at 0x1000, guest symbols at 0x2000."""
    def symbolize(self, addr: int, guest: bool = False) -> str:
        return f"{'guest_fn' if guest else 'root_fn'}+{addr & 0xFFF:#x}"

    def symbolizer(self, guest: bool):  # noqa: ANN201
        return lambda addr: self.symbolize(addr, guest)


class Cfg:
    def repro_with_waves(self, cycle: int | None) -> str:
        return f"make sim TEST=t WAVES=1 WAVE_FROM={cycle}"


def monitor() -> RetireMonitor:
    m = RetireMonitor.__new__(RetireMonitor)   # no pyuvm hierarchy: only what failure() reads
    m.image, m.cfg, m.history, m.current = Image(), Cfg(), {}, None
    return m


def test_log_prints_in_cycle_order_and_caps_each_check(capsys) -> None:  # noqa: ANN001
    log = FailureLog()
    for c in range(MAX_PER_CHECK + 3):
        log.add(Failure("timer", f"t{c}", cycle=100 + c))
    log.add(Failure("ipi", "early", cycle=50))
    log.flush()
    assert [f.summary for f in log.failures] == ["early"] + [f"t{c}" for c in range(MAX_PER_CHECK)]
    assert "further [timer] failures are not reported" in log.failures[-1].detail
    out = capsys.readouterr().out
    assert out.index("FAIL [ipi] early") < out.index("FAIL [timer] t0") and "t5" not in out


def test_failure_at_a_cycle_takes_pc_and_mode_from_the_last_retired_instruction() -> None:
    b = batch(rec(10, 0x1000, 0x0340_0000), rec(11, 0x2004, 0x0340_0000, trace.MODE_GUEST),
              rec(12, 0x1008, 0x0340_0000, core=1), rec(20, 0x1010, 0x0340_0000))
    f = monitor().failure("gintc", "lost", "detail", 15, 0, b)
    assert (f.pc, f.guest, f.pc_symbol) == (0x2004, True, "guest_fn+0x4")
    text = str(f)
    assert "FAIL [gintc] lost (cycle 15, core 0, guest mode, pc 0x2004 <guest_fn+0x4>)" in text
    assert "0x0000000000001000" in f.recent and "0x0000000000001010" not in f.recent   # history up to cycle 15
    assert "0x0000000000001008" not in f.recent                                       # core 1's
    assert "WAVE_FROM=15" in f.repro


def test_failure_with_a_given_pc_and_without_a_place() -> None:
    m = monitor()
    f = m.failure("vipi", "s", "d", 5, 1, None, pc=0x1004, guest=False)
    assert (f.pc, f.pc_symbol, f.guest) == (0x1004, "root_fn+0x4", False) and "root mode" in str(f)
    end = m.failure("virtio", "lost", "d", None, None, None)
    assert (end.cycle, end.core, end.pc, end.recent) == (None, None, None, "")


def test_failure_at_a_record() -> None:
    b = batch(rec(7, 0x2008, 0x0340_0000, trace.MODE_GUEST, core=1))
    f = monitor().failure_at("virtio", "s", "d", b, 0)
    assert (f.cycle, f.core, f.pc, f.guest, f.pc_symbol) == (7, 1, 0x2008, True, "guest_fn+0x8")


def test_a_given_pc_still_gets_the_mode_from_the_batch() -> None:
    b = batch(rec(10, 0x2000, 0x0340_0000, trace.MODE_GUEST))
    f = monitor().failure("ipi", "s", "d", 10, 0, b, pc=0x2000)
    assert (f.pc, f.guest, f.pc_symbol) == (0x2000, True, "guest_fn+0x0")
