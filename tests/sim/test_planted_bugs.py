"""Negative tests: a model with a deliberately planted RTL bug must fail the lockstep check, with the
report a person can act on. A check that a broken design cannot fail proves nothing."""

from __future__ import annotations

import re

import pytest
from lacosim.build import PLANTED_BUGS

from sim.conftest import program, run_lacosim
from sim.test_hv import HV_BUGS
from sim.test_lvz import HV_RTL_BUGS, LVZ_BUGS
from sim.test_storm import STORM_BUGS

# bug -> (program that exercises it, the mnemonic of the first instruction that must diverge)
CASES = {
    "sltu_signed": ("isa_alu", "sltu"),
    "ldb_no_sext": ("isa_ldst", "ld"),
    "no_wb_forward": ("hello", ""),
    # TLB bugs (issue 7): lockstep sees the wrong physical address or the missing exception
    "tlb_asid_ignored": ("mmu_asid", "ld.d"),
    "tlb_odd_even_swap": ("mmu_refill", "stx.d"),
    "tlb_no_pme": ("mmu_faults", "st.d"),
    # IOCSR load-use (issue 13): the instruction right after an iocsrrd gets its address, not its data
    "iocsr_no_load_use": ("iocsr_load_use", "addi.d"),
}
# the IPI block's bugs are tests/sim/test_ipi_rules.py's (IPI_BUGS)
IPI_BUGS = {"ipi_set_overwrites", "ipi_clear_all", "ipi_ignores_en", "mail_mask_inverted"}
# the report must name the translation of these (VA, expected PA, observed PA, the model's entry)
TRANSLATION_BUGS = {"tlb_asid_ignored", "tlb_odd_even_swap"}


@pytest.mark.no_rtl
def test_every_planted_bug_has_a_negative_test():
    # the timer scoreboard's and the idle rule's are in tests/sim/test_host.py; the interrupt bugs are caught
    # by the storm (tests/sim/test_storm.py), the IPI block's (and its same-cycle reads) by
    # tests/sim/test_ipi_rules.py, LVZ's by tests/sim/test_lvz.py
    from sim.test_ipi_rules import IPI_BUGS as RULES  # noqa: PLC0415
    from sim.test_ipi_rules import SAME_CYCLE_BUGS  # noqa: PLC0415
    assert set(RULES) == IPI_BUGS
    assert set(CASES) | {"timer_oneshot_reload", "idle_wake_ignores_lie", "idle_wake_late",
                         "ticlr_beats_expiry"} | set(STORM_BUGS) | IPI_BUGS | set(SAME_CYCLE_BUGS) | set(LVZ_BUGS) \
        | set(HV_RTL_BUGS) | set(HV_BUGS) == set(PLANTED_BUGS)


@pytest.mark.negative
@pytest.mark.parametrize("bug", sorted(CASES))
def test_planted_bug_fails_lockstep_with_a_useful_report(bug):
    prog, mnemonic = CASES[bug]
    res = run_lacosim("--elf", str(program(prog)), "--bug", bug, "--seed", "1")
    out = res.output
    assert res.returncode == 1, f"BUG={bug} went unnoticed:\n{res.report}"
    # the bug is caught by lockstep first, not by some consequence another checker noticed earlier
    # after the first divergence the RTL runs a different program: an exception it then takes is a consequence
    res.assert_only_failure("lockstep", frozenset({"program", "exceptions"}))
    report = out[out.index("FAIL [lockstep]"):]
    assert "<-- differs" in report                                    # expected vs observed, marked
    assert "(cycle " in report and "core 0" in report and "pc 0x" in report
    assert f"instruction: {mnemonic}" in report                       # disassembled, GNU syntax
    assert "last retired instructions:" in report
    assert "reference model registers after the instruction:" in report
    assert f"reproduce with waves: make sim ELF={program(prog)} SEED=1 BUG={bug} WAVES=1 WAVE_FROM=" in report
    if bug in TRANSLATION_BUGS:
        assert "mem pa" in report and "translation (the model's TLB" in report
        assert re.search(r"data  VA 0x[0-9a-f]+: expected PA 0x[0-9a-f]+, observed PA 0x[0-9a-f]+   <-- differs",
                         report), report
        assert re.search(r"model: TLB entry \d+: VPPN 0x[0-9a-f]+ PS \d+", report), report
    if bug == "tlb_no_pme":
        assert re.search(r"ecode\s+0x4\s+0x0\s+<-- differs", report), report  # PME expected, not raised


def test_the_same_programs_pass_without_the_bug():
    for prog, _ in CASES.values():
        res = run_lacosim("--elf", str(program(prog)), "--seed", "1")
        assert res.returncode == 0, f"{prog} fails on the correct RTL:\n{res.report}"


def _first_report(output: str) -> str:
    """The first FAIL block: from its headline to its reproduce line."""
    start = output.index("\nFAIL [") + 1
    end = output.index("\n", output.index("  reproduce with waves:", start))
    return output[start:end]


@pytest.mark.negative
@pytest.mark.parametrize("bug", ["sltu_signed", "tlb_odd_even_swap"])
def test_lockstep_beside_the_simulator_reports_what_inproc_reports(bug):
    """LOCKSTEP=beside (design.md 10.1): the checker in a second process one batch behind still stops the run
    at the first divergence, with the report LOCKSTEP=inproc gives (same record, fields, registers, history)."""
    prog, _ = CASES[bug]
    runs = {mode: run_lacosim("--elf", str(program(prog)), "--bug", bug, "--seed", "1", f"LOCKSTEP={mode}")
            for mode in ("inproc", "beside")}
    for mode, res in runs.items():
        assert res.returncode == 1, f"LOCKSTEP={mode}: BUG={bug} went unnoticed:\n{res.report}"
        assert res.failures[0] == "lockstep", res.report
        assert ("lockstep beside the simulator" in res.output) == (mode == "beside")
    inproc, beside = (_first_report(runs[m].output) for m in ("inproc", "beside"))
    assert beside.replace("LOCKSTEP=beside", "LOCKSTEP=inproc") == inproc
