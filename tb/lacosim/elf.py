"""ELF loader: PT_LOAD segments, entry point and symbols of a LoongArch64 program.

Everything the testbench, the reference model and the QEMU oracle load goes through `load_elf`, so a bad
file is rejected in one place with an error that names the problem and the fix.
"""

from __future__ import annotations

import bisect
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
    _sym_addrs: list[int] = field(default_factory=list, repr=False)
    _sym_names: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        pairs = sorted((a, n) for n, a in self.symbols.items())
        self._sym_addrs = [a for a, _ in pairs]
        self._sym_names = [n for _, n in pairs]

    def symbol(self, name: str) -> int:
        try:
            return self.symbols[name]
        except KeyError:
            raise ElfLoadError(f"{self.path}: no symbol '{name}' (is the program built from the "
                               f"expected source?)") from None

    def symbolize(self, addr: int) -> str:
        """'func+0x1c' for an address, or '' when no symbol precedes it."""
        i = bisect.bisect_right(self._sym_addrs, addr) - 1
        if i < 0:
            return ""
        off = addr - self._sym_addrs[i]
        return self._sym_names[i] if off == 0 else f"{self._sym_names[i]}+{off:#x}"

    def set_param(self, name: str, value: int) -> None:
        """Overwrite an integer variable of the program (a test parameter) with its own width."""
        size = self.sizes.get(name, 0)
        if size not in (1, 2, 4, 8):
            raise ElfLoadError(f"{self.path}: '{name}' is not an integer variable (size {size}); test "
                               f"parameters must be 1/2/4/8-byte globals in .data")
        if not 0 <= value < 1 << (8 * size) and not -(1 << (8 * size - 1)) <= value < 0:
            raise ElfLoadError(f"{self.path}: {value} does not fit the {size}-byte parameter '{name}'")
        self.write(self.symbol(name), (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))

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
