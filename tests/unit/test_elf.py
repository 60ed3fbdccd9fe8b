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


def _image(elf_factory, name: str, base: int, symbols: dict[str, tuple[int, int]]):
    img = load_elf(elf_factory(name, segments=((base, bytes(16), 16),), entry=base))
    for sym, (addr, size) in symbols.items():
        img.symbols[sym], img.sizes[sym] = addr, size
    img.__post_init__()
    return img


def test_a_guest_loads_beside_the_program_and_names_guest_pcs(elf_factory):
    hv = _image(elf_factory, "hv.elf", 0x200000, {"_start": (0x200000, 0), "hv_param": (0x200008, 8)})
    guest = _image(elf_factory, "g.elf", 0x1000000, {"_start": (0x1000000, 0), "g_initval": (0x1000008, 4)})
    hv.add_guest(guest)
    assert [s.paddr for s in hv.segments] == [0x200000, 0x1000000]
    # the same address range names differently by mode; a root PC never uses guest symbols
    assert hv.symbolize(0x1000004, guest=True) == "_start+0x4"
    assert hv.symbolize(0x1000004) == "hv_param+0xdffffc"
    assert hv.guest_at(0x1000004) is guest and hv.guest_at(0x200004) is None
    # parameters of either ELF, patched in the one memory image
    hv.set_param("g_initval", 0x1234)
    hv.set_param("hv_param", 7)
    assert hv.segments[1].data[8:12] == bytes.fromhex("34120000")
    assert hv.segments[0].data[8] == 7
    assert hv.symbol("_start") == 0x200000   # the program's own name first


def test_guest_errors_name_the_files(elf_factory):
    hv = _image(elf_factory, "hv.elf", 0x200000, {"n": (0x200008, 4)})
    with pytest.raises(ElfLoadError, match=r"overlaps \[0x200000, 0x200010\) of .*hv.elf"):
        hv.add_guest(_image(elf_factory, "g.elf", 0x200008, {}))
    hv.add_guest(_image(elf_factory, "g1.elf", 0x1000000, {"n": (0x1000000, 4), "g_x": (0x1000004, 4)}))
    with pytest.raises(ElfLoadError, match="'n' is defined by .*hv.elf and by a guest"):
        hv.set_param("n", 1)
    hv.add_guest(_image(elf_factory, "g2.elf", 0x1800000, {"g_x": (0x1800004, 4)}))
    with pytest.raises(ElfLoadError, match="'g_x' is defined by several guests"):
        hv.set_param("g_x", 1)
    with pytest.raises(ElfLoadError, match="no symbol 'nope'"):
        hv.symbol("nope")
