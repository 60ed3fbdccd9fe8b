"""The constant timer of one core in a standalone run (architecture.md 4.1, design.md 7.3).

Time is the core's stable counter in ticks: in a standalone run one tick per retired instruction plus the
ticks skipped while the core waited in `idle` (lacosim.iss.core). In lockstep the timer is not used: TI is
a hardware line the trace reports (`Iss.set_irq_lines`) and a TVAL read returns the trace's value.

Rules, with c the counter value of the instruction that writes TCFG:
- TVAL = InitVal at c + 1 and drops by one per tick while En = 1 (a write with En = 0 loads InitVal and
  holds it);
- TI rises at c + InitVal + 2, the tick TVAL would go from 0 to -1. Periodic: TVAL reloads InitVal there,
  the period is InitVal + 1. One-shot: TVAL reads all ones (48 bits) from then on and En stays 1;
- writing TCFG does not clear a pending TI; TICLR does (the core owns ESTAT, this class only says when).

The LVZ guest timer is a second instance (design.md 12.4) with one more way in: a root `gcsrwr` of guest
TVAL (`load`) sets TVAL = value from c + 1. Value 0 fires once at c + 2 whatever En and Periodic say, and
TVAL then reads all ones, held; a non-zero value counts down while En = 1 (held otherwise) and expires at
c + value + 2, after which Periodic reloads InitVal as usual.
"""

from __future__ import annotations

from lacosim.iss.csr import TCFG_EN, TCFG_INITVAL, TCFG_PERIODIC, TIMER_BITS

TVAL_ALL_ONES = (1 << TIMER_BITS) - 1


class StableTimer:
    def __init__(self) -> None:
        self.enabled = False
        self.periodic = False
        self.initval = 0
        self.start = 0  # counter value at which TVAL = first
        self.first = 0  # the count loaded at start: InitVal, or a root gcsrwr's TVAL value
        self.zero_shot = False  # a root gcsrwr of TVAL = 0: fires once, then all ones
        self.next_expiry: int | None = None  # counter value at which TI rises next

    def configure(self, tcfg: int, now: int) -> None:
        """A TCFG write by the instruction whose counter value is `now`."""
        self._mode(tcfg)
        self._start(self.initval, now, False)

    def load(self, value: int, tcfg: int, now: int) -> None:
        """A root gcsrwr/gcsrxchg of the guest TVAL by the instruction whose counter value is `now`."""
        self._mode(tcfg)
        value &= TVAL_ALL_ONES
        self._start(value, now, value == 0)

    def _mode(self, tcfg: int) -> None:
        self.enabled = bool(tcfg & TCFG_EN)
        self.periodic = bool(tcfg & TCFG_PERIODIC)
        self.initval = tcfg & TCFG_INITVAL

    def _start(self, first: int, now: int, zero_shot: bool) -> None:
        self.first = first
        self.start = now + 1
        self.zero_shot = zero_shot
        self.next_expiry = self.start + first + 1 if self.enabled or self.zero_shot else None

    def tval(self, now: int) -> int:
        """TVAL as read by an instruction with counter value `now`."""
        if not (self.enabled or self.zero_shot) or now < self.start:
            return self.first
        elapsed = now - self.start
        if elapsed <= self.first:
            return self.first - elapsed
        if self.periodic and not self.zero_shot:
            return self.initval - (elapsed - self.first - 1) % (self.initval + 1)
        return TVAL_ALL_ONES

    def expire(self, now: int) -> bool:
        """True if TI rose at or before `now` since the last call; schedules the next expiry."""
        expiry = self.next_expiry
        if expiry is None or now < expiry:
            return False
        if self.periodic and not self.zero_shot:
            period = self.initval + 1
            self.next_expiry = expiry + ((now - expiry) // period + 1) * period
        else:
            self.next_expiry = None
        return True
