"""Virtual IPI scoreboard (T8 iocsr_guest_ipi_virt; docs/design.md 13.11), from the retirement trace alone.

The guest's iocsrrd/iocsrwr exit with GSPR; the hypervisor emulates those of 0x1000-0x104f against the vCPU's
virtual IPI block (sw/hv/vipi.c, KVM intc/ipi.c). VipiModel is that block, per core (one pinned vCPU per core),
fed with each exit's address and value (the GPR shadow at the exit) at the exit's cycle. Checks (check "vipi"):
- isolation (hvisor #202): between a guest IOCSR exit and its re-entry the root touches the physical IPI block
  (IOCSR 0x1000-0x10ff, 0x1158) only with the doorbell of another core (IPI_SEND, vector DOORBELL_VECTOR);
- every emulated iocsrrd of the block returns the model's value, sign-extended from its width (PR #304's review);
- at the re-entry after a guest write that changed its own STATUS, guest ESTAT.IS[12] (irq word bit 28) = STATUS
  != 0 (IS[12] = 1 at the first guest cycle after the IPI_SEND exit's ertn, 0 after CLEAR);
- a send that raises another running vCPU's STATUS from 0 is doorbelled (IPI_SEND of DOORBELL_VECTOR to that
  core) before the sender re-enters, and that core re-enters from the doorbell's INT exit with IS[12] = 1;
- a pending, enabled guest IPI is taken within L_EXC (GuestIrqTracker).
VipiChecker holds the logic (fed record dicts), VipiScoreboard is the pyuvm subscriber.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.coverage import Coverage
from lacosim.env.failures import FailureLog
from lacosim.env.guest_exit_scoreboard import IOCSR, IOCSR_MASK
from lacosim.env.guest_irq import GuestIrqTracker
from lacosim.env.ipi_model import L_EXC

CHECK = "vipi"
DOORBELL_VECTOR = 7                       # sw/hv/hv.h HV_DOORBELL_VECTOR
VIPI_BASE, VIPI_END = 0x1000, 0x1050      # the emulated window (vipi.c)
STATUS, EN, SET, CLEAR, BUF, IPI_SEND, MAIL_SEND = 0x00, 0x04, 0x08, 0x0C, 0x20, 0x40, 0x48
IS_IPI = 12
M64 = (1 << 64) - 1


def physical_ipi(addr: int) -> bool:
    """An IOCSR address of the physical IPI block (STATUS..MAIL_SEND and ANY_SEND)."""
    return 0x1000 <= addr < 0x1100 or addr == 0x1158


def sext(value: int, size: int) -> int:
    value &= (1 << (8 * size)) - 1
    if size < 8 and value >> (8 * size - 1) & 1:
        value -= 1 << (8 * size)
    return value & M64


@dataclass
class VBlock:
    status: int = 0
    en: int = 0
    buf: bytearray = field(default_factory=lambda: bytearray(32))

    def word(self, off: int) -> int:
        if off == STATUS:
            return self.status
        if off == EN:
            return self.en
        if BUF <= off < BUF + 32:
            return int.from_bytes(self.buf[off - BUF:off - BUF + 4], "little")
        return 0


class VipiModel:
    """sw/hv/vipi.c's semantics (design.md 13.11); `running[c]`: core c runs a vCPU (a send to it is applied)."""

    def __init__(self, cores: int) -> None:
        self.blocks = [VBlock() for _ in range(cores)]
        self.running = [False] * cores

    def read(self, core: int, off: int, size: int) -> int:
        b = self.blocks[core]
        reg = off < BUF or off >= IPI_SEND
        if off & (size - 1) or (reg and size < 4):
            return 0
        v = b.word(off & ~3)
        v = v | b.word(off + 4) << 32 if size == 8 else v >> (8 * (off & 3))
        return sext(v, size)

    def write(self, core: int, off: int, size: int, value: int) -> list[tuple[int, int, int]]:
        """Apply a guest write; returns the (core, old STATUS, new STATUS) of every STATUS it changed."""
        b = self.blocks[core]
        if off & (size - 1):
            return []
        if BUF <= off < BUF + 32:
            for i in range(size):
                b.buf[off - BUF + i] = (value >> (8 * i)) & 0xFF
            return []
        if size < 4:
            return []
        w = value & 0xFFFF_FFFF
        if off == EN:
            b.en = w
        elif off == SET:
            return self._set(core, core, w)
        elif off == CLEAR:
            old = b.status
            b.status &= ~w & 0xFFFF_FFFF
            return [(core, old, b.status)]
        elif off == IPI_SEND:
            return self._set(core, (w >> 16) & 0x3FF, 1 << (w & 31))
        elif off == MAIL_SEND and size == 8:
            target, word, keep = (value >> 16) & 0x3FF, (value >> 2) & 7, (value >> 27) & 0xF
            if target < len(self.blocks):
                buf, data = self.blocks[target].buf, (value >> 32) & 0xFFFF_FFFF
                for i in range(4):
                    if not keep >> i & 1:
                        buf[4 * word + i] = (data >> (8 * i)) & 0xFF
        return []

    def _set(self, core: int, target: int, bits: int) -> list[tuple[int, int, int]]:
        if target >= len(self.blocks) or not bits or (target != core and not self.running[target]):
            return []
        t = self.blocks[target]
        old = t.status
        t.status |= bits
        return [(target, old, t.status)]


