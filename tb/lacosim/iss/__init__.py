"""The reference model: a Python instruction-set simulator of LA64 (base ISA for now).

`Iss` (lacosim.iss.core) documents the lockstep contract; `python -m lacosim.iss prog.elf` runs a program
alone; `lacosim.iss.bench.iss_speed` measures it.
"""

from lacosim.iss.core import Iss, new_machine
from lacosim.iss.errors import (
    BusError,
    IllegalInstruction,
    IssError,
    MaxInstructionsExceeded,
    MisalignedAccess,
    Trap,
    UnhandledException,
    UnimplementedInstruction,
)
from lacosim.iss.memory import Memory

__all__ = ["BusError", "IllegalInstruction", "Iss", "IssError", "MaxInstructionsExceeded", "Memory",
           "MisalignedAccess", "Trap", "UnhandledException", "UnimplementedInstruction", "new_machine"]
