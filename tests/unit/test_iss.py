"""Reference-model semantics with hand-computed expected values, devices, lockstep records, error paths."""

from __future__ import annotations

import pytest
from lacosim import soc
from lacosim.elf import load_elf
from lacosim.isa.decoder import encode
from lacosim.iss import (
    BusError,
    IllegalInstruction,
    Iss,
    MaxInstructionsExceeded,
    Memory,
    MisalignedAccess,
    UnhandledException,
    UnimplementedInstruction,
    new_machine,
)
from lacosim.iss.semantics import crc32, crc32c

M64 = (1 << 64) - 1
MIN64 = 1 << 63
BASE = 0x1000
DATA = 0x8000
RD, RJ, RK = 4, 5, 6


def make_iss(words: list[int], regs: dict[int, int] | None = None, entry: int = BASE,
             memory: Memory | None = None, core_id: int = 0) -> Iss:
    memory = memory if memory is not None else Memory(ram_size=1 << 20)
    for i, word in enumerate(words):
        memory.write(entry + 4 * i, word.to_bytes(4, "little"))
    iss = Iss(memory, core_id, entry)
    for n, value in (regs or {}).items():
        iss.regs[n] = value & M64
    return iss


def run_one(mnemonic: str, regs: dict[int, int] | None = None, entry: int = BASE, **fields: int) -> Iss:
    iss = make_iss([encode(mnemonic, **fields)], regs, entry)
    iss.step()
    return iss


def sx(value: int) -> int:
    return value & M64


# (mnemonic, extra fields, rj value, rk value, old rd value, expected rd)
ALU_CASES = [
    ("add.w", {}, 0x7FFFFFFF, 1, 0, 0xFFFFFFFF80000000),
    ("add.w", {}, 0x1_0000_0001, 0x1_0000_0000, 0, 1),
    ("add.d", {}, M64, 2, 0, 1),
    ("sub.w", {}, 0, 1, 0, M64),
    ("sub.w", {}, 0x8000_0000_0000_0000, 0, 0, 0),
    ("sub.d", {}, 0, 1, 0, M64),
    ("slt", {}, M64, 1, 0, 1),
    ("slt", {}, 1, M64, 0, 0),
    ("sltu", {}, M64, 1, 0, 0),
    ("sltu", {}, 1, M64, 0, 1),
    ("maskeqz", {}, 5, 0, 9, 0),
    ("maskeqz", {}, 5, 1, 9, 5),
    ("masknez", {}, 5, 0, 9, 5),
    ("masknez", {}, 5, 2, 9, 0),
    ("nor", {}, 0, 0, 0, M64),
    ("and", {}, 0xFF0, 0x0FF, 0, 0x0F0),
    ("or", {}, 0xF00, 0x00F, 0, 0xF0F),
    ("xor", {}, 0xFF, 0x0F, 0, 0xF0),
    ("orn", {}, 0, M64, 0, 0),
    ("orn", {}, 0, 0, 0, M64),
    ("andn", {}, 0xFF, 0x0F, 0, 0xF0),
    ("sll.w", {}, 1, 31, 0, 0xFFFFFFFF80000000),
    ("sll.w", {}, 1, 33, 0, 2),  # shift amount masked to 5 bits
    ("srl.w", {}, 0xFFFFFFFF80000000, 0, 0, 0xFFFFFFFF80000000),
    ("srl.w", {}, 0xFFFFFFFF80000000, 1, 0, 0x40000000),
    ("sra.w", {}, 0x80000000, 4, 0, 0xFFFFFFFFF8000000),
    ("sll.d", {}, 1, 67, 0, 8),  # masked to 6 bits
    ("srl.d", {}, M64, 60, 0, 0xF),
    ("sra.d", {}, MIN64, 63, 0, M64),
    ("rotr.w", {}, 1, 1, 0, 0xFFFFFFFF80000000),
    ("rotr.w", {}, 0x12345678, 32, 0, 0x12345678),
    ("rotr.d", {}, 1, 1, 0, MIN64),
    ("rotr.d", {}, 0x0123456789ABCDEF, 64, 0, 0x0123456789ABCDEF),
    ("mul.w", {}, 0xFFFF, 0x10001, 0, M64),
    ("mul.w", {}, 0x10000, 0x10000, 0, 0),
    ("mulh.w", {}, 0x80000000, 0x80000000, 0, 0x40000000),
    ("mulh.w", {}, M64, 1, 0, M64),
    ("mulh.wu", {}, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFFFFFFFFFE),
    ("mul.d", {}, M64, M64, 0, 1),
    ("mulh.d", {}, M64, M64, 0, 0),
    ("mulh.d", {}, MIN64, 2, 0, M64),
    ("mulh.du", {}, M64, M64, 0, 0xFFFFFFFFFFFFFFFE),
    ("mulw.d.w", {}, 0xFFFFFFFF, 2, 0, 0xFFFFFFFFFFFFFFFE),
    ("mulw.d.wu", {}, 0xFFFFFFFF, 2, 0, 0x1FFFFFFFE),
    ("div.w", {}, 7, 0, 0, 7),  # divide by zero: quotient = dividend (QEMU)
    ("div.w", {}, 0x1_FFFFFFF9, 0, 0, sx(-7)),  # operates on [31:0]
    ("mod.w", {}, 7, 0, 0, 0),
    ("div.w", {}, 0x80000000, M64, 0, 0xFFFFFFFF80000000),  # MIN / -1 wraps
    ("mod.w", {}, 0x80000000, M64, 0, 0),
    ("div.w", {}, sx(-7), 2, 0, sx(-3)),  # truncates toward zero
    ("mod.w", {}, sx(-7), 2, 0, sx(-1)),  # remainder has the dividend's sign
    ("div.wu", {}, 0xFFFFFFFF, 2, 0, 0x7FFFFFFF),
    ("div.wu", {}, 0xFFFFFFFE, 0, 0, 0xFFFFFFFFFFFFFFFE),  # sign-extends the 32-bit result
    ("div.wu", {}, 0x5_00000004, 2, 0, 2),
    ("mod.wu", {}, 0xFFFFFFFF, 0x10, 0, 0xF),
    ("mod.wu", {}, 5, 0, 0, 0),
    ("div.d", {}, MIN64, M64, 0, MIN64),
    ("mod.d", {}, MIN64, M64, 0, 0),
    ("div.d", {}, sx(-9), 4, 0, sx(-2)),
    ("mod.d", {}, sx(-9), 4, 0, sx(-1)),
    ("div.d", {}, 123, 0, 0, 123),
    ("div.du", {}, M64, 0, 0, M64),
    ("div.du", {}, M64, 2, 0, M64 >> 1),
    ("mod.du", {}, 7, 0, 0, 0),
    ("mod.du", {}, M64, 10, 0, 5),
    ("alsl.w", {"sa2": 1}, 0x40000000, 0, 0, 0xFFFFFFFF80000000),
    ("alsl.wu", {"sa2": 1}, 0x40000000, 0, 0, 0x80000000),
    ("alsl.d", {"sa2": 4}, 3, 1, 0, 49),
    ("bytepick.w", {"sa2": 1}, 0x11223344, 0xAABBCCDD, 0, 0xFFFFFFFFBBCCDD11),
    ("bytepick.w", {"sa2": 0}, 0x11223344, 0x0ABBCCDD, 0, 0x0ABBCCDD),
    ("bytepick.d", {"sa3": 2}, 0x1122334455667788, 0x99AABBCCDDEEFF00, 0, 0xBBCCDDEEFF001122),
    ("bytepick.d", {"sa3": 0}, 0x1122334455667788, 0x99AABBCCDDEEFF00, 0, 0x99AABBCCDDEEFF00),
    ("crc.w.b.w", {}, 0x61, 0xFFFFFFFF, 0, crc32(0xFFFFFFFF, 0x61, 1)),
    ("crcc.w.w.w", {}, 0x12345678, 0, 0, crc32c(0, 0x12345678, 4)),
]

