"""Process checks for the tests of cancellation: whether a process is gone."""

from __future__ import annotations

import time
from pathlib import Path


def gone(pid: int, within: float = 5.0) -> bool:
    """Whether `pid` has exited (or is a zombie, exited but not yet reaped) within `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
                return True
        except FileNotFoundError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
