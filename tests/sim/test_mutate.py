"""`make mutate` end to end on one cheap mutant (issue 13, item 3): it is built as its own model, killed by
the test it runs with the lockstep report's first FAIL line, reported in the kill table, and the normal models
in build/verilator are not rebuilt, overwritten or invalidated."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sim.conftest import REPO

pytestmark = pytest.mark.tooling   # tests the harness; mutants never run it

MUTANT = "dec_bl_link_r2"          # every call in hello goes wrong: killed by its first bl
TEST = "test_rtl_matches_qemu[[]hello]"


def _models() -> dict[str, tuple[str, int]]:
    models = REPO / "build" / "verilator"
    return {d.name: ((d / "build.key").read_text(), (d / "la_tb_top").stat().st_mtime_ns)
            for d in models.iterdir() if (d / "build.key").exists() and (d / "la_tb_top").exists()}


def test_one_mutant_is_killed_end_to_end_and_the_normal_models_stay(tmp_path: Path):
    before = _models()
    assert "cocotb-c1" in before or not before   # (the harness builds cocotb-c1 itself when it is missing)
    proc = subprocess.run([sys.executable, "-m", "lacosim.mutate", "--mutants", MUTANT, "--tests", TEST,
                           "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=900,
                          check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert f"KILLED     {MUTANT}" in out and "by test_programs.py::test_rtl_matches_qemu[hello]: FAIL [lockstep]" in out
    assert "kill ratio 1/1 = 100.0 %" in out
    case = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite/testcase")
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["status"] == "killed" and props["first_failure"].startswith("FAIL [lockstep]")
    assert "KILLED" in (tmp_path / "report.html").read_text()
    after = _models()
    assert {k: v for k, v in after.items() if k in before} == before, "a normal model was rebuilt"
    assert not [m for m in after if "mut" in m]
    assert not (REPO / "build" / "mutate" / MUTANT / "verilator").exists()   # its model was dropped


BROKEN_LIST = '''
[[mutation]]
id = "smoke_does_not_build"
file = "rtl/core/la_alu.sv"
original = "ALU_SUB:       res = a_i - b_i;"
replacement = "ALU_SUB:       res = a_i - ;"
description = "a syntax error: must be reported invalid, never killed"

[[mutation]]
id = "smoke_comment_only"
file = "rtl/core/la_alu.sv"
original = "// Single-cycle integer ALU"
replacement = "// Single-cycle integer ALU (mutated comment)"
description = "changes a comment: nothing can kill it"

[[mutation]]
id = "smoke_comment_justified"
file = "rtl/core/la_alu.sv"
original = "// Single-cycle integer ALU"
replacement = "// Single-cycle integer ALU (another comment)"
description = "changes a comment, marked equivalent"
equivalent = "a comment is not hardware: the model is the same"
'''


def test_invalid_and_unjustified_surviving_mutants_fail_the_run(tmp_path: Path):
    """A mutant that does not build is `invalid` (not killed) and one no test kills `survived`: both make the
    run exit 1 and are listed with the fix; the one marked equivalent is not a failure."""
    listing = tmp_path / "broken.toml"
    listing.write_text(BROKEN_LIST)
    proc = subprocess.run([sys.executable, "-m", "lacosim.mutate", "--tests", TEST, "--out", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, "LACOSIM_MUTATIONS": str(listing)})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-4000:]
    summary = out[out.index("mutate: kill ratio") - 2000:]
    assert "INVALID smoke_does_not_build (rtl/core/la_alu.sv:" in out and "model does not build" in out, out[-4000:]
    assert "SURVIVED smoke_comment_only" in out and "equivalent = \"why\"" in out
    assert "smoke_comment_justified" not in summary.split("mutate: kill ratio")[0].split("SURVIVED")[-1]
    assert "kill ratio 0/1 = 0.0 %" in out and "1 equivalent" in out and "1 invalid" in out
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert (suite.get("failures"), suite.get("errors")) == ("1", "1")
