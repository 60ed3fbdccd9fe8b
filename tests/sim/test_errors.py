"""Bad input gets a clear error naming the problem and a non-zero exit (DEVELOPERS.md)."""

from __future__ import annotations

from sim.conftest import program, run_lacosim


def test_unknown_test_lists_the_available_ones():
    res = run_lacosim("--test", "no_such_test")
    assert res.returncode == 2
    assert "unknown TEST 'no_such_test'" in res.output and "hello" in res.output


def test_missing_elf():
    res = run_lacosim("--elf", "/nonexistent/prog.elf")
    assert res.returncode == 2
    assert "no such file" in res.output


def test_foreign_elf_is_rejected(tmp_path):
    res = run_lacosim("--elf", "/bin/true")
    assert res.returncode == 2
    assert "not LoongArch" in res.output


def test_illegal_instruction_stops_with_a_report():
    res = run_lacosim("--elf", str(program("bad_illegal")))
    assert res.returncode == 1, res.output[-3000:]
    assert "FAIL [exceptions] illegal instruction" in res.output
    assert "<illegal_insn>" in res.output and "fadd.d" in res.output   # pc with symbol, disassembled
    assert "ended by unexpected-exception" in res.output
    assert "reproduce with waves: make sim ELF=" in res.output


def test_watchdog_names_the_last_pcs_with_symbols():
    res = run_lacosim("--elf", str(program("bad_hang")), "--max-cycles", "20000")
    assert res.returncode == 1, res.output[-3000:]
    assert "did not power off within 20000 cycles" in res.output
    assert "<main" in res.output or "<spin" in res.output, res.output[-3000:]
