"""Progress of a regression phase: a rich progress bar with pass/fail counts and ETA on a terminal, plain
lines (one per finished run, with the same counts and ETA) when stdout is not a terminal, as in CI."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from lacosim.regress.outcome import Outcome, Status

MARK = {Status.PASSED: "PASS", Status.FAILED: "FAIL", Status.ERROR: "ERROR", Status.CANCELLED: "CANCELLED"}


def line(o: Outcome) -> str:
    text = f"{MARK[o.status]:5} {o.job.name} ({o.seconds:.1f}s)"
    if o.status in (Status.FAILED, Status.ERROR):
        text += f": {o.headline}"
    return text


class Progress(Protocol):
    def start(self, phase: str, total: int) -> None: ...
    def done(self, outcome: Outcome) -> None: ...
    def note(self, text: str) -> None: ...
    def stop(self) -> None: ...


class Counts:
    def __init__(self, total: int) -> None:
        self.total, self.ok, self.bad, self.t0 = total, 0, 0, time.monotonic()

    def add(self, o: Outcome) -> None:
        if o.passed:
            self.ok += 1
        elif o.finished:
            self.bad += 1

    @property
    def finished(self) -> int:
        return self.ok + self.bad

    def eta(self) -> str:
        if not self.finished or self.finished >= self.total:
            return "?" if not self.finished else "0s"
        left = (time.monotonic() - self.t0) / self.finished * (self.total - self.finished)
        return f"{int(left // 60)}m{int(left % 60):02d}s" if left >= 60 else f"{left:.0f}s"


class PlainProgress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.counts = Counts(0)
        self.phase = ""

    def start(self, phase: str, total: int) -> None:
        self.phase, self.counts = phase, Counts(total)

    def done(self, outcome: Outcome) -> None:
        self.counts.add(outcome)
        c = self.counts
        print(f"  {line(outcome)}  [{c.finished}/{c.total}: {c.ok} passed, {c.bad} failed; ETA {c.eta()}]",
              file=self.stream, flush=True)

    def note(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def stop(self) -> None:
        pass


class RichProgress:
    def __init__(self) -> None:
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar  # noqa: PLC0415
        self.console = Console()
        self.bar = Bar(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("[green]{task.fields[ok]} passed[/] [red]{task.fields[bad]} failed[/]"),
                       TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=self.console)
        self.task = None
        self.counts = Counts(0)

    def start(self, phase: str, total: int) -> None:
        self.counts = Counts(total)
        if self.task is None:
            self.bar.start()
        else:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(phase, total=total, ok=0, bad=0)

    def done(self, outcome: Outcome) -> None:
        self.counts.add(outcome)
        if not outcome.passed:
            style = "yellow" if outcome.status is Status.CANCELLED else "red"
            self.bar.console.print(self._text(line(outcome), style))
        self.bar.update(self.task, advance=1, ok=self.counts.ok, bad=self.counts.bad)

    def note(self, text: str) -> None:
        self.bar.console.print(self._text(text, ""))

    @staticmethod
    def _text(text: str, style: str) -> object:
        from rich.text import Text  # noqa: PLC0415  (a Text is never parsed as markup: FAIL [iss] stays)
        return Text(text, style=style)

    def stop(self) -> None:
        if self.task is not None:
            self.bar.stop()
            self.task = None


def make_progress(stream: TextIO | None = None) -> Progress:
    stream = stream or sys.stdout
    return RichProgress() if stream.isatty() else PlainProgress(stream)
