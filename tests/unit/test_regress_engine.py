"""The regression end to end on the real Parsl executor (worker processes), with fake jobs instead of the
simulator: a job that passes, one that fails with a FAIL headline, one that crashes (no result) next to a
stale coverage.json, and the auto-waves re-run of the failure. No simulator runs."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import sys
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lacosim.regress import cli, history
from lacosim.regress.engine import Engine, local_config
from lacosim.regress.outcome import Status
from lacosim.regress.plan import Job
from lacosim.regress.progress import PlainProgress
from lacosim.regress.provenance import Provenance
from processes import gone

HEADLINE = "FAIL [iss] register r4 differs from the reference model (cycle 1234, core 0, pc 0x1c000100 <main>)"
WAVES_REPRO = "make sim TEST=hello SEED=2 WAVES=1 WAVE_FROM=0 WAVE_TO=1434"
CRASH = "lacosim: the simulator exited (-11) without a result: it crashed or was killed; see the output above"

# One fake "make sim": behaves as MODE says, in RUN_DIR, the way the real runner prints and writes.
FAKE = r"""
import json, os, signal, sys, time
mode, run_dir, main_pid, seed = sys.argv[1:5]
os.makedirs(run_dir, exist_ok=True)
print(f"lacosim: TEST=hello SEED={seed} CORES=1 program=hello.elf run dir={run_dir}")
def results(cov, failures):
    json.dump(cov, open(os.path.join(run_dir, "coverage.json"), "w"))
    json.dump({"cycles": 5000, "retired": 4000, "seconds": 0.5, "end": "poweroff", "failures": failures},
              open(os.path.join(run_dir, "stats.json"), "w"))
if mode == "pass":
    results({"exception": {"SYS": 2}}, 0)
elif mode == "fail":
    print("some output before the failure\n\x1b[31mcoloured\x1b[0m and a control char \x01")
    print("\n" + @HEADLINE@ + "\n  expected r4=0x1 observed r4=0x2")
    print("  reproduce with waves: " + @WAVES_REPRO@)
    results({"exception": {"BRK": 1}}, 1)
    sys.exit(1)
elif mode == "crash":
    print("the simulator segfaulted", flush=True)
    print(@CRASH@, file=sys.stderr)
    sys.exit(1)
elif mode == "waves":
    open(os.path.join(run_dir, "waves.fst"), "w").write("fst")
    print(@HEADLINE@)
    print("lacosim: waves written to " + os.path.join(run_dir, "waves.fst"))
    sys.exit(1)
elif mode == "sleep":
    time.sleep(30)
elif mode == "interrupt":
    time.sleep(0.5)
    os.kill(int(main_pid), signal.SIGINT)
elif mode == "terminate":
    time.sleep(0.5)
    os.kill(int(main_pid), signal.SIGTERM)
