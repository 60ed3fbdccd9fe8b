"""The regression's pieces without an executor or a simulator: reproduce commands that work when pasted, how a
log becomes a verdict and a headline, stale run artifacts, JUnit hygiene, progress lines, plots, configs."""

from __future__ import annotations

import io
import json
import os
import shlex
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lacosim import knobs, regress
from lacosim.build import REPO
from lacosim.regress import autowaves, junit, plots
from lacosim.regress.engine import RunRecord, describe, load_config
from lacosim.regress.outcome import FAILURE_TEXT_CAP, Outcome, Status, classify
from lacosim.regress.plan import Job, models_needed, plan, select
from lacosim.regress.progress import PlainProgress
from lacosim.regress.provenance import Provenance


def record(rc: int, started: float | None = None, cancelled: bool = False) -> RunRecord:
    return RunRecord(rc, time.time() if started is None else started, 1.5, "host", 1234, cancelled)


def write_log(tmp_path: Path, text: str) -> Path:
    log = tmp_path / "job.log"
    log.write_text(text)
    return log


HELLO = Job("hello-s1", "hello", (("TEST", "hello"), ("SEED", "1")), seed=1)


# --- reproduce commands ------------------------------------------------------------------------------------

def test_reproduce_commands_use_make_knob_syntax():
    jobs = {j.name: j for j in plan(seeds=1, first_seed=1)}
    assert jobs["hello-s1"].reproduce == "make sim TEST=hello SEED=1"
    assert jobs["hello-s1"].command[-3:] == ["sim", "TEST=hello", "SEED=1"]
    elf = next(j for j in jobs.values() if j.name.startswith("elf-"))
    assert elf.reproduce == f"make sim ELF=build/sw/{elf.name.removeprefix('elf-')}.elf SEED=1"
    rnd = next(j for j in jobs.values() if j.pytest)
    assert rnd.reproduce == (f"LACOSIM_RAND_SEEDS={dict(rnd.env)['LACOSIM_RAND_SEEDS']} .venv/bin/python -m "
                             "pytest -q -x tests/sim/test_random.py::test_random_seed_matches_qemu")
    bugged = {j.name: j for j in plan(1, 1, bug="sltu_signed")}["hello-s1"]
    assert bugged.reproduce == "make sim TEST=hello SEED=1 BUG=sltu_signed" and bugged.bug == "sltu_signed"


def test_every_reproduce_command_is_accepted_by_make_sim():
    """What the Makefile hands to `python -m lacosim sim` parses without a usage error (no --test flags)."""
    for job in plan(seeds=1, first_seed=1, bug="ldb_no_sext"):
        if job.pytest:
            continue
        words = shlex.split(job.reproduce)
        assert words[:2] == ["make", "sim"] and all(not w.startswith("-") for w in words)
        req = knobs.parse_knobs(words[2:])
        assert (req.test or req.elf) and req.bug == "ldb_no_sext"


def test_select_by_test_or_name_glob():
    jobs = plan(seeds=2, first_seed=1)
    assert {j.name for j in select(jobs, "hello")} == {"hello-s1", "hello-s2"}
    assert {j.name for j in select(jobs, "hello-s2, random")} == {"hello-s2"} | {
        j.name for j in jobs if j.pytest}
    assert all(j.name.startswith("elf-") for j in select(jobs, "elf-*"))
    assert select(jobs, "") == jobs and select(jobs, "nosuchtest") == []


def test_models_are_planned_per_core_count_and_bug():
    jobs = plan(1, 1, bug="sltu_signed")
    needed = models_needed(select(jobs, "hello smp_bss_lock"))
    assert needed == {(1, "sltu_signed"), (4, "sltu_signed")}
    assert (1, "") in models_needed(select(jobs, "random"))


# --- a log becomes a verdict ---------------------------------------------------------------------------------

def test_failure_headline_is_the_first_fail_line_and_the_body_runs_to_the_end(tmp_path):
    log = write_log(tmp_path, "lacosim: TEST=hello SEED=7 CORES=2 program=x.elf run dir=/r/hello-s7\n"
                              "noise\nFAIL [timer] TI rose late (cycle 90)\n  detail\n"
                              "  reproduce with waves: make sim TEST=hello SEED=7 WAVES=1 WAVE_FROM=0 WAVE_TO=290\n"
                              "FAIL [ipi] second failure\nlacosim: TEST=hello SEED=7 FAILED\n")
    o = classify(HELLO, record(1), log)
    assert o.status is Status.FAILED and o.headline == "FAIL [timer] TI rose late (cycle 90)" and o.check == "timer"
    assert o.failure_text.startswith("FAIL [timer] TI rose late") and o.failure_text.endswith("FAILED")
    assert "second failure" in o.failure_text
    assert (o.seed, o.cores, o.run_dir) == (7, 2, Path("/r/hello-s7"))
    assert o.waves_repro == "make sim TEST=hello SEED=7 WAVES=1 WAVE_FROM=0 WAVE_TO=290"


