"""Physical memory of the SoC as the reference model sees it: RAM, UART0, the GED power-off, and the
IOCSR space (lacosim.iss.iocsr: chip words, IPI blocks, EXTIOI).

One `Memory` is shared by every core of a machine. It owns what is shared between cores:
- the RAM (`bytearray`) and typed `memoryview` casts of it, which the instruction closures index
  directly for naturally aligned accesses (the fast path; everything else comes through `load`/`store`);
- the LL/SC reservations (design.md 1): `reservations[core] = line`; a store to a reserved 64-byte line by
  another core clears that core's reservation; a core's LLbit is "its reservation exists";
- the self-modifying-code guard: `code_flags` has one byte per RAM doubleword that some core holds a
  translated instruction of; a store there calls every registered `code_droppers` entry with the physical
  address of each instruction in that doubleword (each core drops its translations of it).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from lacosim import soc
from lacosim.elf import ElfImage
from lacosim.iss.devices import Device, GedPowerOff, Uart16550
from lacosim.iss.errors import ECODE_ADE, ECODE_ALE, BusError, Trap
from lacosim.iss.iocsr import IocsrSpace

LL_LINE_SHIFT = 6  # la_pkg::LL_LINE_BYTES = 64
CODE_GRAIN_SHIFT = 3  # code_flags granularity: one byte per doubleword
MASK64 = (1 << 64) - 1
SIZE_MASKS = (0xFF, 0xFFFF, 0xFFFF_FFFF, MASK64)

if sys.byteorder != "little":  # the typed views below read RAM in host byte order
    raise ImportError("lacosim.iss needs a little-endian host")


class Memory:
    def __init__(self, ram_size: int = soc.RAM_SIZE_DEFAULT, ram_base: int = soc.RAM_BASE,
                 uart_sink: Callable[[bytes], object] | None = None) -> None:
        if ram_size % 8 or ram_base % 8:
            raise ValueError("RAM base and size must be multiples of 8")
        self.ram_base = ram_base
        self.ram_size = ram_size
        self.ram = bytearray(ram_size)
        raw = memoryview(self.ram)
        # index = byte offset >> size_log2; "s" views sign-extend (callers mask to 64 bits)
        self.u8, self.u16, self.u32, self.u64 = (raw.cast(c) for c in "BHIQ")
        self.s8, self.s16, self.s32, self.s64 = (raw.cast(c) for c in "bhiq")
        self.unsigned_views = (self.u8, self.u16, self.u32, self.u64)
        self.signed_views = (self.s8, self.s16, self.s32, self.s64)
        self.uart = Uart16550(sink=uart_sink)
        self.ged = GedPowerOff()
        self.devices: list[Device] = [self.uart, self.ged]
        self.reservations: dict[int, int] = {}
        self.code_flags = bytearray(ram_size >> CODE_GRAIN_SHIFT)
        self.code_droppers: list[Callable[[int], None]] = []
        self.iocsr = IocsrSpace()

    # --- loading and backdoor access (testbench, tests) -------------------------------------------
    def load_image(self, image: ElfImage) -> None:
        for seg in image.segments:
            self.write(seg.paddr, seg.data)

    def _ram_offset(self, addr: int, length: int) -> int:
        off = addr - self.ram_base
        if off < 0 or off + length > self.ram_size:
            raise BusError(f"backdoor access [{addr:#x}, {addr + length:#x}) is outside RAM")
        return off

    def write(self, addr: int, data: bytes) -> None:
        off = self._ram_offset(addr, len(data))
        self.ram[off:off + len(data)] = data
        self._invalidate_range(off, len(data))

    def read(self, addr: int, length: int) -> bytes:
        off = self._ram_offset(addr, length)
        return bytes(self.ram[off:off + length])

    # --- the architectural slow path -----------------------------------------------------------
    def device_at(self, addr: int) -> Device | None:
        for dev in self.devices:
            if dev.base <= addr < dev.base + dev.size:
                return dev
        return None

    def load(self, addr: int, size_log2: int, signed: bool = False) -> int:
        """A data load; the value is zero- or sign-extended to 64 bits (as an unsigned int)."""
        if addr & ((1 << size_log2) - 1):
            raise Trap(ECODE_ALE, 0, addr, f"{1 << size_log2}-byte load from {addr:#x}")
        off = addr - self.ram_base
        if 0 <= off < self.ram_size:
            views = self.signed_views if signed else self.unsigned_views
            return views[size_log2][off >> size_log2] & MASK64
        dev = self.device_at(addr)
        if dev is None:
            raise BusError(f"load from unmapped address {addr:#x} ({1 << size_log2} bytes)")
        value = dev.load(addr - dev.base, size_log2) & SIZE_MASKS[size_log2]
        if signed and value >> ((8 << size_log2) - 1):
            value |= MASK64 ^ SIZE_MASKS[size_log2]
        return value

    def store(self, addr: int, size_log2: int, value: int, core: int = 0) -> None:
        if addr & ((1 << size_log2) - 1):
            raise Trap(ECODE_ALE, 0, addr, f"{1 << size_log2}-byte store to {addr:#x}")
        off = addr - self.ram_base
        if 0 <= off < self.ram_size:
            self.unsigned_views[size_log2][off >> size_log2] = value & SIZE_MASKS[size_log2]
            self.after_ram_store(off, core)
            return
        dev = self.device_at(addr)
        if dev is None:
            raise BusError(f"store to unmapped address {addr:#x} ({1 << size_log2} bytes, value {value:#x})")
        dev.store(addr - dev.base, size_log2, value & SIZE_MASKS[size_log2])

    def fetch(self, pc: int) -> int:
        if pc & 3:
            raise Trap(ECODE_ADE, 0, pc, f"fetch from misaligned pc {pc:#x}")
        off = pc - self.ram_base
        if not 0 <= off < self.ram_size:
            raise BusError(f"instruction fetch from {pc:#x}, outside RAM")
        self.code_flags[off >> CODE_GRAIN_SHIFT] = 1
        return self.u32[off >> 2]

    # --- what a RAM store must tell the others --------------------------------------------------
    def after_ram_store(self, off: int, core: int) -> None:
        """Called by every RAM store (fast path only when needed: code_flags set or reservations held)."""
        if self.code_flags[off >> CODE_GRAIN_SHIFT]:
            self._invalidate_range(off, 1)
        if self.reservations:
            self.clear_reservations(off + self.ram_base, core)

    def clear_reservations(self, addr: int, storing_core: int) -> None:
        line = addr >> LL_LINE_SHIFT
        if line not in self.reservations.values():  # the common case, without building a list
            return
        for other, reserved in list(self.reservations.items()):
            if other != storing_core and reserved == line:
                del self.reservations[other]

    def reserve(self, addr: int, core: int) -> None:
        self.reservations[core] = addr >> LL_LINE_SHIFT

    def _invalidate_range(self, off: int, length: int) -> None:
        first = off >> CODE_GRAIN_SHIFT
        last = (off + length - 1) >> CODE_GRAIN_SHIFT
        for grain in range(first, last + 1):
            if self.code_flags[grain]:
                self.code_flags[grain] = 0
                pc = self.ram_base + (grain << CODE_GRAIN_SHIFT)
                for drop in self.code_droppers:
                    drop(pc)
                    drop(pc + 4)

    @property
    def uart_output(self) -> bytes:
        return bytes(self.uart.output)

    @property
    def powered_off(self) -> bool:
        return self.ged.powered_off
