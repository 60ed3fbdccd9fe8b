"""The SMP boot (.bss ownership) scoreboard's model, fed with hand-made stores."""

from __future__ import annotations

from lacosim.env.bss_scoreboard import SC_D, BssModel

BSS, END, LOCK = 0x10000, 0x10100, 0x10008


def test_boot_core_may_write_bss_and_secondaries_after_taking_the_lock():
    m = BssModel(BSS, END, LOCK)
    assert m.store(0, 10, BSS, 0x29C0_0000) is None               # core 0 clears .bss
    assert m.store(1, 50, LOCK, SC_D | 0x1234) is None            # core 1 takes the lock
    assert m.store(1, 51, BSS + 0x10, 0x29C0_0000) is None        # counter++ under the lock


def test_secondary_clearing_bss_is_reported_once_with_the_symptom():
    m = BssModel(BSS, END, LOCK, symbolize=lambda a: "counter" if a == BSS + 0x10 else "")
    problem = m.store(2, 40, BSS + 0x10, 0x29C0_0000)
    assert problem and "core 2" in problem and "<counter>" in problem and "clearing .bss" in problem
    assert m.store(2, 41, BSS + 0x18, 0x29C0_0000) is None        # once per core


def test_stores_outside_bss_are_fine():
    m = BssModel(BSS, END, LOCK)
    assert m.store(3, 5, END, 0x29C0_0000) is None
    assert m.store(3, 5, BSS - 8, 0x29C0_0000) is None
