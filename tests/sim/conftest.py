"""Simulation tests: run `python -m lacosim sim ...` as users do and inspect exit status and output."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SW_BUILD = REPO / "build" / "sw"


@dataclass
class SimResult:
    returncode: int
    output: str
    run_dir: Path | None

    @property
    def uart(self) -> bytes:
        assert self.run_dir is not None, self.output
        return (self.run_dir / "uart.bin").read_bytes()


def run_lacosim(*args: str, timeout: float = 900) -> SimResult:
    proc = subprocess.run([sys.executable, "-m", "lacosim", "sim", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, check=False)
    out = proc.stdout + proc.stderr
    run_dir = None
    for line in out.splitlines():
        if "run dir=" in line:
            run_dir = Path(line.split("run dir=", 1)[1].strip())
    return SimResult(proc.returncode, out, run_dir)


def program(name: str) -> Path:
    elf = SW_BUILD / f"{name}.elf"
    if not elf.exists():
        pytest.fail(f"{elf} is missing: 'make test' builds sw/ first (make sw)")
    return elf
