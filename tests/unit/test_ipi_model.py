"""The IPI scoreboard's model, fed with hand-made transactions."""

from __future__ import annotations

from lacosim.env.ipi_model import (
    IOCSR_IPI_CLEAR,
    IOCSR_IPI_EN,
    IOCSR_IPI_SEND,
    IOCSR_IPI_SET,
    IOCSR_IPI_STATUS,
    IpiModel,
)

LIE_TI_IPI = (1 << 11) | (1 << 12)


def send(model, cycle, src, target, vector=1):
    return model.iocsr_write(cycle, src, IOCSR_IPI_SEND, (target << 16) | vector)


def test_send_raises_line_and_enabled_interrupt_is_clean():
    m = IpiModel(2, require_delivery=True)
    m.iocsr_write(10, 1, IOCSR_IPI_EN, 0xFFFF_FFFF)
    m.ecfg_write(1, LIE_TI_IPI)
    send(m, 100, 0, 1)
    assert m.line_change(101, 1, True) == []
    assert m.interrupt_taken(105, 1, 12, ie_before=True) == []
    assert m.tick(1000) == []
    assert m.sends[0].delivered == 105


def test_line_that_never_rises_is_reported():
    m = IpiModel(2)
    m.iocsr_write(10, 1, IOCSR_IPI_EN, 1 << 3)
    send(m, 100, 0, 1, vector=3)
    problems = m.tick(103)
    assert problems and "IS[12] should be 1 from cycle 101" in problems[0]


def test_line_rising_without_cause_is_reported():
    m = IpiModel(2)
    assert "became 1" in m.line_change(50, 1, True)[0]


def test_disabled_vector_does_not_raise_the_line():
    m = IpiModel(2)
    m.iocsr_write(10, 1, IOCSR_IPI_EN, 1 << 2)
    send(m, 100, 0, 1, vector=3)                     # vector 3 not enabled
    assert m.tick(200) == []


def test_clear_lowers_the_line():
    m = IpiModel(2)
    m.iocsr_write(10, 1, IOCSR_IPI_EN, 0xFF)
    send(m, 100, 0, 1)
    m.line_change(101, 1, True)
    m.iocsr_write(200, 1, IOCSR_IPI_CLEAR, 0x2)
    assert m.tick(205) and True                      # the line should have fallen by 202
    m2 = IpiModel(2)
    m2.iocsr_write(10, 1, IOCSR_IPI_EN, 0xFF)
    send(m2, 100, 0, 1)
    m2.line_change(101, 1, True)
    m2.iocsr_write(200, 1, IOCSR_IPI_CLEAR, 0x2)
    assert m2.line_change(201, 1, False) == []
    assert m2.tick(205) == []


def test_interrupt_taken_without_lie_or_ie_is_reported():
    m = IpiModel(2)
    m.iocsr_write(10, 1, IOCSR_IPI_EN, 0xFF)
    send(m, 100, 0, 1)
    m.line_change(101, 1, True)
    problems = m.interrupt_taken(110, 1, 12, ie_before=False)
    assert any("LIE[12] = 0" in p for p in problems) and any("CRMD.IE = 0" in p for p in problems)


def test_seed_bug_lie_without_ipi_is_named_when_delivery_is_required():
    m = IpiModel(2, require_delivery=True)
    m.iocsr_write(10, 1, IOCSR_IPI_EN, 0xFFFF_FFFF)
    m.ecfg_write(1, 1 << 11)                         # TI only: the seed's bug
    send(m, 100, 0, 1)
    m.line_change(101, 1, True)
    problems = m.tick(100 + 1 + 80 + 1)
    assert len(problems) == 1
    assert "ECFG.LIE lacks the IPI bit" in problems[0] and "only at the next timer tick" in problems[0]
    assert m.tick(5000) == []                        # reported once


# --- the block's register rules: every STATUS/EN read is checked (issue 13) ---------------------------------

def test_set_and_send_or_into_status_and_clear_takes_only_its_bits():
    m = IpiModel(3)
    m.iocsr_write(10, 1, IOCSR_IPI_SET, 0x5)
    send(m, 11, 0, 1, vector=8)
    send(m, 11, 2, 1, vector=3)                       # two sends in one cycle both land
    assert m.iocsr_read(12, 1, IOCSR_IPI_STATUS, 2, 0x10D) == []
    m.iocsr_write(13, 1, IOCSR_IPI_CLEAR, 0x9)
    assert m.iocsr_read(14, 1, IOCSR_IPI_STATUS, 2, 0x104) == []
    assert m.iocsr_read(14, 1, IOCSR_IPI_STATUS, 0, 0x04) == []   # a byte read sees STATUS[7:0]
    m.iocsr_write(15, 1, IOCSR_IPI_EN, 0xF0)
    assert m.iocsr_read(16, 1, IOCSR_IPI_EN, 3, 0xF0) == []


def test_status_overwritten_by_set_is_reported_with_the_lost_bits():
    m = IpiModel(2)
    m.iocsr_write(10, 0, IOCSR_IPI_SET, 0x3)
    m.iocsr_write(20, 0, IOCSR_IPI_SET, 0x10)
    problems = m.iocsr_read(21, 0, IOCSR_IPI_STATUS, 2, 0x10)     # a block that replaced STATUS
    assert len(problems) == 1
    assert "STATUS = 0x10 at cycle 21, expected 0x13" in problems[0] and "bits 0x3 missing" in problems[0]
    assert "cycle 20: core 0 IPI_SET 0x10" in problems[0]         # the writes that led there


def test_clear_of_a_subset_that_cleared_everything_is_reported():
    m = IpiModel(2)
    m.iocsr_write(10, 1, IOCSR_IPI_SET, 0xF0)
    m.iocsr_write(20, 1, IOCSR_IPI_CLEAR, 0x30)
    assert "expected 0xc0" in m.iocsr_read(22, 1, IOCSR_IPI_STATUS, 2, 0)[0]


def test_status_bits_nobody_set_are_reported():
    m = IpiModel(2)
    assert "bits 0x2 set that no write set" in m.iocsr_read(5, 0, IOCSR_IPI_STATUS, 3, 0x2)[0]


def test_en_clear_keeps_the_line_low_until_en_is_set():
    m = IpiModel(2)
    m.iocsr_write(10, 1, IOCSR_IPI_EN, 0x1)
    send(m, 20, 0, 1, vector=4)                      # pending, not enabled
    assert "became 1" in m.line_change(21, 1, True)[0]   # a block that ignores EN
    m2 = IpiModel(2)
    m2.iocsr_write(10, 1, IOCSR_IPI_EN, 0x1)
    send(m2, 20, 0, 1, vector=4)
    assert m2.tick(100) == []
    m2.iocsr_write(200, 1, IOCSR_IPI_EN, 0x11)       # enabling it raises the line
    assert m2.line_change(201, 1, True) == []


def test_line_latency_is_exact():
    """design.md 7.3: a write retiring at c changes the line at c+1 exactly (a 3-flop synchroniser: c+2)."""
    m = IpiModel(2)
    m.iocsr_write(10, 1, IOCSR_IPI_EN, 0xFF)
    send(m, 100, 0, 1)
    assert m.tick(101) == []
    problems = m.line_change(102, 1, True)
    assert len(problems) == 1 and "became 1 at cycle 102, expected exactly cycle 101" in problems[0]
    m.iocsr_write(200, 1, IOCSR_IPI_CLEAR, 0x2)
    assert "became 0 at cycle 202, expected exactly cycle 201" in m.line_change(202, 1, False)[0]
    assert m.tick(300) == []