UNARY_CASES = [  # (mnemonic, extra fields, rj value, old rd, expected)
    ("clo.w", {}, 0xFFFFFFFFF0000000, 0, 4),
    ("clz.w", {}, 0x00010000, 0, 15),
    ("cto.w", {}, 0x7, 0, 3),
    ("ctz.w", {}, 0, 0, 32),
    ("ctz.w", {}, 0x1_00000000, 0, 32),
    ("clo.d", {}, M64, 0, 64),
    ("clz.d", {}, 0, 0, 64),
    ("cto.d", {}, 0, 0, 0),
    ("ctz.d", {}, MIN64, 0, 63),
    ("revb.2h", {}, 0x11223344, 0, 0x22114433),
    ("revb.2h", {}, 0x00FF0000, 0, 0xFFFFFFFFFF000000),
    ("revb.4h", {}, 0x0102030405060708, 0, 0x0201040306050807),
    ("revb.2w", {}, 0x0102030405060708, 0, 0x0403020108070605),
    ("revb.d", {}, 0x0102030405060708, 0, 0x0807060504030201),
    ("revh.2w", {}, 0x0102030405060708, 0, 0x0304010207080506),
    ("revh.d", {}, 0x0102030405060708, 0, 0x0708050603040102),
    ("bitrev.4b", {}, 0x01, 0, 0x80),
    ("bitrev.4b", {}, 0x01000000, 0, 0xFFFFFFFF80000000),
    ("bitrev.8b", {}, 0x0100000000000001, 0, 0x8000000000000080),
    ("bitrev.w", {}, 1, 0, 0xFFFFFFFF80000000),
    ("bitrev.d", {}, 1, 0, MIN64),
    ("ext.w.h", {}, 0x8000, 0, 0xFFFFFFFFFFFF8000),
    ("ext.w.b", {}, 0x7F, 0, 0x7F),
    ("ext.w.b", {}, 0x180, 0, 0xFFFFFFFFFFFFFF80),
    ("slli.w", {"ui5": 31}, 1, 0, 0xFFFFFFFF80000000),
    ("srli.w", {"ui5": 4}, 0xFFFFFFFF00000010, 0, 1),
    ("srli.w", {"ui5": 0}, 0x80000000, 0, 0xFFFFFFFF80000000),
    ("srai.w", {"ui5": 31}, 0x80000000, 0, M64),
    ("rotri.w", {"ui5": 1}, 1, 0, 0xFFFFFFFF80000000),
    ("slli.d", {"ui6": 63}, 1, 0, MIN64),
    ("srli.d", {"ui6": 63}, M64, 0, 1),
    ("srai.d", {"ui6": 1}, MIN64, 0, 0xC000000000000000),
    ("rotri.d", {"ui6": 1}, 3, 0, 0x8000000000000001),
    ("bstrins.w", {"msbw": 15, "lsbw": 8}, 0xAB, 0x12345678, 0x1234AB78),
    ("bstrins.w", {"msbw": 31, "lsbw": 31}, 1, 0, 0xFFFFFFFF80000000),
    ("bstrpick.w", {"msbw": 15, "lsbw": 8}, 0x12345678, 0, 0x56),
    ("bstrpick.w", {"msbw": 31, "lsbw": 0}, 0x80000000, 0, 0xFFFFFFFF80000000),
    ("bstrins.d", {"msbd": 47, "lsbd": 8}, 0, M64, 0xFFFF0000000000FF),
    ("bstrins.d", {"msbd": 63, "lsbd": 0}, 0x1234, M64, 0x1234),
    ("bstrpick.d", {"msbd": 63, "lsbd": 56}, 0xFF00000000000000, 0, 0xFF),
    ("slti", {"si12": 0}, M64, 0, 1),
    ("slti", {"si12": -2048}, 0, 0, 0),
    ("sltui", {"si12": -1}, 5, 0, 1),  # the immediate is sign-extended, then compared unsigned
    ("sltui", {"si12": 100}, M64, 0, 0),
    ("addi.w", {"si12": 1}, 0x7FFFFFFF, 0, 0xFFFFFFFF80000000),
    ("addi.d", {"si12": -1}, 0, 0, M64),
    ("lu52i.d", {"si12": -1}, 0xABC0000000012345, 0, 0xFFF0000000012345),
    ("andi", {"ui12": 0xF0F}, 0xFFFF, 0, 0xF0F),
    ("ori", {"ui12": 0x800}, 0, 0, 0x800),  # zero-extended
    ("xori", {"ui12": 0xFFF}, M64, 0, 0xFFFFFFFFFFFFF000),
    ("addu16i.d", {"si16": -1}, 0, 0, 0xFFFFFFFFFFFF0000),
    ("addu16i.d", {"si16": 0x7FFF}, 1, 0, 0x7FFF0001),
]

