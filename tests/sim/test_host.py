"""Host-level privileged tests (issue 4): each passes with lockstep and every scoreboard on, and each
seed-bug software build and planted timer bug is caught by the scoreboard named for it."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from sim.conftest import REPO, run_lacosim

HOST_TESTS = ["priv_exc", "priv_exc_hw", "host_timer_oneshot", "host_timer_periodic", "host_idle_wake", "host_hwi",
              "host_hwi_2", "host_uart_irq",
              "ipi_ecfg", "smp_bss_lock",
              "idle_masked_pending", "timer_ticlr_race", "ipi_multi_vector", "ipi_multi_vector_4",
              "iocsr_load_use"]
# timer_ticlr_race must bring a TICLR into the expiry cycle of both timer modes (and next to it)
TICLR_COINCIDENCE_BINS = ["ticlr in expiry cycle (one-shot)", "ticlr in expiry cycle (periodic)",
                          "ticlr 1 cycle before expiry", "ticlr 1 cycle after expiry"]


@pytest.mark.parametrize("test", HOST_TESTS)
def test_host_test_passes(test):
    res = run_lacosim("--test", test, "--seed", "20261124")
    assert res.returncode == 0, res.report
    assert f"TEST={test} SEED=20261124 PASSED" in res.output
    dists = json.loads((res.run_dir / "stats.json").read_text()).get("distributions", {})
    if test == "ipi_ecfg":   # what the regression report plots: measured by the scoreboards
        latencies = dists["IPI latency: send to interrupt taken (cycles)"]
        assert latencies and all(0 < c < 1000 for c in latencies), latencies
    if test.startswith("host_timer") or test == "timer_ticlr_race":
        assert set(dists["timer error: TI rise - predicted expiry (cycles)"]) == {0}  # every TI on time
    if test == "timer_ticlr_race":
        timer_bins = json.loads((res.run_dir / "coverage.json").read_text())["timer"]
        assert all(timer_bins.get(b) for b in TICLR_COINCIDENCE_BINS), timer_bins


@pytest.mark.negative
def test_ipi_ecfg_seed_bug_is_caught_by_the_ipi_scoreboard():
    res = run_lacosim("--test", "ipi_ecfg", "--seed", "3", "--sw-bug")
    res.assert_only_failure("ipi")
    assert "FAIL [ipi] IPI not taken in time" in res.output
    assert "ECFG.LIE lacks the IPI bit" in res.output and "only at the next timer tick" in res.output
    assert "SW_BUG=1 WAVES=1" in res.output


@pytest.mark.negative
def test_smp_bss_lock_seed_bug_is_caught_by_the_smp_boot_scoreboard():
    res = run_lacosim("--test", "smp_bss_lock", "--seed", "3", "--sw-bug")
    res.assert_only_failure("smp-bss")
    assert "FAIL [smp-bss] a secondary core cleared .bss" in res.output
    assert "before it ever acquired the lock" in res.output and "<lock>" in res.output


@pytest.mark.negative
def test_planted_timer_bug_is_caught_by_the_timer_scoreboard():
    res = run_lacosim("--test", "host_timer_oneshot", "--seed", "7", "--bug", "timer_oneshot_reload")
    res.assert_only_failure("timer")
    assert "FAIL [timer]" in res.output
    assert "expected 0xffffffffffff" in res.output    # TVAL after a one-shot expiry: all ones, held


def first_failure(out: str) -> str:
    """The first failure report printed (failures print in cycle order: the first that happened)."""
    start = out.index("FAIL [")
    end = out.find("\nFAIL [", start + 1)
    return out[start:end if end > 0 else None]


@pytest.mark.negative
@pytest.mark.parametrize("seed", [1, 2])
def test_idle_woken_by_a_masked_line_is_caught_first_by_the_idle_check(seed):
    """Planted bug idle_wake_ignores_lie: idle ends on any pending IS bit. The lockstep idle rule
    (architecture.md 4.6) must be the first failure, naming IS and LIE."""
    res = run_lacosim("--test", "idle_masked_pending", "--seed", str(seed), "--bug", "idle_wake_ignores_lie")
    res.assert_only_failure("idle")
    report = first_failure(res.output)
    assert report.startswith("FAIL [idle] idle woke at cycle "), res.report
    assert "with nothing pending and enabled: IS=0x0800 LIE=0x1000 (a pending but disabled line must not end " \
           "idle)" in report, report          # variant A: TI pending, only the IPI enabled
    assert "core 0, root mode, pc 0x" in report and "<idle_once_insn+0x4>" in report
    assert "lines pending while asleep but not enabled: TI" in report
    assert "idle 0x0" in report.split("last retired instructions:")[1]    # the idle it woke from
    assert f"reproduce with waves: make sim TEST=idle_masked_pending SEED={seed} BUG=idle_wake_ignores_lie " \
           "WAVES=1 WAVE_FROM=" in report


@pytest.mark.negative
@pytest.mark.parametrize("seed", [1, 2])
def test_ticlr_winning_over_the_expiry_is_caught_first_by_the_timer_scoreboard(seed):
    """Planted bug ticlr_beats_expiry: a TICLR in the expiry cycle wins and the TI is lost. Lockstep cannot
    see it (the model takes ESTAT.IS from the trace), so the timer scoreboard must be the first failure."""
    res = run_lacosim("--test", "timer_ticlr_race", "--seed", str(seed), "--bug", "ticlr_beats_expiry")
    res.assert_only_failure("timer")
    report = first_failure(res.output)
    assert report.startswith("FAIL [timer] TI lost: a TICLR committing in the expiry cycle "), res.report
    assert "won over the expiry" in report and "the expiry must win (design.md 7.3" in report
    assert "periodic=False" in report                 # the one-shot sweep comes first
    assert "csrwr $t2, 0x44" in report                # the TICLR itself is in the history
    assert f"reproduce with waves: make sim TEST=timer_ticlr_race SEED={seed} BUG=ticlr_beats_expiry WAVES=1" in report
    assert res.output.count("FAIL [timer] TI lost") == 2   # one-shot and periodic


@pytest.mark.negative
def test_idle_woken_late_is_caught_first_by_the_idle_wake_bound():
    """Planted bug idle_wake_late: idle ends 16 cycles after the line became pending and enabled; the wake-up
    bound (design.md 7.4: 8 cycles) must be the first failure. The first idle of the run is core 1's park."""
    res = run_lacosim("--test", "idle_masked_pending", "--seed", "1", "--bug", "idle_wake_late")
    res.assert_only_failure("idle")
    report = first_failure(res.output)
    assert report.startswith("FAIL [idle] idle did not end within 8 cycles of a line becoming pending and "
                             "enabled (cycle "), res.report
    assert "core 1, root mode, pc 0x" in report and "<secondary_park+" in report
    assert "20 cycles later" in report                 # 16 cycles of the bug + the normal 4
    assert "last retired instructions:" in report
    assert "reproduce with waves: make sim TEST=idle_masked_pending SEED=1 BUG=idle_wake_late WAVES=1" in report


@pytest.mark.negative
def test_host_hwi_2_kills_the_route_mutant_as_the_closing_note_prints_it():
    """The mutant `extioi_route_core0_bit` (every core follows core 0's ROUTE bit) survived every test until
    host_hwi_2; this runs the command that shows the kill, `make sim TEST=host_hwi_2 SEED=1
    MUTANT=extioi_route_core0_bit`, as printed. Core 1 never gets its pulse and core 0 takes one not routed to it."""
    proc = subprocess.run(["make", "sim", "TEST=host_hwi_2", "SEED=1", "MUTANT=extioi_route_core0_bit"],
                          capture_output=True, text=True, cwd=REPO, timeout=900, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    fails = re.findall(r"^FAIL \[([\w-]+)\]", out, re.MULTILINE)
    assert fails == ["program"], (fails, out[-3000:])       # the program's own verdict, nothing else
    assert "FAIL: no HWI2 interrupt on core 1 for pulse 2" in out
    assert "taken by a core the source was not routed to: 1" in out
