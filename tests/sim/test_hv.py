"""The test hypervisor (issue 9; sw/hv, docs/design.md 13): each hypervisor test passes with its guest ELF(s),
lockstep and every scoreboard on; the seed-bug builds and the planted LVZ bugs the tests cover fail."""

from __future__ import annotations

import re

import pytest

from sim.conftest import run_lacosim

SEED = "20261130"
HV_TESTS = ["idle_timer", "idle_timer_kvm", "cpucfg_emul", "hvcl_hypercall", "hvcl_hypercall_kvm", "stage2_mmio_emul",
            "rdtime_gcntc", "timer_root_isolation", "gcsr_context_roundtrip", "oneshot_ack_order", "gintc_inject",
            "estat_inject_no_clobber", "zone_start_wakeup", "gintc_passthrough"]
# planted RTL bugs these tests catch: bug -> (test, the check that fails first, patterns of its report)
HV_BUGS = {
    # the timer scoreboard checks every rdtime against the cycle + CNTC (+ GCNTC in guest mode); lockstep only
    # finds the root's next rdtime.d going backwards by K
    "gcntc_ignored": ("rdtime_gcntc", "timer", [r"rdtime returned the wrong counter value",
                                                r"rdtime\.d retiring at cycle \d+ in guest mode",
                                                r"GCNTC \+ the guest CNTC"]),
    # with PIP = 0 the device line still reaches the guest: the GINTC scoreboard at the irq word's change,
    # before the guest takes it (lockstep then sees the take the model does not make; the guest's check after)
    "gintc_pip_ignored": ("gintc_passthrough", "gintc", [r"guest ESTAT.IS shows an HWI line GINTC does not assert",
                                                         r"PIP 0x00, physical HWI 0x[0-9a-f]{2}"]),
}


@pytest.mark.parametrize("test", HV_TESTS)
def test_hv_test_passes(test):
    res = run_lacosim("--test", test, "--seed", SEED)
    assert res.returncode == 0, res.report
    if test == "gintc_passthrough":     # T14: both PIP settings met the device line
        assert re.search(r"physical HWI high, PIP clear=\d+, physical HWI high, PIP set=\d+", res.output), res.report
    assert f"TEST={test} SEED={SEED} PASSED" in res.output
    assert "lockstep checked" in res.output
    assert re.search(rf"^{test}: PASS$", res.output, re.MULTILINE), res.report   # the hypervisor's verdict


def test_idle_policies_differ_in_exits():
    """hvisor's policy resumes at once (many idle exits per round), KVM's blocks (one per round)."""
    exits = {}
    for test in ("idle_timer", "idle_timer_kvm"):
        res = run_lacosim("--test", test, "--seed", SEED)
        assert res.returncode == 0, res.report
        m = re.search(r"guest idle_timer: (\d+) rounds, (\d+) idle exits", res.output)
        assert m, res.report
        exits[test] = (int(m[1]), int(m[2]))
    rounds, idles = exits["idle_timer_kvm"]
    assert idles == rounds, exits
    assert exits["idle_timer"][1] > 4 * exits["idle_timer"][0], exits


@pytest.mark.negative
@pytest.mark.parametrize("test", ["idle_timer", "idle_timer_kvm"])
def test_idle_timer_seed_bug_hangs(test):
    """SW_BUG=1: the exit path writes the saved guest TCFG/TVAL/ESTAT back (hvisor before 754838b): the
    guest-timer scoreboard names it at the first such exit, in the seed's words, and the guest's TI never comes
    (the watchdog, here 2.5x the longest expected run, ends the hang)."""
    res = run_lacosim("--test", test, "--seed", SEED, "--sw-bug", "--max-cycles", "300000")
    res.assert_only_failure("guest-timer", frozenset({"watchdog", "program"}))
    assert re.search(r"FAIL \[guest-timer\] guest timer interrupt never delivered: the exit path (rewrote guest TCFG "
                     r"at cycle \d+, restarting the countdown|dropped a pending guest timer interrupt)", res.output)
    assert "the program did not power off within 300000 cycles" in res.output
    assert f"make sim TEST={test} SEED={SEED} MAX_CYCLES=300000 SW_BUG=1" in res.output
    assert not re.search(rf"^{test}: PASS$", res.output, re.MULTILINE)


@pytest.mark.negative
def test_cpucfg_emul_catches_a_guest_cpucfg_run_natively():
    res = run_lacosim("--test", "cpucfg_emul", "--seed", SEED, "--bug", "guest_cpucfg_native")
    # lockstep sees the record differ (ecode 0x16 vs none); in the same cycle the guest-exit scoreboard names the rule
    res.assert_only_failure("lockstep", frozenset({"guest-exit", "program"}))
    assert "guest instruction retired in guest mode without exiting: it must exit to the hypervisor with GSPR" \
        in res.output, res.report
    assert re.search(r"ecode\s+0x16\s+0x0\s+<-- differs", res.output), res.report


