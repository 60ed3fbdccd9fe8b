"""The mutation harness without a simulator (issue 13, item 3): the list matches the RTL (every snippet exactly
once, ids unique, so it cannot rot silently when the RTL changes), applying a mutation never touches rtl/, the
test selection leaves out negative and RTL-less tests, and the verdict/report logic."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lacosim.build import REPO, rtl_sources
from lacosim.mutate import catalogue, plan, report
from lacosim.mutate.catalogue import Mutation, MutationError
from lacosim.regress.engine import RunRecord
from lacosim.regress.provenance import Provenance
from processes import gone

MUTATIONS = catalogue.load()
AREAS = {  # the spread: the core, CSRs, the timer, IOCSR/IPI, EXTIOI, RAM atomics, the TLB
    "rtl/core/la_alu.sv", "rtl/core/la_decoder.sv", "rtl/core/la_ex_stage.sv", "rtl/core/la_id_stage.sv",
    "rtl/core/la_mem_stage.sv", "rtl/core/la_csr.sv", "rtl/core/la_timer.sv", "rtl/soc/la_iocsr.sv",
    "rtl/soc/la_extioi.sv", "rtl/soc/la_ram.sv", "rtl/core/la_tlb.sv"}


def test_the_list_is_long_and_spread_over_the_design():
    assert len(MUTATIONS) >= 50
    assert AREAS <= {m.file for m in MUTATIONS}


@pytest.mark.parametrize("m", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_every_snippet_matches_its_file_exactly_once(m: Mutation):
    text = m.path.read_text()
    assert text.count(m.original) == 1, f"{m.id}: update tb/lacosim/mutate/mutations.toml after the RTL change"
    assert m.apply(text) != text and m.line(text) >= 1
    assert m.description.strip() and "\n" not in m.description
    last = m.line(text) + m.original.count("\n")   # the snippet's last line: what it changes is live code
    assert not in_planted_bug(text, last), \
        f"{m.id}: line {last} is in a planted bug's `ifdef LACOSIM_BUG_` branch, dead in the mutant's build"


def in_planted_bug(text: str, line: int) -> bool:
    """Whether 1-based `line` lies in the `ifdef LACOSIM_BUG_<X>` branch of a planted bug (before its `else`)."""
    depth: list[bool] = []    # per open `ifdef: inside a planted bug's enabled branch
    for raw in text.splitlines()[:line - 1]:
        word = raw.strip().split()[0] if raw.strip() else ""
        if word in ("`ifdef", "`ifndef"):
            depth.append(word == "`ifdef" and raw.split()[1].startswith("LACOSIM_BUG_"))
        elif word in ("`else", "`elsif") and depth:
            depth[-1] = False
        elif word == "`endif" and depth:
            depth.pop()
    return any(depth)


def test_ids_are_unique_and_usable_as_names():
    ids = [m.id for m in MUTATIONS]
    assert len(ids) == len(set(ids))
    assert all(catalogue.ID.match(i) for i in ids)


def test_equivalent_marks_carry_a_reason():
    marked = [m for m in MUTATIONS if m.equivalent]
    assert all(len(m.equivalent.split()) >= 5 for m in marked)


def _list(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(body)
    return path


def test_a_broken_list_is_an_error_naming_the_mutation(tmp_path):
    entry = ('[[mutation]]\nid = "{id}"\nfile = "rtl/core/la_alu.sv"\noriginal = "{orig}"\n'
             'replacement = "x"\ndescription = "d"\n')
    twice = entry.format(id="a", orig="a_i + b_i") * 2
    with pytest.raises(MutationError, match="'a': the id is used twice"):
        catalogue.load(_list(tmp_path, twice))
    with pytest.raises(MutationError, match="unknown fields"):
        catalogue.load(_list(tmp_path, entry.format(id="b", orig="q") + 'equivalnt = "typo"\n'))
    with pytest.raises(MutationError, match="not an RTL file"):
        catalogue.load(_list(tmp_path, entry.format(id="c", orig="q").replace("rtl/core/la_alu.sv", "Makefile")))
    gone = catalogue.load(_list(tmp_path, entry.format(id="gone", orig="no such text")))
    with pytest.raises(MutationError, match="'gone': its original snippet occurs 0 times"):
        catalogue.check(gone)
    many = catalogue.load(_list(tmp_path, entry.format(id="many", orig="a_i")))
    with pytest.raises(MutationError, match=r"'many': its original snippet occurs \d+ times"):
        catalogue.check(many)


def test_select_takes_ids_and_globs_and_names_the_knob():
    assert [m.id for m in catalogue.select(MUTATIONS, "alu_sub_as_add")] == ["alu_sub_as_add"]
    alu = catalogue.select(MUTATIONS, "alu_*, br_ne_as_eq")
    assert {m.id for m in alu} >= {"alu_sub_as_add", "br_ne_as_eq"} and all(
        m.id.startswith("alu_") or m.id == "br_ne_as_eq" for m in alu)
    assert catalogue.select(MUTATIONS, "") == MUTATIONS
    with pytest.raises(MutationError, match="MUTANTS=nope: 'nope' matches no mutation"):
        catalogue.select(MUTATIONS, "nope")


def test_prepare_patches_a_scratch_copy_and_never_rtl(tmp_path, monkeypatch):
    monkeypatch.setattr(catalogue, "OUT", tmp_path)
    before = {p: p.read_bytes() for p in (REPO / "rtl").rglob("*") if p.is_file()}
    m = catalogue.by_id("alu_sub_as_add")
    root = catalogue.prepare(m.id)
    assert root == tmp_path / m.id / "src" / "rtl"
    assert {p: p.read_bytes() for p in (REPO / "rtl").rglob("*") if p.is_file()} == before
    changed = [p for p in root.rglob("*") if p.is_file()
               and p.read_bytes() != before[REPO / "rtl" / p.relative_to(root)]]
    assert changed == [root / "core" / "la_alu.sv"]
    assert m.replacement in changed[0].read_text()
    # the build takes the patched tree in place of rtl/ (the testbench top stays the repository's)
    sources = rtl_sources(root)
    assert root / "core" / "la_alu.sv" in sources and REPO / "rtl" / "core" / "la_alu.sv" not in sources
    assert sources[-1] == REPO / "tb" / "sv" / "la_tb_top.sv"


# --- which tests a mutant runs --------------------------------------------------------------------------------
SIM = REPO / "tests" / "sim"
NEGATIVE_HINTS = ("--bug", "BUG=", "--sw-bug", "SW_BUG", "returncode == 1", "returncode == 2",
                  "returncode == 130")


def _markers(node: ast.AST) -> set[str]:
    marks = set()
    for dec in getattr(node, "decorator_list", []):
        text = ast.unparse(dec)
        if text.startswith("pytest.mark.") and "parametrize" not in text:
            marks.add(text.removeprefix("pytest.mark."))
    return marks


def _sim_tests() -> list[tuple[str, set[str], str]]:
    out = []
    for path in sorted(SIM.glob("test_*.py")):
        tree = ast.parse(path.read_text())
        module = set()
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in stmt.targets):
                module.add(ast.unparse(stmt.value).removeprefix("pytest.mark."))
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name.startswith("test_"):
                out.append((f"{path.name}::{stmt.name}", module | _markers(stmt), ast.unparse(stmt)))
    return out


@pytest.mark.parametrize("name, marks, source", _sim_tests(), ids=[t[0] for t in _sim_tests()])
def test_every_sim_test_is_classified_for_the_mutation_harness(name, marks, source):
    """A test that expects a failure must be marked negative (else every mutant would look 'killed' or
    'surviving' for the wrong reason), and one marked no_rtl must not simulate the RTL."""
    assert marks <= set(plan.MARKERS), f"{name}: unknown marker {marks}"
    if not marks:
        hints = [h for h in NEGATIVE_HINTS if h in source]
        assert not hints, f"{name} looks like a negative test ({hints}): mark it @pytest.mark.negative"
    if "no_rtl" in marks:
        assert "run_lacosim(" not in source and "lacosim.mutate" not in source, f"{name} simulates the RTL"


def test_the_positive_selection_is_the_unmarked_tests():
    assert plan.SELECT == "not negative and not no_rtl and not tooling"


def test_tests_knob_selects_by_glob_and_names_itself():
    nodes = ["tests/sim/test_programs.py::test_rtl_matches_qemu[hello]",
             "tests/sim/test_host.py::test_host_test_passes[ipi_ecfg]"]
    assert plan.select(nodes, "") == nodes
    assert plan.select(nodes, "test_host*") == nodes[1:]
    assert plan.select(nodes, "hello") == nodes[:1]
    with pytest.raises(plan.PlanError, match="TESTS=nothing: 'nothing' matches none"):
        plan.select(nodes, "nothing")


def test_order_puts_one_core_and_cheap_killers_first():
    a = plan.TestCase("a", 30.0, (1,))
    b = plan.TestCase("b", 5.0, (1,))
    c = plan.TestCase("c", 1.0, (1, 4))
    d = plan.TestCase("d", 60.0, (1,))
    assert [t.node for t in plan.order([a, b, c, d], plan.Kills())] == ["b", "a", "d", "c"]
    # d killed 9 mutants before: 60 s / 10 beats a's 30 s / 1
    assert [t.node for t in plan.order([a, b, c, d], plan.Kills({"d": 9}))] == ["b", "d", "a", "c"]


def test_order_puts_the_killers_of_the_same_files_mutants_first():
    """An IPI mutant meets the tests that killed IPI mutants before every one-core test (they ran 71 tests
    first: about 10 minutes each)."""
    a, b = plan.TestCase("a", 30.0, (1,)), plan.TestCase("b", 5.0, (1,))
    ipi, ipi4 = plan.TestCase("ipi", 20.0, (2,)), plan.TestCase("ipi4", 20.0, (4,))
    kills = plan.Kills({"b": 50, "ipi": 1, "ipi4": 3}, {"rtl/soc/la_iocsr.sv": {"ipi": 1, "ipi4": 3},
                                                       "rtl/core/la_alu.sv": {"b": 50}})
    assert [t.node for t in plan.order([a, b, ipi, ipi4], kills, "rtl/soc/la_iocsr.sv")] == ["ipi4", "ipi", "b", "a"]
    assert [t.node for t in plan.order([a, b, ipi, ipi4], kills, "rtl/core/la_alu.sv")] == ["b", "a", "ipi", "ipi4"]
    assert [t.node for t in plan.order([a, b, ipi, ipi4], kills, "rtl/soc/la_ram.sv")] == ["b", "a", "ipi", "ipi4"]


def test_baseline_cache_and_kill_history_round_trip(tmp_path):
    tests = [plan.TestCase("n1", 3.5, (1,)), plan.TestCase("n2", 9.0, (2,))]
    plan.save_baseline("k1", tests, tmp_path / "b.json")
    assert plan.load_baseline("k1", tmp_path / "b.json") == {t.node: t for t in tests}
    assert plan.load_baseline("other", tmp_path / "b.json") == {}   # the RTL or a test changed
    plan.record_kills([("f1", "n1"), ("f1", "n1"), ("f2", "n2")], tmp_path / "k.json")
    plan.record_kills([("f1", "n2")], tmp_path / "k.json")
    assert plan.load_kills(tmp_path / "k.json") == plan.Kills({"n1": 2, "n2": 2},
                                                              {"f1": {"n1": 2, "n2": 1}, "f2": {"n2": 1}})
    (tmp_path / "old.json").write_text('{"n1": 4}')   # the first format: per test only
    assert plan.load_kills(tmp_path / "old.json") == plan.Kills({"n1": 4})


def test_run_cores_reads_the_run_configs(tmp_path):
    for name, cores in (("a", 1), ("b", 4)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "run.json").write_text(f'{{"cores": {cores}}}')
    assert plan.run_cores(tmp_path) == (1, 4)


# --- verdicts and reports --------------------------------------------------------------------------------------
PLAIN = Mutation("m_plain", "rtl/core/la_alu.sv", "ALU_SUB:       res = a_i - b_i;",
                 "ALU_SUB:       res = a_i + b_i;", "sub adds")
EQUIV = Mutation("m_equiv", "rtl/core/la_alu.sv", "ALU_XOR:       res = a_i ^ b_i;",
                 "ALU_XOR:       res = a_i | b_i;", "xor ors", equivalent="no test can tell them apart, honestly")
RECORD = RunRecord(0, 0.0, 12.0, "host", 1)
KILLED = {"status": "killed", "killer": "tests/sim/test_programs.py::test_rtl_matches_qemu[isa_alu]",
          "first_failure": "FAIL [lockstep] rd_wdata differs (cycle 120, core 0, pc 0x200010 <main>)",
          "build_seconds": 50.0, "test_seconds": 7.0, "tests_run": 2}
SURVIVED = {"status": "survived", "build_seconds": 50.0, "test_seconds": 300.0, "tests_run": 41}


@pytest.mark.parametrize("mutation, result, record, status, failed", [
    (PLAIN, KILLED, RECORD, "killed", False),
    (PLAIN, SURVIVED, RECORD, "survived", True),
    (EQUIV, SURVIVED, RECORD, "equivalent", False),
    (EQUIV, KILLED, RECORD, "killed", True),      # the equivalence claim is wrong
    (PLAIN, {"status": "invalid", "first_failure": "the 1-core model does not build"}, RECORD, "invalid", True),
    (PLAIN, None, RunRecord(1, 0.0, 1.0, "host", 1), "error", True),
    (PLAIN, None, RunRecord(-2, 0.0, 1.0, "host", 1, cancelled=True), "cancelled", False),
], ids=["killed", "survived", "equivalent", "equivalent-but-killed", "invalid", "job-error", "cancelled"])
def test_classify(tmp_path, mutation, result, record, status, failed):
    log = tmp_path / "job.log"
    log.write_text("Traceback (most recent call last):\nRuntimeError: boom\n")
    v = report.classify(mutation, result, record, log, 12.0)
    assert (v.status, v.failed) == (status, failed)
    if status == "killed":
        assert v.killer.endswith("[isa_alu]") and v.first_failure.startswith("FAIL [lockstep]")
        assert v.reproduce == f"LACOSIM_MUTANT={mutation.id} .venv/bin/python -m pytest -q {v.killer}"
    if status == "error":
        assert "RuntimeError: boom" in v.first_failure
    if status == "survived":
        assert v.first_failure == "no test failed (41 ran)" and v.reproduce == "make mutate MUTANTS=m_plain"


def _verdicts(tmp_path: Path) -> list[report.Verdict]:
    log = tmp_path / "job.log"
    log.write_text("")
    return [report.classify(PLAIN, KILLED, RECORD, log, 60), report.classify(PLAIN, SURVIVED, RECORD, log, 400),
            report.classify(EQUIV, SURVIVED, RECORD, log, 400),
            report.classify(PLAIN, {"status": "invalid", "first_failure": "does not build"}, RECORD, log, 5)]


def test_kill_ratio_counts_killed_over_killed_and_survived(tmp_path):
    s = report.summarize(_verdicts(tmp_path))
    assert (s.killed, s.scored) == (1, 2) and s.ratio == 0.5
    assert s.text.startswith("kill ratio 1/2 = 50.0 %") and "1 equivalent" in s.text and "1 invalid" in s.text
    text = report.console(_verdicts(tmp_path))
    assert "SURVIVED m_plain" in text and "INVALID m_plain" in text and "m_equiv" not in text.split("mutate:")[0]
    assert text.splitlines()[-1].startswith("mutate: kill ratio 1/2")


def test_junit_and_html_reports(tmp_path):
    verdicts = _verdicts(tmp_path)
    prov = Provenance(datetime(2026, 1, 1, tzinfo=UTC), "abc123", "subject", False, "host")
    report.write_junit(verdicts, tmp_path / "junit.xml", prov, 865.0)
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "1")
    cases = suite.findall("testcase")
    assert cases[0].find("failure") is None and cases[1].find("failure").get("message").startswith("survived")
    assert cases[3].find("error").get("message") == "does not build"
    props = {p.get("name"): p.get("value") for p in cases[0].iter("property")}
    assert props["killing_test"].endswith("[isa_alu]") and props["where"].startswith("rtl/core/la_alu.sv:")
    report.write_html(verdicts, prov, "make mutate", 865.0, tmp_path / "report.html", [KILLED["killer"]],
                      ["baseline: x fails on the unmutated RTL"])
    html = (tmp_path / "report.html").read_text()
    assert "FAILED" in html and "kill ratio 1/2" in html and "FAIL [lockstep] rd_wdata differs" in html
    assert "equivalent: no test can tell them apart" in html and "test_rtl_matches_qemu[isa_alu]" in html
    assert "baseline: x fails" in html


def test_first_failure_prefers_the_simulations_stats(tmp_path):
    from lacosim.mutate.job import first_failure
    log = tmp_path / "t.log"
    log.write_text("E   AssertionError: ...\nFAIL [timer] late\nFAILED tests/sim/x.py::t - AssertionError\n")
    assert first_failure(tmp_path, log, 0.0, 1) == "FAIL [timer] late"
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "stats.json").write_text('{"failures": 2, "first_failure": "FAIL [ipi] not taken"}')
    assert first_failure(tmp_path, log, 0.0, 1) == "FAIL [ipi] not taken"
    log.write_text("FAILED tests/sim/x.py::t - AssertionError: UART differs\n")
    assert first_failure(tmp_path / "none", log, 0.0, 1).startswith("FAILED tests/sim/x.py::t")


@pytest.mark.parametrize("argv, message", [
    (["--jobs", "abc"], "JOBS=abc: not an integer"),
    (["--jobs", "0"], "JOBS=0: must be at least 1"),
    (["--mutants", "no_such_*"], "MUTANTS=no_such_*: 'no_such_*' matches no mutation"),
])
def test_bad_knobs_are_named(capsys, argv, message):
    from lacosim.mutate.cli import main
    with pytest.raises(SystemExit) as stop:
        status = main(argv)
        raise SystemExit(status)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


# A stand-in for pytest: starts a "simulator" that ignores SIGINT, writes both pids, and waits.
STAND_IN = """
import os, signal, subprocess, sys, time
sim = subprocess.Popen([sys.executable, "-c",
                        "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(120)"])
