"""Several vCPUs per core (issue 10, helper vsw; docs/design.md 13.10): the context-switching hypervisor build
with KVM's guest-timer save/restore, per-vCPU GINTC and a GID per zone. Each test passes with lockstep and every
scoreboard on; hvisor 754838b's inverted restore conditions and a switch that keeps the GID fail, first through
the scoreboard meant for them."""

from __future__ import annotations

import re

import pytest

from sim.conftest import run_lacosim

SEED = "20261130"
VSW_TESTS = ["tval_oneshot_restore", "tval_periodic_restore", "timer_injected_once", "s2_tlb_gid", "s2_tlb_gid_invtlb"]


@pytest.mark.parametrize("test", VSW_TESTS)
def test_vsw_test_passes(test):
    res = run_lacosim("--test", test, "--seed", SEED)
    assert res.returncode == 0, res.report
    assert f"TEST={test} SEED={SEED} PASSED" in res.output
    assert "lockstep checked" in res.output
    assert re.search(rf"^{test}: PASS$", res.output, re.MULTILINE), res.report   # the hypervisor's verdict
    if test == "tval_oneshot_restore":      # each case restored once, with its TI count
        for case, tis in (("A", 1), ("B", 0), ("C", 1)):
            assert re.search(rf"timer restore: case {case} \([^)]*\): 1 restore\(s\), guest TIs per case \[{tis}\]",
                             res.output), res.report
    if test == "timer_injected_once":
        assert re.search(r"timer restore: case A \([^)]*\): (\d) restore\(s\), guest TIs per case \[1(, 1)*\]",
                         res.output), res.report
    if test.startswith("s2_tlb_gid"):
        assert "refills of the watched page per zone {0: 1, 1: 2}" in res.output, res.report


@pytest.mark.negative
def test_tval_oneshot_restore_hvisor_754838b_is_caught_by_the_restore_checker():
    """SW_BUG=1: hvisor 754838b's restore (TVAL = 0 for !(periodic && TVAL > TCFG); TICLR when the saved ESTAT had
    TI): case B's injected TI is left pending, case C gets TVAL = 0 before its expiry. The timer-restore
    scoreboard names both at the restore, before the guest's own checks."""
    res = run_lacosim("--test", "tval_oneshot_restore", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("timer-restore")
    assert re.search(r"FAIL \[timer-restore\] spurious TI: the restore of an acked one-shot left the TI of its "
                     r"TVAL = 0 pending \(no TICLR\) \(cycle \d+, core 0", res.output), res.report
    assert re.search(r"FAIL \[timer-restore\] spurious TI: the restore of a not-yet-fired one-shot wrote TVAL = 0x0 "
                     r"at cycle \d+, \d+ ticks early", res.output), res.report
    assert "restore writes: TCFG=0x0@" in res.output
    assert f"make sim TEST=tval_oneshot_restore SEED={SEED} SW_BUG=1 WAVES=1" in res.output


@pytest.mark.negative
def test_timer_injected_once_restore_of_tval_before_tcfg_is_caught():
    """SW_BUG=1: the restore writes the saved TCFG last, after TVAL; that write reloads TVAL = InitVal, so the
    one-shot that expired while the vCPU was blocked fires a whole InitVal after the re-entry. The timer-restore
    scoreboard names the order at the first restore; the guest then sees no TI at any wake."""
    res = run_lacosim("--test", "timer_injected_once", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("timer-restore")
    assert re.search(r"FAIL \[timer-restore\] the restore wrote TVAL before TCFG at cycle \d+ \(cycle \d+, core 0, "
                     r"root mode, pc 0x[0-9a-f]+ <hv_timer_restore\+0x[0-9a-f]+>\)", res.output), res.report
    assert re.search(r"restore writes: TCFG=0x0@\d+ -> ESTAT=0x0@\d+ -> TVAL=0x0@\d+ -> TCFG=0x[0-9a-f]+@", res.output)
    assert re.search(r"guest timer_injected_once: 0/\d rounds with one TI", res.output), res.report


@pytest.mark.negative
def test_s2_tlb_gid_switch_keeping_the_gid_is_caught():
    """SW_BUG=1: the switch leaves GSTAT.GID/GTLBC.TGID at the other zone's: zone 0's access hits zone 1's
    stage-2 entry. The s2-gid scoreboard names the HPA at that access."""
    res = run_lacosim("--test", "s2_tlb_gid", "--seed", SEED, "--sw-bug", "--max-cycles", "200000")
    res.assert_only_failure("s2-gid", frozenset({"program", "watchdog"}))
    assert re.search(r"FAIL \[s2-gid\] zone 0 reached HPA 0x1404000 \(zone 1's page\) for GPA 0x10000000: a stage-2 "
                     r"entry of another GID hit \(cycle \d+, core 0, guest mode, pc 0x[0-9a-f]+ <main\+0x[0-9a-f]+>\)",
                     res.output), res.report


@pytest.mark.negative
def test_s2_tlb_gid_invtlb_without_tgid_is_caught_by_the_refill_count():
    """SW_BUG=1 of the variant: the invtlb by zone 1's GID runs with TGID = zone 0's, flushing zone 0's entries;
    every value the guests read is still right, so only the s2-gid scoreboard sees it: zone 0 refills the page a
    second time (named at that refill), zone 1 once too few (at the end)."""
    res = run_lacosim("--test", "s2_tlb_gid_invtlb", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("s2-gid", frozenset())
    assert re.search(r"FAIL \[s2-gid\] zone 0 refilled GPA page 0x10000000 again at cycle \d+: its stage-2 entry did "
                     r"not survive \(2 refills, expected 1\)", res.output), res.report
    assert "FAIL [s2-gid] zone 1 refilled the watched page 1 time(s), expected 2" in res.output
    assert re.search(r"^s2_tlb_gid_invtlb: PASS$", res.output, re.MULTILINE), "the guest cannot see this bug"
