"""What one simulation run is: chosen by the runner, read by every component through ConfigDB."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

RUN_CONFIG_ENV = "LACOSIM_RUN_CONFIG"


@dataclass(frozen=True)
class RunConfig:
    test: str                  # TEST name ("elf" for make sim ELF=...)
    elf: str                   # program image path
    cores: int
    seed: int
    max_cycles: int            # watchdog; 0 = none
    run_dir: str               # where logs, the image and waves go
    waves: str = ""            # FST path when WAVES=1
    trace: bool = False        # TRACE=1: write every retired instruction to trace.log
    lockstep: bool = True      # compare every retirement against the reference model
    lockstep_beside: bool = False  # ... in a second process beside the simulator (env/lockstep_beside.py)
    echo_uart: bool = True     # copy the program's UART output to stdout as it arrives
    params: dict[str, int] = field(default_factory=dict)  # constrained-random test parameters
    repro: str = ""            # the command that re-runs this exact test
    strict_exceptions: bool = False  # STRICT=1: every exception the test does not declare fails
    guests: list[str] = field(default_factory=list)  # guest kernel ELFs loaded beside the program

    def to_file(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))

    @staticmethod
    def from_env() -> RunConfig:
        path = os.environ.get(RUN_CONFIG_ENV)
        if not path:
            raise RuntimeError(f"{RUN_CONFIG_ENV} is not set: start simulations with 'make sim' "
                               f"(python -m lacosim sim), not the simulator binary directly")
        return RunConfig(**json.loads(Path(path).read_text()))

    def repro_with_waves(self, cycle: int | None) -> str:
        """The reproduce command with waves around a cycle of interest."""
        if cycle is None:
            return f"{self.repro} WAVES=1"
        return f"{self.repro} WAVES=1 WAVE_FROM={max(0, cycle - 2000)} WAVE_TO={cycle + 200}"
