"""The reference model of one LA64 core (`Iss`): standalone runs and the lockstep-facing step API.

Contract for a lockstep scoreboard
==================================
    harts = new_machine(image, cores, lockstep=True)   # harts sharing one Memory (RAM, devices, IOCSR)
    hart.step()                                        # the record is a retired instruction or an exception
    hart.take_interrupt(intno)                         # the record is an interrupt (trap_int = 1)

Asynchronous inputs (lockstep=True: the model never takes an interrupt, never moves TI or the IPI line
itself, and never reads a clock; everything asynchronous comes from the trace, in trace order):
    hart.set_irq_lines(irq)          an IRQ event record (the irq word, design.md 12.7): root ESTAT.IS[12:2] <-
                                     irq[12:2] (HWI0-7, PMI, TI, IPI levels; bits [1:0] are software's and
                                     ignored); the guest TI <- irq[27] (the rest of the guest IS is the
                                     model's: GINTC with the root's HWI levels, the IS[12] latch, SWI)
    hart.set_async_value(v)          before the step of an instruction whose result is asynchronous: the
                                     rd value the trace recorded for rdtime* (counter + CNTC, already
                                     narrowed for rdtimel/h) and for csrrd/csrwr/csrxchg of TVAL. Consumed
                                     by that read; setting it before every step is harmless
    hart.memory.iocsr.set_device_lines(levels)   EXTIOI source levels (ISR reads, HWI routing)
    hart.take_interrupt(intno)       checks CRMD.IE = 1 and that intno is the highest set bit of
                                     ESTAT.IS & ECFG.LIE (else InterruptMismatch naming what was pending
                                     and enabled), then enters the handler with ERA = pc. In guest mode the
                                     root's bank is checked first (an exit), then the guest's (design.md 12.3)
    hart.set_tlbfill_index(i)        before the step of a tlbfill the RTL committed: the entry it chose
                                     (the record's tlb_idx; design.md 9.4). Consumed by that tlbfill;
                                     stepping a tlbfill without it raises AsyncInputError
After `idle` retires, the next retire record (not an interrupt) requires that IS & LIE was non-zero at
some point since (a wake-up; with CRMD.IE = 0 or a line that cleared again); otherwise IdleWakeError (an
AsyncInputError naming IS, LIE and the lines seen while asleep): a pending but disabled line must not end
idle (architecture.md 4.6). An interrupt record after idle is checked by take_interrupt as usual.

`step()` / `take_interrupt()` describe the record in fields overwritten on every call (no per-step
allocation; copy what you keep):

    last_pc, last_insn   address and word of the instruction (interrupt: the first one not executed,
                         its word or 0 if it cannot be fetched; ADEF: word 0)
    last_rd, last_rd_value    GPR write (0 if none; r0 never reported)
    last_rd2, last_rd2_value  second GPR write: rdtime*'s rj <- TID (0 if none)
    last_mem_re, last_mem_we, last_mem_addr, last_mem_size, last_mem_wdata   data access (design.md 2);
                         the address is the virtual one the instruction computed (lddir/ldpte: physical)
    last_mem_pa          physical address of the data or IOCSR access (IOCSR: = last_mem_addr), 0 if none
    last_pc_pa           physical address the instruction word was fetched from; 0 for an interrupt and
                         for a fetch fault (ADEF, and a TLB refill/PIF/PPI/PNX raised by the fetch)
    last_fetch_fault     1 if the record is an exception raised by the instruction fetch
    last_tlb_we, last_tlb_idx   a tlbwr/tlbfill wrote TLB entry last_tlb_idx (design.md 9.5)
    last_iocsr           1 if the memory fields describe an IOCSR access (address = GR[rj][31:0])
    last_csr_we, last_csr_num, last_csr_wdata   a csrwr/csrxchg (to any CSR number), with the value it
                         presented to the CSR (csrwr: GR[rd]; csrxchg: (GR[rd] & GR[rj]) | (old & ~GR[rj])),
                         before read-only fields drop it (design.md 7.2)
    last_trap, last_trap_int, last_trap_ecode, last_trap_esubcode, last_trap_intno
                         the record is an exception (no GPR/memory/CSR effects; pc is then the handler)
                         or an interrupt. A TLB refill is an exception with ecode 0x3F (ECODE_TLBR)
    last_ertn            the instruction was ertn
    last_plv, last_ie    CRMD.PLV / CRMD.IE before the instruction (of the executing bank)
    last_guest           GSTAT.VM before the instruction (design.md 12.7)
    last_gcsr            the CSR write fields describe a guest-bank write (guest-mode csr*, root gcsr*)
    last_exit            the trap record was taken to the root from guest mode

`retired` counts instructions that retired or raised an exception (not interrupts).

LVZ (design.md 12): `root_csr` and `guest_csr` are the two banks (the same CsrFile class), `csr` the one of
the executing mode, `vm` GSTAT.VM; `guest_timer` the guest bank's StableTimer. A root ertn with GSTAT.PVM
(or, ending a refill, TLBRPRMD[3]) enters guest mode; a Trap with `to_root` (GSPR, HVC, GCM, a stage-2 fault),
a guest exception under GCFG.TOE (GCHC) and a root interrupt leave it (`_take_trap`, `_take_interrupt`).
Guest code is translated through both stages (mmu.guest_translate) into its own closures and cache.

Address translation (design.md 9, lacosim.iss.mmu): DA mode maps every VA to VA[47:0]; PG mode tries the
windows, then requires a canonical VA, then asks the core's TLB (`hart.tlb`, lacosim.iss.tlb). tlbfill takes
its entry from the trace in lockstep and from the fill LFSR standalone (tlb_seed 0; `hart.tlb.reseed(seed)`
replays an RTL run's +tlb_seed).

Traps: instruction semantics raise `Trap`; `_take_trap` is the one place exceptions are taken. With no
handler installed (EENTRY = 0, as after reset) and `halt_without_handler` (the default) it raises the
`IssError` that names the problem instead (IllegalInstruction for INE, MisalignedAccess for ALE and a
misaligned fetch, UnhandledException otherwise), leaving the state as before the instruction: base-ISA
programs run alone stop with an error as before. Model limits raise `IssError` subclasses too
(UnimplementedInstruction, BusError for an unmapped physical address).

Standalone (lockstep=False, the default; `python -m lacosim.iss`, lacosim.iss.machine): the stable
counter is `counter_now()` = instructions retired + ticks skipped in `idle`; the core's own timer raises
TI (lacosim.iss.timer), the IPI block and EXTIOI drive IS[12] and IS[9:2] directly, and interrupts are
taken at instruction boundaries, highest number first (architecture.md 4.7). `run(max_insns)` executes at
full speed and returns at power-off; it raises MaxInstructionsExceeded with the last 16 retired
instructions otherwise. `step()` behaves the same, one record at a time (an interrupt is a record).

Speed: each instruction word at a pc is translated once into a closure (lacosim.iss.semantics) kept in a
per-core cache keyed by virtual pc, one cache per fetch-translation context (lacosim.iss.mmu); stores into
translated code drop the affected entries (Memory.code_flags). Code fetched through the TLB is also filed
under the entry that translated it: a tlbwr/tlbfill/tlbclr/tlbflush/invtlb drops the code of the entries it
changed (and of the entries a new one overlaps), an ASID change drops all code fetched through the TLB, so
the cache stays correct and its size bounded by the program. The run loop executes chunks of closures
with no per-instruction checks: an instruction that changes interrupt, timer or translation state raises
`Resync`, and a chunk never runs past the next timer expiry.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import NamedTuple

from lacosim.elf import ElfImage
from lacosim.isa.decoder import decode
from lacosim.isa.disasm import disassemble
from lacosim.iss import lockstep, mmu, semantics
from lacosim.iss.csr import (
    ASID_ASID,
    CRMD_DA,
    CRMD_IE,
    CRMD_PG,
    CRMD_PLV,
    CRMD_WE,
    CSR_ASID,
    CSR_BADI,
    CSR_BADV,
    CSR_CNTC,
    CSR_CRMD,
    CSR_DMW0,
    CSR_ECFG,
    CSR_EENTRY,
    CSR_ERA,
    CSR_ESTAT,
    CSR_GCFG,
    CSR_GCNTC,
    CSR_GINTC,
    CSR_GSTAT,
    CSR_GTLBC,
    CSR_LLBCTL,
    CSR_PGD,
    CSR_PGDH,
    CSR_PGDL,
    CSR_PRMD,
    CSR_TCFG,
    CSR_TICLR,
    CSR_TLBEHI,
    CSR_TLBRBADV,
    CSR_TLBREHI,
    CSR_TLBRENTRY,
    CSR_TLBRERA,
    CSR_TLBRPRMD,
    CSR_TVAL,
    DMW_COUNT,
    ECFG_LIE,
    ECFG_VS_SHIFT,
    ESTAT_CAUSE,
    ESTAT_ECODE_SHIFT,
    ESTAT_ESUBCODE_SHIFT,
    ESTAT_IS,
    ESTAT_IS_HARD,
    ESTAT_IS_HWI,
    GCFG_TOE,
    GINTC_PIP_SHIFT,
    GINTC_VIP,
    GSTAT_PVM,
    GSTAT_VM,
    GTLBC_GMTLBNUM,
    INT_TI,
    INTERRUPT_NAMES,
    LLBCTL_KLO,
    LLBCTL_WCLLB,
    PA_MASK,
    PRMD_PIE,
    PRMD_PWE,
    TICLR_CLR,
    TLB_ENTRIES,
    TLBRERA_ISTLBR,
    TLBRPRMD_PGM,
    TLBRPRMD_PWE,
    VPPN_MASK,
    CsrFile,
    sext32,
)
from lacosim.iss.errors import (
    ECODE_ADE,
    ECODE_ALE,
    ECODE_GCM,
    ECODE_INE,
    ECODE_TLBR,
    ESUBCODE_ADEF,
    ESUBCODE_GCHC,
    TLB_ECODES,
    AsyncInputError,
    IdleForever,
    IdleWakeError,
    IllegalInstruction,
    InterruptMismatch,
    IssError,
    MaxInstructionsExceeded,
    MisalignedAccess,
    PowerOff,
    Resync,
    TlbFillIndexError,
    Trap,
    UnhandledException,
)
from lacosim.iss.hart import Handler
from lacosim.iss.memory import SIZE_MASKS, Memory
from lacosim.iss.semantics import (
    MEM_AMO,
    MEM_IOCSR_LOAD,
    MEM_IOCSR_STORE,
    MEM_LL,
    MEM_LOAD,
    MEM_NONE,
    MEM_PHYS_LOAD,
    MEM_SC,
    MEM_STORE,
)
from lacosim.iss.state import CoreState
from lacosim.iss.timer import StableTimer
from lacosim.iss.tlb import FETCH, LOAD, STORE, Tlb

M64 = (1 << 64) - 1
HISTORY_LENGTH = 16
RUN_CHUNK = 4096  # instructions between updates of `retired` in run()
NEVER = 1 << 62  # a `retired` count no run reaches
IOCSR_LINES = ESTAT_IS_HARD & ~((1 << INT_TI) | (1 << 10))  # IPI and HWI0-7: what the IOCSR block drives
READS = frozenset({MEM_LOAD, MEM_LL, MEM_AMO, MEM_IOCSR_LOAD})
WRITES = frozenset({MEM_STORE, MEM_AMO, MEM_IOCSR_STORE})
IOCSR_KINDS = frozenset({MEM_IOCSR_LOAD, MEM_IOCSR_STORE})
GUEST_CONTEXT = "guest"  # first element of a guest-mode translation-cache key
TI_BIT = 1 << INT_TI

# what `_service` found
RUNNING, TOOK_INTERRUPT, BLOCKED = range(3)


class Translation(NamedTuple):
    """Everything `step` needs about the instruction at one pc, built once."""
    handler: Handler
    word: int
    pa: int  # where the word was fetched from
    rd: int  # destination GPR or 0
    mem_kind: int  # semantics.MEM_*
    mem_size: int
    mem_base: int
    mem_index: int
    mem_imm: int
    mem_data: int
    plain: bool = False  # lockstep's batch path may run it (lacosim.iss.lockstep)
    tid: int = 0  # its row in lockstep.TABLE (the record's static fields)
    memflags: int = 0  # the trace's mem_re/mem_we/mem_size flag bits (sc: as if it stored)


class CodeContext:
    """Translated code valid under one fetch-translation context, keyed by virtual pc."""

    def __init__(self) -> None:
        self.code: dict[int, Handler] = {}
        self.translations: dict[int, Translation] = {}
        self.plain: dict[int, tuple] = {}  # pc -> lockstep.run_plain's unpacked form of a plain translation
        self.through_tlb: dict[int, set[int]] = {}  # TLB entry index -> pcs fetched through it

    def drop(self, pcs: set[int]) -> None:
        for pc in pcs:
            self.code.pop(pc, None)
            self.translations.pop(pc, None)
            self.plain.pop(pc, None)


class Iss(CoreState):
    def __init__(self, memory: Memory | None = None, core_id: int = 0, entry: int = 0,
                 symbolize: Callable[[int, bool], str] | None = None, lockstep: bool = False) -> None:
        super().__init__(core_id, entry)
        self.memory = memory if memory is not None else Memory()
        self.symbolize = symbolize
        self.lockstep = lockstep
        self.halt_without_handler = True  # EENTRY = 0 at a trap: stop with an IssError (see module doc)
        self.may_block = False  # standalone with other cores: idle with nothing pending waits instead of failing
        self.retired = 0
        self.timer = StableTimer()
        # LVZ (design.md 12): `csr` is the bank of the executing mode; the root bank also holds the LVZ CSRs
        self.root_csr = self.csr
        self.guest_csr = CsrFile(core_id, guest=True)
        self.guest_timer = StableTimer()
        self.vm = 0  # GSTAT.VM, mirrored here for the closures and the record
        self._idle_ticks = 0
        self._chunk_iter: object | None = None  # the running chunk's iterator (counter_now inside run())
        self._chunk_end = 0
        self.stable_counter: Callable[[], int] = self.counter_now  # standalone rdtime source
        self.idle_halted = False
        self._woken = False
        self._idle_is_seen = 0  # lockstep: ESTAT.IS bits that were 1 while the core slept in idle
        self._async_value: int | None = None
        self._last_counter = 0
        self._service_at = 0  # `retired` count at which the async inputs need a look
        self.tlb = Tlb(core_id)
        self._tlbfill_index: int | None = None
        self._asids = {id(self.root_csr): 0, id(self.guest_csr): 0}  # ASID.ASID of each bank as the cache saw it
        self._data_pa = 0  # physical address of the last translated data access (slow path)
        self._phys_access = -1  # lddir/ldpte: the physical address they read, or -1
        self._contexts: dict[Hashable, CodeContext] = {}
        self._aliases: dict[int, set[int]] = {}  # physical pc -> virtual pcs translated from it
        self._ctx = CodeContext()
        self.fast_ram_size = 0
        self._update_context()
        self.memory.code_droppers.append(self._drop_code)
        self.memory.iocsr.ensure_cores(core_id + 1)
        if not lockstep:
            self.memory.iocsr.line_sinks[core_id] = self._set_iocsr_lines
        self._install_csr_hooks(self.root_csr, self.timer)
        self._install_csr_hooks(self.guest_csr, self.guest_timer)
        self._install_lvz_hooks()
        self.recent_pcs: list[int] = []  # filled by run()'s last HISTORY_LENGTH steps
        self.last_pc = self.last_insn = self.last_rd = self.last_rd_value = 0
        self.last_mem_re = self.last_mem_we = self.last_mem_addr = self.last_mem_size = self.last_mem_wdata = 0
        self.last_mem_pa = self.last_pc_pa = self.last_fetch_fault = 0
        self.last_plv = self.last_ie = self.last_guest = 0
        self._phys_pa = 0
        self._extras = True
        self._clear_extras()

    @classmethod
    def from_elf(cls, image: ElfImage, memory: Memory | None = None, core_id: int = 0,
                 lockstep: bool = False) -> Iss:
        """A core at the image's entry; a new Memory loaded with the image unless one (already loaded) is given."""
        if memory is None:
            memory = Memory()
            memory.load_image(image)
        return cls(memory, core_id, image.entry, image.symbolize, lockstep)

    @property
    def uart_output(self) -> bytes:
        return self.memory.uart_output

    @property
    def powered_off(self) -> bool:
        return self.memory.powered_off

    @property
    def llbit(self) -> bool:
        return self.core_id in self.memory.reservations

    # --- address translation and the translation cache -----------------------------------------------
    def fetch_pa(self, va: int) -> int:
        if self.vm:
            return mmu.guest_translate(self.csr.values, self.root_csr.values, self.tlb, va, FETCH)[0]
        return mmu.fetch_pa(self.csr.values, self.tlb, va)

    def data_pa(self, va: int, access: int = LOAD) -> int:
        """The PA of a data access (LOAD or STORE kind), or its Trap (ADEM, TLB); remembered for the record."""
        if self.vm:
            pa = self._data_pa = mmu.guest_translate(self.csr.values, self.root_csr.values, self.tlb, va, access)[0]
            return pa
        pa = self._data_pa = mmu.data_pa(self.csr.values, self.tlb, va, access)
        return pa

    def data_load(self, va: int, size_log2: int, signed: bool = False, access: int = LOAD) -> int:
        """A data load through translation (the closures' slow path): ALE, ADEM/TLB, then the physical
        access. `access` = STORE for the load half of an am* (design.md 9.2: am* translate as stores)."""
        if va & ((1 << size_log2) - 1):
            raise Trap(ECODE_ALE, 0, va, f"{1 << size_log2}-byte load from {va:#x}")
        pa = self.data_pa(va, access) if self.vm else mmu.data_pa(self.csr.values, self.tlb, va, access)
        self._data_pa = pa
        return self.memory.load(pa, size_log2, signed)

    def data_store(self, va: int, size_log2: int, value: int) -> None:
        if va & ((1 << size_log2) - 1):
            raise Trap(ECODE_ALE, 0, va, f"{1 << size_log2}-byte store to {va:#x}")
        pa = self.data_pa(va, STORE) if self.vm else mmu.data_pa(self.csr.values, self.tlb, va, STORE)
        self._data_pa = pa
        self.memory.store(pa, size_log2, value, self.core_id)

    def phys_load(self, pa: int) -> int:
        """lddir/ldpte: an 8-byte physical read (no translation), recorded as the instruction's access. In
        guest mode the address is a GPA and goes through stage 2 (design.md 12.6 [ours])."""
        self._phys_access = pa
        if self.vm:
            pa = mmu.guest_translate({CSR_CRMD: CRMD_DA}, self.root_csr.values, self.tlb, pa, LOAD)[0]
        self._phys_pa = pa
        return self.memory.load(pa, 3)

    def _update_context(self) -> None:
        """Select the translation cache of the current fetch context (after CRMD/DMW changes, traps, ertn).
        In DA mode the closures' RAM fast path is valid (VA = PA below the RAM size); in PG mode every data
        access takes the translating slow path."""
        values = self.csr.values
        key = mmu.fetch_context(values)
        if self.vm:  # guest code: per GID (its stage 2), never the DA fast path (every access has a stage 2)
            key = (GUEST_CONTEXT, mmu.guest_gid(self.root_csr.values), key)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = self._contexts[key] = CodeContext()
        self._ctx = ctx
        self.fast_ram_size = self.memory.ram_size if mmu.is_direct(values) and not self.vm else 0

    def next_pc_handler(self, next_pc: int) -> Handler:
        return lambda: next_pc

    def trap_handler(self, trap: Trap) -> Handler:
        def h() -> int:
            # the same Trap is raised every time the word executes: without clearing its traceback each
            # raise would chain onto the last one and a program looping through exceptions grows without
            # bound (issue 11: 12 GB in 8 minutes)
            raise trap.with_traceback(None)
        return h

    def _translate(self, pc: int) -> Handler:
        if self.vm:  # filed under both stages' entries (a stage-1 entry, if any, is filed below)
            pa, stage1, tlb_index = mmu.guest_translate(self.csr.values, self.root_csr.values, self.tlb, pc, FETCH)
            if stage1 >= 0:
                self._ctx.through_tlb.setdefault(stage1, set()).add(pc)
        else:
            pa, tlb_index = mmu.fetch_translate(self.csr.values, self.tlb, pc)
        word = self.memory.fetch(pa)
        decoded = decode(word)
        handler = semantics.factory_for(decoded)(self, pc, decoded.fields if decoded else {})
        access = semantics.access_info(decoded)
        rd = semantics.destination_register(decoded)
        memflags = lockstep.mem_flags(access.kind, access.size_log2)
        tid = lockstep.TABLE.add(pc, word, pa, rd, memflags) if self.lockstep else 0
        ctx = self._ctx
        ctx.translations[pc] = Translation(handler, word, pa, rd, *access, lockstep.is_plain(decoded, access.kind),
                                           tid, memflags)
        ctx.code[pc] = handler
        if pa != pc:
            self._aliases.setdefault(pa, set()).add(pc)
        if tlb_index >= 0:
            ctx.through_tlb.setdefault(tlb_index, set()).add(pc)
        return handler

    def _translation_at(self, pc: int) -> Translation:
        t = self._ctx.translations.get(pc)
        if t is None:
            self._translate(pc)
            t = self._ctx.translations[pc]
        return t

    def _drop_code(self, pa: int) -> None:
        """Memory: the instruction at physical `pa` changed; forget every translation of it."""
        pcs = {pa} | self._aliases.pop(pa, set())
        for ctx in self._contexts.values():
            ctx.drop(pcs)

    def tlb_changed(self, indices: list[int] | None = None) -> None:
        """The TLB entries `indices` changed (None: the ASID changed, so any of them may translate
        differently): forget the code fetched through them, in every context. Code fetched in DA mode or
        through a window does not depend on the TLB and stays."""
        for ctx in self._contexts.values():
            through = ctx.through_tlb
            if not through:
                continue
            for index in list(through) if indices is None else indices:
                pcs = through.pop(index, None)
                if pcs:
                    ctx.drop(pcs)

    # --- CSRs with behaviour ------------------------------------------------------------------------
    def _install_csr_hooks(self, bank: CsrFile, timer: StableTimer) -> None:
        """The hooks of one bank (root or guest: the same behaviour on each bank's own registers and timer)."""
        values = bank.values

        def read_tval() -> int:
            value = self.take_async_value(False)
            return timer.tval(self.counter_now()) if value is None else value

        def read_pgd() -> int:
            """PGDL or PGDH, chosen by bit 63 of the bad VA (TLBRBADV inside a TLB refill)."""
            bad = values[CSR_TLBRBADV] if values[CSR_TLBRERA] & TLBRERA_ISTLBR else values[CSR_BADV]
            return values[CSR_PGDH if bad >> 63 else CSR_PGDL]

        def write_tcfg(value: int) -> None:
            if not self.lockstep:
                timer.configure(values[CSR_TCFG], self.counter_now())

        def write_ticlr(value: int) -> None:
            if value & TICLR_CLR and not self.lockstep:  # in lockstep TI is a line the trace reports
                values[CSR_ESTAT] &= ~TI_BIT

        def write_asid(value: int) -> None:
            asid = values[CSR_ASID] & ASID_ASID
            if asid != self._asids[id(bank)]:
                self._asids[id(bank)] = asid
                self.tlb_changed(None)

        bank.read_hooks.update({CSR_TVAL: read_tval, CSR_LLBCTL: lambda: values[CSR_LLBCTL] | int(self.llbit),
                                CSR_PGD: read_pgd})
        bank.write_hooks.update({CSR_TCFG: write_tcfg, CSR_TICLR: write_ticlr, CSR_LLBCTL: self._write_llbctl,
                                 CSR_CRMD: self._write_translation, CSR_ASID: write_asid})
        for i in range(DMW_COUNT):
            bank.write_hooks[CSR_DMW0 + i] = self._write_translation

    def _install_lvz_hooks(self) -> None:
        hooks = self.root_csr.write_hooks
        hooks[CSR_GINTC] = lambda value: self._compose_guest_hwi()
        hooks[CSR_GTLBC] = self._write_gtlbc

    def _write_llbctl(self, value: int) -> None:
        if value & LLBCTL_WCLLB:
            self.memory.reservations.pop(self.core_id, None)

    def _write_gtlbc(self, value: int) -> None:
        """GTLBC.GMTLBNum above the TLB's 32 entries stores 32 (design.md 12.1 [ours])."""
        values = self.root_csr.values
        if values[CSR_GTLBC] & GTLBC_GMTLBNUM > TLB_ENTRIES:
            values[CSR_GTLBC] = (values[CSR_GTLBC] & ~GTLBC_GMTLBNUM) | TLB_ENTRIES

    def _write_translation(self, value: int) -> None:
        self._update_context()

    # --- LVZ: the guest's interrupt lines, mode switches ------------------------------------------------
    def _compose_guest_hwi(self) -> None:
        """Guest ESTAT.IS[9:2] = GINTC.VIP | (GINTC.PIP & physical HWI0-7), the root's IS[9:2] (design.md 12.3)."""
        gintc = self.root_csr.values[CSR_GINTC]
        hwi = (self.root_csr.values[CSR_ESTAT] & ESTAT_IS_HWI) >> 2
        lines = (gintc & GINTC_VIP) | ((gintc >> GINTC_PIP_SHIFT) & GINTC_VIP & hwi)
        gvalues = self.guest_csr.values
        gvalues[CSR_ESTAT] = (gvalues[CSR_ESTAT] & ~ESTAT_IS_HWI) | (lines << 2)

    def _enter_guest(self) -> None:
        """ertn with PVM (or TLBRPRMD[3]) set: GSTAT.VM <- 1, the guest bank executes (design.md 12.5)."""
        self.root_csr.values[CSR_GSTAT] |= GSTAT_VM
        self.vm = 1
        self.csr = self.guest_csr

    def _exit_guest(self) -> None:
        """An exit: GSTAT.VM <- 0, PVM <- 1, the root bank executes; the guest bank is untouched."""
        values = self.root_csr.values
        values[CSR_GSTAT] = (values[CSR_GSTAT] & ~GSTAT_VM) | GSTAT_PVM
        self.vm = 0
        self.csr = self.root_csr
        self._update_context()

    def rgid(self) -> int:
        """The GID of root TLB instructions (design.md 12.6): GTLBC.TGID if USETGID, else GSTAT.GID if PVM."""
        values = self.root_csr.values
        gtlbc = values[CSR_GTLBC]
        if gtlbc & (1 << 12):
            return (gtlbc >> 16) & 0xFF
        return mmu.guest_gid(values) if values[CSR_GSTAT] & GSTAT_PVM else 0

    # --- asynchronous inputs ------------------------------------------------------------------------
    def counter_now(self) -> int:
        """Standalone stable counter of the instruction executing now: retired instructions + idle ticks
        (exact inside run()'s chunks too: the chunk's iterator says how far it got)."""
        it = self._chunk_iter
        retired = self.retired if it is None else self._chunk_end - it.__length_hint__() - 1  # type: ignore[attr-defined]
        return retired + self._idle_ticks

    def set_irq_lines(self, irq: int) -> None:
        """Lockstep: an IRQ event with the trace's irq word (design.md 12.7): the root ESTAT.IS[12:2] take
        the levels of irq[12:2] (bits 1:0 are software's and ignored); the guest TI takes irq[27] (the
        guest IS[11]). The rest of the guest IS is the model's own (GINTC, the IS[12] latch, SWI)."""
        values = self.root_csr.values
        values[CSR_ESTAT] = (values[CSR_ESTAT] & ~ESTAT_IS_HARD) | (irq & ESTAT_IS_HARD)
        gvalues = self.guest_csr.values
        gvalues[CSR_ESTAT] = (gvalues[CSR_ESTAT] & ~TI_BIT) | ((irq >> 16) & TI_BIT)
        self._compose_guest_hwi()
        self._lines_changed()

    def _set_iocsr_lines(self, bits: int) -> None:
        """Standalone: the IOCSR block drives IS[12] (IPI) and IS[9:2] (HWI0-7)."""
        values = self.root_csr.values
        values[CSR_ESTAT] = (values[CSR_ESTAT] & ~IOCSR_LINES) | (bits & IOCSR_LINES)
        self._compose_guest_hwi()
        self._lines_changed()

    def _lines_changed(self) -> None:
        values = self.root_csr.values  # idle halts in root mode only (a guest idle is GSPR)
        if self.idle_halted:
            self._idle_is_seen |= values[CSR_ESTAT] & ESTAT_IS
            if values[CSR_ESTAT] & values[CSR_ECFG] & ECFG_LIE:
                self._woken = True
        self._service_at = 0

    def set_async_value(self, value: int) -> None:
        """Lockstep: the value the next asynchronous read (rdtime*, TVAL) returns, from the trace."""
        self._async_value = value & M64

    def set_tlbfill_index(self, index: int) -> None:
        """Lockstep: the entry the RTL's tlbfill chose (the trace's tlb_idx), before stepping that tlbfill."""
        self._tlbfill_index = index

    def tlbfill_index(self, first: int = 0, count: int = TLB_ENTRIES) -> int:
        """The entry a tlbfill writes, in [first, first + count) (a guest's partition, design.md 12.6): the
        trace's choice in lockstep (consumed), else first + the fill LFSR's next value mod count. In lockstep
        the model steps its own LFSR too (seeded like the RTL's: `tlb.reseed(run seed)`) and the trace's
        choice must equal it: replaying alone would hide a wrong fill rule (design.md 11.4)."""
        own = first + self.tlb.next_fill_index(count)
        if not self.lockstep:
            return own
        index = self._tlbfill_index
        if index is None:
            raise AsyncInputError("tlbfill needs the entry the RTL chose (set_tlbfill_index from the trace's "
                                  "tlb_idx) and none was given")
        if not first <= index < first + count:
            raise AsyncInputError(f"tlbfill: the RTL chose entry {index}, outside entries {first}..{first + count - 1}"
                                  f"{' (the guest partition)' if self.vm else ''}")
        self._tlbfill_index = None
        if index != own:
            raise TlbFillIndexError(f"tlbfill: the RTL filled entry {index}, the fill rule gives entry {own} "
                                    f"(design.md 9.4: 16-bit Galois LFSR, taps 0xB400, reset from tlb_seed and the "
                                    f"core number, stepped once per tlbfill; LFSR now {self.tlb.lfsr:#06x}; "
                                    f"entries {first}..{first + count - 1}"
                                    f"{' of the guest partition' if self.vm else ''})")
        return index

    def note_tlb_write(self, index: int, changed: list[int]) -> None:
        """tlbwr/tlbfill wrote entry `index`: the record's tlb fields; drop the code the change affects."""
        self.last_tlb_we = 1
        self.last_tlb_idx = index
        self._extras = True
        self.tlb_changed(changed)

    def take_async_value(self, is_counter: bool) -> int | None:
        """The trace's value for an asynchronous read (consumed), or None in a standalone run."""
        value = self._async_value
        if value is None:
            if self.lockstep:
                raise AsyncInputError("an asynchronous read (rdtime*/TVAL) needs its value from the trace "
                                      "(set_async_value) and none was given")
            return None
        self._async_value = None
        if is_counter:
            self._check_counter(value)
        return value

    def _check_counter(self, value: int) -> None:
        counter = (value - self.csr.values[CSR_CNTC] - (self.root_csr.values[CSR_GCNTC] if self.vm else 0)) & M64
        if counter < self._last_counter:
            raise AsyncInputError(f"rdtime.d: the stable counter went backwards: {counter:#x} (value {value:#x} "
                                  f"- CNTC) after {self._last_counter:#x}")
        self._last_counter = counter

    def pending_interrupts(self) -> int:
        """ESTAT.IS & ECFG.LIE of the executing bank."""
        values = self.csr.values
        return values[CSR_ESTAT] & values[CSR_ECFG] & ECFG_LIE

    def next_interrupt(self) -> tuple[int, bool]:
        """(int number, taken by the root from guest mode) of the interrupt due now, or (-1, False). In guest
        mode the root's come first (an exit), then the guest's (design.md 12.3); in root mode only the root's."""
        values = self.root_csr.values
        pending = values[CSR_ESTAT] & values[CSR_ECFG] & ECFG_LIE
        if pending and values[CSR_CRMD] & CRMD_IE:
            return pending.bit_length() - 1, bool(self.vm)
        if self.vm:
            values = self.guest_csr.values
            pending = values[CSR_ESTAT] & values[CSR_ECFG] & ECFG_LIE
            if pending and values[CSR_CRMD] & CRMD_IE:
                return pending.bit_length() - 1, False
        return -1, False

    def take_interrupt(self, intno: int) -> None:
        """Lockstep: the RTL took interrupt `intno` before the instruction at pc; check and enter it."""
        if self._extras:
            self._clear_extras()
        expected, exit_ = self.next_interrupt()
        if expected < 0 or expected != intno:
            raise InterruptMismatch(self._interrupt_mismatch(intno), self.pc, self._word_at(self.pc))
        self.idle_halted = False
        self._take_interrupt(intno, exit_)

    def _interrupt_mismatch(self, intno: int) -> str:
        name = INTERRUPT_NAMES[intno] if 0 <= intno < len(INTERRUPT_NAMES) else "?"
        banks = [("", self.root_csr.values)] + ([("guest ", self.guest_csr.values)] if self.vm else [])
        whys, states = [], []
        for which, values in banks:
            pending = values[CSR_ESTAT] & values[CSR_ECFG] & ECFG_LIE
            whys.append(f"{which}CRMD.IE = 0" if not values[CSR_CRMD] & CRMD_IE else
                        f"nothing {which}is pending and enabled" if not pending else
                        f"the highest pending and enabled {which}one is {pending.bit_length() - 1} "
                        f"({INTERRUPT_NAMES[pending.bit_length() - 1]})")
            states.append(f"{which}CRMD = {values[CSR_CRMD]:#x}, {which}ESTAT.IS = {values[CSR_ESTAT] & 0x1FFF:#06x}, "
                          f"{which}ECFG.LIE = {values[CSR_ECFG] & ECFG_LIE:#06x}, pending & enabled = {pending:#06x}")
        mode = " (guest mode: the root's interrupts first)" if self.vm else ""
        return (f"the RTL took interrupt {intno} ({name}) at {self.describe(self.pc)}{mode} but {'; '.join(whys)}: "
                f"model {'; '.join(states)}")

    # --- what privileged instructions call ------------------------------------------------------------
    def note_csr_write(self, num: int, written: int) -> None:
        self.last_csr_we = 1
        self.last_csr_num = num
        self.last_csr_wdata = written
        self._extras = True

    def note_gcsr_write(self, num: int, written: int) -> None:
        """A write to the guest bank (guest-mode csr*, root gcsr*): the record's gcsr flag (design.md 12.7)."""
        self.note_csr_write(num, written)
        self.last_gcsr = 1

    def note_rd2(self, reg: int, value: int) -> None:
        self.last_rd2 = reg
        self.last_rd2_value = value
        self._extras = True

    def request_service(self) -> None:
        """The next instruction boundary must look at interrupts and the timer again."""
        self._service_at = 0

    def exception_return(self) -> int:
        """ertn (spec-la64-lvz.md 2.3): restore CRMD from TLBRPRMD (IsTLBR) or PRMD; returns the target pc."""
        values = self.csr.values
        crmd = values[CSR_CRMD] & ~(CRMD_PLV | CRMD_IE | CRMD_WE)
        if values[CSR_TLBRERA] & TLBRERA_ISTLBR:
            saved = values[CSR_TLBRPRMD]
            crmd = (crmd | (saved & (CRMD_PLV | CRMD_IE)) | (CRMD_WE if saved & TLBRPRMD_PWE else 0)) & ~CRMD_DA
            values[CSR_CRMD] = crmd | CRMD_PG
            values[CSR_TLBRERA] &= ~TLBRERA_ISTLBR
            target = values[CSR_TLBRERA] & ~3
            to_guest = saved & TLBRPRMD_PGM  # a refill taken from guest mode returns there (design.md 12.5)
        else:
            saved = values[CSR_PRMD]
            values[CSR_CRMD] = crmd | (saved & (CRMD_PLV | PRMD_PIE)) | (CRMD_WE if saved & PRMD_PWE else 0)
            target = values[CSR_ERA]
            to_guest = self.root_csr.values[CSR_GSTAT] & GSTAT_PVM  # VM <- PVM
        if values[CSR_LLBCTL] & LLBCTL_KLO:  # the executing bank's KLO; one LL bit per core
            values[CSR_LLBCTL] &= ~LLBCTL_KLO
        else:
            self.memory.reservations.pop(self.core_id, None)
        if to_guest and not self.vm:
            self._enter_guest()
        self.last_ertn = 1
        self._extras = True
        self._update_context()
        self._service_at = 0
        return target

    @property
    def sleeping(self) -> bool:
        """The core waits in `idle` and nothing pending and enabled has woken it yet (functional coverage)."""
        return self.idle_halted and not self._woken

    def enter_idle(self) -> None:
        self.idle_halted = True
        self._woken = bool(self.pending_interrupts())
        self._idle_is_seen = self.csr.values[CSR_ESTAT] & ESTAT_IS
        self._service_at = 0

    # --- the one point where exceptions are taken -----------------------------------------------------
    def _take_trap(self, trap: Trap, pc: int) -> None:
        """Enter the general exception handler for `trap` raised by the instruction at pc (spec 2.3), or the
        TLB refill handler (design.md 9.3). BADV is written for the address exceptions (ADEF: the pc; ADEM,
        ALE, BCE, PIL..PPI), TLBEHI.VPPN for PIL..PPI, BADI for every one not raised by the fetch (a fetch
        fault's word was never fetched)."""
        fetch_fault = trap.fetch or (trap.ecode == ECODE_ADE and trap.subcode == ESUBCODE_ADEF)
        fetched = None if fetch_fault else self._fetched_at(pc)
        word = None if fetched is None else fetched[0]
        exit_ = False
        if self.vm:  # an exit (design.md 12.5), or an exception the guest takes itself unless GCFG.TOE
            exit_ = trap.to_root
            if not exit_ and self.root_csr.values[CSR_GCFG] & GCFG_TOE:
                trap = Trap(ECODE_GCM, ESUBCODE_GCHC, None, f"GCFG.TOE: the guest would take {trap}", trap.fetch, True)
                exit_ = True
            if exit_:
                if self.halt_without_handler and self.root_csr.values[
                        CSR_TLBRENTRY if trap.ecode == ECODE_TLBR else CSR_EENTRY] == 0:
                    raise self._unhandled(trap, pc, word)
                self._exit_guest()
        values = self.csr.values
        if trap.ecode == ECODE_TLBR:
            self._take_refill(trap, pc, word, exit_)
        else:
            if self.halt_without_handler and values[CSR_EENTRY] == 0:
                raise self._unhandled(trap, pc, word)
            values[CSR_ERA] = pc
            if trap.badv is not None:
                values[CSR_BADV] = trap.badv & M64
                if trap.ecode in TLB_ECODES:
                    self.csr.write(CSR_TLBEHI, trap.badv)  # VPPN <- VA[47:13], [63:48] its sign extension
            if word is not None and not (trap.ecode == ECODE_GCM and trap.subcode == ESUBCODE_GCHC):
                values[CSR_BADI] = sext32(word)  # (the manual: BADI is not written by GCHC)
            self._enter_handler(trap.ecode, trap.subcode, trap.ecode)
        self._record_trap(pc, word or 0, trap.ecode, trap.subcode, -1)
        self.last_pc_pa = 0 if fetched is None else fetched[1]
        self.last_fetch_fault = int(fetch_fault)
        self.last_exit = int(exit_)

    def _take_refill(self, trap: Trap, pc: int, word: int | None, exit_: bool = False) -> None:
        """TLB refill entry (design.md 9.3): ESTAT, ERA, BADV and PRMD stay untouched. A stage-2 refill (an
        exit) saves the guest mode in TLBRPRMD[3] and the GPA in TLBRBADV/TLBREHI (design.md 12.5)."""
        values = self.csr.values
        if self.halt_without_handler and values[CSR_TLBRENTRY] == 0:
            raise UnhandledException(f"{trap} at {self.describe(pc, word)} (no refill handler: TLBRENTRY = 0)",
                                     pc, word)
        va = trap.badv & M64 if trap.badv is not None else pc
        crmd = values[CSR_CRMD]
        values[CSR_TLBRPRMD] = (crmd & (CRMD_PLV | CRMD_IE)) | (TLBRPRMD_PWE if crmd & CRMD_WE else 0) \
            | (TLBRPRMD_PGM if exit_ else 0)
        values[CSR_CRMD] = (crmd & ~(CRMD_PLV | CRMD_IE | CRMD_WE | CRMD_PG)) | CRMD_DA
        values[CSR_TLBRERA] = (pc & ~3 & M64) | TLBRERA_ISTLBR
        values[CSR_TLBRBADV] = va
        values[CSR_TLBREHI] = (values[CSR_TLBREHI] & ~VPPN_MASK) | (va & VPPN_MASK)
        self.pc = values[CSR_TLBRENTRY]
        self._update_context()

    def _take_interrupt(self, intno: int, exit_: bool = False) -> None:
        """Enter the handler of interrupt intno: the executing bank's, or the root's (an exit) from guest mode."""
        pc = self.pc
        word = self._word_at(pc)
        crmd = self.csr.values[CSR_CRMD]
        self.last_plv, self.last_ie, self.last_guest = crmd & CRMD_PLV, (crmd >> 2) & 1, self.vm
        values = self.root_csr.values if exit_ else self.csr.values
        if self.halt_without_handler and values[CSR_EENTRY] == 0:
            raise UnhandledException(f"interrupt {intno} ({INTERRUPT_NAMES[intno]}) with no handler (EENTRY = 0) "
                                     f"before {self.describe(pc)}", pc)
        if exit_:
            self._exit_guest()
        values[CSR_ERA] = pc
        self._enter_handler(0, 0, 64 + intno)
        self._record_trap(pc, word or 0, 0, 0, intno)
        self.last_exit = int(exit_)

    def _enter_handler(self, ecode: int, esubcode: int, vector: int) -> None:
        values = self.csr.values
        crmd = values[CSR_CRMD]
        values[CSR_PRMD] = (crmd & (CRMD_PLV | CRMD_IE)) | (PRMD_PWE if crmd & CRMD_WE else 0)
        values[CSR_CRMD] = crmd & ~(CRMD_PLV | CRMD_IE | CRMD_WE)
        values[CSR_ESTAT] = (values[CSR_ESTAT] & ~ESTAT_CAUSE) | (ecode << ESTAT_ECODE_SHIFT) \
            | (esubcode << ESTAT_ESUBCODE_SHIFT)
        vs = (values[CSR_ECFG] >> ECFG_VS_SHIFT) & 7
        self.pc = (values[CSR_EENTRY] + (vector << (vs + 2))) & M64 if vs else values[CSR_EENTRY]
        if crmd & CRMD_PLV:
            self._update_context()

    def _unhandled(self, trap: Trap, pc: int, word: int | None) -> IssError:
        where = self.describe(pc, word)
        if trap.ecode == ECODE_INE:
            return IllegalInstruction(f"illegal instruction ({trap.why}) at {where}", pc, word)
        if trap.ecode == ECODE_ALE or (trap.ecode == ECODE_ADE and trap.subcode == ESUBCODE_ADEF and pc & 3):
            return MisalignedAccess(f"misaligned access ({trap}) at {where}", pc, word)
        return UnhandledException(f"exception {trap} at {where} (no handler: EENTRY = 0)", pc, word)

    def _word_at(self, pc: int) -> int | None:
        fetched = self._fetched_at(pc)
        return None if fetched is None else fetched[0]

    def _fetched_at(self, pc: int) -> tuple[int, int] | None:
        """(word, PA) of the instruction at pc in the current context, None if it cannot be fetched."""
        t = self._ctx.translations.get(pc)
        if t is not None:
            return t.word, t.pa
        try:
            pa = self.fetch_pa(pc)
            return self.memory.fetch(pa), pa
        except (Trap, IssError):
            return None

    def describe(self, pc: int, word: int | None = None) -> str:
        """'pc 0x200010 <main+0x8>: 02800c04  addi.w $a0, $zero, 3' for messages and traces."""
        # a guest-mode PC is named from the guest kernel's ELF (ElfImage.symbolize's guest flag)
        symbolize = (lambda a: self.symbolize(a, self.vm)) if self.symbolize else None
        sym = symbolize(pc) if symbolize else ""
        text = f"pc {pc:#x}" + (f" <{sym}>" if sym else "")
        if word is None:
            return text
        return f"{text}: {word:08x}  {disassemble(word, pc, symbolize)}"

    def _add_context(self, err: IssError, pc: int) -> IssError:
        if err.pc is None:
            err.pc = pc
            err.word = self._word_at(pc)
            err.args = (f"{err.args[0]} at {self.describe(pc, err.word)}",)
        return err

    # --- interrupts, timer and idle at an instruction boundary ------------------------------------------
    def _service(self) -> int:
        """Called when `retired` reaches `_service_at`: RUNNING, TOOK_INTERRUPT or BLOCKED (idle, nothing
        to wake it yet, other cores may)."""
        self._service_at = NEVER
        if self.lockstep:
            if self.idle_halted:
                self._leave_idle_lockstep()
            return RUNNING
        now = self.counter_now()
        if self.timer.expire(now):
            self.root_csr.values[CSR_ESTAT] |= TI_BIT
        guest_timer = self.guest_timer
        if guest_timer.next_expiry is not None and guest_timer.expire(now):
            self.guest_csr.values[CSR_ESTAT] |= TI_BIT  # the guest's TI, in either mode (design.md 12.3)
        if self.idle_halted and not self._wake_from_idle():
            self._service_at = 0
            return BLOCKED
        status = RUNNING
        intno, exit_ = self.next_interrupt()
        if intno >= 0:
            self._take_interrupt(intno, exit_)
            status = TOOK_INTERRUPT
        for expiry in (self.timer.next_expiry, guest_timer.next_expiry):
            if expiry is not None:
                self._service_at = min(self._service_at, expiry - self._idle_ticks)
        return status

    def _wake_from_idle(self) -> bool:
        """Standalone idle (architecture.md 4.6): wake when IS & LIE != 0; with nothing pending, let time
        pass up to the timer's expiry if TI could wake the core."""
        if not self.pending_interrupts():
            expiry = self.timer.next_expiry
            if expiry is None or not self.csr.values[CSR_ECFG] >> INT_TI & 1:
                if self.may_block:
                    return False
                raise IdleForever(f"idle at {self.describe(self.pc - 4)} with nothing that can wake the core: "
                                  f"ECFG.LIE = {self.csr.values[CSR_ECFG] & ECFG_LIE:#06x}, timer "
                                  f"{'stopped' if expiry is None else 'running'}", self.pc - 4)
            self._idle_ticks += max(0, expiry - self.counter_now())
            self.timer.expire(self.counter_now())
            self.csr.values[CSR_ESTAT] |= TI_BIT
        self.idle_halted = False
        return True

    def _leave_idle_lockstep(self) -> None:
        if not self._woken:
            is_bits, lie = self.csr.values[CSR_ESTAT] & ESTAT_IS, self.csr.values[CSR_ECFG] & ECFG_LIE
            raise IdleWakeError(f"the RTL retired an instruction after idle ({self.describe(self.pc - 4)}) but "
                                f"the model never saw ESTAT.IS & ECFG.LIE != 0 since (IS = {is_bits:#06x}, "
                                f"LIE = {lie:#06x})", self.pc, self.pc - 4, is_bits, lie, self._idle_is_seen)
        self.idle_halted = False

    # --- lockstep: one record, effects recorded ---------------------------------------------------------
    def step(self) -> bool:
        """One record: an interrupt (standalone only), an exception, or a retired instruction. False (and
        no record) only when a standalone core with `may_block` waits in idle for another core."""
        if self._extras:
            self._clear_extras()
        if self.retired >= self._service_at:
            status = self._service()
            if status == TOOK_INTERRUPT:
                return True
            if status == BLOCKED:
                return False
        pc = self.pc
        crmd = self.csr.values[CSR_CRMD]
        self.last_plv = crmd & CRMD_PLV
        self.last_ie = (crmd >> 2) & 1
        self.last_guest = self.vm
        try:
            t = self._translation_at(pc)
        except Trap as trap:
            self._trap_step(trap, pc)
            return True
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
        except Resync as sync:
            next_pc = sync.next_pc
        except PowerOff:
            next_pc = (pc + 4) & M64
        except Trap as trap:
            self._trap_step(trap, pc)
            return True
        except IssError as err:
            raise self._add_context(err, pc) from None
        self.pc = next_pc
        self.retired += 1
        self._record(pc, t, kind, addr, wdata, sc_will_store)
        return True

    def _trap_step(self, trap: Trap, pc: int) -> None:
        self._take_trap(trap, pc)
        self.retired += 1

    def _record(self, pc: int, t: Translation, kind: int, addr: int, wdata: int, sc_stored: bool) -> None:
        self.last_pc = pc
        self.last_insn = t.word
        self.last_pc_pa = t.pa
        self.last_rd = t.rd
        self.last_rd_value = self.regs[t.rd] if t.rd else 0
        if kind == MEM_NONE or (kind == MEM_PHYS_LOAD and self._phys_access < 0):
            self.last_mem_re = self.last_mem_we = self.last_mem_addr = self.last_mem_size = self.last_mem_wdata = 0
            self.last_mem_pa = 0
            return
        if kind == MEM_PHYS_LOAD:  # lddir/ldpte: the trace's address is the physical one (design.md 9.4)
            self.last_mem_re, self.last_mem_we, self.last_mem_size, self.last_mem_wdata = 1, 0, 3, 0
            self.last_mem_addr, self.last_mem_pa = self._phys_access, self._phys_pa  # (a guest's: GPA, HPA)
            return
        reads = kind in READS
        writes = kind in WRITES or (kind == MEM_SC and sc_stored)
        if kind in IOCSR_KINDS:
            addr &= 0xFFFF_FFFF
            self.last_iocsr = 1
            self._extras = True
            pa = addr
        else:
            pa = addr & PA_MASK if self.fast_ram_size else self._data_pa  # DA mode: the fast path skips it
        self.last_mem_re = int(reads)
        self.last_mem_we = int(writes)
        self.last_mem_addr = addr if reads or writes else 0
        self.last_mem_pa = pa if reads or writes else 0
        self.last_mem_size = t.mem_size if reads or writes else 0
        if kind == MEM_AMO:
            wdata = self.memory.load(pa, t.mem_size)
        self.last_mem_wdata = wdata if writes else 0

    def _record_trap(self, pc: int, word: int, ecode: int, esubcode: int, intno: int) -> None:
        """The record of an exception (intno < 0) or an interrupt: no GPR, memory or CSR effects."""
        self.last_pc = pc
        self.last_insn = word
        self.last_pc_pa = self.last_fetch_fault = 0
        self.last_rd = self.last_rd_value = self.last_rd2 = self.last_rd2_value = 0
        self.last_mem_re = self.last_mem_we = self.last_mem_addr = self.last_mem_size = self.last_mem_wdata = 0
        self.last_mem_pa = 0
        self.last_csr_we = self.last_csr_num = self.last_csr_wdata = self.last_iocsr = self.last_ertn = 0
        self.last_tlb_we = self.last_tlb_idx = self.last_gcsr = self.last_exit = 0
        self.last_trap = 1
        self.last_trap_int = int(intno >= 0)
        self.last_trap_ecode = ecode
        self.last_trap_esubcode = esubcode
        self.last_trap_intno = max(intno, 0)
        self._extras = True

    def _clear_extras(self) -> None:
        """Reset the record fields most instructions leave alone (set only by those that have them)."""
        self.last_csr_we = self.last_csr_num = self.last_csr_wdata = 0
        self.last_rd2 = self.last_rd2_value = 0
        self.last_trap = self.last_trap_int = self.last_trap_ecode = self.last_trap_esubcode = 0
        self.last_trap_intno = self.last_ertn = self.last_iocsr = 0
        self.last_tlb_we = self.last_tlb_idx = self.last_fetch_fault = 0
        self.last_gcsr = self.last_exit = 0
        self._extras = False

    # --- standalone: full speed -----------------------------------------------------------------------
    def run(self, max_insns: int) -> int:
        """Run until power-off; returns the instructions retired by this call."""
        start = self.retired
        self.run_for(max(0, max_insns - HISTORY_LENGTH))
        self.recent_pcs = []
        while not self.powered_off and self.retired - start < max_insns:
            self.recent_pcs.append(self.pc)
            self.step()
        if not self.powered_off:
            raise MaxInstructionsExceeded(self._budget_message(max_insns), self.pc)
        return self.retired - start

    def run_for(self, budget: int) -> int:
        """Execute up to `budget` instructions at full speed; stops early at power-off or, with may_block,
        when the core waits in idle. Returns the instructions retired."""
        start = self.retired
        while self.retired - start < budget and not self.powered_off:
            if self.retired >= self._service_at and self._service() == BLOCKED:
                break
            self._run_chunk(min(budget - (self.retired - start), RUN_CHUNK, max(1, self._service_at - self.retired)))
        return self.retired - start

    def _run_chunk(self, chunk: int) -> None:
        """Up to `chunk` instructions with no check between them; `retired` is exact afterwards."""
        code = self._ctx.code
        translate = self._translate
        pc = self.pc
        it = iter(range(chunk))
        self._chunk_iter, self._chunk_end = it, self.retired + chunk
        done = 0
        try:
            for done in it:  # noqa: B007  (counts retired instructions if the loop stops early)
                handler = code.get(pc)
                if handler is None:
                    handler = translate(pc)
                pc = handler()
            else:
                done = chunk
        except Resync as sync:
            pc, done = sync.next_pc, done + 1
        except PowerOff:
            pc, done = (pc + 4) & M64, done + 1
        except Trap as trap:
            self._chunk_iter = None
            self.pc, self.retired = pc, self.retired + done
            self._trap_step(trap, pc)
            return
        except IssError as err:
            self._chunk_iter = None
            self.pc, self.retired = pc, self.retired + done
            raise self._add_context(err, pc) from None
        self._chunk_iter = None
        self.pc, self.retired = pc, self.retired + done

    def _budget_message(self, max_insns: int) -> str:
        lines = [f"no power-off within {max_insns} instructions; the last {len(self.recent_pcs)} retired:"]
        lines += ["  " + self.describe(pc, self._word_at(pc)) for pc in self.recent_pcs[-HISTORY_LENGTH:]]
        lines.append(f"next: {self.describe(self.pc)}")
        return "\n".join(lines)


def new_machine(image: ElfImage, cores: int = 1, memory: Memory | None = None, lockstep: bool = False) -> list[Iss]:
    """`cores` ISS instances sharing one memory loaded with the image, all starting at the entry."""
    if memory is None:
        memory = Memory()
        memory.load_image(image)
    memory.iocsr.ensure_cores(cores)
    harts = [Iss(memory, core_id, image.entry, image.symbolize, lockstep) for core_id in range(cores)]
    for hart in harts:
        hart.may_block = cores > 1
    return harts


__all__ = ["Iss", "Translation", "new_machine"]