NO_RJ_CASES = [  # (mnemonic, fields, old rd, expected), at pc BASE = 0x1000
    ("lu12i.w", {"si20": -1}, 0, 0xFFFFFFFFFFFFF000),
    ("lu12i.w", {"si20": 0x7FFFF}, 0, 0x7FFFF000),
    ("lu32i.d", {"si20": 0}, 0xFFFFFFFF12345678, 0x12345678),
    ("lu32i.d", {"si20": -1}, 1, 0xFFFFFFFF00000001),
    ("lu32i.d", {"si20": -0x80000}, 1, 0xFFF8000000000001),
    ("pcaddi", {"si20": -1}, 0, 0xFFC),
    ("pcaddu12i", {"si20": 1}, 0, 0x2000),
    ("pcaddu12i", {"si20": -2}, 0, sx(0x1000 - 0x2000)),
    ("pcaddu18i", {"si20": 1}, 0, 0x41000),
    ("pcalau12i", {"si20": 1}, 0, 0x2000),
]


@pytest.mark.parametrize(("mnemonic", "fields", "j", "k", "d", "expected"), ALU_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(ALU_CASES)])
def test_three_register_ops(mnemonic, fields, j, k, d, expected):
    iss = run_one(mnemonic, {RJ: j, RK: k, RD: d}, rd=RD, rj=RJ, rk=RK, **fields)
    assert iss.regs[RD] == expected
    assert iss.pc == BASE + 4


@pytest.mark.parametrize(("mnemonic", "fields", "j", "d", "expected"), UNARY_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(UNARY_CASES)])
def test_register_immediate_ops(mnemonic, fields, j, d, expected):
    iss = run_one(mnemonic, {RJ: j, RD: d}, rd=RD, rj=RJ, **fields)
    assert iss.regs[RD] == expected


@pytest.mark.parametrize(("mnemonic", "fields", "d", "expected"), NO_RJ_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(NO_RJ_CASES)])
def test_upper_immediate_and_pc_relative(mnemonic, fields, d, expected):
    assert run_one(mnemonic, {RD: d}, rd=RD, **fields).regs[RD] == expected


def test_pcalau12i_clears_low_bits():
    assert run_one("pcalau12i", {}, entry=0x1FFC, rd=RD, si20=1).regs[RD] == 0x2000


def test_r0_is_never_written():
    iss = run_one("addi.d", {}, rd=0, rj=0, si12=5)
    assert iss.regs[0] == 0 and iss.last_rd == 0
    iss = make_iss([encode("ld.d", rd=0, rj=RJ, si12=0)], {RJ: DATA})
    iss.memory.write(DATA, (0x1234).to_bytes(8, "little"))
    iss.step()
    assert iss.regs[0] == 0 and iss.last_mem_re == 1


@pytest.mark.parametrize("mnemonic", ["bstrins.w", "bstrpick.w", "bstrins.d", "bstrpick.d"])
def test_bitfield_msb_below_lsb_is_illegal(mnemonic):
    suffix = mnemonic[-1]
    iss = make_iss([encode(mnemonic, rd=RD, rj=RJ, **{f"msb{suffix}": 2, f"lsb{suffix}": 3})])
    with pytest.raises(IllegalInstruction):
        iss.step()


