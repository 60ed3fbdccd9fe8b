"""The hvisor-tool virtio bridge end to end and zone restart (issue 10, helper virtio; docs/design.md 13.12):
each test passes with lockstep and every scoreboard on, the virtio monitor's latency is recorded, and each bug
build fails first through the virtio monitor with its symptom named."""

from __future__ import annotations

import json
import re

import pytest

from sim.conftest import run_lacosim

SEED = "20261130"
TESTS = ["virtio_mmio_forward", "virtio_mmio_forward_legacy", "zone_restart_irq_in_flight", "virtio_cfg_read"]
LATENCY = "virtio end to end: QueueNotify exit to the guest's HWI2 entry (cycles)"


@pytest.mark.parametrize("test", TESTS)
def test_virtio_test_passes(test):
    res = run_lacosim("--test", test, "--seed", SEED)
    assert res.returncode == 0, res.report
    assert f"TEST={test} SEED={SEED} PASSED" in res.output
    assert "lockstep checked" in res.output
    assert re.search(rf"^{test}: PASS$", res.output, re.MULTILINE), res.report
    assert re.search(r"virtio end-to-end latency \(QueueNotify exit -> guest HWI2 entry\): \d+ sample\(s\), min \d+ "
                     r"max \d+", res.output), res.report
    stats = json.loads((res.run_dir / "stats.json").read_text())
    assert stats["distributions"][LATENCY], stats
    assert re.search(r"blocking read checked=\d+", res.output) and re.search(r"HWI de-assert checked=\d+", res.output)
    if test == "zone_restart_irq_in_flight":
        assert "driver zone restarted=1" in res.output
        assert "zone restarted at its entry after a shutdown=1" in res.output


@pytest.mark.negative
def test_deassert_on_the_status_read_is_caught():
    """SW_BUG=1: the hypervisor de-asserts HWI2 when the guest reads InterruptStatus (hvisor-tool's behaviour,
    #109); the guest cannot tell, the monitor names it at the de-assert."""
    res = run_lacosim("--test", "virtio_mmio_forward", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("virtio")
    assert re.search(r"FAIL \[virtio\] HWI2 de-asserted on the InterruptStatus read, before the guest wrote "
                     r"InterruptACK \(hvisor-tool #109\) \(cycle \d+, core 1, root mode, pc 0x[0-9a-f]+ <hv_irq_ack",
                     res.output)
    assert f"make sim TEST=virtio_mmio_forward SEED={SEED} SW_BUG=1 WAVES=1" in res.output


@pytest.mark.negative
def test_rear_published_before_the_entry_is_caught():
    """SW_BUG=1 of the legacy variant: a mutation that stores req_rear before the request entry."""
    res = run_lacosim("--test", "virtio_mmio_forward_legacy", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("virtio")
    assert re.search(r"FAIL \[virtio\] request published before its entry: the req_rear store retired before the "
                     r"entry's stores \(cycle \d+, core 1, root mode, pc 0x[0-9a-f]+ <hv_virtio_forward",
                     res.output), res.report


@pytest.mark.negative
def test_stale_line_across_a_restart_is_caught():
    """SW_BUG=1: VIP survives the park and the zone start (hvisor PR #365's review); the monitor names the stale
    line at the restarted zone's first instruction, before the guest takes it (the guest's checks after)."""
    res = run_lacosim("--test", "zone_restart_irq_in_flight", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("virtio", frozenset({"guest-exit", "program"}))
    assert re.search(r"FAIL \[virtio\] a stale HWI2 survives the zone's restart \(hvisor PR #365's review\) \(cycle "
                     r"\d+, core 1, guest mode, pc 0x1000000 <_start>\)", res.output), res.report
    assert re.search(r"GINTC.VIP = 0x04: VIP\[2\], asserted at cycle \d+ for the old zone", res.output)
    assert re.search(r"the restarted driver took only its own interrupts\s+FAIL", res.output), res.report


@pytest.mark.negative
def test_blocking_read_answered_with_the_previous_value_is_caught():
    """SW_BUG=1 of virtio_cfg_read: the hypervisor takes cfg_values before waiting for cfg_flags, so the guest's
    blocking read gets the previous answer. The guest-exit scoreboard's MMIO table and the virtio monitor's
    blocking-read rule both name the value at the re-entry."""
    res = run_lacosim("--test", "virtio_cfg_read", "--seed", SEED, "--sw-bug")
    res.assert_only_failure("guest-exit", frozenset({"virtio", "program"}))
    assert re.search(r"FAIL \[virtio\] the blocking virtio read did not return the daemon's value \(cycle \d+, core 1, "
                     r"guest mode, pc 0x[0-9a-f]+ <main\+0x[0-9a-f]+>\)", res.output), res.report
    assert re.search(r"re-entered at cycle \d+ with \$r4 = 0x0, expected 0x74726976 \(the daemon stored cfg_values = "
                     r"0x74726976 at cycle \d+\)", res.output), res.report
