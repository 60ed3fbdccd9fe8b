"""Bad input gets a clear error naming the problem and a non-zero exit (DEVELOPERS.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.conftest import program, run_lacosim


@pytest.mark.negative
def test_unknown_test_lists_the_available_ones():
    res = run_lacosim("--test", "no_such_test")
    assert res.returncode == 2
    assert "unknown TEST 'no_such_test'" in res.output and "hello" in res.output


@pytest.mark.negative
def test_missing_elf():
    res = run_lacosim("--elf", "/nonexistent/prog.elf")
    assert res.returncode == 2
    assert "no such file" in res.output


@pytest.mark.negative
def test_foreign_elf_is_rejected(tmp_path):
    res = run_lacosim("--elf", "/bin/true")
    assert res.returncode == 2
    assert "not LoongArch" in res.output


@pytest.mark.negative
def test_strict_policy_stops_at_an_illegal_instruction_with_a_report():
    res = run_lacosim(f"ELF={program('bad_illegal')}", "STRICT=1")
    assert res.returncode == 1, res.report
    assert "FAIL [exceptions] illegal instruction: the core does not implement it (STRICT=1)" in res.output
    assert "<illegal_insn>" in res.output and "fadd.d" in res.output   # pc with symbol, disassembled
    assert "ended by unexpected-exception" in res.output
    assert "reproduce with waves: make sim ELF=" in res.output and "STRICT=1 WAVES=1" in res.output


def test_a_handled_illegal_instruction_is_behaviour_not_a_failure():
    """The program installs a handler and executes an undefined word: INE, as the architecture requires,
    which the reference model raises too (it used to be reported as 'the core does not implement it')."""
    res = run_lacosim(f"ELF={program('bad_illegal')}")
    assert res.returncode == 0, res.report
    assert "ESTAT.Ecode 0d, ERA - illegal_insn 0" in res.output


@pytest.mark.negative
def test_an_exception_with_no_handler_installed_fails():
    res = run_lacosim(f"ELF={program('bad_no_handler')}")
    assert res.returncode == 1, res.report
    assert "illegal instruction with no exception handler installed (EENTRY = 0)" in res.output, \
        res.report
    assert res.output.count("FAIL [") == 1, res.report
    assert "<undefined_insn>" in res.output


@pytest.mark.negative
def test_a_handler_that_faults_at_its_first_instruction_is_a_double_fault():
    res = run_lacosim(f"ELF={program('bad_double_fault')}")
    assert res.returncode == 1, res.report
    assert "double fault: the SYS handler's first instruction raised INE" in res.output, res.report
    assert res.output.count("FAIL [") == 1, res.report
    assert "<broken_handler>" in res.output


@pytest.mark.negative
def test_watchdog_names_the_last_pcs_with_symbols():
    res = run_lacosim("--elf", str(program("bad_hang")), "--max-cycles", "20000")
    assert res.returncode == 1, res.report
    assert "did not power off within 20000 cycles" in res.output
    assert "<main" in res.output or "<spin" in res.output, res.report


@pytest.mark.negative
def test_auto_waves_reruns_a_failure_with_waves_around_it():
    res = run_lacosim(f"ELF={program('isa_alu')}", "SEED=1", "BUG=sltu_signed", "AUTO_WAVES=1")
    assert res.returncode == 1, res.report
    assert "AUTO_WAVES=1: re-running SEED=1 with waves over cycles" in res.output, res.report
    fst = res.output.split("waves of the failure: ", 1)[1].split()[0]
    assert fst.endswith("-waves/waves.fst") and Path(fst).exists()
    first_run = res.output.split("run dir=", 1)[1].split()[0]
    assert Path(first_run, "stats.json").exists()  # the failing run's own results are kept


@pytest.mark.negative
def test_a_stack_overflow_is_caught_at_the_guard_page():
    res = run_lacosim(f"ELF={program('bad_stack_overflow')}", "SEED=1")
    assert res.returncode == 1, res.report
    assert "FAIL [stack] stack overflow: an access to a stack guard page" in res.output, res.report
    # the first failure printed is the overflow, not the wreckage it causes later (code overwritten: INE)
    assert res.output.index("FAIL [") == res.output.index("FAIL [stack]"), res.report
    assert "guard page below core 0's stack" in res.output and "<deep" in res.output