# --- loads and stores -----------------------------------------------------------------------------------
LOAD_CASES = [  # (mnemonic, fields, value at DATA.., expected)
    ("ld.b", {"si12": 0}, 0x80, 0xFFFFFFFFFFFFFF80),
    ("ld.bu", {"si12": 0}, 0x80, 0x80),
    ("ld.h", {"si12": 0}, 0x8001, 0xFFFFFFFFFFFF8001),
    ("ld.hu", {"si12": 0}, 0x8001, 0x8001),
    ("ld.w", {"si12": 0}, 0x80000001, 0xFFFFFFFF80000001),
    ("ld.wu", {"si12": 0}, 0x80000001, 0x80000001),
    ("ld.d", {"si12": 0}, 0x8000000000000001, 0x8000000000000001),
    ("ldptr.w", {"si14": 0}, 0x80000000, 0xFFFFFFFF80000000),
    ("ldptr.d", {"si14": 0}, 0x1122334455667788, 0x1122334455667788),
]


@pytest.mark.parametrize(("mnemonic", "fields", "value", "expected"), LOAD_CASES, ids=[c[0] for c in LOAD_CASES])
def test_loads_extend(mnemonic, fields, value, expected):
    iss = make_iss([encode(mnemonic, rd=RD, rj=RJ, **fields)], {RJ: DATA})
    iss.memory.write(DATA, value.to_bytes(8, "little"))
    iss.step()
    assert iss.regs[RD] == expected
    assert (iss.last_mem_re, iss.last_mem_we, iss.last_mem_addr) == (1, 0, DATA)


def test_load_offsets_and_index():
    iss = make_iss([encode("ld.w", rd=RD, rj=RJ, si12=-8), encode("ldx.bu", rd=7, rj=RJ, rk=RK),
                    encode("ldptr.d", rd=8, rj=RJ, si14=-8), encode("ldx.b", rd=9, rj=RJ, rk=RK)],
                   {RJ: DATA + 8, RK: M64})  # rj + (-1)
    iss.memory.write(DATA, bytes(range(0x10, 0x20)))
    for _ in range(4):
        iss.step()
    assert iss.regs[RD] == 0x13121110
    assert iss.regs[7] == 0x17
    assert iss.regs[8] == 0x1716151413121110
    assert iss.regs[9] == 0x17
    assert iss.last_mem_addr == DATA + 7 and iss.last_mem_size == 0


@pytest.mark.parametrize(("mnemonic", "fields", "size"), [
    ("st.b", {"si12": 1}, 0), ("st.h", {"si12": 2}, 1), ("st.w", {"si12": 4}, 2), ("st.d", {"si12": 8}, 3),
    ("stptr.w", {"si14": 4}, 2), ("stptr.d", {"si14": 8}, 3)])
def test_stores_write_only_their_size(mnemonic, fields, size):
    iss = make_iss([encode(mnemonic, rd=RD, rj=RJ, **fields)], {RJ: DATA, RD: 0x1122334455667788})
    iss.memory.write(DATA, b"\xee" * 16)
    iss.step()
    offset = next(iter(fields.values()))
    expected = bytearray(b"\xee" * 16)
    expected[offset:offset + (1 << size)] = (0x1122334455667788).to_bytes(8, "little")[:1 << size]
    assert iss.memory.read(DATA, 16) == bytes(expected)
    assert (iss.last_mem_we, iss.last_mem_re, iss.last_mem_size, iss.last_mem_addr) == (1, 0, size, DATA + offset)
    assert iss.last_mem_wdata == 0x1122334455667788 & ((1 << (8 << size)) - 1)
    assert iss.last_rd == 0


def test_indexed_stores():
    iss = make_iss([encode("stx.w", rd=RD, rj=RJ, rk=RK), encode("stx.b", rd=RD, rj=RJ, rk=0)],
                   {RJ: DATA, RK: 8, RD: 0xAABBCCDD})
    iss.step()
    iss.step()
    assert iss.memory.read(DATA, 12) == b"\xdd" + bytes(7) + b"\xdd\xcc\xbb\xaa"


# --- atomics --------------------------------------------------------------------------------------------
AMO_CASES = [  # (mnemonic, old memory (8 bytes), rk, expected rd, expected memory)
    ("amswap.w", 0x1111111180000000, 5, 0xFFFFFFFF80000000, 0x1111111100000005),
    ("amswap.d", 0x1111111180000000, 5, 0x1111111180000000, 5),
    ("amadd.w", 0x111111117FFFFFFF, 1, 0x7FFFFFFF, 0x1111111180000000),
    ("amadd.d", M64, 2, M64, 1),
    ("amand.w", 0xF0F0F0F0, 0xFF00FF00, 0xFFFFFFFFF0F0F0F0, 0xF000F000),
    ("amor.d", 0xF0, 0x0F, 0xF0, 0xFF),
    ("amxor.w", 0xFFFF0000, 0xFFFFFFFF, 0xFFFFFFFFFFFF0000, 0x0000FFFF),
    ("ammax.w", 0x80000000, 1, 0xFFFFFFFF80000000, 1),
    ("ammin.w", 0x80000000, 1, 0xFFFFFFFF80000000, 0x80000000),
    ("ammax.wu", 0x80000000, 1, 0xFFFFFFFF80000000, 0x80000000),  # rd sign-extended even for .wu
    ("ammin.wu", 0x80000000, 1, 0xFFFFFFFF80000000, 1),
    ("ammax.d", MIN64, 1, MIN64, 1),
    ("ammin.d", MIN64, 1, MIN64, MIN64),
    ("ammax.du", MIN64, 1, MIN64, MIN64),
    ("ammin.du", MIN64, 1, MIN64, 1),
    ("amadd_db.w", 1, 2, 1, 3),
    ("ammin_db.du", 7, 3, 7, 3),
]