open(sys.argv[1], "w").write(f"{os.getpid()} {sim.pid}")
time.sleep(120)
"""
JOB = """
import signal, sys
from pathlib import Path
from lacosim.mutate import job
signal.signal(signal.SIGTERM, job._interrupt)
job.run_session([sys.executable, "-c", sys.argv[1], sys.argv[2]], {}, Path(sys.argv[3]), 600)
"""


def test_a_terminated_job_takes_its_test_and_simulator_with_it(tmp_path):
    """The test runs in a session of its own (for its timeout), so the job must pass SIGTERM/SIGINT on, and kill
    what ignores it: a `make mutate` stopped with `kill` left mutants' pytest and simulators running."""
    pidfile = tmp_path / "pids"
    job = subprocess.Popen([sys.executable, "-c", JOB, STAND_IN, str(pidfile), str(tmp_path / "test.log")],
                           cwd=REPO)
    deadline = time.monotonic() + 30
    while not (pidfile.exists() and pidfile.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    pids = [int(p) for p in pidfile.read_text().split()]
    try:
        job.send_signal(signal.SIGTERM)
        assert job.wait(timeout=30) != 0   # no verdict: it was cancelled
        for pid in pids:
            assert gone(pid), f"process {pid} outlived the terminated job"
    finally:
        for pid in pids:
            if not gone(pid, 0):
                os.kill(pid, signal.SIGKILL)

