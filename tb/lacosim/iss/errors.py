"""What can stop the reference model, and the control-flow signals it raises internally.

`Trap` is the architectural exception signal: instruction semantics raise it and `Iss` takes it at one
point (`Iss._take_trap`), which enters the handler. When no handler is installed (EENTRY = 0, e.g. a base
ISA program run alone) taking a trap raises the `IssError` subclass that names the problem instead.
`Resync` ends a run-loop chunk after an instruction that changed interrupt, timer or translation state.
"""

from __future__ import annotations

# ESTAT.Ecode values (spec-la64-lvz.md 2.1) this core raises.
ECODE_INT = 0x00  # interrupts (vectored as 64 + int number)
ECODE_PIL = 0x01  # page invalid: load, store, fetch (a TLB hit with V = 0)
ECODE_PIS = 0x02
ECODE_PIF = 0x03
ECODE_PME = 0x04  # page modified (store to D = 0)
ECODE_PNR = 0x05  # page not readable
ECODE_PNX = 0x06  # page not executable
ECODE_PPI = 0x07  # page privilege illegal
ECODE_ADE = 0x08  # subcode 0 ADEF (fetch), 1 ADEM
ESUBCODE_ADEF = 0
ESUBCODE_ADEM = 1
ECODE_ALE = 0x09
ECODE_BCE = 0x0A
ECODE_SYS = 0x0B
ECODE_BRK = 0x0C
ECODE_INE = 0x0D
ECODE_IPE = 0x0E
# LVZ exits (spec-la64-lvz.md 2.1, design.md 12.2): always taken by the root
ECODE_GSPR = 0x16
ECODE_HVC = 0x17
ECODE_GCM = 0x18  # EsubCode 0 GCSC (guest changed CRMD.PLV, GCFG.TOP), 1 GCHC (guest exception, GCFG.TOE)
ESUBCODE_GCSC = 0
ESUBCODE_GCHC = 1
# TLB refill is not an ESTAT code: it has its own entry and CSRs. The trace and the model report it as
# QEMU's internal EXCCODE_TLBR (design.md 9.3, lacosim.trace.TRAP_ECODE_TLBR).
ECODE_TLBR = 0x3F
TLB_ECODES = frozenset({ECODE_PIL, ECODE_PIS, ECODE_PIF, ECODE_PME, ECODE_PNR, ECODE_PNX, ECODE_PPI})

ECODE_NAMES = {ECODE_INT: "INT", ECODE_PIL: "PIL", ECODE_PIS: "PIS", ECODE_PIF: "PIF", ECODE_PME: "PME",
               ECODE_PNR: "PNR", ECODE_PNX: "PNX", ECODE_PPI: "PPI", ECODE_ADE: "ADE", ECODE_ALE: "ALE",
               ECODE_BCE: "BCE", ECODE_SYS: "SYS", ECODE_BRK: "BRK", ECODE_INE: "INE", ECODE_IPE: "IPE",
               ECODE_GSPR: "GSPR", ECODE_HVC: "HVC", ECODE_GCM: "GCM", ECODE_TLBR: "TLBR"}


class Trap(Exception):  # noqa: N818  (an architectural exception, not an error of the model)
    """A synchronous exception raised by an instruction; `Iss` takes it at one point. `fetch`: raised by
    the instruction fetch (ADEF, or a TLB fault of the fetch), so the word was never fetched. `to_root`:
    raised in guest mode for the root (a GSPR/HVC/GCM exit or a stage-2 fault, design.md 12.5)."""

    def __init__(self, ecode: int, subcode: int = 0, badv: int | None = None, why: str = "",
                 fetch: bool = False, to_root: bool = False) -> None:
        super().__init__(ecode, subcode, badv, why)
        self.ecode = ecode
        self.subcode = subcode
        self.badv = badv
        self.why = why
        self.fetch = fetch
        self.to_root = to_root

    def __str__(self) -> str:
        name = ECODE_NAMES.get(self.ecode, f"ecode {self.ecode:#x}")
        badv = f" badv={self.badv:#x}" if self.badv is not None else ""
        return f"{name}{badv}{': ' + self.why if self.why else ''}"


class Resync(Exception):  # noqa: N818  (a control-flow signal)
    """Raised by an instruction after it completed, when it changed what the run loop caches between
    instructions (interrupt enables and lines, the timer, the translation mode): `next_pc` is where to go."""

    def __init__(self, next_pc: int) -> None:
        super().__init__(next_pc)
        self.next_pc = next_pc


class PowerOff(Exception):  # noqa: N818  (a control-flow signal, raised by the GED device)
    """The program wrote the power-off value; the storing instruction retires and the run ends."""


class IssError(Exception):
    """The reference model cannot continue; the message says where and why."""

    def __init__(self, message: str, pc: int | None = None, word: int | None = None) -> None:
        super().__init__(message)
        self.pc = pc
        self.word = word


class IllegalInstruction(IssError):
    """The word is not an instruction of this core (INE)."""


class UnimplementedInstruction(IssError):
    """A defined instruction the reference model does not implement yet."""


class MisalignedAccess(IssError):
    """A data access not naturally aligned (ALE), or a misaligned fetch (ADEF)."""


class BusError(IssError):
    """A data or instruction access to an address where the SoC has neither RAM nor a device."""


class UnhandledException(IssError):
    """An architectural exception (SYS, BRK, BCE, ...) with no handler installed (EENTRY = 0)."""


class InterruptMismatch(IssError):
    """The RTL took an interrupt the model does not have pending and enabled (or a different one)."""


class AsyncInputError(IssError):
    """Lockstep: an asynchronous read (rdtime*, TVAL) found no value from the trace, or an inconsistent one
    (the stable counter read by rdtime.d went backwards), or idle ended with nothing to wake it, or a
    tlbfill found no index from the trace (set_tlbfill_index)."""


class TlbFillIndexError(AsyncInputError):
    """Lockstep: the entry the RTL's tlbfill chose (the trace's tlb_idx) is not the one the fill rule gives
    (design.md 9.4; the model runs the same LFSR from the run's tlb_seed)."""


class IdleWakeError(AsyncInputError):
    """Lockstep: the RTL ended an `idle` (the core retired the instruction after it) although ESTAT.IS &
    ECFG.LIE stayed 0 from the idle's retirement on (architecture.md 4.6). `is_bits`/`lie` are the model's
    ESTAT.IS and ECFG.LIE at the wake-up, `is_seen` every IS bit that was 1 while the core slept."""

    def __init__(self, message: str, pc: int, idle_pc: int, is_bits: int, lie: int, is_seen: int) -> None:
        super().__init__(message, pc)
        self.idle_pc = idle_pc
        self.is_bits = is_bits
        self.lie = lie
        self.is_seen = is_seen


class IdleForever(IssError):
    """`idle` with nothing that could ever wake the core (standalone run)."""


class MaxInstructionsExceeded(IssError):
    """The program did not power off within the instruction budget."""