@pytest.mark.parametrize(("mnemonic", "old", "k", "expected_rd", "expected_mem"), AMO_CASES,
                         ids=[c[0] for c in AMO_CASES])
def test_atomics(mnemonic, old, k, expected_rd, expected_mem):
    iss = make_iss([encode(mnemonic, rd=RD, rj=RJ, rk=RK)], {RJ: DATA, RK: k})
    iss.memory.write(DATA, old.to_bytes(8, "little"))
    iss.step()
    assert iss.regs[RD] == expected_rd
    assert int.from_bytes(iss.memory.read(DATA, 8), "little") == expected_mem
    size = 3 if mnemonic.endswith(("d", "du")) else 2
    assert (iss.last_mem_re, iss.last_mem_we, iss.last_mem_size) == (1, 1, size)
    assert iss.last_mem_wdata == expected_mem & ((1 << (8 << size)) - 1)  # the new memory value


@pytest.mark.parametrize("overlap", ["rj", "rk"])
def test_atomic_with_rd_overlapping_a_source_is_illegal(overlap):
    fields = {"rd": RD, "rj": RJ, "rk": RK, overlap: RD}
    with pytest.raises(IllegalInstruction):
        make_iss([encode("amadd.d", **fields)], {RD: DATA, RJ: DATA}).step()


def test_atomic_misaligned():
    with pytest.raises(MisalignedAccess):
        make_iss([encode("amswap.w", rd=RD, rj=RJ, rk=RK)], {RJ: DATA + 2}).step()


def test_ll_sc_succeeds_then_fails():
    program = [encode("ll.w", rd=RD, rj=RJ, si14=4), encode("addi.w", rd=RD, rj=RD, si12=1),
               encode("sc.w", rd=RD, rj=RJ, si14=4), encode("sc.w", rd=7, rj=RJ, si14=4)]
    iss = make_iss(program, {RJ: DATA, 7: 99})
    iss.memory.write(DATA + 4, (0x80000005).to_bytes(4, "little"))
    iss.step()
    assert iss.regs[RD] == 0xFFFFFFFF80000005 and iss.llbit
    assert (iss.last_mem_re, iss.last_mem_addr, iss.last_mem_size) == (1, DATA + 4, 2)
    iss.step()
    iss.step()
    assert iss.regs[RD] == 1 and not iss.llbit
    assert int.from_bytes(iss.memory.read(DATA + 4, 4), "little") == 0x80000006
    assert (iss.last_mem_we, iss.last_mem_wdata, iss.last_rd, iss.last_rd_value) == (1, 0x80000006, RD, 1)
    iss.step()  # LLbit is clear: fails, memory untouched
    assert iss.regs[7] == 0
    assert (iss.last_mem_we, iss.last_rd, iss.last_rd_value) == (0, 7, 0)
    assert int.from_bytes(iss.memory.read(DATA + 4, 4), "little") == 0x80000006


def test_ll_d_and_sc_d():
    iss = make_iss([encode("ll.d", rd=RD, rj=RJ, si14=0), encode("sc.d", rd=RK, rj=RJ, si14=0)],
                   {RJ: DATA, RK: 0x1234})
    iss.memory.write(DATA, M64.to_bytes(8, "little"))
    iss.step()
    iss.step()
    assert iss.regs[RD] == M64 and iss.regs[RK] == 1
    assert iss.memory.read(DATA, 8) == (0x1234).to_bytes(8, "little")


def test_another_cores_store_clears_the_reservation():
    memory = Memory(ram_size=1 << 20)
    core0 = make_iss([encode("ll.d", rd=RD, rj=RJ, si14=0), encode("st.d", rd=0, rj=RJ, si12=8),
                      encode("sc.d", rd=RK, rj=RJ, si14=0)], {RJ: DATA, RK: 1}, memory=memory)
    core1 = make_iss([encode("st.w", rd=0, rj=RJ, si12=60), encode("st.w", rd=0, rj=RJ, si12=64)], {RJ: DATA},
                     entry=0x2000, memory=memory, core_id=1)
    core0.step()
    core1.step()  # same 64-byte line
    assert not core0.llbit
    core0.regs[RK] = 1
    core0.pc = BASE
    core0.step()
    core1.step()  # the next line: no effect
    core0.step()  # its own store: no effect
    assert core0.llbit
    core0.step()
    assert core0.regs[RK] == 1


# --- branches and jumps -----------------------------------------------------------------------------------
BRANCH_CASES = [  # (mnemonic, rj, rd, taken)
    ("beq", 5, 5, True), ("beq", 5, 6, False), ("bne", 5, 6, True), ("bne", 5, 5, False),
    ("blt", M64, 1, True), ("blt", 1, M64, False), ("bltu", M64, 1, False), ("bltu", 1, M64, True),
    ("bge", 3, 3, True), ("bge", M64, 0, False), ("bgeu", M64, 0, True), ("bgeu", 0, 1, False),
]


@pytest.mark.parametrize(("mnemonic", "j", "d", "taken"), BRANCH_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(BRANCH_CASES)])
def test_conditional_branches(mnemonic, j, d, taken):
    iss = run_one(mnemonic, {RJ: j, RD: d}, rj=RJ, rd=RD, offs=-16)
    assert iss.pc == (BASE - 16 if taken else BASE + 4)
    assert iss.last_rd == 0


