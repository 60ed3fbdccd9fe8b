"""Every check failure goes through here, so each one reports the same actionable facts: which check,
cycle, core, pc with symbol, recent instructions disassembled, expected vs observed, and the command
that reproduces it with waves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    check: str                 # the component that found it
    summary: str               # one line: what went wrong
    detail: str = ""           # expected vs observed, context
    cycle: int | None = None
    core: int | None = None
    pc: int | None = None
    pc_symbol: str = ""
    recent: str = ""           # recent retired instructions, disassembled
    repro: str = ""

    def __str__(self) -> str:
        where = []
        if self.cycle is not None:
            where.append(f"cycle {self.cycle}")
        if self.core is not None:
            where.append(f"core {self.core}")
        if self.pc is not None:
            where.append(f"pc {self.pc:#x}" + (f" <{self.pc_symbol}>" if self.pc_symbol else ""))
        lines = [f"FAIL [{self.check}] {self.summary}" + (f" ({', '.join(where)})" if where else "")]
        if self.detail:
            lines += ["  " + ln for ln in self.detail.splitlines()]
        if self.recent:
            lines.append("  last retired instructions:")
            lines += ["    " + ln for ln in self.recent.splitlines()]
        if self.repro:
            lines.append(f"  reproduce with waves: {self.repro}")
        return "\n".join(lines)


class FailureLog:
    """The run's failures, earliest cycle first. One instance per run, shared through ConfigDB.

    Checkers look at a batch one after another, so a later checker may find an earlier failure (the
    stack-guard store before the exception it caused); `flush`, after every batch and at the end, prints
    what was found in cycle order, so the first failure printed (and `failures[0]`) is the first that
    happened. Failures without a cycle (end-of-run checks) come last."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self._pending: list[Failure] = []

    def add(self, failure: Failure) -> None:
        self._pending.append(failure)

    def flush(self) -> None:
        if not self._pending:
            return
        def when(f: Failure) -> tuple[bool, int]:
            return (f.cycle is None, f.cycle or 0)
        for failure in sorted(self._pending, key=when):
            print("\n" + str(failure), flush=True)
        self.failures = sorted(self.failures + self._pending, key=when)
        self._pending = []

    def __bool__(self) -> bool:
        return bool(self.failures or self._pending)
