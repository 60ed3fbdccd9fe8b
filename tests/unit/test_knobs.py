"""`make sim` knobs: every bad value is rejected with the knob's name as typed and the fix (issue 11, 7)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from lacosim.build import REPO
from lacosim.knobs import parse_knobs
from lacosim.runner import UsageError


@pytest.mark.parametrize(("knobs", "message"), [
    (["SEED=abc"], "SEED=abc: not an integer"),
    (["SEED=-3"], "SEED=-3: must be at least 0"),
    (["MAX_CYCLES=-1"], "MAX_CYCLES=-1: must be at least 1"),
    (["MAX_CYCLES=0"], "MAX_CYCLES=0: must be at least 1"),
    (["WAVES=yes"], "WAVES=yes: must be 0 or 1"),
    (["TRACE=on"], "TRACE=on: must be 0 or 1"),
    (["LOCKSTEP=off"], "LOCKSTEP=off: must be 0, 1, inproc or beside"),
    (["SW_BUG=true"], "SW_BUG=true: must be 0 or 1"),
    (["CORES=0"], "CORES=0: must be at least 1"),
    (["WAVES=1", "WAVE_FROM=500", "WAVE_TO=100"], "WAVE_FROM=500 is after WAVE_TO=100"),
    (["WAVE_TO=100"], "WAVE_TO=100 selects a wave window but waves are off: add WAVES=1"),
    (["BUG=nope"], "BUG=nope: no such planted bug"),
    (["WAVE=1"], "WAVE=1: not a make sim knob"),
])
def test_bad_knob_is_named_with_the_fix(knobs, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        parse_knobs(knobs)


def test_good_knobs_reach_the_request():
    req = parse_knobs(["TEST=hello", "SEED=0x10", "CORES=2", "WAVES=1", "WAVE_FROM=5", "WAVE_TO=5",
                       "TRACE=1", "MAX_CYCLES=100", "LOCKSTEP=0", "SW_BUG=0"])
    assert (req.test, req.seed, req.cores, req.waves, req.wave_from, req.wave_to, req.trace, req.max_cycles,
            req.lockstep, req.sw_bug) == ("hello", 16, 2, True, 5, 5, True, 100, False, False)


def test_lockstep_knob_chooses_where_the_checker_runs(monkeypatch):
    """LOCKSTEP=inproc|beside picks the process; LOCKSTEP=1 is beside on a machine with 2+ cores (design.md 10.1)."""
    from lacosim.runner import lockstep_beside, repro_command  # noqa: PLC0415
    inproc, beside, on, off = (parse_knobs(["TEST=hello", f"LOCKSTEP={v}"]) for v in ("inproc", "beside", "1", "0"))
    assert (inproc.lockstep, lockstep_beside(inproc)) == (True, False)
    assert (beside.lockstep, lockstep_beside(beside)) == (True, True)
    assert not off.lockstep and not lockstep_beside(off)
    for cpus, expected in ((1, False), (2, True), (None, False)):
        monkeypatch.setattr("os.cpu_count", lambda n=cpus: n)
        assert on.lockstep and lockstep_beside(on) == expected
    assert repro_command(inproc, "hello", 1, 1, 1).endswith("LOCKSTEP=inproc")
    assert "LOCKSTEP" not in repro_command(on, "hello", 1, 1, 1)


def test_make_passes_bad_knobs_through_instead_of_ignoring_them():
    """WAVES=yes used to be silently ignored by the Makefile (exit 0)."""
    dry = subprocess.run(["make", "-n", "sim", "TEST=hello", "WAVES=yes", "SEED=abc"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    assert "'WAVES=yes'" in dry and "'SEED=abc'" in dry


def test_a_test_minimum_core_count_is_enforced():
    """A 2-core test with CORES=1 used to hang until the watchdog."""
    res = subprocess.run([sys.executable, "-m", "lacosim", "sim", "TEST=ipi_ecfg",
                          "CORES=1"], cwd=REPO, capture_output=True, text=True, check=False, timeout=120)
    assert res.returncode == 2
    assert "CORES=1: TEST=ipi_ecfg needs at least 2 cores" in res.stderr


def test_elf_runs_with_the_same_file_name_get_their_own_run_directories(tmp_path):
    """`ELF=` runs all shared build/run/elf-<stem>: two programs named prog.elf overwrote each other."""
    from lacosim.runner import elf_run_name
    a, b = tmp_path / "a" / "prog.elf", tmp_path / "b" / "prog.elf"
    assert elf_run_name(a) != elf_run_name(b)
    assert elf_run_name(a).startswith("elf-prog-") and elf_run_name(a) == elf_run_name(a)
