"""What one finished job means, read from its log and its run directory: passed, failed (with the first
`FAIL [check] ...` headline and the failure text from there on), crashed (no result, with the reason), or
cancelled; the run directory, seed and core count the run printed; the reproduce-with-waves command of its
first failure; and the coverage and statistics *this* run wrote (a file older than the job's start is a
leftover of an earlier run, e.g. one that crashed, and is ignored)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from lacosim.regress.engine import RunRecord
from lacosim.regress.plan import Job

FAILURE_TEXT_CAP = 64_000     # characters of failure text kept in JUnit (head and tail if longer)
CRASH_TAIL_LINES = 120        # lines of log shown for a run that ended without a FAIL headline
MTIME_SLACK = 0.05            # seconds: file systems stamp with a coarse clock

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
RUN_LINE = re.compile(r"lacosim: TEST=(?P<test>\S+) SEED=(?P<seed>\d+) CORES=(?P<cores>\d+) .*run dir=(?P<dir>.+)$")
RUN_DIR = re.compile(r"run dir=(?P<dir>\S.*)$")
WAVES_REPRO = re.compile(r"reproduce with waves: (?P<cmd>make sim .+)$")
WAVES_WRITTEN = re.compile(r"lacosim: waves written to (?P<path>\S.*)$")
PYTEST_FAILED = re.compile(r"^(FAILED|ERROR) \S+")
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b.*")


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"        # the run finished and a check failed
    ERROR = "error"          # no result: crashed, killed, usage error
    CANCELLED = "cancelled"  # Ctrl-C


@dataclass
class Outcome:
    job: Job
    status: Status
    seconds: float
    log: Path
    headline: str = ""              # JUnit message: first FAIL headline or the crash reason
    failure_text: str = ""          # JUnit body: from the headline to the end (capped)
    check: str = ""                 # the check named in the headline (FAIL [check])
    run_dir: Path | None = None
    seed: int | None = None
    cores: int | None = None
    waves_repro: str = ""           # the first failure's reproduce-with-waves command
    coverage: dict[str, dict[str, int]] | None = None   # this run's coverage.json (None if it wrote none)
    stats: dict[str, Any] | None = None                 # this run's stats.json
    host: str = ""
    started: float = 0.0
    waves: Path | None = None       # auto-waves FST
    waves_log: Path | None = None
    waves_note: str = ""            # what auto-waves did, for the report

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def finished(self) -> bool:
        return self.status is not Status.CANCELLED


def read_log(path: Path) -> str:
    try:
        return ANSI.sub("", path.read_text(errors="replace"))
    except OSError:
        return ""


def fresh(path: Path, started: float) -> bool:
    """Written by the run that started at `started` (not left over from an earlier one)."""
    try:
        return path.stat().st_mtime >= started - MTIME_SLACK
    except OSError:
        return False


def fresh_json(path: Path | None, started: float) -> Any:
    if path is None or not fresh(path, started):
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def cap(text: str, limit: int = FAILURE_TEXT_CAP) -> str:
    if len(text) <= limit:
        return text
    head, tail = text[: limit * 3 // 4], text[-limit // 4:]
    return f"{head}\n... [{len(text) - len(head) - len(tail)} characters cut; the full log has them] ...\n{tail}"


def first_fail(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if "FAIL [" in line:
            return i
    return None


def crash_reason(lines: list[str], returncode: int) -> str:
    """Why a run ended without a FAIL headline, in one line."""
    for line in lines:
        if "without a result" in line or line.startswith("lacosim: error:"):
            return line.strip()
    for line in lines:
        if PYTEST_FAILED.match(line):
            return line.strip()
    exceptions = [ln.strip() for ln in lines if EXCEPTION_LINE.match(ln.strip())]
    if exceptions:
        return exceptions[-1]
    if returncode < 0:
        return f"killed by signal {-returncode}"
    return f"exited with status {returncode} without a FAIL line or a result"


def classify(job: Job, record: RunRecord, log: Path) -> Outcome:
    """The outcome of a job from what its worker reported and what it wrote."""
    text = read_log(log)
    lines = text.splitlines()
    out = Outcome(job, Status.PASSED, record.seconds, log, seed=job.seed, cores=job.cores if job.is_sim else None,
                  host=record.host, started=record.started)
    if job.is_sim:  # (a pytest job's log can quote a simulation's lines in its assertion text)
        _read_run_line(out, lines)
    if record.cancelled:
        out.status = Status.CANCELLED
        out.headline = "cancelled (Ctrl-C)"
        return out
    if out.run_dir is not None:
        out.coverage = fresh_json(out.run_dir / "coverage.json", record.started)
        out.stats = fresh_json(out.run_dir / "stats.json", record.started)
    if record.returncode == 0:
        return out
    for line in lines:
        m = WAVES_REPRO.search(line)
        if m:
            out.waves_repro = m["cmd"].strip()
            break
    crashed = any("without a result" in ln for ln in lines) or record.returncode not in (0, 1)
    at = first_fail(lines)
    if at is not None:
        headline = lines[at][lines[at].index("FAIL ["):].strip()
        out.failure_text = cap("\n".join([headline, *lines[at + 1:]]))
    else:
        headline = ""
        out.failure_text = cap("\n".join(lines[-CRASH_TAIL_LINES:]))
    if headline and not crashed:
        out.status, out.headline = Status.FAILED, headline
        out.check = headline[len("FAIL ["):].split("]", 1)[0]
    elif job.pytest and not crashed:  # pytest's exit 1: a test failed; its FAILED line is the headline
        out.status, out.headline = Status.FAILED, crash_reason(lines, record.returncode)
    else:
        out.status, out.headline = Status.ERROR, crash_reason(lines, record.returncode)
    return out


def _read_run_line(out: Outcome, lines: list[str]) -> None:
    for line in lines[:50]:
        m = RUN_LINE.search(line)
        if m:
            out.seed, out.cores, out.run_dir = int(m["seed"]), int(m["cores"]), Path(m["dir"].strip())
            return
        m = RUN_DIR.search(line)
        if m:
            out.run_dir = Path(m["dir"].strip())
            return


def not_run(job: Job, log: Path, error: BaseException) -> Outcome:
    """A job Parsl could not run (the worker died, the app raised)."""
    reason = f"the job did not run: {type(error).__name__}: {error}"
    return Outcome(job, Status.ERROR, 0.0, log, headline=reason, failure_text=reason)


def waves_written(log: Path, run_dir: Path | None, started: float) -> Path | None:
    """The FST a waves run wrote: the path it printed, else <run dir>/waves.fst, if written by that run."""
    candidates = [Path(m["path"].strip()) for ln in read_log(log).splitlines() if (m := WAVES_WRITTEN.search(ln))]
    if run_dir is not None:
        candidates.append(run_dir / "waves.fst")
    for path in candidates:
        if fresh(path, started):
            return path
    return None
