"""LOCKSTEP=beside's checker process (design.md 10.1): the runner starts it before the simulator, so its
start-up overlaps the simulator's; if it dies the run fails through lockstep and the runner names its exit
status; Ctrl-C leaves no checker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.conftest import REPO, first_failure_first, program
from sim.test_interrupt import as_a_terminal_job

pytestmark = pytest.mark.tooling


def _start_forever(*knobs: str) -> tuple[subprocess.Popen[str], Path, list[str]]:
    """`make sim` of a program that never ends, with the checker beside it; returns once the run dir is known."""
    proc = subprocess.Popen([sys.executable, "-m", "lacosim", "sim", f"ELF={program('bad_hang')}",
                             "MAX_CYCLES=500000000", "LOCKSTEP=beside", *knobs], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=as_a_terminal_job)
    lines: list[str] = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:  # (the model may be built first)
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "run dir=" in line:
            return proc, Path(line.split("run dir=", 1)[1].strip()), lines
    proc.kill()
    pytest.fail("".join(lines))


def _checkers(run_dir: Path) -> list[int]:
    """The pids of lockstep checker processes of this run (by the run config in their environment)."""
    found = []
    marker = f"LACOSIM_RUN_CONFIG={run_dir / 'run.json'}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if b"lacosim.env.lockstep_beside" in (entry / "cmdline").read_bytes() and \
                    marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[1])


def test_a_dead_checker_fails_the_run_through_lockstep_and_its_exit_status_is_named():
    proc, run_dir, lines = _start_forever()
    try:
        deadline = time.monotonic() + 60
        while not (pids := _checkers(run_dir)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(pids) == 1, "no lockstep checker process for this run"
        assert _parent(pids[0]) == proc.pid, "the runner starts the checker (before the simulator), not the simulator"
        os.kill(pids[0], signal.SIGKILL)
        out, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    out = "".join(lines) + out
    assert proc.returncode == 1, first_failure_first(out)
    assert "FAIL [lockstep] the lockstep checker beside the simulator stopped unexpectedly" in out, \
        first_failure_first(out)
    assert "LOCKSTEP=inproc runs the checker in the simulator process" in out
    assert "lacosim: the lockstep checker process beside the simulator exited with status -9" in out


def test_ctrl_c_leaves_no_checker_behind():
    proc, run_dir, lines = _start_forever()
    try:
        deadline = time.monotonic() + 60
        while not _checkers(run_dir) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _checkers(run_dir), "no lockstep checker process for this run"
        time.sleep(3)  # simulating, the checker one batch behind
        os.killpg(proc.pid, signal.SIGINT)  # the terminal's Ctrl-C (the checker is in a session of its own)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, first_failure_first("".join(lines) + out)
    assert not _checkers(run_dir), "the checker outlived the interrupted run"
