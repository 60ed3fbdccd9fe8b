"""The $readmemh image the RTL RAM loads: word indices and little-endian packing."""

from __future__ import annotations

from pathlib import Path

from lacosim.elf import ElfImage, Segment
from lacosim.image import write_readmemh


def test_unaligned_segment_is_padded_into_words(tmp_path):
    img = ElfImage(path=Path("x"), entry=0, segments=[Segment(0x1004, bytes(range(1, 9)))])
    out = tmp_path / "m.hex"
    write_readmemh(img, out)
    lines = out.read_text().split()
    assert lines[0] == "@200"  # 0x1000 / 8
    assert lines[1] == "0403020100000000"
    assert lines[2] == "0000000008070605"
