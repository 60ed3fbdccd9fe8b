"""Automatic waves on failure: a failed simulation is re-run, deterministically (same seed, same knobs),
with the reproduce-with-waves command its first failure printed (`make sim ... WAVES=1 WAVE_FROM=c
WAVE_TO=c`, plus the failing run's SEED if the command lacks it), and the FST that re-run writes is linked
from the reports. Like XiangShan's LightSSS, but by re-running instead of forking snapshots. A re-run that
passes is reported: the failure did not reproduce."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from lacosim.regress.outcome import Outcome, Status
from lacosim.regress.plan import Job


@dataclass(frozen=True)
class WavesRun:
    outcome: Outcome     # the failed run
    job: Job             # its re-run with waves


def knobs_of(command: str) -> tuple[tuple[str, str], ...] | None:
    """`make sim A=1 B=2` -> (("A", "1"), ("B", "2")); None when it is not such a command."""
    from lacosim.knobs import KNOBS  # noqa: PLC0415
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if words[:2] != ["make", "sim"]:
        return None
    knobs = []
    for word in words[2:]:
        name, sep, value = word.partition("=")
        if not sep or name not in KNOBS:
            return None
        knobs.append((name, value))
    return tuple(knobs)


def plan_reruns(outcomes: list[Outcome]) -> list[WavesRun]:
    """A waves re-run for every failed simulation whose log printed a reproduce-with-waves command."""
    runs = []
    for o in outcomes:
        if o.status not in (Status.FAILED, Status.ERROR) or not o.job.is_sim:
            continue
        if not o.waves_repro:
            o.waves_note = "no waves: the log printed no 'reproduce with waves' command"
            continue
        knobs = knobs_of(o.waves_repro)
        if knobs is None or dict(knobs).get("WAVES") != "1":
            o.waves_note = f"no waves: cannot re-run '{o.waves_repro}'"
            continue
        if "SEED" not in dict(knobs) and o.seed is not None:
            knobs += (("SEED", str(o.seed)),)  # the seed the failing run used: the re-run must be the same run
        rerun = Job(f"{o.job.name}.waves", o.job.test, knobs, seed=o.seed, cores=o.cores or o.job.cores)
        o.waves_repro = rerun.reproduce  # what the report offers to paste: the command that made the FST
        runs.append(WavesRun(o, rerun))
    return runs


def models_needed(runs: list[WavesRun]) -> set[tuple[int, str]]:
    """(cores, bug) of the waves models the re-runs use (built before they start, as for the jobs)."""
    return {(r.job.cores, r.job.bug) for r in runs}
