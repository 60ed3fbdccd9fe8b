"""`make mutate [MUTANTS='id glob ...'] [JOBS=n] [TESTS='glob ...']`: check the mutation list, run the
baseline (each positive simulation test once on the unmutated RTL, cached while nothing it depends on
changes), then every selected mutant as one Parsl job (lacosim.regress.engine), and write
build/mutate/report.html, junit.xml and the console summary.

Exit status: 0 only if every mutant was killed or is a justified equivalent and every baseline test passed;
2 for a bad knob or a broken mutation list; 130 after Ctrl-C; 1 otherwise."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lacosim.build import REPO, BuildError, build_model
from lacosim.mutate import catalogue, plan, report
from lacosim.regress import provenance
from lacosim.regress.engine import Engine, RunRecord, completed, local_config

INTERRUPTED = 130
TIMEOUT_FACTOR = 4       # a test gets 4 x its unmutated time + TIMEOUT_SLACK before it counts as a hang
TIMEOUT_SLACK = 60.0


def _usage(message: str) -> SystemExit:
    print(f"mutate: error: {message}", file=sys.stderr)
    return SystemExit(2)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _usage(f"JOBS={text}: not an integer (e.g. JOBS=2)") from None
    if value < 1:
        raise _usage(f"JOBS={text}: must be at least 1 (mutants built and run in parallel)")
    return value


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="lacosim.mutate", description=__doc__)
    ap.add_argument("--mutants", default="", help="ids or globs (MUTANTS='alu_* csr_era_plus4'); default all")
    ap.add_argument("--jobs", default="1", help="mutants built and run in parallel (JOBS=)")
    ap.add_argument("--tests", default="", help="only these positive tests (TESTS='test_host* *hello*')")
    ap.add_argument("--out", default=str(catalogue.OUT))
    ap.add_argument("--keep-models", action="store_true", help="keep each mutant's Verilator models")
    args = ap.parse_args(argv)
    args.jobs = _jobs(args.jobs)
    return args


def _submit(engine: Engine, spec: dict[str, Any], out: Path) -> Future[RunRecord]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").unlink(missing_ok=True)
    spec_file = out / "spec.json"
    spec_file.write_text(json.dumps(spec, indent=1))
    env = {catalogue.LIST_ENV: str(catalogue.list_path())}  # the workers use the driver's list
    return engine.submit([sys.executable, "-m", "lacosim.mutate.job", str(spec_file)], env, REPO, out / "job.log")


def baseline(engine: Engine, nodes: list[str], out: Path) -> tuple[list[plan.TestCase], list[str]]:
    """Each test's time and core counts on the unmutated RTL (cached under its key); returns the passing
    tests and a note per test that failed there (it cannot judge a mutant)."""
    key = plan.baseline_key(nodes)
    cached = plan.load_baseline(key, out / plan.BASELINE.name)
    missing = [n for n in nodes if n not in cached]
    notes: list[str] = []
    if missing:
        print(f"mutate: baseline: running {len(missing)} positive simulation test(s) on the unmutated RTL",
              flush=True)
        futures = {_submit(engine, {"node": n, "out": str(out / "baseline" / f"{i:03d}"), "timeout": 1800},
                           out / "baseline" / f"{i:03d}"): (i, n) for i, n in enumerate(nodes) if n in missing}
        failed: dict[str, str] = {}
        for fut in completed(list(futures)):
            i, node = futures[fut]
            res = report.read_result(out / "baseline" / f"{i:03d}" / "result.json")
            if res is None or not res["passed"]:
                failed[node] = res["reason"] if res else "the baseline job wrote no result"
                print(f"  FAIL  {plan.short(node)}: {failed[node]}", flush=True)
                continue
            cached[node] = plan.TestCase(node, res["seconds"], tuple(res["cores"]))
            print(f"  PASS  {plan.short(node)} ({res['seconds']:.0f} s, cores {res['cores']})", flush=True)
        notes = [f"baseline: {plan.short(n)} fails on the unmutated RTL ({why}); it was left out" for n, why in
                 failed.items()]
        if not failed:
            plan.save_baseline(key, [cached[n] for n in nodes], out / plan.BASELINE.name)
    return [cached[n] for n in nodes if n in cached], notes


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    out = Path(args.out)
    command = shlex.join(["python", "-m", "lacosim.mutate", *(sys.argv[1:] if argv is None else argv)])
    prov = provenance.collect(REPO, datetime.now(UTC))
    try:
        mutations = catalogue.load()
        catalogue.check(mutations)
        chosen = catalogue.select(mutations, args.mutants)
        nodes = plan.select(plan.collect(), args.tests)
    except (catalogue.MutationError, plan.PlanError) as e:
        print(f"mutate: error: {e}", file=sys.stderr)
        return 2
    try:
        build_model(cores=1)  # the baseline's model, built once before parallel jobs want it
    except BuildError as e:
        print(f"mutate: error: the unmutated RTL does not build: {e}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    verdicts: list[report.Verdict] = []
    interrupted = False
    tests: list[plan.TestCase] = []
    notes: list[str] = []
    done: dict[str, report.Verdict] = {}
    with Engine(local_config(args.jobs, out / "parsl"), out) as engine:
        try:
            tests, notes = baseline(engine, nodes, out)
            if not tests:
                print("mutate: error: no positive simulation test passes on the unmutated RTL", file=sys.stderr)
                return 1
            kills_file = out / plan.KILLS.name
            print(f"mutate: {len(chosen)} mutant(s) x up to {len(tests)} test(s) (fail-fast; the same file's "
                  f"killers, then one-core and cheap tests first) through Parsl ({engine.description}); "
                  f"results in {out}", flush=True)
            # JOBS mutants in flight; each next one gets the test order of the kills so far (most-killing
            # first adapts within a run, and an interrupted run still records what it learned)
            pending = list(chosen)
            running: dict[Future[RunRecord], catalogue.Mutation] = {}
            while pending or running:
                while pending and len(running) < args.jobs:
                    m = pending.pop(0)
                    tests = plan.order(tests, plan.load_kills(kills_file), m.file)
                    running[_submit(engine, {"mutant": m.id, "out": str(catalogue.mutant_dir(m.id)),
                                             "tests": _specs(tests), "keep_models": args.keep_models},
                                    catalogue.mutant_dir(m.id))] = m
                fut = next(completed(list(running)))
                m = running.pop(fut)
                v = _verdict(fut, m)
                done[m.id] = v
                if v.status == "killed":
                    plan.record_kills([(m.file, v.killer)], kills_file)
                print(f"  [{len(done)}/{len(chosen)}] {report.line(v)}", flush=True)
        except KeyboardInterrupt:
            interrupted = True
            engine.cancel()
            print("mutate: interrupted (Ctrl-C): cancelling; writing the reports of the finished mutants",
                  flush=True)
        verdicts = [done[m.id] for m in chosen if m.id in done]
    seconds = time.monotonic() - t0
    order = [t.node for t in tests]
    report.write_junit(verdicts, out / "junit.xml", prov, seconds)
    report.write_html(verdicts, prov, command, seconds, out / "report.html", order, notes)
    for n in notes:
        print(f"mutate: {n}")
    print(report.console(verdicts))
    print(f"mutate: {out / 'report.html'}, {out / 'junit.xml'}", flush=True)
    if interrupted:
        return INTERRUPTED
    return 1 if notes or any(v.failed for v in verdicts) else 0


def _specs(tests: list[plan.TestCase]) -> list[dict[str, Any]]:
    return [{"node": t.node, "seconds": t.seconds, "cores": list(t.cores),
             "timeout": TIMEOUT_FACTOR * t.seconds + TIMEOUT_SLACK} for t in tests]


def _verdict(fut: Future[RunRecord], m: catalogue.Mutation) -> report.Verdict:
    mdir = catalogue.mutant_dir(m.id)
    error = fut.exception()
    record = None if error is not None else fut.result()
    v = report.classify(m, report.read_result(mdir / "result.json"), record, mdir / "job.log",
                        record.seconds if record else 0.0)
    if error is not None:
        v.first_failure = f"the job did not run: {type(error).__name__}: {error}"
    return v
