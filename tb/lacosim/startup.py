"""Start-up timeline of one `make sim` run: wall-clock stamps from `make` to the first simulated cycle.

Each process adds its own stamps to `startup.json` in the run directory; `make bench` reads them to report
where the start-up time goes. Stamps are seconds since the epoch (the processes share no other clock).
Kept free of imports beyond the standard library so the earliest stamps cost nothing.

    make_start      the Makefile was parsed (LACOSIM_MAKE_T0, set by `make sim`; absent otherwise)
    runner_start    `python -m lacosim` began (before its imports)
    simulator_exec  the runner had the test, image and model ready and started the simulator
    sim_python      the simulator's Python loaded lacosim's cocotb test module (cocotb is up)
    test_start      the cocotb test began: pyuvm builds the environment
    first_cycle     the environment is built and Python hands the simulator its first cycle
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

STARTUP_FILE = "startup.json"
MAKE_T0_ENV = "LACOSIM_MAKE_T0"

_stamps: dict[str, float] = {}


def stamp(name: str, when: float | None = None) -> None:
    """Note that `name` happened now (or at `when`), in this process."""
    _stamps[name] = time.time() if when is None else when


def write(run_dir: str | Path) -> None:
    """Add this process's stamps (and make's, when known) to the run directory's startup.json."""
    path = Path(run_dir) / STARTUP_FILE
    try:
        stamps = json.loads(path.read_text())
    except (OSError, ValueError):
        stamps = {}
    make_t0 = os.environ.get(MAKE_T0_ENV, "")
    if make_t0 and "make_start" not in stamps:
        try:
            stamps["make_start"] = float(make_t0)
        except ValueError:
            pass
    stamps.update(_stamps)
    path.write_text(json.dumps(stamps, indent=1, sort_keys=True))


def read(run_dir: str | Path) -> dict[str, float]:
    path = Path(run_dir) / STARTUP_FILE
    return json.loads(path.read_text()) if path.exists() else {}
