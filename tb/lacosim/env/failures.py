"""Every check failure goes through here, so each one reports the same actionable facts: which check,
cycle, core, pc with symbol, recent instructions disassembled, expected vs observed, and the command
that reproduces it with waves."""

from __future__ import annotations

from dataclasses import dataclass, replace

MAX_PER_CHECK = 5


@dataclass(frozen=True)
class Failure:
    check: str                 # the component that found it
    summary: str               # one line: what went wrong
    detail: str = ""           # expected vs observed, context
    cycle: int | None = None
    core: int | None = None
    pc: int | None = None
    pc_symbol: str = ""
    guest: bool | None = None  # the mode the core was in (None: not known or not a core's failure)
    recent: str = ""           # recent retired instructions, disassembled
    repro: str = ""

    def __str__(self) -> str:
        where = []
        if self.cycle is not None:
            where.append(f"cycle {self.cycle}")
        if self.core is not None:
            where.append(f"core {self.core}")
        if self.guest is not None:
            where.append("guest mode" if self.guest else "root mode")
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
    happened (in one cycle, lockstep's first). Failures without a cycle (end-of-run checks) come last.

    Lockstep beside the simulator (design.md 10.1) checks a batch while the simulator runs the next: until it
    has, `horizon` holds back what other checkers found after the last cycle it confirmed (None: nothing
    held), and its divergence at cycle C sets `cutoff` = C: the run ended there, later findings are dropped."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self._pending: list[Failure] = []
        self.horizon: int | None = None
        self.cutoff: int | None = None
        self.counts: dict[str, int] = {}

    def add(self, failure: Failure) -> None:
        """Keeps the first MAX_PER_CHECK failures of each check: a broken rule usually breaks it again and
        again, and the first few are what a person acts on."""
        n = self.counts[failure.check] = self.counts.get(failure.check, 0) + 1
        if n > MAX_PER_CHECK:
            return
        if n == MAX_PER_CHECK:
            failure = replace(failure, detail=failure.detail + f"\n(further [{failure.check}] failures are not "
                              f"reported: {MAX_PER_CHECK} are enough to act on)")
        self._pending.append(failure)

    def take_pending(self) -> list[Failure]:
        """The failures added since the last call, unprinted (the lockstep checker process sends them on)."""
        pending, self._pending = self._pending, []
        return pending

    def flush(self) -> None:
        if self.cutoff is not None:
            self._pending = [f for f in self._pending if f.cycle is None or f.cycle <= self.cutoff]
        if not self._pending:
            return
        ready, held = self._pending, []
        if self.horizon is not None:
            ready = [f for f in self._pending if f.cycle is not None and f.cycle <= self.horizon]
            held = [f for f in self._pending if f.cycle is None or f.cycle > self.horizon]
        def when(f: Failure) -> tuple[bool, int, bool]:
            # in one cycle lockstep's report comes first, wherever the checker runs (in the simulator process
            # it sees a batch first; beside it, its verdict arrives a batch later)
            return (f.cycle is None, f.cycle or 0, f.check != "lockstep")
        for failure in sorted(ready, key=when):
            print("\n" + str(failure), flush=True)
        self.failures = sorted(self.failures + ready, key=when)
        self._pending = held

    def __bool__(self) -> bool:
        return bool(self.failures or self._pending)
