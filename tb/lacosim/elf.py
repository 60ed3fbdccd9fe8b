"""ELF loader: PT_LOAD segments, entry point and symbols of a LoongArch64 program.

Everything the testbench, the reference model and the QEMU oracle load goes through `load_elf`, so a bad
file is rejected in one place with an error that names the problem and the fix.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from lacosim import soc

EM_LOONGARCH = "EM_LOONGARCH"


class ElfLoadError(Exception):
    """The file cannot be run on the SoC; the message says why and what to do."""


@dataclass(frozen=True)
class Segment:
    paddr: int
    data: bytes  # file bytes followed by zero fill up to memsz

    @property
    def end(self) -> int:
        return self.paddr + len(self.data)


@dataclass
class ElfImage:
    path: Path
    entry: int
    segments: list[Segment]
    symbols: dict[str, int] = field(default_factory=dict)  # name -> address (functions and objects)
    sizes: dict[str, int] = field(default_factory=dict)    # name -> st_size in bytes (objects)
    # Guest kernels loaded into the same memory (a hypervisor test): their segments are in `segments`
    # too; their symbols name guest-mode PCs (symbolize(addr, guest=True)) and their parameters.
    guests: list[ElfImage] = field(default_factory=list)
    _sym_addrs: list[int] = field(default_factory=list, repr=False)
    _sym_names: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        pairs = sorted((a, n) for n, a in self.symbols.items())
        self._sym_addrs = [a for a, _ in pairs]
        self._sym_names = [n for _, n in pairs]

    def add_guest(self, guest: ElfImage) -> None:
        """Load a guest kernel's segments beside this program's (identity stage 2: at its link addresses)."""
        for seg in guest.segments:
            for other, owner in [(s, self.path) for s in self.segments]:
                if seg.paddr < other.end and other.paddr < seg.end:
                    raise ElfLoadError(
                        f"{guest.path}: segment [{seg.paddr:#x}, {seg.end:#x}) overlaps [{other.paddr:#x}, "
                        f"{other.end:#x}) of {owner}; link the guest elsewhere (sw/guests/link.ld)")
        self.segments.extend(guest.segments)
        self.guests.append(guest)

    def _owner(self, name: str) -> ElfImage:
        """The ELF that defines a symbol: this program first (its own names, e.g. _start, win), else the
        one guest that defines it."""
        if name in self.symbols:
            return self
        owners = [g for g in self.guests if name in g.symbols]
        if len(owners) > 1:
            raise ElfLoadError(f"symbol '{name}' is defined by several guests "
                               f"({', '.join(str(g.path) for g in owners)}); give each a unique name")
        if not owners:
            where = ", ".join(str(p) for p in [self.path, *(g.path for g in self.guests)])
            raise ElfLoadError(f"{where}: no symbol '{name}' (is the program built from the expected source?)")
        return owners[0]

    def symbol(self, name: str) -> int:
        return self._owner(name).symbols[name]

    def symbolize(self, addr: int, guest: bool = False) -> str:
        """'func+0x1c' for an address, or '' when no symbol precedes it. A guest-mode PC is named from the
        guest ELF whose segments hold it (else the first guest's symbols)."""
        if guest and self.guests:
            return (self.guest_at(addr) or self.guests[0]).symbolize(addr)
        i = bisect.bisect_right(self._sym_addrs, addr) - 1
        if i < 0:
            return ""
        off = addr - self._sym_addrs[i]
        return self._sym_names[i] if off == 0 else f"{self._sym_names[i]}+{off:#x}"

    def guest_at(self, addr: int) -> ElfImage | None:
        """The guest kernel whose loaded segments hold an address (guests load at their link addresses)."""
        return next((g for g in self.guests if any(s.paddr <= addr < s.end for s in g.segments)), None)

    def symbolizer(self, guest: bool) -> Callable[[int], str]:
        """symbolize for one mode (a disassembler's branch targets)."""
        return lambda addr: self.symbolize(addr, guest)

    def set_param(self, name: str, value: int) -> None:
        """Overwrite an integer variable of the program or a guest (a test parameter) with its own width.
        A name both the program and a guest define is ambiguous: parameters must be unique."""
        owner = self._owner(name)
        if owner is self and any(name in g.symbols for g in self.guests):
            raise ElfLoadError(f"parameter '{name}' is defined by {self.path} and by a guest; rename one "
                               f"(guest parameters conventionally start with g_)")
        size = owner.sizes.get(name, 0)
        if size not in (1, 2, 4, 8):
            raise ElfLoadError(f"{owner.path}: '{name}' is not an integer variable (size {size}); test "
                               f"parameters must be 1/2/4/8-byte globals in .data")
        if not 0 <= value < 1 << (8 * size) and not -(1 << (8 * size - 1)) <= value < 0:
            raise ElfLoadError(f"{owner.path}: {value} does not fit the {size}-byte parameter '{name}'")
        self.write(owner.symbols[name], (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))

    def write(self, addr: int, data: bytes) -> None:
        """Patch loaded bytes (tests write constrained-random parameters through ELF symbols)."""
        for i, seg in enumerate(self.segments):
            if seg.paddr <= addr and addr + len(data) <= seg.end:
                off = addr - seg.paddr
                self.segments[i] = Segment(seg.paddr, seg.data[:off] + data + seg.data[off + len(data):])
                return
        raise ElfLoadError(f"{self.path}: cannot patch {len(data)} bytes at {addr:#x}: not inside a "
                           f"loaded segment")


def load_elf(path: str | Path, ram_base: int = soc.RAM_BASE,
             ram_size: int = soc.RAM_SIZE_DEFAULT) -> ElfImage:
    path = Path(path)
    if not path.is_file():
        raise ElfLoadError(f"{path}: no such file (build it with 'make sw', or check the ELF= path)")
    try:
        with path.open("rb") as f:
            elf = ELFFile(f)
            if elf.elfclass != 64:
                raise ElfLoadError(f"{path}: {elf.elfclass}-bit ELF; the SoC runs LoongArch64 "
                                   f"(ELFCLASS64) programs only")
            if elf["e_machine"] != EM_LOONGARCH:
                raise ElfLoadError(f"{path}: machine is {elf['e_machine']}, not LoongArch; build it "
                                   f"with 'zig cc -target loongarch64-freestanding-none'")
            if not elf.little_endian:
                raise ElfLoadError(f"{path}: big-endian ELF; LoongArch is little-endian")
            segments = []
            for seg in elf.iter_segments():
                if seg["p_type"] != "PT_LOAD" or seg["p_memsz"] == 0:
                    continue
                # Cores boot in direct-address mode, so like QEMU's direct kernel boot we load by the
                # physical address, dropping DMW window bits (VA[63:60]) a linker may have used.
                paddr = seg["p_paddr"] & ((1 << 48) - 1)
                data = seg.data() + bytes(seg["p_memsz"] - seg["p_filesz"])
                if paddr < ram_base or paddr + len(data) > ram_base + ram_size:
                    raise ElfLoadError(
                        f"{path}: segment [{paddr:#x}, {paddr + len(data):#x}) lies outside RAM "
                        f"[{ram_base:#x}, {ram_base + ram_size:#x}); link it inside RAM "
                        f"(sw/common/link.ld) or raise the RAM size")
                segments.append(Segment(paddr, data))
            if not segments:
                raise ElfLoadError(f"{path}: no loadable (PT_LOAD) segment")
            symbols: dict[str, int] = {}
            sizes: dict[str, int] = {}
            symtab = elf.get_section_by_name(".symtab")
            if symtab is not None:
                for sym in symtab.iter_symbols():
                    if sym.name and sym["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE") \
                            and sym["st_shndx"] != "SHN_UNDEF" and not sym.name.startswith(".L"):
                        symbols[sym.name] = sym["st_value"]
                        sizes[sym.name] = sym["st_size"]
            entry = elf["e_entry"] & ((1 << 48) - 1)
    except ELFError as e:
        raise ElfLoadError(f"{path}: not a valid ELF file ({e})") from None
    return ElfImage(path=path, entry=entry, segments=segments, symbols=symbols, sizes=sizes)


def load_program(path: str | Path, guests: Iterable[str | Path] = ()) -> ElfImage:
    """A test's image: its program and the guest kernels it runs (a hypervisor test), in one memory."""
    image = load_elf(path)
    for guest in guests:
        image.add_guest(load_elf(guest))
    return image