@pytest.mark.negative
def test_stage2_mmio_emul_seed_bug_is_caught_by_the_guest_exit_scoreboard():
    """SW_BUG=1: MMIO loads zero-extended. The guest-exit scoreboard, with the test device modelled
    (HvTest.emulated_rd), fails the first sign-extending load at its re-entry; the guest names the form after."""
    res = run_lacosim("--test", "stage2_mmio_emul", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("guest-exit")
    assert re.search(r"FAIL \[guest-exit\] the hypervisor emulated the exit with the wrong result in \$\w+ ",
                     res.output), res.report
    assert re.search(r"`ld\.[bhw] \$\w+, \$\w+, -?\d+` \(0x[0-9a-f]+\), exit PIL at cycle \d+; re-entered at cycle "
                     r"\d+: \$\w+ = 0x[0-9a-f]+, the test's table says 0xffffffff", res.output), res.report
    assert re.search(r"ld\.w: [0-9a-f]+, expected ffffffff[0-9a-f]{8}", res.output), res.report
    assert "loads of every form: the stored bytes, sign- or zero-extended FAIL" in res.output


@pytest.mark.negative
@pytest.mark.parametrize("bug", sorted(HV_BUGS))
def test_planted_bug_is_caught_by_a_hypervisor_test(bug):
    test, check, patterns = HV_BUGS[bug]
    res = run_lacosim("--test", test, "--seed", SEED, "--bug", bug)
    res.assert_only_failure(check, frozenset({"lockstep", "program"}))
    report = res.output[res.output.index(f"FAIL [{check}]"):]
    for pattern in patterns:
        assert re.search(pattern, report), f"'{pattern}' missing from:\n{res.report}"
    assert f"make sim TEST={test} SEED={SEED} BUG={bug} WAVES=1" in report


@pytest.mark.negative
def test_timer_root_isolation_catches_a_guest_timer_frozen_in_root():
    res = run_lacosim("--test", "timer_root_isolation", "--seed", SEED, "--bug", "guest_timer_stops_in_root")
    res.assert_only_failure("guest-timer")
    assert "keep counting while the core runs in root mode" in res.output, res.report


@pytest.mark.negative
def test_oneshot_ack_order_guest_bug_loses_the_next_event():
    """SW_BUG=1: the guest acknowledges TI after re-arming its one-shot; the late TICLR clears the new expiry.
    The guest-timer scoreboard reports it as a guest bug at that TICLR; the guest's own check after."""
    res = run_lacosim("--test", "oneshot_ack_order", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("guest-timer")
    assert re.search(r"FAIL \[guest-timer\] guest bug: the guest acknowledged TI after re-arming its timer: the "
                     r"TICLR at cycle \d+ clears the expiry at cycle \d+ of the countdown it armed at cycle \d+",
                     res.output), res.report
    assert "TICLR after re-arming (the guest bug)" in res.output
    assert re.search(r"event \d+ lost: no TI for 8 periods; TVAL ffffffffffff, ESTAT.IS\[11\] 0", res.output), \
        res.report


@pytest.mark.negative
def test_gcsr_context_roundtrip_catches_a_hypervisor_that_leaves_callee_saved_registers_to_c():
    """SW_BUG=1 (a mutation): the exit path switches only the registers a C call clobbers; hv_exit never
    returns, so s0-s8/fp come back with the hypervisor's values and the guest sees its state change."""
    res = run_lacosim("--test", "gcsr_context_roundtrip", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("guest-exit")   # the scoreboard first, at the re-entry; the guest's check after
    assert re.search(r"the hypervisor clobbered a guest register across an exit", res.output), res.report
    assert re.search(r"registers changed across an exit: mask [0-9a-f]+", res.output), res.report
    assert re.search(r"every GPR but the emulated rd keeps its value across exits +FAIL", res.output), res.report


@pytest.mark.negative
def test_hvcl_hypercall_catches_root_only_codes_open_to_every_zone():
    """SW_BUG=1 (a mutation): no -EPERM check; zone 1 (non-root) reaches the root-only codes."""
    res = run_lacosim("--test", "hvcl_hypercall", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("program", frozenset())
    assert re.search(r"code 1 returned 0, expected -EPERM", res.output), res.report
    assert re.search(r"zone 1: every root-only code returns -EPERM +FAIL", res.output), res.report


@pytest.mark.negative
def test_gintc_inject_seed_bug_loses_lines():
    """SW_BUG=1: a de-assert clears every VIP line (hvisor's clear_hwi_injected_irq): lines asserted together
    are taken once between them."""
    res = run_lacosim("--test", "gintc_inject", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("gintc")        # the GINTC scoreboard at the clearing write; the guest's count after
    assert re.search(r"injected interrupt lost: HWI\d de-asserted at cycle \d+ before the guest took it",
                     res.output), res.report
    assert re.search(r"HWI\d: asserted \d+ times, taken \d+ times", res.output), res.report
    assert re.search(r"every asserted line taken exactly once \(none lost, none duplicated\) +FAIL", res.output)


@pytest.mark.negative
def test_estat_inject_no_clobber_seed_bug_drops_the_injections():
    """SW_BUG=1: the exit path writes the saved guest ESTAT back: the TI raised during an exit and the root's
    SWI0/IPI injections are gone by the time the guest looks."""
    res = run_lacosim("--test", "estat_inject_no_clobber", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("guest-timer")  # the guest-timer scoreboard at the write-back; the guest after
    assert re.search(r"guest timer interrupt never delivered: the exit path dropped a pending guest timer "
                     r"interrupt at cycle \d+", res.output), res.report
    assert re.search(r"round 0: ESTAT.IS = [0-9a-f]{4}, expected 1801", res.output), res.report


@pytest.mark.negative
def test_zone_start_wakeup_catches_a_zone_entered_with_stale_gprs():
    """SW_BUG=1 (a mutation, hvisor before d83315e): a zone's first entry does not zero the GPRs; the
    first-entry check names the registers at core 1's first guest instruction."""
    res = run_lacosim("--test", "zone_start_wakeup", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("zone-start", frozenset({"program"}))
    assert re.search(r"FAIL \[zone-start\] the zone's first guest instruction does not see the state its start "
                     r"must set up \(cycle \d+, core 1, guest mode, pc 0x1000000 <_start>\)", res.output), res.report
    assert re.search(r"\d+ GPR\(s\) not 0 at the zone's first instruction: r1 = 0x", res.output), res.report
