"""The virtual IPI block and the doorbell drain (helper vipi; docs/design.md 13.11): T8 iocsr_guest_ipi_virt (1
and 2 cores) and T3 ipi_event_drain pass with lockstep and every scoreboard; each SW_BUG=1 build fails first
through the scoreboard meant for it."""

from __future__ import annotations

import re

import pytest

from sim.conftest import run_lacosim

SEED = "20261130"
TESTS = ["iocsr_guest_ipi_virt", "iocsr_guest_ipi_virt_2core", "ipi_event_drain"]


@pytest.mark.parametrize("test", TESTS)
def test_vipi_test_passes(test):
    res = run_lacosim("--test", test, "--seed", SEED)
    assert res.returncode == 0, res.report
    assert f"TEST={test} SEED={SEED} PASSED" in res.output
    assert "lockstep checked" in res.output
    assert re.search(rf"^{test}: PASS$", res.output, re.MULTILINE), res.report
    if test == "ipi_event_drain":
        m = re.search(r"event drain: (\d+) event\(s\) pushed, (\d+) popped", res.output)
        assert m and m[1] == m[2] and int(m[1]) > 300, res.report
        assert re.search(r"push while the target handles its doorbell=\d+", res.output), res.report
    else:
        assert re.search(r"IS\[12\] = 1 at the re-entry after IPI_SEND=\d+", res.output), res.report
        assert re.search(r"STATUS read returned vector 3=\d+", res.output), res.report
    if test == "iocsr_guest_ipi_virt_2core":
        assert re.search(r"IS\[12\] = 1 at the re-entry after a doorbell=\d+", res.output), res.report


@pytest.mark.negative
def test_iocsr_guest_ipi_virt_passthrough_breaks_isolation():
    """SW_BUG=1: hvisor's emulate_iocsr (#202): the guest's first IOCSR write (its IPI_EN) lands on the physical
    block; the vipi scoreboard names it at that root iocsrwr, the guest's own checks after."""
    res = run_lacosim("--test", "iocsr_guest_ipi_virt", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("vipi")
    assert re.search(r"FAIL \[vipi\] guest IOCSR traffic reached the physical IPI block \(hvisor #202", res.output)
    assert "the root did iocsrwr 0x1004 <- 0xffffffff on core 0's physical IPI block" in res.output, res.report


@pytest.mark.negative
def test_iocsr_guest_ipi_virt_2core_without_the_kick():
    """SW_BUG=1 (a mutation): a send to the other core's vCPU raises its virtual STATUS without a doorbell."""
    res = run_lacosim("--test", "iocsr_guest_ipi_virt_2core", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("vipi")
    assert re.search(r"FAIL \[vipi\] a send to core 1's vCPU was not doorbelled to that core", res.output), res.report
    assert re.search(r"raised core 1's virtual STATUS 0 -> 0x8; the hypervisor re-entered", res.output), res.report


@pytest.mark.negative
def test_ipi_event_drain_late_clear():
    """SW_BUG=1: STATUS cleared after the drain (hvisor's reset_ipi after check_events, #361): the event-drain
    scoreboard fails at the first pop of the first doorbell episode."""
    res = run_lacosim("--test", "ipi_event_drain", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("event-drain")
    assert re.search(r"FAIL \[event-drain\] the hypervisor drained the event queue before clearing IPI STATUS "
                     r"\(hvisor #361's late clear", res.output), res.report
    assert re.search(r"first pop \(WAKEUP, slot 0\) at cycle \d+ with no IPI_CLEAR write before it", res.output)
