"""What instruction semantics may use of a core: the `Hart` protocol, and the handler types.

semantics.py and privileged.py build each instruction's handler from a core; core.py (`Iss`) builds the
handlers. Typing the core by this protocol instead of by `Iss` keeps the dependencies one way:
core -> semantics -> privileged -> hart (no import cycle, not even a TYPE_CHECKING one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from lacosim.iss.csr import CsrFile
from lacosim.iss.errors import Trap
from lacosim.iss.memory import Memory
from lacosim.iss.timer import StableTimer
from lacosim.iss.tlb import Tlb

Handler = Callable[[], int]  # executes one instruction, returns the next pc


class Hart(Protocol):
    # architectural state: the bank in force (root or guest), both banks, GPRs, the TLB, the memory
    core_id: int
    regs: list[int]
    csr: CsrFile
    root_csr: CsrFile
    guest_csr: CsrFile
    vm: int                      # GSTAT.VM: the core executes in guest mode
    tlb: Tlb
    memory: Memory
    guest_timer: StableTimer
    lockstep: bool               # asynchronous inputs come from the trace (iss_scoreboard.py)
    fast_ram_size: int
    stable_counter: Callable[[], int]
    _phys_access: int            # lddir/ldpte: the physical address they read, or -1

    # memory access through the current translation
    def data_pa(self, va: int, access: int = ...) -> int: ...
    def data_load(self, va: int, size_log2: int, signed: bool = ..., access: int = ...) -> int: ...
    def data_store(self, va: int, size_log2: int, value: int) -> None: ...
    def phys_load(self, pa: int) -> int: ...

    # control flow and privileged side effects
    def next_pc_handler(self, next_pc: int) -> Handler: ...
    def trap_handler(self, trap: Trap) -> Handler: ...
    def exception_return(self) -> int: ...
    def enter_idle(self) -> None: ...
    def request_service(self) -> None: ...
    def tlb_changed(self, indices: list[int] | None = None) -> None: ...
    def rgid(self) -> int: ...
    def counter_now(self) -> int: ...
    def tlbfill_index(self, first: int = ..., count: int = ...) -> int: ...
    def take_async_value(self, is_counter: bool) -> int | None: ...

    # what the record of the instruction shows
    def note_csr_write(self, num: int, written: int) -> None: ...
    def note_gcsr_write(self, num: int, written: int) -> None: ...
    def note_tlb_write(self, index: int, changed: list[int]) -> None: ...


Factory = Callable[[Hart, int, Mapping[str, int]], Handler]  # (core, pc, decoded fields) -> handler
