"""The memory image handed to the RTL RAM: $readmemh text of 64-bit words (docs/design.md section 4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lacosim.elf import ElfImage


def write_readmemh(image: ElfImage, path: Path) -> None:
    chunks = []
    for seg in sorted(image.segments, key=lambda s: s.paddr):
        start = seg.paddr & ~7
        data = bytes(seg.paddr - start) + seg.data
        data += bytes(-len(data) % 8)
        words = np.frombuffer(data, dtype="<u8")
        chunks.append(f"@{start >> 3:x}\n")
        chunks.append("\n".join(f"{w:016x}" for w in words.tolist()))
        chunks.append("\n")
    path.write_text("".join(chunks))
