"""Shared pytest fixtures: repository paths, built programs, and a helper that makes small ELF files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SW_BUILD = REPO / "build" / "sw"


def make_elf(path: Path, *, machine: int = 258, elfclass: int = 2, segments=((0x200000, b"\x00" * 16, 16),),
             entry: int = 0x200000) -> Path:
    """A minimal little-endian ELF with the given PT_LOAD segments (paddr, data, memsz)."""
    if elfclass == 1:
        hdr = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
        hdr += struct.pack("<HHIIIIIHHHHHH", 2, machine, 1, entry, 0, 0, 0, 52, 32, 0, 40, 0, 0)
        path.write_bytes(hdr)
        return path
    phoff = 64
    data_off = phoff + 56 * len(segments)
    out = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    out += struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, entry, phoff, 0, 0, 64, 56, len(segments), 64, 0, 0)
    blobs = b""
    for paddr, data, memsz in segments:
        out += struct.pack("<IIQQQQQQ", 1, 7, data_off + len(blobs), paddr, paddr, len(data), memsz, 8)
        blobs += data
    path.write_bytes(out + blobs)
    return path


@pytest.fixture
def elf_factory(tmp_path: Path):
    def factory(name: str = "t.elf", **kw) -> Path:
        return make_elf(tmp_path / name, **kw)
    return factory


def built_programs() -> list[Path]:
    return sorted(SW_BUILD.glob("*.elf"))
