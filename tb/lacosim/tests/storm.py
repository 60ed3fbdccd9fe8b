"""Constrained-random interrupt storms (issue 13): every interrupt source of every core at once against
random ECFG.LIE/CRMD.IE changes and `idle` (sw/priv/irq_storm.c), with lockstep and every scoreboard on.

The program draws its actions from a generator seeded by `storm_seed` (from SEED); this test also drives
the device lines la_tb_top.ext_irq with seeded random pulses (the HWI sources: EXTIOI source 8*core + pin
reaches HWI<pin> of that core). Coverage group "irq" (lacosim.env.trap_monitor.IrqCoverage) records the
state of the core at each rise, masked pending lines, takes and idle wake-ups.
`irq_storm` is the short storm of `make test`; `irq_storm_long` is the regression's longer one.
"""

from __future__ import annotations

import heapq
import random

import cocotb
from cocotb.triggers import Timer

from lacosim.elf import ElfImage
from lacosim.tests.host import ProgramSelfCheck, _set

CLOCK_NS = 10  # la_tb_top: always #5 clk = ~clk


class IrqStorm(ProgramSelfCheck):
    name = "irq_storm"
    program = "irq_storm"
    cores = 2
    min_cores = 2
    max_cycles = 3_000_000
    ACTIONS = 1000           # per core
    # device pulses: a new pulse on a random source every gap cycles, each width cycles long
    PULSE_GAP = (200, 2000)
    PULSE_WIDTH = (20, 4000)

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        timer_min = rng.randrange(200, 400) * 4
        return _set(image, {"storm_seed": rng.getrandbits(32), "storm_actions": cls.ACTIONS,
                            "timer_min": timer_min, "timer_max": timer_min + rng.randrange(500, 2000) * 4,
                            "delay_max": rng.randrange(50, 800)})

    async def run_phase(self) -> None:
        cocotb.start_soon(self.drive_devices(random.Random(f"{self.name}-hwi-{self.cfg.seed}")))
        await super().run_phase()

    async def drive_devices(self, rng: random.Random) -> None:
        """Sparse driver: overlapping random pulses on ext_irq[0 .. 8*cores-1], waiting on timers between
        level changes, never on clock edges; it runs until the trace ends."""
        line = cocotb.top.ext_irq
        sources = 8 * self.cfg.cores
        self.logger.info(f"device driver: random pulses on ext_irq[0..{sources - 1}] every {self.PULSE_GAP} "
                         f"cycles, {self.PULSE_WIDTH} cycles wide")
        events: list[tuple[int, int, int]] = []   # (cycle, +1 rise / -1 fall, source)
        high = [0] * sources                      # overlapping pulses per source
        now = next_pulse = 0
        while not self.env.trace.ended.is_set():
            if not events or next_pulse <= events[0][0]:
                src = rng.randrange(sources)
                heapq.heappush(events, (next_pulse, 1, src))
                heapq.heappush(events, (next_pulse + rng.randrange(*self.PULSE_WIDTH), -1, src))
                next_pulse += rng.randrange(*self.PULSE_GAP)
                continue
            cycle, step, src = heapq.heappop(events)
            if cycle > now:
                await Timer((cycle - now) * CLOCK_NS, "ns")
                now = cycle
            high[src] += step
            line.value = sum(1 << s for s in range(sources) if high[s])


class IrqStormLong(IrqStorm):
    """The regression's storm: ten times the actions (make regress TESTS=irq_storm_long)."""
    name = "irq_storm_long"
    ACTIONS = 10_000
    max_cycles = 30_000_000