def test_a_long_failure_keeps_its_headline_and_its_end(tmp_path):
    log = write_log(tmp_path, "x\n" * 10 + "FAIL [iss] mismatch\n" + "a line of detail\n" * 20_000 + "THE END\n")
    o = classify(HELLO, record(1), log)
    assert len(o.failure_text) < FAILURE_TEXT_CAP + 200
    assert o.failure_text.startswith("FAIL [iss] mismatch") and o.failure_text.endswith("THE END")
    assert "characters cut" in o.failure_text


@pytest.mark.parametrize("text, rc, reason", [
    ("lacosim: TEST=hello SEED=1 CORES=1 program=x run dir=/r\n"
     "lacosim: the simulator exited (-9) without a result: it crashed or was killed; see the output above\n", 1,
     "lacosim: the simulator exited (-9) without a result: it crashed or was killed; see the output above"),
    ("lacosim: error: CORES=1: TEST=ipi_ecfg needs at least 2 cores\n", 2,
     "lacosim: error: CORES=1: TEST=ipi_ecfg needs at least 2 cores"),
    ("Traceback (most recent call last):\n  File x\nModuleNotFoundError: No module named 'pyuvm'\n", 1,
     "ModuleNotFoundError: No module named 'pyuvm'"),
    ("", -9, "killed by signal 9"),
])
def test_a_run_without_a_result_is_an_error_with_its_reason(tmp_path, text, rc, reason):
    o = classify(HELLO, record(rc), write_log(tmp_path, text))
    assert o.status is Status.ERROR and o.headline == reason


def test_a_crash_after_a_fail_line_is_still_an_error(tmp_path):
    log = write_log(tmp_path, "FAIL [iss] mismatch\nlacosim: the simulator exited (-11) without a result: it "
                              "crashed or was killed; see the output above\n")
    o = classify(HELLO, record(1), log)
    assert o.status is Status.ERROR and "without a result" in o.headline
    assert o.failure_text.startswith("FAIL [iss] mismatch")


def test_a_failed_random_chunk_names_its_fail_line_or_pytest_failed_line(tmp_path):
    rnd = next(j for j in plan(1, 1) if j.pytest)
    log = write_log(tmp_path, "F\n_____ test_random_seed_matches_qemu[1005] _____\nE   AssertionError: seed 1005\n"
                              "E     FAIL [iss] x differs\nFAILED tests/sim/test_random.py::t[1005] - Assert\n")
    assert classify(rnd, record(1), log).headline == "FAIL [iss] x differs"
    log = write_log(tmp_path, "FAILED tests/sim/test_random.py::t[1005] - AssertionError: signature differs\n")
    o = classify(rnd, record(1), log)
    assert o.status is Status.FAILED and o.headline.startswith("FAILED tests/sim/test_random.py::t[1005]")
    assert classify(rnd, record(4), write_log(tmp_path, "ERROR: file not found\n")).status is Status.ERROR


def test_stale_run_artifacts_are_ignored_and_fresh_ones_read(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "coverage.json").write_text(json.dumps({"exception": {"SYS": 1}}))
    (run_dir / "stats.json").write_text(json.dumps({"cycles": 10}))
    log = write_log(tmp_path, f"lacosim: TEST=hello SEED=1 CORES=1 program=x run dir={run_dir}\n")
    before = time.time() - 3600
    os.utime(run_dir / "coverage.json", (before - 60, before - 60))  # written an hour before this job
    o = classify(HELLO, record(0, started=before), log)
    assert o.coverage is None and o.stats == {"cycles": 10}
    assert classify(HELLO, record(0, started=before - 3600), log).coverage == {"exception": {"SYS": 1}}


def test_cancelled_runs_are_cancelled(tmp_path):
    o = classify(HELLO, record(-2, cancelled=True), write_log(tmp_path, "partial\n"))
    assert o.status is Status.CANCELLED and not o.finished


# --- JUnit hygiene -------------------------------------------------------------------------------------------

def test_junit_survives_control_characters_and_escapes(tmp_path):
    o = Outcome(HELLO, Status.FAILED, 2.0, tmp_path / "l.log", headline="FAIL [uart] got '\x01\x1b' <&>",
                failure_text="FAIL [uart] got '\x01' <&>\n\x07bell", check="uart", seed=1, cores=1)
    prov = Provenance(datetime(2026, 1, 2, tzinfo=UTC), "abc", "s", False, "h")
    junit.write([o], tmp_path / "j.xml", prov, 2.0)
    failure = ET.parse(tmp_path / "j.xml").getroot().find(".//failure")
    assert failure.get("message").startswith("FAIL [uart] got '") and failure.get("message").endswith("<&>")
    assert "bell" in failure.text


# --- auto-waves ----------------------------------------------------------------------------------------------

