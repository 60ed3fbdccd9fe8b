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
    """The run's failures, in order. One instance per run, shared through ConfigDB."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []

    def add(self, failure: Failure) -> None:
        self.failures.append(failure)
        print("\n" + str(failure), flush=True)

    def __bool__(self) -> bool:
        return bool(self.failures)
