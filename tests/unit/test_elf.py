"""ELF loader: the programs it accepts and the errors that name the problem and the fix."""

from __future__ import annotations

import pytest
from lacosim import soc
from lacosim.elf import ElfLoadError, load_elf


def test_loads_segments_entry_and_zero_fill(elf_factory):
    img = load_elf(elf_factory(segments=((0x200000, b"\x01\x02\x03\x04", 8),), entry=0x200004))
    assert img.entry == 0x200004
    assert len(img.segments) == 1
    assert img.segments[0].paddr == 0x200000
    assert img.segments[0].data == b"\x01\x02\x03\x04" + bytes(4)


def test_dmw_window_bits_are_dropped(elf_factory):
    img = load_elf(elf_factory(segments=((0x9000_0000_0020_0000, b"\xaa" * 4, 4),),
                               entry=0x9000_0000_0020_0000))
    assert img.segments[0].paddr == 0x200000
    assert img.entry == 0x200000


def test_missing_file(tmp_path):
    with pytest.raises(ElfLoadError, match="no such file"):
        load_elf(tmp_path / "nope.elf")


def test_not_an_elf(tmp_path):
    p = tmp_path / "x.elf"
    p.write_bytes(b"hello world, not an elf at all" * 4)
    with pytest.raises(ElfLoadError, match="not a valid ELF"):
        load_elf(p)


def test_foreign_machine(elf_factory):
    with pytest.raises(ElfLoadError, match="not LoongArch"):
        load_elf(elf_factory(machine=62))  # x86-64


def test_32_bit_elf(elf_factory):
    with pytest.raises(ElfLoadError, match="32-bit"):
        load_elf(elf_factory(elfclass=1))


def test_segment_outside_ram(elf_factory):
    with pytest.raises(ElfLoadError, match="outside RAM"):
        load_elf(elf_factory(segments=((soc.RAM_SIZE_DEFAULT - 4, b"\x00" * 8, 8),)))


def test_segment_straddling_ram_end_by_bss(elf_factory):
    with pytest.raises(ElfLoadError, match="outside RAM"):
        load_elf(elf_factory(segments=((soc.RAM_SIZE_DEFAULT - 0x100, b"\x00" * 8, 0x200),)))


def test_no_loadable_segment(elf_factory):
    with pytest.raises(ElfLoadError, match="no loadable"):
        load_elf(elf_factory(segments=()))


def test_symbolize_and_patch(elf_factory):
    img = load_elf(elf_factory(segments=((0x200000, bytes(16), 16),)))
    img.symbols.update({"main": 0x200000, "data": 0x200008})
    img.__post_init__()
    assert img.symbolize(0x200004) == "main+0x4"
    assert img.symbolize(0x200008) == "data"
    assert img.symbolize(0x100) == ""
    img.write(0x200008, b"\x11\x22")
    assert img.segments[0].data[8:10] == b"\x11\x22"
    with pytest.raises(ElfLoadError, match="not inside a loaded segment"):
        img.write(0x300000, b"\x00")
    with pytest.raises(ElfLoadError, match="no symbol"):
        img.symbol("nope")


def test_set_param_writes_with_the_variable_width(elf_factory):
    img = load_elf(elf_factory(segments=((0x200000, bytes(16), 16),)))
    img.symbols.update({"n32": 0x200000, "n64": 0x200008})
    img.sizes.update({"n32": 4, "n64": 8})
    img.__post_init__()
    img.set_param("n32", 0x12345678)
    img.set_param("n64", -2)
    assert img.segments[0].data[:4] == bytes.fromhex("78563412")
    assert img.segments[0].data[8:16] == b"\xfe" + b"\xff" * 7
    with pytest.raises(ElfLoadError, match="does not fit"):
        img.set_param("n32", 1 << 32)
    img.sizes["main"] = 0
    img.symbols["main"] = 0x200000
    with pytest.raises(ElfLoadError, match="not an integer variable"):
        img.set_param("main", 1)
