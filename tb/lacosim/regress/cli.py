"""`make regress`: plan the jobs, build the models they need, run the jobs through Parsl with a progress
bar, re-run failures with waves, and write the reports (JUnit, HTML, merged coverage, history).

Exit status: 0 only if at least one run ran and every run passed; 130 after Ctrl-C (which cancels what is
left, prints one line and still writes the reports for the runs that finished); 1 otherwise."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lacosim.build import BUILD_DIR, REPO, BuildError, build_model
from lacosim.env.coverage import Coverage
from lacosim.regress import autowaves, history, html_report, junit, provenance
from lacosim.regress.engine import CANCEL_DRAIN_SECONDS, Engine, RunRecord, completed, load_config, local_config
from lacosim.regress.outcome import Outcome, Status, classify, not_run, waves_written
from lacosim.regress.plan import Job, models_needed, plan, select
from lacosim.regress.progress import Progress, make_progress

OUT = BUILD_DIR / "regress"
INTERRUPTED = 130
PARSL_RUNS_KEPT = 5   # Parsl's own logs (build/regress/parsl/NNN) of the last few regressions


def build_models(needed: set[tuple[int, str]], waves: bool) -> None:
    """Build every model up front, one at a time, so that parallel jobs never race to build one."""
    for cores, bug in sorted(needed):
        build_model(cores=cores, waves=waves, bug=bug)


@dataclass
class Options:
    out: Path = OUT
    history: Path = OUT / "history.sqlite"
    auto_waves: bool = True
    cwd: Path = REPO
    command: str = ""                                             # shown in the report
    command_of: Callable[[Job], list[str]] = field(default=lambda job: job.command)
    build_models: Callable[[set[tuple[int, str]], bool], None] = build_models

    @property
    def logs(self) -> Path:
        return self.out / "logs"


@dataclass
class Result:
    outcomes: list[Outcome]
    interrupted: bool
    exit_status: int


def run_jobs(engine: Engine, jobs: list[Job], opts: Options, progress: Progress,
             phase: str) -> tuple[list[Outcome], bool]:
    """Runs the jobs; returns their outcomes in plan order and whether Ctrl-C interrupted them."""
    opts.logs.mkdir(parents=True, exist_ok=True)
    submitted: dict[Future[RunRecord], tuple[Job, Path]] = {}
    finished: dict[str, Outcome] = {}
    interrupted = False
    progress.start(phase, len(jobs))
    try:
        for job in jobs:
            log = opts.logs / f"{job.name}.log"
            submitted[engine.submit(opts.command_of(job), dict(job.env), opts.cwd, log)] = (job, log)
        for fut in completed(list(submitted)):
            o = _outcome(fut, *submitted[fut])
            finished[o.job.name] = o
            progress.done(o)
    except KeyboardInterrupt:
        interrupted = True
        engine.cancel()
        _drain(submitted, finished)
    progress.stop()
    if interrupted:
        cancelled = sum(o.status is Status.CANCELLED for o in finished.values()) + len(jobs) - len(finished)
        print(f"regress: interrupted (Ctrl-C): cancelled {cancelled} of {len(jobs)} runs; writing the reports "
              f"for the {len(jobs) - cancelled} that finished", flush=True)
    outcomes = [finished.get(j.name) or Outcome(j, Status.CANCELLED, 0.0, opts.logs / f"{j.name}.log",
                                                headline="cancelled (Ctrl-C)") for j in jobs]
    return outcomes, interrupted


def _drain(submitted: dict[Future[RunRecord], tuple[Job, Path]], finished: dict[str, Outcome]) -> None:
    """After Ctrl-C: collect what the running jobs report while they stop their simulations."""
    pending = [f for f, (job, _) in submitted.items() if job.name not in finished]
    try:
        for fut in completed(pending, timeout=CANCEL_DRAIN_SECONDS):
            o = _outcome(fut, *submitted[fut])
            finished[o.job.name] = o
    except (KeyboardInterrupt, TimeoutError):
        pass


def _outcome(fut: Future[RunRecord], job: Job, log: Path) -> Outcome:
    error = fut.exception()
    if error is not None:
        return not_run(job, log, error)
    return classify(job, fut.result(), log)


def attach_waves(engine: Engine, outcomes: list[Outcome], opts: Options, progress: Progress) -> bool:
    """Re-runs each failed simulation with waves and links the FST; returns whether Ctrl-C interrupted it."""
    reruns = autowaves.plan_reruns(outcomes)
    if not reruns:
        return False
    progress.note(f"regress: auto-waves: re-running {len(reruns)} failed run(s) with waves "
                  f"(AUTO_WAVES=0 switches this off)")
    try:
        opts.build_models(autowaves.models_needed(reruns), True)
    except BuildError as e:
        for r in reruns:
            r.outcome.waves_note = f"no waves: the waves model did not build: {e}"
        return False
    except KeyboardInterrupt:
        print("regress: interrupted (Ctrl-C) while building the waves model; no waves re-run", flush=True)
        for r in reruns:
            r.outcome.waves_note = "no waves: interrupted (Ctrl-C) before the re-run"
        return True
    results, interrupted = run_jobs(engine, [r.job for r in reruns], opts, progress, "auto-waves")
    for r, rerun in zip(reruns, results, strict=True):
        o = r.outcome
        o.waves_log = rerun.log
        if rerun.status is Status.CANCELLED:
            o.waves_note = "no waves: the re-run was cancelled"
            continue
        o.waves = waves_written(rerun.log, rerun.run_dir, rerun.started) if rerun.started else None
        if rerun.passed:
            o.waves_note = f"the re-run with waves PASSED: the failure did not reproduce ({o.waves_repro})"
        elif o.waves is None:
            o.waves_note = f"the re-run with waves wrote no FST (see {rerun.log})"
        elif rerun.headline != o.headline:
            o.waves_note = f"the re-run with waves failed differently ({rerun.headline}): {o.waves_repro}"
        else:
            o.waves_note = f"waves of the failure re-run: {o.waves_repro}"
    return interrupted


def merged_coverage(outcomes: list[Outcome]) -> tuple[Coverage, int]:
    """Coverage merged over the runs of this regression only (Outcome.coverage is None for a run that wrote
    no coverage.json, or whose file predates it)."""
    total, runs = Coverage(), 0
    for o in outcomes:
        if o.coverage is not None:
            total.merge(Coverage.from_json(json.dumps(o.coverage)))
            runs += 1
    return total, runs


def regress(jobs: list[Job], engine: Engine, opts: Options, progress: Progress | None = None,
            prov: provenance.Provenance | None = None, engine_text: str = "") -> Result:
    """Runs the jobs through the engine, then writes every report for what finished."""
    progress = progress or make_progress()
    prov = prov or provenance.collect(REPO)
    t0 = time.monotonic()
    outcomes, interrupted = run_jobs(engine, jobs, opts, progress, "regress")
    if opts.auto_waves and not interrupted:
        interrupted = attach_waves(engine, outcomes, opts, progress)
    seconds = time.monotonic() - t0
    write_reports(outcomes, opts, prov, seconds, interrupted, engine_text or engine.description)
    if interrupted:
        status = INTERRUPTED
    else:
        status = 0 if outcomes and all(o.passed for o in outcomes) else 1
    return Result(outcomes, interrupted, status)


def write_reports(outcomes: list[Outcome], opts: Options, prov: provenance.Provenance, seconds: float,
                  interrupted: bool, engine_text: str) -> None:
    opts.out.mkdir(parents=True, exist_ok=True)
    coverage, coverage_runs = merged_coverage(outcomes)
    (opts.out / "coverage.json").write_text(coverage.to_json())
    junit.write(outcomes, opts.out / "junit.xml", prov, seconds)
    history.record(opts.history, prov.regression_id, prov.commit, prov.dirty, outcomes)
    ctx = html_report.Context(prov, engine_text, opts.command, seconds, interrupted, coverage, coverage_runs,
                              history.per_test(opts.history), opts.history)
    html_report.write(outcomes, ctx, opts.out / "report.html")
    print(f"regress: merged functional coverage of {coverage_runs} run(s):\n{coverage.report()}")
    passed = sum(o.passed for o in outcomes)
    failed = [o for o in outcomes if o.status in (Status.FAILED, Status.ERROR)]
    for o in failed:
        print(f"  {str(o.status).upper()} {o.job.name}: {o.headline}\n    reproduce: {o.job.reproduce}"
              + (f"\n    waves: {o.waves}" if o.waves else ""))
    cancelled = sum(o.status is Status.CANCELLED for o in outcomes)
    print(f"regress: {passed}/{len(outcomes)} passed" + (f" ({cancelled} cancelled)" if cancelled else "")
          + f"; {opts.out / 'junit.xml'}, {opts.out / 'report.html'}", flush=True)


def prune_parsl_runs(parsl_dir: Path, keep: int = PARSL_RUNS_KEPT) -> None:
    """Parsl numbers a directory of logs per run (000, 001, ...); keep the newest few."""
    runs = sorted((d for d in parsl_dir.glob("[0-9][0-9][0-9]*") if d.is_dir()), key=lambda d: d.name)
    for old in runs[:-keep] if keep else runs:
        shutil.rmtree(old, ignore_errors=True)


def _count(knob: str, text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SystemExit(f"regress: error: {knob}={text}: not an integer") from None
    if value < minimum:
        raise SystemExit(f"regress: error: {knob}={text}: must be at least {minimum}")
    return value


def _args(argv: list[str] | None) -> argparse.Namespace:
    """The make regress knobs; a bad value is reported with the knob's make name."""
    ap = argparse.ArgumentParser(prog="lacosim.regress", description=__doc__)
    ap.add_argument("--seeds", default="3", help="seeds per TEST and random chunks (SEEDS=)")
    ap.add_argument("--first-seed", default="1", help="the first seed (FIRST_SEED=)")
    ap.add_argument("--jobs", default="2", help="local worker processes (JOBS=)")
    ap.add_argument("--tests", default="",
                    help="only jobs whose test or name matches one of these globs (TESTS='hello host_*')")
    ap.add_argument("--bug", default="", help="plant an RTL bug in every simulation (BUG=)")
    ap.add_argument("--config", default=os.environ.get("REGRESS_CONFIG", ""),
                    help="a Python file defining a parsl Config (REGRESS_CONFIG=); default: JOBS local workers")
    ap.add_argument("--history", default=os.environ.get("REGRESS_HISTORY", ""),
                    help="the SQLite history file (REGRESS_HISTORY=; default build/regress/history.sqlite)")
    ap.add_argument("--auto-waves", default="1", help="re-run failed simulations with waves (AUTO_WAVES=0|1)")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    args.seeds = _count("SEEDS", args.seeds, 1)
    args.first_seed = _count("FIRST_SEED", args.first_seed, 0)
    args.jobs = _count("JOBS", args.jobs, 1)
    if args.auto_waves not in ("0", "1"):
        raise SystemExit(f"regress: error: AUTO_WAVES={args.auto_waves}: must be 0 or 1")
    args.auto_waves = args.auto_waves == "1"
    if args.config and not Path(args.config).is_file():
        raise SystemExit(f"regress: error: REGRESS_CONFIG={args.config}: no such file")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    out = Path(args.out)
    opts = Options(out=out, history=Path(args.history) if args.history else out / "history.sqlite",
                   auto_waves=args.auto_waves,
                   command=shlex.join(["python", "-m", "lacosim.regress", *(sys.argv[1:] if argv is None else argv)]))
    prov = provenance.collect(REPO, datetime.now(UTC))
    status: int | None = None
    try:
        jobs = select(plan(args.seeds, args.first_seed, args.bug), args.tests)
        if not jobs:
            print(f"regress: nothing to run (TESTS='{args.tests}' matches no job, or no tests are registered)",
                  file=sys.stderr)
            return 1
        opts.logs.mkdir(parents=True, exist_ok=True)
        for stale in opts.logs.glob("*.log"):
            stale.unlink()
        try:
            opts.build_models(models_needed(jobs), False)
        except BuildError as e:
            print(f"regress: error: {e}", file=sys.stderr)
            return 2
        prune_parsl_runs(out / "parsl")
        config = (load_config(args.config, args.jobs, out / "parsl") if args.config
                  else local_config(args.jobs, out / "parsl"))
        with Engine(config, out) as engine:
            print(f"regress: {len(jobs)} runs through Parsl ({engine.description}"
                  + (f", from {args.config}" if args.config else "") + f"); logs in {opts.logs}", flush=True)
            status = regress(jobs, engine, opts, prov=prov).exit_status
        return status
    except KeyboardInterrupt:
        if status is None:  # else: the reports are written, Ctrl-C came while Parsl shut down
            print("regress: interrupted (Ctrl-C); no report written", file=sys.stderr)
        return INTERRUPTED