""".replace("@HEADLINE@", repr(HEADLINE)).replace("@WAVES_REPRO@", repr(WAVES_REPRO)).replace("@CRASH@", repr(CRASH))


def sim_job(name: str, seed: int = 1) -> Job:
    return Job(name, name.rsplit("-s", 1)[0], (("TEST", name.rsplit("-s", 1)[0]), ("SEED", str(seed))),
               seed=seed, cores=1)


def fake_options(out: Path, modes: dict[str, str], auto_waves: bool = True) -> cli.Options:
    run_root = out / "run"

    def command_of(job: Job) -> list[str]:
        mode = "waves" if job.name.endswith(".waves") else modes[job.name]
        return [sys.executable, "-c", FAKE, mode, str(run_root / job.name.removesuffix(".waves")), str(os.getpid()),
                str(job.seed)]

    return cli.Options(out=out, history=out / "history.sqlite", auto_waves=auto_waves, cwd=out,
                       command="make regress SEEDS=1", command_of=command_of,
                       build_models=lambda needed, waves: None)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    eng = Engine(local_config(2, tmp_path_factory.mktemp("parsl")), tmp_path_factory.mktemp("flags"))
    yield eng
    eng.close()


def prov_at(when: datetime) -> Provenance:
    return Provenance(when, "0123456789abcdef0123456789abcdef01234567", "fix the timer", True, "testhost")


def run_fakes(engine, out: Path, modes: dict[str, str], when: datetime | None = None,
              auto_waves: bool = True) -> cli.Result:
    jobs = [sim_job(name, seed=i + 1) for i, name in enumerate(modes)]
    stream = io.StringIO()
    return cli.regress(jobs, engine, fake_options(out, modes, auto_waves), PlainProgress(stream),
                       prov_at(when or datetime.now(UTC)))


def test_parsl_runs_jobs_in_worker_processes(engine, tmp_path):
    pids = {f.result(timeout=60) for f in [engine.app(os.getpid)() for _ in range(4)]}
    assert pids and os.getpid() not in pids
    record = engine.submit([sys.executable, "-c", "pass"], {}, tmp_path, tmp_path / "x.log").result(timeout=60)
    assert record.returncode == 0 and record.worker_pid != os.getpid()


@pytest.fixture(scope="module")
def regression(engine, tmp_path_factory):
    out = tmp_path_factory.mktemp("regress")
    stale = out / "run" / "priv_exc-s3" / "coverage.json"  # left by an earlier run that crashed
    stale.parent.mkdir(parents=True)
    stale.write_text(json.dumps({"exception": {"STALE": 99}}))
    (stale.parent / "stats.json").write_text(json.dumps({"cycles": 1, "seconds": 1}))
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(stale.parent / "stats.json", (hour_ago, hour_ago))
    result = run_fakes(engine, out, {"hello-s1": "pass", "hello-s2": "fail", "priv_exc-s3": "crash"})
    return out, result


def test_exit_status_and_outcomes(regression):
    _, result = regression
    assert result.exit_status == 1 and not result.interrupted
    status = {o.job.name: o.status for o in result.outcomes}
    assert status == {"hello-s1": Status.PASSED, "hello-s2": Status.FAILED, "priv_exc-s3": Status.ERROR}


def test_junit_failure_message_body_and_properties(regression):
    out, _ = regression
    root = ET.parse(out / "junit.xml").getroot()
    suite = root.find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("errors") == "1"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    failure = cases["hello-s2"].find("failure")
    assert failure.get("message") == HEADLINE
    assert failure.get("type") == "iss"
    assert failure.text.startswith(HEADLINE + "\n  expected r4=0x1 observed r4=0x2")
    assert "reproduce: make sim TEST=hello SEED=2" in failure.text
    props = {p.get("name"): p.get("value") for p in cases["hello-s2"].find("properties")}
    assert props["seed"] == "2" and props["test"] == "hello" and props["cores"] == "1" and props["bug"] == ""
    assert props["reproduce"] == "make sim TEST=hello SEED=2"
    assert props["reproduce_with_waves"] == WAVES_REPRO
    assert props["waves"].endswith("run/hello-s2/waves.fst")
    assert cases["hello-s1"].find("failure") is None and cases["hello-s1"].find("error") is None


def test_junit_crashed_run_is_an_error_with_the_crash_reason(regression):
    out, _ = regression
    case = next(c for c in ET.parse(out / "junit.xml").getroot().iter("testcase") if c.get("name") == "priv_exc-s3")
    error = case.find("error")
    assert error is not None and case.find("failure") is None
    assert error.get("message") == CRASH
    assert "the simulator segfaulted" in error.text


def test_stale_coverage_of_an_earlier_run_is_not_merged(regression):
    out, result = regression
    crashed = next(o for o in result.outcomes if o.job.name == "priv_exc-s3")
    assert crashed.run_dir is not None and (crashed.run_dir / "coverage.json").exists()
    assert crashed.coverage is None and crashed.stats is None
    merged = json.loads((out / "coverage.json").read_text())
    assert merged["exception"] == {"SYS": 2, "BRK": 1}  # from the two runs of this regression, no STALE


def test_auto_waves_reruns_the_failure_with_its_waves_command_and_links_the_fst(regression):
    out, result = regression
    failed = next(o for o in result.outcomes if o.job.name == "hello-s2")
    assert failed.waves == out / "run" / "hello-s2" / "waves.fst"
    assert failed.waves_log == out / "logs" / "hello-s2.waves.log"
    assert "the log printed no 'reproduce with waves'" in next(
        o for o in result.outcomes if o.job.name == "priv_exc-s3").waves_note
    report = (out / "report.html").read_text()
    assert "href='run/hello-s2/waves.fst'" in report


def test_html_has_date_commit_failure_reason_reproduce_and_plots(regression):
    out, _ = regression
    report = (out / "report.html").read_text()
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert today in report
    assert "0123456789abcdef0123456789abcdef01234567" in report and "work tree dirty" in report
    assert "FAIL [iss] register r4 differs" in report
    assert "without a result: it crashed" in report
    assert "<code>make sim TEST=hello SEED=2</code>" in report
    assert "href='logs/hello-s2.log'" in report
    assert report.count("<svg") >= 3            # runtime, cycles, speed, history
    assert "Runtime per test" in report and "Pass rate per test" in report
    assert "holes (never hit)" in report and "TI rise" in report   # a planned bin no fake run hit
    assert "distributions: the scoreboards do not record them" in report


def test_history_accumulates_across_two_invocations(engine, tmp_path):
    first = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    run_fakes(engine, tmp_path, {"hello-s1": "pass"}, when=first, auto_waves=False)
    run_fakes(engine, tmp_path, {"hello-s1": "pass", "hello-s2": "fail"}, when=first + timedelta(days=1),
              auto_waves=False)
    rows = sqlite3.connect(tmp_path / "history.sqlite").execute(
        "select regression, git_commit, test, seed, status from runs order by regression, job").fetchall()
    assert [(r[0][:10], r[2], r[3], r[4]) for r in rows] == [
        ("2026-11-01", "hello", 1, "passed"), ("2026-11-02", "hello", 1, "passed"),
        ("2026-11-02", "hello", 2, "failed")]
    points = history.per_test(tmp_path / "history.sqlite")["hello"]
    assert [p.pass_rate for p in points] == [1.0, 0.5]
    assert "2 regression(s) recorded" in (tmp_path / "report.html").read_text()


def test_all_passed_exits_zero_and_nothing_run_exits_nonzero(engine, tmp_path):
    assert run_fakes(engine, tmp_path / "a", {"hello-s1": "pass", "hello-s2": "pass"}).exit_status == 0
    assert run_fakes(engine, tmp_path / "b", {}).exit_status == 1


@pytest.mark.parametrize("how", ["interrupt", "terminate"])   # Ctrl-C, and `kill` (SIGTERM) the same way
def test_ctrl_c_cancels_the_rest_and_still_writes_the_reports(engine, tmp_path, capsys, how):
    modes = {"hello-s1": "pass", "interrupt-s2": how, "sleepy-s3": "sleep", "sleepy-s4": "sleep"}
    jobs = [sim_job(name, seed=i + 1) for i, name in enumerate(modes)]
    t0 = time.monotonic()
    # Ctrl-C as a terminal delivers it, even where this process was started with SIGINT ignored.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        result = cli.regress(jobs, engine, fake_options(tmp_path, modes), PlainProgress(io.StringIO()),
                             prov_at(datetime.now(UTC)))
    finally:
        signal.signal(signal.SIGINT, previous)
        engine.cancel_flag.unlink(missing_ok=True)  # the shared engine goes on serving other tests
    assert time.monotonic() - t0 < 25  # the 30 s sleepers were stopped
    assert result.interrupted and result.exit_status == cli.INTERRUPTED
    status = {o.job.name: o.status for o in result.outcomes}
    assert status["hello-s1"] is Status.PASSED
    assert status["sleepy-s3"] is Status.CANCELLED and status["sleepy-s4"] is Status.CANCELLED
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "interrupted" in ln]
    assert len(lines) == 1 and "cancelled 2 of 4 runs" in lines[0]
    skipped = [c.get("name") for c in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")
               if c.find("skipped") is not None]
    assert skipped == ["sleepy-s3", "sleepy-s4"]
    assert (tmp_path / "report.html").exists()
    # Cancelled runs are not history: they did not finish.
    assert {r[0] for r in sqlite3.connect(tmp_path / "history.sqlite").execute("select job from runs")} == {
        "hello-s1", "interrupt-s2"}


def test_closing_a_cancelled_engine_stops_its_running_commands_first(tmp_path):
    """`kill` of make mutate/regress: the engine is cancelled and closed at once. The running command must be
    stopped by its job before Parsl stops the worker, or it outlives the regression (as mutants' simulations
    did)."""
    pidfile = tmp_path / "pid"
    sleeper = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    eng = Engine(local_config(1, tmp_path / "parsl"), tmp_path / "flags")
    fut = eng.submit([sys.executable, "-c", sleeper], {}, tmp_path, tmp_path / "sleeper.log")
    deadline = time.monotonic() + 60
    while not (pidfile.exists() and pidfile.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    pid = int(pidfile.read_text())
    try:
        eng.cancel()
        eng.close()
        assert fut.done() and fut.result().cancelled
        assert gone(pid), "the cancelled command outlived the engine"
    finally:
        if not gone(pid, 0):
            os.kill(pid, signal.SIGKILL)
