"""Simulation tests: run `python -m lacosim sim ...` as users do and inspect exit status and output."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SW_BUILD = REPO / "build" / "sw"


FAILURE = re.compile(r"^FAIL \[([\w-]+)\]", re.M)
ERROR = re.compile(r"^(lacosim: (error|.*failed)|Traceback|.*Error:)", re.M)


def first_failure_first(output: str, width: int = 6000) -> str:
    """What a failing test shows: the run's first failure report in full, then the end of the output. The
    first failure is the cause; later ones are usually its consequences (the last characters alone used to
    cut it off)."""
    m = FAILURE.search(output) or ERROR.search(output)
    if not m or len(output) - m.start() <= width:
        return output[-width:] if not m else output[max(0, m.start() - 200):]
    head = output[max(0, m.start() - 200):m.start() + width // 2]
    return f"{head}\n[... {len(output) - m.start() - width} characters ...]\n{output[-width // 2:]}"


@dataclass
class SimResult:
    returncode: int
    output: str
    run_dir: Path | None

    @property
    def report(self) -> str:
        return first_failure_first(self.output)

    @property
    def failures(self) -> list[str]:
        """The checks that reported a failure, in the order they were reported (`FAIL [<check>] ...`)."""
        return FAILURE.findall(self.output)

    def assert_only_failure(self, check: str, consequences: frozenset[str] = frozenset({"program"})) -> None:
        """A negative test: the run failed, first through `check`, and nothing else failed but the listed
        consequences (by default the program's own verdict on the same symptom). Any other checker's
        failure in the run, lockstep above all, is a second bug hiding behind the expected one."""
        assert self.returncode == 1, f"expected exit 1 (a FAIL [{check}]), got {self.returncode}:\n{self.report}"
        got = self.failures
        assert got and got[0] == check and set(got) <= {check} | consequences, \
            f"expected FAIL [{check}] first and nothing but {sorted(consequences)} after it; got {got}:\n" \
            f"{self.report}"

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