@pytest.mark.parametrize(("mnemonic", "j", "taken"), [("beqz", 0, True), ("beqz", 1, False), ("bnez", 1, True),
                                                      ("bnez", 0, False)])
def test_branch_on_zero(mnemonic, j, taken):
    iss = run_one(mnemonic, {RJ: j}, rj=RJ, offs=0x100000 - 4)  # the 21-bit offset's upper part
    assert iss.pc == (BASE + 0x100000 - 4 if taken else BASE + 4)


def test_b_bl_jirl():
    iss = run_one("b", {}, offs=-(1 << 27))
    assert iss.pc == (BASE - (1 << 27)) & M64
    iss = run_one("bl", {}, offs=0x40)
    assert iss.pc == BASE + 0x40 and iss.regs[1] == BASE + 4 and iss.last_rd == 1
    iss = run_one("jirl", {RJ: 0x5000}, rd=RJ, rj=RJ, offs=-4)  # rd = rj: the target uses the old rj
    assert iss.pc == 0x4FFC and iss.regs[RJ] == BASE + 4
    iss = run_one("jirl", {1: 0x3000}, rd=0, rj=1, offs=0)  # ret
    assert iss.pc == 0x3000 and iss.last_rd == 0


# --- CSRs, barriers, counters -----------------------------------------------------------------------------
def test_csr_cpuid_and_save_registers():
    program = [encode("csrrd", rd=RD, csr=0x20), encode("csrwr", rd=RJ, csr=0x30),
               encode("csrrd", rd=RK, csr=0x30), encode("csrxchg", rd=7, rj=8, csr=0x30),
               encode("csrrd", rd=9, csr=0x30), encode("csrwr", rd=10, csr=0x7FF), encode("csrrd", rd=11, csr=0x7FF)]
    iss = make_iss(program, {RJ: 0x55, 7: 0xFF, 8: 0x0F, 10: 0x1234, 11: 9}, core_id=2)
    for _ in program:
        iss.step()
    assert iss.regs[RD] == 2  # CPUID = core index
    assert iss.regs[RJ] == 0  # csrwr returns the old value
    assert iss.regs[RK] == 0x55
    assert iss.regs[7] == 0x55  # csrxchg returns the old value
    assert iss.regs[9] == 0x5F  # (0xFF & 0x0F) | (0x55 & ~0x0F)
    assert iss.regs[10] == 0 and iss.regs[11] == 0  # an undefined CSR reads 0, ignores writes
    assert iss.csr.read(0x30) == 0x5F


def test_cpuid_is_read_only():
    iss = make_iss([encode("csrwr", rd=RD, csr=0x20), encode("csrrd", rd=RK, csr=0x20)], {RD: 7}, core_id=1)
    iss.step()
    iss.step()
    assert iss.regs[RK] == 1


@pytest.mark.parametrize("word", [encode("dbar", hint=0), encode("ibar", hint=0),
                                  encode("preld", hint=0, rj=RJ, si12=0), encode("preldx", hint=0, rj=RJ, rk=RK)])
def test_barriers_and_prefetch_are_nops(word):
    iss = make_iss([word], {RJ: 0xDEAD0000, RK: 3})  # prefetch of an unmapped address does nothing
    iss.step()
    assert iss.pc == BASE + 4 and iss.regs[RJ] == 0xDEAD0000 and iss.last_mem_re == 0


def test_cpucfg_and_rdtime():
    iss = make_iss([encode("cpucfg", rd=RD, rj=RJ), encode("rdtime.d", rd=RK, rj=7)], {RJ: 1})
    iss.stable_counter = lambda: 1234
    iss.step()
    iss.step()
    assert iss.regs[RD] & 3 == 2  # ARCH = LA64
    assert iss.regs[RK] == 1234 and iss.regs[7] == 0  # rj <- TID (0)


# --- devices ----------------------------------------------------------------------------------------------
def uart_program(*steps: tuple[str, int, int]) -> Iss:
    """steps: ("ld"/"st", register offset, value) as byte accesses to UART0."""
    words = []
    for kind, offset, _ in steps:
        words.append(encode("ld.bu" if kind == "ld" else "st.b", rd=RD if kind == "ld" else RK, rj=RJ,
                            si12=offset))
    iss = make_iss(words, {RJ: soc.UART0_BASE})
    results = []
    for _kind, _, value in steps:
        iss.regs[RK] = value
        iss.step()
        results.append(iss.regs[RD])
    iss.results = results  # type: ignore[attr-defined]
    return iss


def test_uart_transmit():
    iss = uart_program(("st", 0, ord("h")), ("st", 0, ord("i")), ("st", 0, 0x10A))
    assert iss.uart_output == b"hi\n"
    assert (iss.last_mem_we, iss.last_mem_addr, iss.last_mem_wdata) == (1, soc.UART0_BASE, 0x0A)


def test_uart_status_registers():
    iss = uart_program(("ld", soc.UART_LSR, 0), ("ld", soc.UART_IIR, 0), ("ld", soc.UART_THR, 0),
                       ("ld", soc.UART_MSR, 0))
    assert iss.results == [soc.UART_LSR_IDLE, soc.UART_IIR_NONE, 0, 0]