def test_auto_waves_reruns_only_failed_simulations_with_a_make_sim_waves_command(tmp_path):
    def outcome(job: Job, status: Status, repro: str) -> Outcome:
        return Outcome(job, status, 1.0, tmp_path / "l", waves_repro=repro, seed=1, cores=2)
    rnd = next(j for j in plan(1, 1) if j.pytest)
    good = outcome(HELLO, Status.FAILED, "make sim TEST=hello SEED=1 CORES=2 WAVES=1 WAVE_FROM=5 WAVE_TO=9")
    runs = autowaves.plan_reruns([
        good, outcome(HELLO, Status.PASSED, ""), outcome(rnd, Status.FAILED, ""),
        outcome(HELLO, Status.FAILED, "rm -rf / WAVES=1"), outcome(HELLO, Status.ERROR, "")])
    assert [r.outcome for r in runs] == [good]
    assert runs[0].job.knobs == (("TEST", "hello"), ("SEED", "1"), ("CORES", "2"), ("WAVES", "1"),
                                 ("WAVE_FROM", "5"), ("WAVE_TO", "9"))
    assert runs[0].job.reproduce == good.waves_repro and runs[0].job.name == "hello-s1.waves"
    assert autowaves.models_needed(runs) == {(2, "")}
    assert autowaves.knobs_of("make sim TEST=a; reboot") is None
    elf = outcome(HELLO, Status.FAILED, "make sim ELF=build/sw/x.elf WAVES=1 WAVE_FROM=1 WAVE_TO=2")
    elf.seed = 77  # the seed the failing run printed; its waves command does not name it
    assert autowaves.plan_reruns([elf])[0].job.knobs[-1] == ("SEED", "77")
    assert elf.waves_repro == "make sim ELF=build/sw/x.elf WAVES=1 WAVE_FROM=1 WAVE_TO=2 SEED=77"


# --- progress, plots, configuration ----------------------------------------------------------------------------

def test_plain_progress_prints_a_line_per_run_with_counts_and_eta(tmp_path):
    stream = io.StringIO()
    progress = PlainProgress(stream)
    progress.start("regress", 3)
    progress.done(Outcome(HELLO, Status.PASSED, 1.0, tmp_path / "l"))
    progress.done(Outcome(HELLO, Status.FAILED, 2.0, tmp_path / "l", headline="FAIL [iss] boom"))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("  PASS  hello-s1 (1.0s)") and "[1/3: 1 passed, 0 failed; ETA" in lines[0]
    assert "FAIL  hello-s1 (2.0s): FAIL [iss] boom" in lines[1] and "[2/3: 1 passed, 1 failed" in lines[1]


def test_scoreboard_distributions_are_plotted_only_when_recorded(tmp_path):
    o = Outcome(HELLO, Status.PASSED, 1.0, tmp_path / "l", stats={"cycles": 100, "seconds": 0.1})
    assert plots.distributions([o]) == {}
    assert plots.speed_per_test([o]).startswith("<svg")
    o.stats = {"distributions": {"ipi_latency_cycles": [10, 12, 12, 30]}}
    svgs = plots.distributions([o])
    assert list(svgs) == ["ipi_latency_cycles"] and "<svg" in svgs["ipi_latency_cycles"]
    assert plots.cycles_per_test([Outcome(HELLO, Status.PASSED, 1.0, tmp_path / "l")]) is None


def test_a_regress_config_file_and_the_slurm_example_load(tmp_path):
    cfg = tmp_path / "cfg.py"
    cfg.write_text("from parsl.config import Config\nfrom parsl.executors import ThreadPoolExecutor\n"
                   "def make_config(jobs, run_dir):\n"
                   "    return Config(executors=[ThreadPoolExecutor(max_threads=jobs)], run_dir=run_dir)\n")
    assert load_config(str(cfg), 3, tmp_path / "p").run_dir == str(tmp_path / "p")
    slurm = load_config(str(REPO / "sim" / "regress" / "slurm.py"), 2, tmp_path / "p")
    assert "SlurmProvider" in describe(slurm)
    (tmp_path / "bad.py").write_text("x = 1\n")
    with pytest.raises(SystemExit, match="defines neither"):
        load_config(str(tmp_path / "bad.py"), 2, tmp_path)


def test_package_keeps_the_old_entry_points():
    assert regress.plan is plan and callable(regress.main) and regress.RANDOM_PER_SEED == 10


@pytest.mark.parametrize("argv, message", [
    (["--seeds", "x"], "SEEDS=x: not an integer"), (["--jobs", "0"], "JOBS=0: must be at least 1"),
    (["--auto-waves", "yes"], "AUTO_WAVES=yes: must be 0 or 1"),
    (["--config", "/no/such/config.py"], "REGRESS_CONFIG=/no/such/config.py: no such file"),
])
def test_bad_make_regress_knobs_are_named_as_typed(argv, message):
    with pytest.raises(SystemExit, match=message):
        regress.main(argv)


def test_a_selection_that_matches_nothing_runs_nothing_and_fails(tmp_path, capsys):
    assert regress.main(["--tests", "no_such_test", "--out", str(tmp_path)]) == 1
    assert "matches no job" in capsys.readouterr().err


def test_only_the_newest_parsl_run_logs_are_kept(tmp_path):
    from lacosim.regress.cli import prune_parsl_runs
    for n in range(8):
        (tmp_path / f"{n:03d}").mkdir()
    prune_parsl_runs(tmp_path, keep=5)
    assert sorted(d.name for d in tmp_path.iterdir()) == ["003", "004", "005", "006", "007"]
