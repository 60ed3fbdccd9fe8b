"""Ctrl-C: one line, no traceback, exit 130, the run directory marked incomplete and its waves readable
(issue 11, item 6)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.conftest import REPO, first_failure_first, program

pytestmark = pytest.mark.tooling


def as_a_terminal_job() -> None:
    """SIGINT at its default, as in a job a terminal runs: a shell starts background jobs (`make test &`,
    nohup) with SIGINT ignored, and Python then never raises KeyboardInterrupt (measured: the runner
    returned the simulator's exit 1 instead of 130)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_cleanly_and_marks_the_run():
    pywellen = pytest.importorskip("pywellen")
    proc = subprocess.Popen([sys.executable, "-m", "lacosim", "sim", f"ELF={program('bad_hang')}", "WAVES=1",
                             "MAX_CYCLES=500000000"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=as_a_terminal_job)
    lines: list[str] = []
    run_dir = None
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:  # wait until the simulation runs (model built, program loaded)
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "run dir=" in line:
            run_dir = line.split("run dir=", 1)[1].strip()
            break
    assert run_dir, "".join(lines)
    time.sleep(8)  # let it simulate for a while
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl-C: the whole process group
    out, _ = proc.communicate(timeout=120)
    out = "".join(lines) + out
    assert proc.returncode == 130, first_failure_first(out)
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, first_failure_first(out)
    assert out.count("lacosim: interrupted (Ctrl-C)") == 1, first_failure_first(out)
    run = Path(run_dir)
    assert (run / "INTERRUPTED").exists()
    assert json.loads((run / "stats.json").read_text())["end"] == "interrupted"
    waves = pywellen.Waveform(str(run / "waves.fst"))  # closed properly, so it can be read
    assert list(waves.all_vars())
