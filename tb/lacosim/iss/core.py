"""The reference model of one LA64 core (`Iss`): standalone runs and the lockstep-facing step API.

Contract for a lockstep scoreboard
==================================
    iss = Iss.from_elf(image)            # or Iss(memory, core_id, entry) for cores sharing one Memory
    iss.step()                           # execute exactly one instruction at iss.pc

`step()` retires one instruction and describes it in fields that are overwritten on every call (no
per-instruction object is allocated; copy what you keep):

    last_pc        address of the instruction
    last_insn      its 32-bit word
    last_rd        GPR it wrote, 0 if none (r0 is never reported); rdtime*'s second write (rj <- TID) is not
    last_rd_value  value written to last_rd (unsigned 64-bit), 0 if none
    last_mem_re    1 if it read memory (loads, ll, am*)
    last_mem_we    1 if it changed memory (stores, a successful sc, am*)
    last_mem_addr  byte address of the access (0 if none)
    last_mem_size  log2 of the access size in bytes (0 B, 1 H, 2 W, 3 D)
    last_mem_wdata value written, right-aligned and masked to the size; for am*: the new memory value

Those are the fields of design.md section 2's retirement record; compare them field by field. After
`step()`, `pc` is the next instruction's address and `retired` has grown by one. Device accesses (UART,
power-off) are data accesses like RAM ones. The power-off store retires normally and sets `powered_off`.

An instruction the model cannot execute raises an `IssError` subclass (IllegalInstruction for INE,
MisalignedAccess for ALE/ADEF, BusError, UnimplementedInstruction, UnhandledException for SYS/BRK/BCE)
carrying `pc` and `word`; the state is left as before that instruction. Architectural exceptions are
`Trap`s taken at one point, `_take_trap`: the privileged architecture will enter the handler there.

Standalone: `run(max_insns)` executes up to max_insns instructions at full speed (no per-step records) and
returns at power-off; it raises MaxInstructionsExceeded with the last 16 retired instructions otherwise.
`uart_output` is everything written to UART0's THR so far.

Speed: each instruction word at a pc is translated once into a closure (lacosim.iss.semantics) kept in a
per-core cache keyed by pc; stores into translated code drop the affected entries (Memory.code_flags).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from lacosim.elf import ElfImage
from lacosim.isa.decoder import decode
from lacosim.isa.disasm import disassemble
from lacosim.iss import semantics
from lacosim.iss.errors import (
    ECODE_ADE,
    ECODE_ALE,
    ECODE_INE,
    IllegalInstruction,
    IssError,
    MaxInstructionsExceeded,
    MisalignedAccess,
    PowerOff,
    Trap,
    UnhandledException,
)
from lacosim.iss.memory import SIZE_MASKS, Memory
from lacosim.iss.semantics import MEM_AMO, MEM_LL, MEM_LOAD, MEM_NONE, MEM_SC, MEM_STORE, Handler
from lacosim.iss.state import CoreState

M64 = (1 << 64) - 1
HISTORY_LENGTH = 16
RUN_CHUNK = 4096  # instructions between updates of `retired` in run()


class Translation(NamedTuple):
    """Everything `step` needs about the instruction at one pc, built once."""
    handler: Handler
    word: int
    rd: int  # destination GPR or 0
    mem_kind: int  # semantics.MEM_*
    mem_size: int
    mem_base: int
    mem_index: int
    mem_imm: int
    mem_data: int


class Iss(CoreState):
    def __init__(self, memory: Memory | None = None, core_id: int = 0, entry: int = 0,
                 symbolize: Callable[[int], str] | None = None) -> None:
        super().__init__(core_id, entry)
        self.memory = memory if memory is not None else Memory()
        self.symbolize = symbolize
        self.retired = 0
        self.stable_counter: Callable[[], int] = lambda: self.retired  # the testbench sets the real one
        self._code: dict[int, Handler] = {}
        self._translations: dict[int, Translation] = {}
        self.memory.code_caches.extend((self._code, self._translations))
        self.recent_pcs: list[int] = []  # filled by run()'s last HISTORY_LENGTH steps
        self.last_pc = self.last_insn = self.last_rd = self.last_rd_value = 0
        self.last_mem_re = self.last_mem_we = self.last_mem_addr = self.last_mem_size = self.last_mem_wdata = 0

    @classmethod
    def from_elf(cls, image: ElfImage, memory: Memory | None = None, core_id: int = 0) -> Iss:
        """A core at the image's entry; a new Memory loaded with the image unless one (already loaded) is given."""
        if memory is None:
            memory = Memory()
            memory.load_image(image)
        return cls(memory, core_id, image.entry, image.symbolize)

    @property
    def uart_output(self) -> bytes:
        return self.memory.uart_output

    @property
    def powered_off(self) -> bool:
        return self.memory.powered_off

    @property
    def llbit(self) -> bool:
        return self.core_id in self.memory.reservations

    # --- translation ---------------------------------------------------------------------------------
    def next_pc_handler(self, next_pc: int) -> Handler:
        return lambda: next_pc

    def trap_handler(self, trap: Trap) -> Handler:
        def h() -> int:
            raise trap
        return h

    def _translate(self, pc: int) -> Handler:
        word = self.memory.fetch(pc)
        decoded = decode(word)
        handler = semantics.factory_for(decoded)(self, pc, decoded.fields if decoded else {})
        access = semantics.access_info(decoded)
        self._translations[pc] = Translation(handler, word, semantics.destination_register(decoded), *access)
        self._code[pc] = handler
        return handler

    def _translation_at(self, pc: int) -> Translation:
        t = self._translations.get(pc)
        if t is None:
            self._translate(pc)
            t = self._translations[pc]
        return t

    # --- the one point where exceptions are taken -----------------------------------------------------
    def _take_trap(self, trap: Trap, pc: int) -> None:
        """Base ISA: no exception handler exists yet, so every trap stops the model with its name."""
        word = self._word_at(pc)
        where = self.describe(pc, word)
        if trap.ecode == ECODE_INE:
            raise IllegalInstruction(f"illegal instruction ({trap.why}) at {where}", pc, word)
        if trap.ecode in (ECODE_ALE, ECODE_ADE):
            raise MisalignedAccess(f"misaligned access ({trap}) at {where}", pc, word)
        raise UnhandledException(f"exception {trap} at {where} (no privileged architecture yet)", pc, word)

    def _word_at(self, pc: int) -> int | None:
        t = self._translations.get(pc)
        if t is not None:
            return t.word
        try:
            return self.memory.fetch(pc)
        except (Trap, IssError):
            return None

    def describe(self, pc: int, word: int | None = None) -> str:
        """'pc 0x200010 <main+0x8>: 02800c04  addi.w $a0, $zero, 3' for messages and traces."""
        sym = self.symbolize(pc) if self.symbolize else ""
        text = f"pc {pc:#x}" + (f" <{sym}>" if sym else "")
        if word is None:
            return text
        return f"{text}: {word:08x}  {disassemble(word, pc, self.symbolize)}"

    def _add_context(self, err: IssError, pc: int) -> IssError:
        if err.pc is None:
            err.pc = pc
            err.word = self._word_at(pc)
            err.args = (f"{err.args[0]} at {self.describe(pc, err.word)}",)
        return err

    # --- lockstep: one instruction, effects recorded --------------------------------------------------
    def step(self) -> None:
        pc = self.pc
        try:
            t = self._translation_at(pc)
        except Trap as trap:
            self._take_trap(trap, pc)
            return
        except IssError as err:
            raise self._add_context(err, pc) from None
        regs = self.regs
        kind = t.mem_kind
        addr = wdata = 0
        sc_will_store = False
        if kind != MEM_NONE:
            addr = (regs[t.mem_base] + (regs[t.mem_index] if t.mem_index >= 0 else t.mem_imm)) & M64
            if t.mem_data >= 0:
                wdata = regs[t.mem_data] & SIZE_MASKS[t.mem_size]
            sc_will_store = kind == MEM_SC and self.llbit
        try:
            next_pc = t.handler()
        except PowerOff:
            next_pc = (pc + 4) & M64
        except Trap as trap:
            self._take_trap(trap, pc)
            return
        except IssError as err:
            raise self._add_context(err, pc) from None
        self.pc = next_pc
        self.retired += 1
        self._record(pc, t, kind, addr, wdata, sc_will_store)

    def _record(self, pc: int, t: Translation, kind: int, addr: int, wdata: int, sc_stored: bool) -> None:
        self.last_pc = pc
        self.last_insn = t.word
        self.last_rd = t.rd
        self.last_rd_value = self.regs[t.rd] if t.rd else 0
        reads = kind in (MEM_LOAD, MEM_LL, MEM_AMO)
        writes = kind in (MEM_STORE, MEM_AMO) or (kind == MEM_SC and sc_stored)
        self.last_mem_re = int(reads)
        self.last_mem_we = int(writes)
        self.last_mem_addr = addr if reads or writes else 0
        self.last_mem_size = t.mem_size if reads or writes else 0
        if kind == MEM_AMO:
            wdata = self.memory.load(addr, t.mem_size)
        self.last_mem_wdata = wdata if writes else 0

    # --- standalone: full speed -----------------------------------------------------------------------
    def run(self, max_insns: int) -> int:
        """Run until power-off; returns the instructions retired by this call."""
        start = self.retired
        self._run_fast(max(0, max_insns - HISTORY_LENGTH))
        self.recent_pcs = []
        while not self.powered_off and self.retired - start < max_insns:
            self.recent_pcs.append(self.pc)
            self.step()
        if not self.powered_off:
            raise MaxInstructionsExceeded(self._budget_message(max_insns), self.pc)
        return self.retired - start

    def _run_fast(self, budget: int) -> None:
        """Execute up to `budget` instructions; `retired` is brought up to date every RUN_CHUNK of them so
        that the default stable counter (and anything else reading it) sees time pass."""
        code = self._code
        translate = self._translate
        pc = self.pc
        while budget > 0:
            chunk = min(budget, RUN_CHUNK)
            done = 0
            try:
                for done in range(chunk):  # noqa: B007  (counts retired instructions if the loop stops early)
                    handler = code.get(pc)
                    if handler is None:
                        handler = translate(pc)
                    pc = handler()
                else:
                    done = chunk
            except PowerOff:
                self.pc, self.retired = (pc + 4) & M64, self.retired + done + 1
                return
            except Trap as trap:
                self.pc, self.retired = pc, self.retired + done
                self._take_trap(trap, pc)
                return
            except IssError as err:
                self.pc, self.retired = pc, self.retired + done
                raise self._add_context(err, pc) from None
            self.retired += done
            budget -= done
        self.pc = pc

    def _budget_message(self, max_insns: int) -> str:
        lines = [f"no power-off within {max_insns} instructions; the last {len(self.recent_pcs)} retired:"]
        lines += ["  " + self.describe(pc, self._word_at(pc)) for pc in self.recent_pcs[-HISTORY_LENGTH:]]
        lines.append(f"next: {self.describe(self.pc)}")
        return "\n".join(lines)


def new_machine(image: ElfImage, cores: int = 1, memory: Memory | None = None) -> list[Iss]:
    """`cores` ISS instances sharing one memory loaded with the image, all starting at the entry."""
    if memory is None:
        memory = Memory()
        memory.load_image(image)
    return [Iss(memory, core_id, image.entry, image.symbolize) for core_id in range(cores)]


__all__ = ["Iss", "Translation", "new_machine"]
