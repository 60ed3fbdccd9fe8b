"""The reference model: a Python instruction-set simulator of LA64 (base ISA + host privileged architecture).

`Iss` (lacosim.iss.core) documents the lockstep contract; `Machine` (lacosim.iss.machine) runs several
cores standalone; `python -m lacosim.iss prog.elf [--cores N]` runs a program alone;
`lacosim.iss.bench.iss_speed` measures it.
"""

from lacosim.iss.core import Iss, new_machine
from lacosim.iss.errors import (
    AsyncInputError,
    BusError,
    IdleForever,
    IdleWakeError,
    IllegalInstruction,
    InterruptMismatch,
    IssError,
    MaxInstructionsExceeded,
    MisalignedAccess,
    Trap,
    UnhandledException,
    UnimplementedInstruction,
)
from lacosim.iss.machine import Machine
from lacosim.iss.memory import Memory
from lacosim.iss.privileged import is_async_read

__all__ = ["AsyncInputError", "BusError", "IdleForever", "IdleWakeError", "IllegalInstruction", "InterruptMismatch",
           "Iss", "IssError", "Machine", "MaxInstructionsExceeded", "Memory", "MisalignedAccess", "Trap",
           "UnhandledException", "UnimplementedInstruction", "is_async_read", "new_machine"]