@pytest.mark.parametrize("reg", [soc.UART_IER, soc.UART_LCR, soc.UART_MCR, soc.UART_SCR])
def test_uart_read_write_registers(reg):
    iss = uart_program(("st", reg, 0x1A5), ("ld", reg, 0))
    assert iss.results[-1] == 0xA5


def test_uart_fcr_write_is_ignored():
    iss = uart_program(("st", soc.UART_IIR, 0xC7), ("ld", soc.UART_IIR, 0))
    assert iss.results[-1] == soc.UART_IIR_NONE
    assert iss.uart_output == b""


def test_power_off_retires_the_store_and_ends_run():
    program = [encode("ori", rd=RK, rj=0, ui12=0x34), encode("st.b", rd=RK, rj=RJ, si12=0),
               encode("b", offs=0)]
    iss = make_iss(program, {RJ: soc.GED_SLEEP_CTL})
    assert iss.run(1000) == 2
    assert iss.powered_off and iss.pc == BASE + 8 and iss.retired == 2


def test_power_off_in_step_mode():
    iss = make_iss([encode("st.b", rd=RK, rj=RJ, si12=0)], {RJ: soc.GED_SLEEP_CTL, RK: 0x34})
    iss.step()
    assert iss.powered_off and iss.pc == BASE + 4 and iss.last_mem_we == 1


def test_other_ged_writes_do_not_power_off():
    iss = make_iss([encode("st.b", rd=RK, rj=RJ, si12=0), encode("st.h", rd=RK, rj=RJ, si12=0)],
                   {RJ: soc.GED_SLEEP_CTL, RK: 0x35})
    iss.step()
    iss.regs[RK] = 0x34
    iss.step()  # not a byte write
    assert not iss.powered_off


# --- errors -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("word", "error"), [
    (0xFFFFFFFF, IllegalInstruction),
    (encode("fadd.d", fd=1, fj=2, fk=3), IllegalInstruction),  # no FP on this core
    (encode("amswap.b", rd=1, rj=2, rk=3), IllegalInstruction),
    (encode("dbcl", code=0), UnimplementedInstruction),  # no debug mode
    (encode("syscall", code=0), UnhandledException),
    (encode("break", code=0), UnhandledException),
])
def test_instructions_the_model_cannot_run(word, error):
    iss = make_iss([word], {4: 0x10})
    with pytest.raises(error) as info:
        iss.step()
    assert info.value.pc == BASE and info.value.word == word
    assert f"{BASE:#x}" in str(info.value)
    assert iss.pc == BASE and iss.retired == 0


@pytest.mark.parametrize(("mnemonic", "fields", "address"), [
    ("ld.w", {"si12": 0}, DATA + 2), ("ld.h", {"si12": 1}, DATA), ("st.d", {"si12": 4}, DATA),
    ("ldptr.d", {"si14": 4}, DATA), ("ll.w", {"si14": 0}, DATA + 1), ("sc.d", {"si14": 0}, DATA + 4)])
def test_misaligned_data_access(mnemonic, fields, address):
    iss = make_iss([encode(mnemonic, rd=RD, rj=RJ, **fields)], {RJ: address})
    with pytest.raises(MisalignedAccess, match="ALE"):
        iss.step()


@pytest.mark.parametrize("mnemonic", ["ld.d", "st.w", "ld.bu"])
def test_unmapped_data_access(mnemonic):
    iss = make_iss([encode(mnemonic, rd=RD, rj=RJ, si12=0)], {RJ: 0x3000_0000})
    with pytest.raises(BusError, match="0x30000000"):
        iss.step()


def test_misaligned_jump_target():
    iss = make_iss([encode("jirl", rd=0, rj=RJ, offs=0)], {RJ: 0x2002})
    iss.step()
    with pytest.raises(MisalignedAccess, match="ADE"):
        iss.step()


def test_fetch_outside_ram():
    iss = make_iss([encode("jirl", rd=0, rj=RJ, offs=0)], {RJ: 0x4000_0000})
    iss.step()
    with pytest.raises(BusError, match="fetch"):
        iss.run(10)


def test_max_instructions_reports_the_last_16():
    iss = make_iss([encode("addi.d", rd=RD, rj=RD, si12=1), encode("b", offs=-4)])
    with pytest.raises(MaxInstructionsExceeded) as info:
        iss.run(1000)
    lines = str(info.value).splitlines()
    assert "1000" in lines[0]
    assert len([ln for ln in lines if "addi.d $a0, $a0, 1" in ln or "b 0x1000" in ln]) == 16
    assert iss.retired == 1000 and iss.regs[RD] == 500


# --- lockstep records, run vs step, self-modifying code -----------------------------------------------------
def test_step_records_register_writes():
    iss = run_one("addi.d", {RJ: 41}, rd=RD, rj=RJ, si12=1)
    assert (iss.last_pc, iss.last_rd, iss.last_rd_value) == (BASE, RD, 42)
    assert iss.last_insn == encode("addi.d", rd=RD, rj=RJ, si12=1)
    assert (iss.last_mem_re, iss.last_mem_we, iss.last_mem_addr, iss.last_mem_wdata) == (0, 0, 0, 0)


