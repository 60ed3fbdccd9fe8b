"""Prediction model of one core's stable timer (architecture.md 4.1, design.md 7.3), independent of the
reference model: from the TCFG/TICLR writes and the cycles they retire in, it predicts TVAL at any
cycle and every cycle TI must rise. The timer scoreboard feeds it from the trace and compares.

Time base: trace cycles (the stable counter ticks once per cycle). A TCFG write retiring in cycle c
loads TVAL = InitVal in cycle c+1; while En = 1 TVAL drops by one per cycle; in the cycle after TVAL is 0
TI is visible (c + InitVal + 2 for the first expiry); periodic timers reload InitVal then (period
InitVal + 1), one-shot timers hold TVAL at all ones (48 bits) with En still 1.
The guest timer (design.md 12.4) adds root writes of TVAL: the value counts down from c+1 as a TCFG
write's InitVal would (held while En = 0); 0 fires at once like a one-shot whatever Periodic says.
"""

from __future__ import annotations

from dataclasses import dataclass

TIMER_BITS = 48
TVAL_ALL_ONES = (1 << TIMER_BITS) - 1
INITVAL_MASK = TVAL_ALL_ONES & ~3
TCFG_EN = 1
TCFG_PERIODIC = 2


@dataclass(frozen=True)
class TimerConfig:
    """A TCFG write: what was written and the first cycle it is in force."""
    start: int          # cycle in which TVAL = first
    enabled: bool
    periodic: bool
    initval: int
    first: int          # TVAL in cycle `start`: InitVal after a TCFG write, the value of a TVAL write

    @staticmethod
    def from_write(value: int, retire_cycle: int) -> TimerConfig:
        initval = value & INITVAL_MASK
        return TimerConfig(start=retire_cycle + 1, enabled=bool(value & TCFG_EN),
                           periodic=bool(value & TCFG_PERIODIC), initval=initval, first=initval)

    @staticmethod
    def from_tval_write(value: int, retire_cycle: int, tcfg: int) -> TimerConfig:
        """A root write of the guest TVAL while TCFG holds `tcfg`."""
        value &= TVAL_ALL_ONES
        initval = tcfg & INITVAL_MASK
        if value == 0:  # fires at the next edge and stops, as a one-shot
            return TimerConfig(retire_cycle + 1, True, False, initval, 0)
        return TimerConfig(retire_cycle + 1, bool(tcfg & TCFG_EN), bool(tcfg & TCFG_PERIODIC), initval, value)

    def tval(self, cycle: int) -> int:
        """TVAL as a csrrd retiring in `cycle` reads it (cycle >= start)."""
        if not self.enabled:
            return self.first
        k = cycle - self.start
        if k <= self.first:
            return self.first - k
        if self.periodic:
            return self.initval - (k - self.first - 1) % (self.initval + 1)
        return TVAL_ALL_ONES

    def expiries(self, after: int, upto: int) -> list[int]:
        """Cycles in [after, upto] in which TI becomes visible because of this configuration."""
        if not self.enabled:
            return []
        first = self.start + self.first + 1
        if not self.periodic:
            return [first] if after <= first <= upto else []
        period = self.initval + 1
        n0 = max(0, -(-(after - first) // period))
        return list(range(first + n0 * period, upto + 1, period))


class TimerPredictor:
    """One core's timer: configurations over time and the TI level they imply."""

    def __init__(self) -> None:
        self.configs: list[TimerConfig] = []
        self.tcfg = 0  # the last TCFG written (a TVAL write keeps its En, Periodic and InitVal)

    def write_tcfg(self, value: int, retire_cycle: int) -> None:
        self.tcfg = value
        self.configs.append(TimerConfig.from_write(value, retire_cycle))

    def write_tval(self, value: int, retire_cycle: int) -> None:
        self.configs.append(TimerConfig.from_tval_write(value, retire_cycle, self.tcfg))

    def config_at(self, cycle: int) -> TimerConfig | None:
        for cfg in reversed(self.configs):
            if cfg.start <= cycle:
                return cfg
        return None

    def tval(self, cycle: int) -> int | None:
        cfg = self.config_at(cycle)
        return None if cfg is None else cfg.tval(cycle)

    def expiries(self, after: int, upto: int) -> list[int]:
        """Every cycle in [after, upto] in which TI must become set (it may already be set)."""
        out: list[int] = []
        for i, cfg in enumerate(self.configs):
            end = self.configs[i + 1].start - 1 if i + 1 < len(self.configs) else upto
            # An expiry is caused by this configuration only while it is in force, i.e. the edge that
            # raises TI lies before the next write's load (visible cycle <= next start).
            out += cfg.expiries(max(after, cfg.start), min(upto, end + 1))
        return sorted(set(out))
