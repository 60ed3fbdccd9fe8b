"""Interrupt storms (issue 13): the short storm passes with lockstep and every scoreboard on, on 2 and 4
cores, reaches the key bins of coverage group "irq", and catches planted interrupt bugs (the first failure
reported is the intended one)."""

from __future__ import annotations

import json

import pytest
from lacosim.env.coverage import INTERRUPTS, IRQ_SOURCES

from sim.conftest import run_lacosim

SEED = "20261124"
# bug -> (cores, the first failure's headline, a phrase its report must contain)
STORM_BUGS = {
    "irq_hwi_ignores_lie": (2, "FAIL [lockstep] the RTL took an interrupt the model says cannot be taken",
                            "but nothing is pending and enabled"),
    # the idle rule's bug (tests/sim/test_host.py has its directed test): the storm catches it too
    "idle_wake_ignores_lie": (2, "FAIL [idle] idle woke at cycle", "a pending but disabled line must not end idle"),
    # an existing bug: the timer scoreboard sees the one-shot fire again
    "timer_oneshot_reload": (2, "FAIL [timer]", "one-shot"),
}


def irq_bins(res) -> dict[str, int]:
    return json.loads((res.run_dir / "coverage.json").read_text()).get("irq", {})


@pytest.mark.parametrize("cores", [2, 4])
def test_irq_storm_passes_and_reaches_the_key_bins(cores):
    res = run_lacosim("--test", "irq_storm", "--seed", SEED, "--cores", str(cores))
    out = res.output
    assert res.returncode == 0, res.report
    assert f"TEST=irq_storm SEED={SEED} PASSED" in out
    assert "params: storm_seed=" in out and "irq_storm: storm_seed=" in out   # the log names the schedule
    assert f"cores: {cores}" in out
    bins = irq_bins(res)
    names = [INTERRUPTS[n] for n in IRQ_SOURCES]
    not_taken = [n for n in names if not bins.get(f"{n} taken")]
    assert not not_taken, f"sources never taken: {not_taken}"
    for cls in ("SWI", "HWI", "TI", "IPI"):   # pending while masked, for each class of source
        assert any(bins.get(f"{n} pending but masked") for n in names if n.startswith(cls)), cls
    assert any(bins.get(f"{n} woke from idle") for n in names), "no wake-up from idle"
    assert bins.get("woke from idle with IE=0"), "no IE = 0 wake-up"
    for n in ("TI", "IPI"):
        assert bins.get(f"{n} rise LIE=1 IE=1 idle=1") and bins.get(f"{n} rise LIE=0 IE=0 idle=0"), n
    # the report names what was not reached (or reached everything)
    report = out[out.index("  irq: "):]
    assert "planned bins" in report.splitlines()[0]
    stats = json.loads((res.run_dir / "stats.json").read_text())
    assert stats["cycles"] < 1_000_000, stats   # the short storm of `make test`


@pytest.mark.negative
@pytest.mark.parametrize("bug", sorted(STORM_BUGS))
def test_irq_storm_catches_planted_bug(bug):
    cores, headline, phrase = STORM_BUGS[bug]
    res = run_lacosim("--test", "irq_storm", "--seed", SEED, "--cores", str(cores), "--bug", bug)
    out = res.output
    # the intended failure first, then only its consequences: the IPI scoreboard checks the same STATUS read
    res.assert_only_failure(headline[len("FAIL ["):headline.index("]")], frozenset({"program", "ipi"}))
    assert headline in out, res.report
    report = out[out.index(headline):]
    assert phrase in report, report[:3000]
    assert "(cycle " in report
    if headline.startswith("FAIL [lockstep]"):   # an instruction's report (the timer's names an IRQ event)
        assert "pc 0x" in report and "last retired instructions:" in report
    cores_knob = f" CORES={cores}" if cores != 2 else ""
    assert f"make sim TEST=irq_storm SEED={SEED}{cores_knob} BUG={bug} WAVES=1" in report
