"""One Parsl job of `make mutate`, run in a worker as `python -m lacosim.mutate.job <spec.json>`:

* a mutant: build its model for each core count as the first test needing it comes up (a build that fails
  makes the mutant `invalid`, never `killed`), then run the ordered tests one pytest process each with
  LACOSIM_MUTANT set, stopping at the first that fails (`killed`: that test, the first FAIL line of its
  simulation, or a timeout); none failing: `survived`. The models are deleted afterwards (~150 MB each).
* a baseline test (no mutant): run it once on the normal models, recording pass/fail, time and core counts.

Every simulation's run directory goes under the job's own root (LACOSIM_RUN_ROOT) and generated random
programs under its own directory (LACOSIM_RANDGEN_OUT), so parallel jobs never share files. The verdict is
written to <out>/result.json, which the driver reads (lacosim.mutate.report).

Cancelling (the engine's SIGINT to the job's process group, or SIGTERM) reaches the test too: it runs in a
session of its own (so a timeout can kill it with its simulator), and the job passes the interrupt on to it
before it exits without a verdict."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from lacosim.build import BUILD_DIR, REPO, BuildError, build_model
from lacosim.mutate import catalogue
from lacosim.regress.outcome import crash_reason, first_fail, read_log
from lacosim.runner import MUTANT_ENV, RUN_ROOT_ENV

RANDGEN_ENV = "LACOSIM_RANDGEN_OUT"
LOG_TAIL = 4000
INTERRUPT_GRACE_SECONDS = 10.0  # after SIGINT to the test's session, before SIGKILL


def first_failure(run_root: Path, log: Path, started: float, returncode: int) -> str:
    """The first FAIL line of the killing test: from the newest failing simulation's stats.json, else the
    first FAIL line in the test's output, else pytest's reason (a UART mismatch with QEMU, a crash)."""
    newest: tuple[float, str] | None = None
    for stats in run_root.rglob("stats.json"):
        try:
            mtime = stats.stat().st_mtime
            data = json.loads(stats.read_text())
        except (OSError, ValueError):
            continue
        if mtime >= started and data.get("failures") and data.get("first_failure"):
            if newest is None or mtime > newest[0]:
                newest = (mtime, str(data["first_failure"]))
    if newest is not None:
        return newest[1]
    lines = read_log(log).splitlines()
    at = first_fail(lines)
    if at is not None:
        return lines[at][lines[at].index("FAIL ["):].strip()
    return crash_reason(lines, returncode)


def run_test(node: str, env: dict[str, str], log: Path, timeout: float) -> tuple[int, bool, float]:
    """(returncode, timed out, seconds) of one pytest node, its output in `log`."""
    return run_session([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", node],
                       env, log, timeout)


def run_session(argv: list[str], env: dict[str, str], log: Path, timeout: float) -> tuple[int, bool, float]:
    """(returncode, timed out, seconds) of `argv` run in REPO in a session of its own, output in `log`. A
    timeout kills the session; an interrupt of this process interrupts the session, then kills it, then
    re-raises: nothing it started outlives the job."""
    t0 = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(argv, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,  # noqa: S603
                                env={**os.environ, **env}, start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _signal_session(proc.pid, signal.SIGKILL)  # the test and the simulator it started
            rc, timed_out = proc.wait(), True
        except KeyboardInterrupt:
            _signal_session(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=INTERRUPT_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            _signal_session(proc.pid, signal.SIGKILL)  # what is left of it (a simulator outlives pytest)
            proc.wait()
            raise
    return rc, timed_out, time.monotonic() - t0


def _signal_session(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_mutant(spec: dict[str, Any]) -> dict[str, Any]:
    mutant, out = spec["mutant"], Path(spec["out"])
    result: dict[str, Any] = {"mutant": mutant, "status": "survived", "killer": "", "first_failure": "",
                              "builds": {}, "build_seconds": 0.0, "test_seconds": 0.0, "tests_run": 0}
    built: set[int] = set()
    try:
        for i, test in enumerate(spec["tests"]):
            for cores in test["cores"] or [1]:
                if cores in built:
                    continue
                t0 = time.monotonic()
                try:
                    build_model(cores=cores, mutant=mutant)
                except BuildError as e:
                    result.update(status="invalid", first_failure=f"the {cores}-core model does not build: "
                                  + str(e).splitlines()[0], detail=str(e)[-LOG_TAIL:])
                    return result
                finally:
                    result["builds"][str(cores)] = round(time.monotonic() - t0, 1)
                    result["build_seconds"] = round(sum(result["builds"].values()), 1)
                built.add(cores)
            run_root = out / "run" / f"{i:03d}"
            shutil.rmtree(run_root, ignore_errors=True)
            log = out / "logs" / f"{i:03d}.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            env = {MUTANT_ENV: mutant, RUN_ROOT_ENV: str(run_root), RANDGEN_ENV: str(out / "randgen")}
            started = time.time()
            rc, timed_out, seconds = run_test(test["node"], env, log, test["timeout"])
            result["test_seconds"] = round(result["test_seconds"] + seconds, 1)
            result["tests_run"] = i + 1
            if timed_out or rc != 0:
                reason = (f"timeout: no result after {test['timeout']:.0f} s (the unmutated RTL takes "
                          f"{test['seconds']:.0f} s)") if timed_out else first_failure(run_root, log, started, rc)
                result.update(status="killed", killer=test["node"], first_failure=reason, log=str(log))
                return result
        return result
    finally:
        if not spec.get("keep_models"):
            catalogue.remove_models(mutant)


def models_built_since(started: float) -> bool:
    """Whether a normal model (build/verilator/<name>/build.key) was (re)built after `started`."""
    return any(key.stat().st_mtime >= started for key in (BUILD_DIR / "verilator").glob("*/build.key"))


def run_baseline(spec: dict[str, Any]) -> dict[str, Any]:
    out = Path(spec["out"])
    run_root = out / "run"
    shutil.rmtree(run_root, ignore_errors=True)
    log = out / "test.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {RUN_ROOT_ENV: str(run_root), RANDGEN_ENV: str(out / "randgen")}
    env_clean = {k: v for k, v in os.environ.items() if k != MUTANT_ENV}
    os.environ.clear()
    os.environ.update(env_clean)
    started = time.time()
    rc, timed_out, seconds = run_test(spec["node"], env, log, spec["timeout"])
    if rc == 0 and not timed_out and models_built_since(started):
        # the first run also built a normal model (e.g. the first 2-core test): time it again without
        started = time.time()
        rc, timed_out, seconds = run_test(spec["node"], env, log, spec["timeout"])
    from lacosim.mutate.plan import run_cores  # noqa: PLC0415
    return {"node": spec["node"], "passed": rc == 0 and not timed_out, "seconds": round(seconds, 1),
            "cores": list(run_cores(run_root)), "log": str(log),
            "reason": "" if rc == 0 else ("timeout" if timed_out else first_failure(run_root, log, started, rc))}


def main(argv: list[str]) -> int:
    # explicit handlers: the Parsl worker that started this job may have left SIGINT ignored
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    spec = json.loads(Path(argv[0]).read_text())
    result = run_mutant(spec) if spec.get("mutant") else run_baseline(spec)
    Path(spec["out"], "result.json").write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
