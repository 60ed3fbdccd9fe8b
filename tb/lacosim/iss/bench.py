"""Speed of the reference model: `iss_speed(elf)` -> instructions per second (`make bench` calls it).

`python -m lacosim.iss.bench prog.elf` prints both modes: `run` (standalone, full speed) and `step`
(lockstep, every retirement recorded).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lacosim.elf import load_elf
from lacosim.iss.core import Iss

DEFAULT_MAX_INSNS = 500_000_000


def iss_speed(elf: str | Path, max_insns: int = DEFAULT_MAX_INSNS, lockstep: bool = False) -> float:
    """Instructions per second running `elf` to power-off (or max_insns), load time excluded."""
    retired, seconds = measure(elf, max_insns, lockstep)
    return retired / seconds if seconds > 0 else 0.0


def measure(elf: str | Path, max_insns: int = DEFAULT_MAX_INSNS, lockstep: bool = False) -> tuple[int, float]:
    """(instructions retired, seconds) for one run of `elf`."""
    iss = Iss.from_elf(load_elf(elf))
    start = time.perf_counter()
    if lockstep:
        step = iss.step
        for _ in range(max_insns):
            step()
            if iss.powered_off:
                break
    else:
        iss.run(max_insns)
    return iss.retired, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m lacosim.iss.bench prog.elf", file=sys.stderr)
        return 2
    for lockstep in (False, True):
        retired, seconds = measure(args[0], lockstep=lockstep)
        mode = "step" if lockstep else "run"
        print(f"{mode:<5} {retired:>11} instructions {seconds:8.2f} s {retired / seconds:12.0f} insns/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