@dataclass
class Access:
    """A guest iocsr* exit of the virtual block, as the trace shows it at the exit."""
    cycle: int
    pc: int
    insn: int
    off: int
    size: int
    write: bool
    value: int                       # the written value (a write)
    before: int = 0                  # a read: the model's value at the exit
    changes: list[tuple[int, int, int]] = field(default_factory=list)
    doorbells: set[int] = field(default_factory=set)   # cores this exit's window doorbelled


@dataclass
class CoreState:
    gprs: list[int] = field(default_factory=lambda: [0] * 32)
    guest_is: int = 0                 # guest ESTAT.IS as the last IRQ event says
    in_root: bool = False             # between an exit and the re-entry
    access: Access | None = None      # the guest iocsr exit being handled
    iocsr_exit: bool = False          # the exit being handled is a guest iocsr* (any address)
    int_exit: int | None = None       # the cycle of the INT exit being handled
    after_ertn: bool = False
    kicks: list[tuple[int, int]] = field(default_factory=list)  # (doorbell cycle, sender) raising this core


class VipiChecker:
    def __init__(self, cores: int, fail: Callable[[str, str, int, int, int, bool], None],
                 cov: Coverage | None = None) -> None:
        self.cores = [CoreState() for _ in range(cores)]
        self.model = VipiModel(cores)
        self._fail = fail
        self.cov = cov
        self.irq = GuestIrqTracker(cores, 1 << IS_IPI, L_EXC, self._taken, self._late)
        self.latencies: list[int] = []

    def _hit(self, name: str) -> None:
        if self.cov is not None:
            self.cov.hit(CHECK, name)

    def write(self, batch: np.ndarray) -> None:
        self.irq.write(batch)
        cols = {k: batch[k].tolist() for k in ("kind", "cycle", "core", "pc", "insn", "flags", "flags2", "trap", "mode",
                                               "rd", "rd_wdata", "rd2", "rd2_wdata", "mem_addr", "mem_wdata")}
        for i in range(len(cols["kind"])):
            self._record({k: v[i] for k, v in cols.items()})

    def _record(self, r: dict[str, int]) -> None:
        core = r["core"]
        st = self.cores[core]
        if r["kind"] == trace.KIND_IRQ:
            st.guest_is = (r["rd_wdata"] >> trace.IRQ_GUEST_SHIFT) & 0x1FFF
            return
        if r["kind"] != trace.KIND_RETIRE:
            return
        guest = bool(r["mode"] & trace.MODE_GUEST)
        trap = r["trap"]
        if guest:
            self.model.running[core] = True
            if st.after_ertn and st.in_root:
                self._reentry(core, st, r)
            st.after_ertn = False
            if trap & trace.TRAP_VALID and r["flags2"] & trace.FLAG2_EXIT:
                self._exit(core, st, r)
        else:
            st.after_ertn = False
            if st.in_root and r["mode"] & trace.MODE_IOCSR and r["flags"] & (trace.FLAG_MEM_WE | trace.FLAG_MEM_RE):
                self._root_iocsr(core, st, r)
            if trap & trace.TRAP_ERTN:
                st.after_ertn = True
        if r["flags"] & trace.FLAG_RD_WE:
            st.gprs[r["rd"]] = r["rd_wdata"]
        if r["flags"] & trace.FLAG_RD2_WE:
            st.gprs[r["rd2"]] = r["rd2_wdata"]
        st.gprs[0] = 0

    def _exit(self, core: int, st: CoreState, r: dict[str, int]) -> None:
        st.in_root, st.access, st.iocsr_exit, st.int_exit = True, None, False, None
        trap, insn = r["trap"], r["insn"]
        if trap & trace.TRAP_INT:
            st.int_exit = r["cycle"]
            return
        if insn & IOCSR_MASK != IOCSR:
            return
        st.iocsr_exit = True
        addr, op = st.gprs[(insn >> 5) & 31], (insn >> 10) & 7
        if not VIPI_BASE <= addr < VIPI_END:
            return
        size, write = 1 << (op & 3), op >= 4
        value = st.gprs[insn & 31] & ((1 << (8 * size)) - 1) if write else 0
        acc = Access(r["cycle"], r["pc"], insn, addr - VIPI_BASE, size, write, value)
        if write:
            acc.changes = self.model.write(core, acc.off, size, value)
            self._hit(f"write {self._reg(acc.off)}")
        else:
            acc.before = self.model.read(core, acc.off, size)
        st.access = acc

    def _root_iocsr(self, core: int, st: CoreState, r: dict[str, int]) -> None:
        addr = r["mem_addr"]
        if not physical_ipi(addr):
            return
        write = bool(r["flags"] & trace.FLAG_MEM_WE)
        value = r["mem_wdata"] & 0xFFFF_FFFF
        if write and addr == 0x1040 and value & 31 == DOORBELL_VECTOR and (value >> 16) & 0x3FF != core:
            target = (value >> 16) & 0x3FF
            if st.access is not None:
                st.access.doorbells.add(target)
            if target < len(self.cores):
                self.cores[target].kicks.append((r["cycle"], core))
            return                                   # the hypervisor's own doorbell: allowed
        if not st.iocsr_exit:
            return
        what = f"iocsrwr {addr:#x} <- {value:#x}" if write else f"iocsrrd {addr:#x}"
        self._fail("guest IOCSR traffic reached the physical IPI block (hvisor #202: the hypervisor performs the "
                   "guest's access on the real registers)",
                   f"while emulating the guest's IOCSR exit the root did {what} on core {core}'s physical IPI block; "
                   "the guest's IPI registers must be the vCPU's virtual block (KVM intc/ipi.c), never the physical "
                   "one the hypervisor's doorbells use", r["cycle"], core, r["pc"], False)

    def _reentry(self, core: int, st: CoreState, r: dict[str, int]) -> None:
        acc, int_exit = st.access, st.int_exit
        st.in_root, st.access, st.iocsr_exit, st.int_exit = False, None, False, None
        cycle, is12 = r["cycle"], st.guest_is >> IS_IPI & 1
        if acc is not None and not acc.write:
            self._check_read(core, st, acc, cycle)
        reg = self._reg(acc.off) if acc is not None else ""
        if acc is not None:
            for target, old, new in acc.changes:
                if target == core:
                    want = int(new != 0)
                    self._hit(f"IS[12] = {want} at the re-entry after {reg}")
                    if is12 != want:
                        self._fail(f"guest ESTAT.IS[12] = {is12} at the first guest cycle after the {reg} exit, "
                                   f"expected {want}",
                                   f"the guest's {reg} write ({acc.value:#x}) at cycle {acc.cycle} took its "
                                   f"virtual STATUS {old:#x} -> {new:#x}; at the re-entry (cycle {cycle}) IS[12] must "
                                   f"be STATUS != 0 (KVM: 0 -> non-zero queues INT_IPI, down to 0 dequeues it)",
                                   cycle, core, acc.pc, True)
                elif target != core and old == 0 and new:
                    self._hit("remote send doorbelled" if target in acc.doorbells else "remote send not doorbelled")
                    if target not in acc.doorbells:
                        self._fail(f"a send to core {target}'s vCPU was not doorbelled to that core",
                                   f"the guest's {reg} write ({acc.value:#x}) at cycle {acc.cycle} raised "
                                   f"core {target}'s virtual STATUS 0 -> {new:#x}; the hypervisor re-entered (cycle "
                                   f"{cycle}) without an IPI_SEND of vector {DOORBELL_VECTOR} to core {target}: that "
                                   f"vCPU sees the IPI only at some unrelated exit (KVM kicks it)",
                                   cycle, core, acc.pc, True)
        if int_exit is not None and st.kicks:
            due = [k for k in st.kicks if k[0] < int_exit]
            if due:
                st.kicks = [k for k in st.kicks if k[0] >= int_exit]
                if self.model.blocks[core].status:
                    self._hit("IS[12] = 1 at the re-entry after a doorbell")
                    if not is12:
                        self._fail("guest ESTAT.IS[12] = 0 after the doorbell of a remote send",
                                   f"core {due[0][1]} doorbelled core {core} at cycle {due[0][0]} for a send to its "
                                   f"vCPU (virtual STATUS {self.model.blocks[core].status:#x}); core {core}'s INT "
                                   f"exit at cycle {int_exit} re-entered at cycle {cycle} with IS[12] = 0",
                                   cycle, core, r["pc"], True)

    def _check_read(self, core: int, st: CoreState, acc: Access, cycle: int) -> None:
        rd = acc.insn & 31
        if not rd:
            return
        after = self.model.read(core, acc.off, acc.size)
        got = st.gprs[rd]
        self._hit(f"read {self._reg(acc.off)}")
        if acc.off == STATUS and got == 1 << 3:
            self._hit("STATUS read returned vector 3")
        if got not in (acc.before, after):
            ext = " (zero-extended: iocsrrd sign-extends from its width)" if got == acc.before & ((1 << 8 * acc.size)
                                                                                                  - 1) else ""
            self._fail(f"the guest's iocsrrd of its virtual {self._reg(acc.off)} returned the wrong value",
                       f"iocsrrd.{'bhwd'[acc.size.bit_length() - 1]} of {VIPI_BASE + acc.off:#x} at cycle {acc.cycle} "
                       f"re-entered at cycle {cycle} with r{rd} = {got:#x}, the virtual block says {acc.before:#x}"
                       + (f" (or {after:#x})" if after != acc.before else "") + ext, cycle, core, acc.pc, True)

    def _taken(self, core: int, line: int, cycle: int, since: int | None) -> None:
        if since is not None:
            self.latencies.append(cycle - since)
            self._hit("guest IPI taken")

    def _late(self, core: int, line: int, since: int, now: int) -> None:
        self._fail("guest IPI never delivered: IS[12] pending and enabled",
                   f"core {core}: guest IS[12], LIE[12] and CRMD.IE all 1 since cycle {since}, not taken by cycle "
                   f"{now} (L_EXC = {L_EXC})", now, core, 0, True)

    @staticmethod
    def _reg(off: int) -> str:
        names = {STATUS: "STATUS", EN: "EN", SET: "SET", CLEAR: "CLEAR", IPI_SEND: "IPI_SEND", MAIL_SEND: "MAIL_SEND"}
        return names.get(off, f"BUF+{off - BUF:#x}" if BUF <= off < BUF + 32 else f"{VIPI_BASE + off:#x}")


class VipiScoreboard(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg = ConfigDB().get(self, "", "run_config")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        self.checker = VipiChecker(self.cfg.cores, self._fail, ConfigDB().get(self, "", "coverage"))
        self._batch: np.ndarray | None = None

    def write(self, batch: np.ndarray) -> None:
        self._batch = batch
        self.checker.write(batch)

    def report_phase(self) -> None:
        lat = self.checker.latencies
        if lat:
            self.logger.info(f"vipi: {len(lat)} guest IPI(s) taken, {min(lat)}-{max(lat)} cycles after takeable")

    def _fail(self, summary: str, detail: str, cycle: int, core: int, pc: int, guest: bool) -> None:
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(retire.failure(CHECK, summary, detail, cycle, core, self._batch, pc, guest))
