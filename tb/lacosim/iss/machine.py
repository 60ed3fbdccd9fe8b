"""Several cores of the reference model run standalone: harts sharing one Memory (RAM, devices, IOCSR).

The harts take turns in slices of `SLICE` instructions, in core order; a hart waiting in `idle` gives
up its turn. The IPI block drives a target's IS[12] at once, so an IPI is seen by the target at the start
of its next slice (or at once when a core sends one to itself). Each hart keeps its own stable counter
(instructions it retired + ticks skipped in idle), so programs that compare counters across cores see
them drift: fine for a functional reference, not a timing model.
"""

from __future__ import annotations

from lacosim.elf import ElfImage
from lacosim.iss.core import Iss, new_machine
from lacosim.iss.errors import IdleForever, MaxInstructionsExceeded
from lacosim.iss.memory import Memory

SLICE = 1000


class Machine:
    def __init__(self, harts: list[Iss]) -> None:
        if not harts or len({id(h.memory) for h in harts}) != 1:
            raise ValueError("a machine needs at least one hart, all sharing one Memory")
        self.harts = harts
        self.memory = harts[0].memory

    @classmethod
    def from_elf(cls, image: ElfImage, cores: int = 1, memory: Memory | None = None) -> Machine:
        return cls(new_machine(image, cores, memory))

    @property
    def powered_off(self) -> bool:
        return self.memory.powered_off

    @property
    def retired(self) -> int:
        return sum(h.retired for h in self.harts)

    def run(self, max_insns: int, slice_len: int = SLICE) -> int:
        """Run every hart until power-off; returns the instructions retired (all harts) by this call.
        Raises MaxInstructionsExceeded past `max_insns` and IdleForever when every hart waits in idle."""
        if len(self.harts) == 1:
            return self.harts[0].run(max_insns)
        start = self.retired
        while not self.powered_off:
            if self.retired - start >= max_insns:
                raise MaxInstructionsExceeded(self._budget_message(max_insns), self.harts[0].pc)
            progressed = 0
            for hart in self.harts:
                progressed += hart.run_for(slice_len)
                if self.powered_off:
                    break
            if not progressed and not self.powered_off:
                raise IdleForever("every core waits in idle with nothing that can wake it: "
                                  + "; ".join(f"core {h.core_id} {h.describe(h.pc)}" for h in self.harts))
        return self.retired - start

    def _budget_message(self, max_insns: int) -> str:
        lines = [f"no power-off within {max_insns} instructions (all cores); where each core is:"]
        lines += [f"  core {h.core_id}{' (idle)' if h.idle_halted else ''}: {h.describe(h.pc, h._word_at(h.pc))}"
                  for h in self.harts]
        return "\n".join(lines)

    @property
    def uart_output(self) -> bytes:
        return self.memory.uart_output
