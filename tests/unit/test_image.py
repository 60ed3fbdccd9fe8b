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


def test_segments_sharing_a_word_keep_both_their_bytes(tmp_path):
    # .text ending mid-word followed by .data starting in the same doubleword (seen with -Os)
    img = ElfImage(path=Path("x"), entry=0, segments=[Segment(0x1000, b"\xaa" * 12), Segment(0x100c, b"\xbb" * 4)])
    out = tmp_path / "m.hex"
    write_readmemh(img, out)
    lines = out.read_text().split()
    assert lines == ["@200", "aaaaaaaaaaaaaaaa", "bbbbbbbbaaaaaaaa"]


def test_distant_segments_get_their_own_address_directive(tmp_path):
    img = ElfImage(path=Path("x"), entry=0, segments=[Segment(0x1000, b"\x01"), Segment(0x2000, b"\x02")])
    out = tmp_path / "m.hex"
    write_readmemh(img, out)
    assert out.read_text().split() == ["@200", "0000000000000001", "@400", "0000000000000002"]
