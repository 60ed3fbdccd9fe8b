"""`make regress`: the nightly regression. Every TEST x SEEDS seeds plus every sw/ program, in parallel
(JOBS), each in its own simulator process; writes JUnit XML and an HTML report under build/regress/.
Exit status 0 only if every run passed (and at least one ran)."""

from __future__ import annotations

import argparse
import html
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from lacosim.build import BUILD_DIR, REPO, build_model
from lacosim.env.coverage import merge_files
from lacosim.runner import SW_BUILD, list_tests

OUT = BUILD_DIR / "regress"


@dataclass(frozen=True)
class Job:
    name: str
    args: tuple[str, ...]                 # arguments of `python -m lacosim sim`
    env: tuple[tuple[str, str], ...] = ()
    pytest: str = ""                      # or: run this pytest node instead

    @property
    def command(self) -> list[str]:
        if self.pytest:
            return [sys.executable, "-m", "pytest", "-q", "-x", self.pytest]
        return [sys.executable, "-m", "lacosim", "sim", *self.args]

    @property
    def reproduce(self) -> str:
        if self.pytest:
            return " ".join(f"{k}={v}" for k, v in self.env) + f" .venv/bin/python -m pytest {self.pytest}"
        return "make sim " + " ".join(self.args)


@dataclass(frozen=True)
class Outcome:
    job: Job
    passed: bool
    seconds: float
    log: Path


RANDOM_PER_SEED = 10  # random differential programs (RTL in lockstep vs QEMU) per regression seed


def plan(seeds: int, first_seed: int) -> list[Job]:
    from lacosim.tests import LacosimTest  # noqa: PLC0415
    owned = {cls.program for cls in LacosimTest.registry.values() if cls.program}  # run through their TEST
    jobs = [Job(f"{t}-s{s}", ("--test", t, "--seed", str(s)))
            for t in list_tests() for s in range(first_seed, first_seed + seeds)]
    jobs += [Job(f"elf-{p.stem}", ("--elf", str(p))) for p in sorted(SW_BUILD.glob("*.elf"))
             if not p.stem.startswith("bad_") and not p.stem.endswith("_bug") and p.stem not in owned]
    # Random differential programs, in chunks so a failure names a small seed range.
    base = 100_000 + first_seed * 1000
    for chunk in range(seeds):
        lo = base + chunk * RANDOM_PER_SEED
        jobs.append(Job(f"random-{lo}-{lo + RANDOM_PER_SEED - 1}", (),
                        env=(("LACOSIM_RAND_SEEDS", f"{lo}-{lo + RANDOM_PER_SEED - 1}"),),
                        pytest="tests/sim/test_random.py::test_random_seed_matches_qemu"))
    return jobs


def run_job(job: Job) -> Outcome:
    log = OUT / "logs" / f"{job.name}.log"
    t0 = time.perf_counter()
    env = {**os.environ, **dict(job.env)}
    with log.open("w") as f:
        rc = subprocess.run(job.command, stdout=f, stderr=subprocess.STDOUT, cwd=REPO, env=env,
                            check=False).returncode
    return Outcome(job, rc == 0, time.perf_counter() - t0, log)


def write_junit(outcomes: list[Outcome], path: Path) -> None:
    suite = ET.Element("testsuite", name="lacosim-regress", tests=str(len(outcomes)),
                       failures=str(sum(not o.passed for o in outcomes)))
    for o in outcomes:
        case = ET.SubElement(suite, "testcase", classname="lacosim", name=o.job.name, time=f"{o.seconds:.2f}")
        if not o.passed:
            tail = o.log.read_text(errors="replace")[-4000:]
            ET.SubElement(case, "failure", message=f"see {o.log}").text = tail
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def write_html(outcomes: list[Outcome], path: Path) -> None:
    rows = "\n".join(
        f"<tr class={'pass' if o.passed else 'fail'}><td>{html.escape(o.job.name)}</td>"
        f"<td>{'PASS' if o.passed else 'FAIL'}</td><td>{o.seconds:.1f}</td>"
        f"<td><a href='logs/{html.escape(o.log.name)}'>log</a></td>"
        f"<td><code>{html.escape(o.job.reproduce)}</code></td></tr>" for o in outcomes)
    npass = sum(o.passed for o in outcomes)
    path.write_text(f"""<!doctype html><meta charset=utf-8><title>lacosim regression</title>
<style>body{{font-family:sans-serif}} .pass td:nth-child(2){{color:green}} .fail td:nth-child(2){{color:red}}
td,th{{padding:2px 10px;text-align:left}}</style>
<h1>lacosim regression: {npass}/{len(outcomes)} passed</h1>
<table><tr><th>run</th><th>result</th><th>seconds</th><th>log</th><th>reproduce</th></tr>
{rows}</table>""")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="lacosim.regress")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    from lacosim.tests import LacosimTest  # noqa: PLC0415
    for cores in sorted({1} | {cls.cores for cls in LacosimTest.registry.values()}):
        build_model(cores=cores)  # build up front so parallel jobs never race to build a model
    jobs = plan(args.seeds, args.first_seed)
    if not jobs:
        print("regress: nothing to run (no tests registered, no programs built)", file=sys.stderr)
        return 1
    print(f"regress: {len(jobs)} runs, {args.jobs} in parallel; logs in {OUT / 'logs'}", flush=True)
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for o in pool.map(run_job, jobs):
            outcomes.append(o)
            print(f"  {'PASS' if o.passed else 'FAIL'} {o.job.name} ({o.seconds:.1f}s)", flush=True)
    write_junit(outcomes, OUT / "junit.xml")
    write_html(outcomes, OUT / "report.html")
    coverage_files = [BUILD_DIR / "run" / o.job.name / "coverage.json" for o in outcomes]
    merged = merge_files([p for p in coverage_files if p.exists()])
    (OUT / "coverage.json").write_text(merged.to_json())
    print("regress: merged functional coverage:\n" + merged.report())
    failed = [o for o in outcomes if not o.passed]
    print(f"regress: {len(outcomes) - len(failed)}/{len(outcomes)} passed; {OUT / 'junit.xml'}, "
          f"{OUT / 'report.html'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
