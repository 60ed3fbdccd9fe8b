"""The IPI block's rules and the IOCSR load-use interlock (issue 13): the directed programs pass with lockstep
and every scoreboard on, and each planted IPI bug is caught first by the check meant for it.
(iocsr_no_load_use is in tests/sim/test_planted_bugs.py: lockstep on the instruction after the iocsrrd.)"""

from __future__ import annotations

import pytest

from sim.conftest import run_lacosim

RULE_TESTS = ["ipi_multi_vector", "ipi_multi_vector_4", "ipi_same_cycle", "ipi_same_cycle_4", "iocsr_load_use"]
# bug -> (the first FAIL's check and summary, what its report must say)
IPI_BUGS = {
    # STATUS is read back after every write with IPI_EN = 0: lockstep sees the read first; the IPI scoreboard
    # reports the same read in the same cycle with the rule that was broken
    "ipi_set_overwrites": ("FAIL [lockstep]", ["instruction: iocsrrd.w", "mem addr                 0x1000"]),
    "ipi_clear_all": ("FAIL [lockstep]", ["instruction: iocsrrd.w", "mem addr                 0x1000"]),
    # a vector set while IPI_EN = 0 raises a line the reference model takes as an input: only the IPI
    # scoreboard knows it must not
    "ipi_ignores_en": ("FAIL [ipi] IPI line changed without a cause",
                       ["ESTAT.IS[12] became 1", "no IPI_SEND/SET left STATUS & EN non-zero"]),
    # the boot mailbox (keep-mask 0) already arrives empty: lockstep on park_vector's MBUF0 read
    "mail_mask_inverted": ("FAIL [lockstep]", ["instruction: iocsrrd.d", "mem addr                 0x1020",
                                               "<park_vector"]),
}

# bug -> {seed: what the first report must say}: reads that miss a same-cycle write of a lower-numbered core,
# caught on STATUS (SEED=1 starts with IPI_SEND rounds) and on a mailbox (SEED=2 starts with MAIL_SEND)
SAME_CYCLE_BUGS = {
    "iocsr_read_stale": {1: "mem addr                 0x1000 ", 2: "mem addr                 0x1038 "},
}


@pytest.mark.parametrize("seed", [2, 3])
@pytest.mark.parametrize("test", RULE_TESTS)
def test_rule_test_passes(test, seed):
    res = run_lacosim("--test", test, "--seed", str(seed))
    assert res.returncode == 0, res.report
    assert f"TEST={test} SEED={seed} PASSED" in res.output
    if test.startswith("ipi_multi_vector"):   # the scoreboard looked at STATUS and EN reads
        assert "read STATUS=" in res.output and "read EN=" in res.output


@pytest.mark.negative
@pytest.mark.parametrize("bug", sorted(IPI_BUGS))
def test_planted_ipi_bug_is_caught_first_by_its_check(bug):
    first, says = IPI_BUGS[bug]
    res = run_lacosim("--test", "ipi_multi_vector", "--seed", "1", "--bug", bug)
    out = res.output
    # first the intended check, then only the IPI scoreboard on the same STATUS read and the program's verdict;
    # with EN ignored the masked vector interrupts over and over, so the program never ends (watchdog)
    after = {"ipi", "program"} | ({"watchdog"} if bug == "ipi_ignores_en" else set())
    res.assert_only_failure(first[len("FAIL ["):first.index("]")], frozenset(after))
    report = out[out.index(first):]
    report = report[:report.find("\nFAIL [", 1)] if "\nFAIL [" in report else report
    for text in says:
        assert text in report, report
    assert "(cycle " in report and "core " in report
    assert f"reproduce with waves: make sim TEST=ipi_multi_vector SEED=1 BUG={bug} WAVES=1" in report
    if bug in ("ipi_set_overwrites", "ipi_clear_all"):
        # the IPI scoreboard's own check reports the same read, with the rule and the writes that led there
        head = report.splitlines()[0]
        where = head[head.index("(cycle "):].split(", pc")[0]
        second = out[out.index("FAIL [", out.index(first) + 1):]
        assert second.startswith(f"FAIL [ipi] IPI STATUS read wrong {where}"), second[:600]
        assert "expected 0x" in second and "Last writes to core" in second and "<worker" in second.splitlines()[0]


@pytest.mark.negative
@pytest.mark.parametrize(("bug", "seed"), [(b, s) for b in sorted(SAME_CYCLE_BUGS) for s in SAME_CYCLE_BUGS[b]])
def test_same_cycle_bug_is_caught_by_lockstep(bug, seed):
    res = run_lacosim("--test", "ipi_same_cycle", "--seed", str(seed), "--bug", bug)
    # lockstep on the stale read; the IPI scoreboard may report the same STATUS read (mailboxes have no
    # scoreboard), and the program goes on to PASS: its own check sees only the final value
    res.assert_only_failure("lockstep", frozenset({"ipi", "program"}))
    report = res.output[res.output.index("FAIL [lockstep]"):]
    for text in ("instruction: iocsrrd.w", "core 1", "<worker", SAME_CYCLE_BUGS[bug][seed], "<-- differs",
                 "last retired instructions:",
                 f"reproduce with waves: make sim TEST=ipi_same_cycle SEED={seed} BUG={bug} WAVES=1"):
        assert text in report, report[:3000]