def test_run_and_step_agree():
    program = [encode("addi.d", rd=RD, rj=0, si12=100), encode("st.d", rd=RD, rj=RJ, si12=0),
               encode("ld.d", rd=RK, rj=RJ, si12=0), encode("mul.d", rd=RK, rj=RK, rk=RD),
               encode("addi.d", rd=RD, rj=RD, si12=-1), encode("bnez", rj=RD, offs=-16),
               encode("st.b", rd=7, rj=8, si12=0)]
    regs = {RJ: DATA, 7: 0x34, 8: soc.GED_SLEEP_CTL}
    fast, slow = make_iss(program, regs), make_iss(program, regs)
    fast.run(10_000)
    while not slow.powered_off:
        slow.step()
    assert fast.regs == slow.regs and fast.retired == slow.retired == 502
    assert fast.memory.read(DATA, 8) == slow.memory.read(DATA, 8)


def test_stores_into_code_retranslate_it():
    new_word = encode("addi.d", rd=RD, rj=RD, si12=100)
    program = [encode("addi.d", rd=RD, rj=RD, si12=1),  # BASE: patched on the 2nd pass
               encode("st.w", rd=RK, rj=RJ, si12=0),
               encode("beqz", rj=7, offs=-8),
               encode("b", offs=0)]
    iss = make_iss(program, {RJ: BASE, RK: new_word})
    iss.step()  # addi +1
    iss.step()  # patch BASE
    iss.step()  # beqz back to BASE
    iss.step()  # the patched instruction
    assert iss.regs[RD] == 101


def test_from_elf_runs_a_program(elf_factory):
    words = [encode("ori", rd=RK, rj=0, ui12=ord("A")), encode("lu12i.w", rd=RJ, si20=soc.UART0_BASE >> 12),
             encode("ori", rd=RJ, rj=RJ, ui12=soc.UART0_BASE & 0xFFF), encode("st.b", rd=RK, rj=RJ, si12=0),
             encode("lu12i.w", rd=RJ, si20=soc.GED_SLEEP_CTL >> 12),
             encode("ori", rd=RJ, rj=RJ, ui12=soc.GED_SLEEP_CTL & 0xFFF), encode("ori", rd=RK, rj=0, ui12=0x34),
             encode("st.b", rd=RK, rj=RJ, si12=0)]
    code = b"".join(w.to_bytes(4, "little") for w in words)
    image = load_elf(elf_factory(segments=((0x200000, code, len(code)),), entry=0x200000))
    iss = Iss.from_elf(image)
    iss.run(100)
    assert iss.uart_output == b"A" and iss.powered_off and iss.retired == len(words)


def test_stable_counter_advances_during_run():
    """A delay loop polling rdtime.d must end in run() too (retired is synced every few thousand insns)."""
    program = [encode("rdtime.d", rd=RD, rj=0), encode("rdtime.d", rd=RJ, rj=0),
               encode("sub.d", rd=RK, rj=RJ, rk=RD), encode("sltui", rd=7, rj=RK, si12=2000),
               encode("bnez", rj=7, offs=-12), encode("st.b", rd=8, rj=9, si12=0)]
    iss = make_iss(program, {8: 0x34, 9: soc.GED_SLEEP_CTL})
    iss.run(100_000)
    assert iss.powered_off


def test_cores_share_memory_and_tell_themselves_apart(elf_factory):
    words = [encode("csrrd", rd=RD, csr=0x20), encode("slli.d", rd=RK, rj=RD, ui6=3),
             encode("lu12i.w", rd=RJ, si20=DATA >> 12), encode("stx.d", rd=RD, rj=RJ, rk=RK)]
    code = b"".join(w.to_bytes(4, "little") for w in words)
    image = load_elf(elf_factory(segments=((BASE, code, len(code)),), entry=BASE))
    cores = new_machine(image, cores=3)
    for core in cores:
        for _ in words:
            core.step()
    assert len({id(core.memory) for core in cores}) == 1
    assert [int.from_bytes(cores[0].memory.read(DATA + 8 * i, 8), "little") for i in range(3)] == [0, 1, 2]


def test_uart_thre_interrupt_follows_la_uart():
    from lacosim.iss.devices import Uart16550
    u = Uart16550()
    assert not u.irq
    u.store(soc.UART_IER, 0, soc.UART_IER_ETBEI)        # enabling raises it: THR is empty
    assert u.irq
    assert u.load(soc.UART_IIR, 0) == soc.UART_IIR_THRE   # reading IIR reports and clears it
    assert not u.irq and u.load(soc.UART_IIR, 0) == soc.UART_IIR_NONE
    u.store(soc.UART_THR, 0, 0x41)                        # each transmitted byte empties THR again
    assert u.irq
    u.store(soc.UART_IER, 0, 0)                           # disabling clears it
    assert not u.irq and u.load(soc.UART_IIR, 0) == soc.UART_IIR_NONE
    u.store(soc.UART_THR, 0, 0x42)                        # pending but not enabled: no line
    assert not u.irq


def test_looping_through_exceptions_keeps_memory_bounded():
    """A program that takes the same exception forever (syscall, handler = ertn back to it) grew to 12 GB:
    the translated word re-raised one Trap object whose traceback chained on every raise."""
    import gc
    import tracemalloc

    from lacosim.iss.csr import CSR_EENTRY
    handler = BASE + 0x1000
    iss = make_iss([encode("syscall", code=0)])
    iss.memory.write(handler, encode("ertn").to_bytes(4, "little"))
    iss.csr.values[CSR_EENTRY] = handler
    iss.run_for(2000)  # warm up: translations exist
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    iss.run_for(200_000)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert iss.retired > 200_000
    assert grown < 1_000_000, f"100k exceptions left {grown} bytes behind"
