"""The memory image handed to the RTL RAM: $readmemh text of 64-bit words (docs/design.md section 4).

Segments are merged into word-aligned blocks before packing, so two segments that share a doubleword
both keep their bytes (one segment's padding never overwrites its neighbour)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lacosim.elf import ElfImage


def word_blocks(image: ElfImage) -> list[tuple[int, bytearray]]:
    """(8-byte-aligned start address, bytes of a multiple of 8) blocks covering every segment."""
    blocks: list[tuple[int, bytearray]] = []
    for seg in sorted(image.segments, key=lambda s: s.paddr):
        start, end = seg.paddr & ~7, (seg.end + 7) & ~7
        if blocks and start <= blocks[-1][0] + len(blocks[-1][1]):
            base, buf = blocks[-1]
            if end > base + len(buf):
                buf.extend(bytes(end - base - len(buf)))
        else:
            base, buf = start, bytearray(end - start)
            blocks.append((base, buf))
        buf[seg.paddr - base:seg.end - base] = seg.data
    return blocks


def write_readmemh(image: ElfImage, path: Path) -> None:
    lines: list[str] = []
    for base, buf in word_blocks(image):
        lines.append(f"@{base >> 3:x}")
        lines.extend(f"{w:016x}" for w in np.frombuffer(bytes(buf), dtype="<u8").tolist())
    path.write_text("\n".join(lines) + "\n")
