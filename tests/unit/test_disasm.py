"""The GNU-style disassembler: exact text for every operand form, aliases, symbols, and a round trip of
every TSV form through an independent assembler (LLVM, via zig cc)."""

from __future__ import annotations

import re
import struct
import subprocess
import sys

import pytest
from elftools.elf.elffile import ELFFile
from lacosim.isa.decoder import Decoded, all_specs, decode, encode
from lacosim.isa.disasm import FCMP_CONDS, disassemble

PC = 0x200000

# One pair per distinct operand form of the TSV (+ LVZ rows), at pc 0x200000; generated once by the round
# trip below and checked by hand against GNU conventions.
EVERY_FORM = [
    (0x000010a4, "clo.w $a0, $a1"),
    (0x0000105f, "clo.w $s8, $tp"),
    (0x000118a0, "asrtle.d $a1, $a2"),
    (0x00017840, "asrtle.d $tp, $s7"),
    (0x000498a4, "alsl.w $a0, $a1, $a2, 0x2"),
    (0x0005f85f, "alsl.w $s8, $tp, $s7, 0x4"),
    (0x000898a4, "bytepick.w $a0, $a1, $a2, 0x1"),
    (0x0009f85f, "bytepick.w $s8, $tp, $s7, 0x3"),
    (0x000d98a4, "bytepick.d $a0, $a1, $a2, 0x3"),
    (0x000ff85f, "bytepick.d $s8, $tp, $s7, 0x7"),
    (0x001018a4, "add.w $a0, $a1, $a2"),
    (0x0010785f, "add.w $s8, $tp, $s7"),
    (0x002a3fff, "break 0x3fff"),
    (0x002a7fff, "break 0x7fff"),
    (0x0040bca4, "slli.w $a0, $a1, 0xf"),
    (0x0040fc5f, "slli.w $s8, $tp, 0x1f"),
    (0x00417ca4, "slli.d $a0, $a1, 0x1f"),
    (0x0041fc5f, "slli.d $s8, $tp, 0x3f"),
    (0x006c0ca4, "bstrins.w $a0, $a1, 0xc, 0x3"),
    (0x007f005f, "bstrins.w $s8, $tp, 0x1f, 0x0"),
    (0x008c0ca4, "bstrins.d $a0, $a1, 0xc, 0x3"),
    (0x00bf005f, "bstrins.d $s8, $tp, 0x3f, 0x0"),
    (0x010098a4, "fadd.s $fa4, $fa5, $fa6"),
    (0x0100f85f, "fadd.s $fs7, $fa2, $fs6"),
    (0x011404a4, "fabs.s $fa4, $fa5"),
    (0x0114045f, "fabs.s $fs7, $fa2"),
    (0x0114a4a4, "movgr2fr.w $fa4, $a1"),
    (0x0114a45f, "movgr2fr.w $fs7, $tp"),
    (0x0114b4a4, "movfr2gr.s $a0, $fa5"),
    (0x0114b45f, "movfr2gr.s $s8, $fa2"),
    (0x0114c0a0, "movgr2fcsr $fcsr0, $a1"),
    (0x0114c043, "movgr2fcsr $fcsr3, $tp"),
    (0x0114c804, "movfcsr2gr $a0, $fcsr0"),
    (0x0114c87f, "movfcsr2gr $s8, $fcsr3"),
    (0x0114d0a1, "movfr2cf $fcc1, $fa5"),
    (0x0114d047, "movfr2cf $fcc7, $fa2"),
    (0x0114d424, "movcf2fr $fa4, $fcc1"),
    (0x0114d4ff, "movcf2fr $fs7, $fcc7"),
    (0x0114d8a1, "movgr2cf $fcc1, $a1"),
    (0x0114d847, "movgr2cf $fcc7, $tp"),
    (0x0114dc24, "movcf2gr $a0, $fcc1"),
    (0x0114dcff, "movcf2gr $s8, $fcc7"),
    (0x023ff8a4, "slti $a0, $a1, -2"),
    (0x0220005f, "slti $s8, $tp, -2048"),
    (0x035ffca4, "andi $a0, $a1, 0x7ff"),
    (0x037ffc5f, "andi $s8, $tp, 0xfff"),
    (0x047ffc04, "csrrd $a0, 0x1fff"),
    (0x04fffc1f, "csrrd $s8, 0x3fff"),
    (0x047ffca4, "csrxchg $a0, $a1, 0x1fff"),
    (0x04fffc5f, "csrxchg $s8, $tp, 0x3fff"),
    (0x063ff8af, "cacop 0xf, $a1, -2"),
    (0x0620005f, "cacop 0x1f, $tp, -2048"),
    (0x0641fca4, "lddir $a0, $a1, 0x7f"),
    (0x0643fc5f, "lddir $s8, $tp, 0xff"),
    (0x0645fca0, "ldpte $a1, 0x7f"),
    (0x0647fc40, "ldpte $tp, 0xff"),
    (0x06482000, "tlbclr"),
    (0x0648bfff, "idle 0x3fff"),
    (0x0648ffff, "idle 0x7fff"),
    (0x064998af, "invtlb 0xf, $a1, $a2"),
    (0x0649f85f, "invtlb 0x1f, $tp, $s7"),
    (0x081398a4, "fmadd.s $fa4, $fa5, $fa6, $fa7"),
    (0x0810f85f, "fmadd.s $fs7, $fa2, $fs6, $fa1"),
    (0x0c1218a1, "fcmp.ceq.s $fcc1, $fa5, $fa6"),
    (0x0c1cf847, "fcmp.sune.s $fcc7, $fa2, $fs6"),
    (0x0d0098a4, "fsel $fa4, $fa5, $fa6, $fcc1"),
    (0x0d03f85f, "fsel $fs7, $fa2, $fs6, $fcc7"),
    (0x13fff8a4, "addu16i.d $a0, $a1, -2"),
    (0x1200005f, "addu16i.d $s8, $tp, -32768"),
    (0x15ffffc4, "lu12i.w $a0, -2"),
    (0x1500001f, "lu12i.w $s8, -524288"),
    (0x20fff8a4, "ll.w $a0, $a1, -8"),
    (0x2080005f, "ll.w $s8, $tp, -32768"),
    (0x2afff8af, "preld 0xf, $a1, -2"),
    (0x2ae0005f, "preld 0x1f, $tp, -2048"),
    (0x2b3ff8a4, "fld.s $fa4, $a1, -2"),
    (0x2b20005f, "fld.s $fs7, $tp, -2048"),
    (0x382c18af, "preldx 0xf, $a1, $a2"),
    (0x382c785f, "preldx 0x1f, $tp, $s7"),
    (0x383018a4, "fldx.s $fa4, $a1, $a2"),
    (0x3830785f, "fldx.s $fs7, $tp, $s7"),
    (0x385718a4, "sc.q $a0, $a2, $a1"),
    (0x3857785f, "sc.q $s8, $s7, $tp"),
    (0x38723fff, "dbar 0x3fff"),
    (0x38727fff, "dbar 0x7fff"),
    (0x43fff8bf, "beqz $a1, 0x1ffff8"),
    (0x43fffc4f, "beqz $tp, 0x5ffffc"),
    (0x4bfff83f, "bceqz $fcc1, 0x1ffff8"),
    (0x4bfffcef, "bceqz $fcc7, 0x5ffffc"),
    (0x4ffff8a4, "jirl $a0, $a1, -8"),
    (0x4dfffc5f, "jirl $s8, $tp, 131068"),
    (0x53fffbff, "b 0x1ffff8"),
    (0x53fffdff, "b 0x81ffffc"),
    (0x5bfff8a4, "beq $a1, $a0, 0x1ffff8"),
    (0x59fffc5f, "beq $tp, $s8, 0x21fffc"),
]


@pytest.mark.parametrize(("word", "text"), EVERY_FORM, ids=[t.split()[0] for _, t in EVERY_FORM])
def test_every_form(word, text):
    assert disassemble(word, PC, aliases=False) == text


SYMBOLS = {0x2001C: "main", 0x200038: "loop"}


def symbolize(addr: int) -> str:
    base = max((a for a in SYMBOLS if a <= addr), default=None)
    if base is None:
        return ""
    return SYMBOLS[base] if addr == base else f"{SYMBOLS[base]}+{addr - base:#x}"


@pytest.mark.parametrize(("word", "pc", "text"), [
    (encode("add.w", rd=4, rj=5, rk=6), 0, "add.w $a0, $a1, $a2"),
    (encode("ld.d", rd=1, rj=3, si12=8), 0, "ld.d $ra, $sp, 8"),
    (encode("bl", offs=0x1C), 0x20000, "bl 0x2001c <main>"),
    (encode("beqz", rj=12, offs=0x40), 0x200000, "beqz $t0, 0x200040 <loop+0x8>"),
    (encode("csrrd", rd=12, csr=0x20), 0, "csrrd $t0, 0x20"),
    (encode("ori", rd=4, rj=0, ui12=0x68), 0, "ori $a0, $zero, 0x68"),
    (encode("b", offs=-4), 0x1000, "b 0xffc"),
    (encode("or", rd=21, rj=22, rk=23), 0, "or $r21, $fp, $s0"),
    (encode("add.d", rd=31, rj=20, rk=11), 0, "add.d $s8, $t8, $a7"),
    (encode("ldptr.d", rd=4, rj=3, si14=-16), 0, "ldptr.d $a0, $sp, -16"),
    (encode("amadd_db.d", rd=4, rj=5, rk=6), 0, "amadd_db.d $a0, $a2, $a1"),
    (encode("alsl.wu", rd=4, rj=5, rk=6, sa2=3), 0, "alsl.wu $a0, $a1, $a2, 0x3"),
    (encode("lu32i.d", rd=4, si20=-1), 0, "lu32i.d $a0, -1"),
    (encode("pcalau12i", rd=4, si20=1), 0, "pcalau12i $a0, 1"),
    (encode("bstrpick.d", rd=4, rj=4, msbd=31, lsbd=0), 0, "bstrpick.d $a0, $a0, 0x1f, 0x0"),
    (encode("ertn"), 0, "ertn"),
    (encode("syscall", code=0x11), 0, "syscall 0x11"),
    (encode("hvcl", code=0x100), 0, "hvcl 0x100"),
    (encode("gcsrrd", rd=4, csr=0x5), 0, "gcsrrd $a0, 0x5"),
])
def test_exact_strings(word, pc, text):
    assert disassemble(word, pc, symbolize) == text


@pytest.mark.parametrize(("word", "text"), [
    (0x03400000, "nop"),
    (0x4C000020, "ret"),
    (encode("jirl", rd=0, rj=12, offs=0), "jr $t0"),
    (encode("or", rd=4, rj=5, rk=0), "move $a0, $a1"),
    (encode("andi", rd=0, rj=0, ui12=1), "andi $zero, $zero, 0x1"),  # not nop
    (encode("jirl", rd=0, rj=1, offs=4), "jirl $zero, $ra, 4"),  # not ret
])
def test_aliases(word, text):
    assert disassemble(word) == text


def test_aliases_can_be_turned_off():
    assert disassemble(0x4C000020, aliases=False) == "jirl $zero, $ra, 0"


def test_undefined_word():
    assert disassemble(0xFFFFFFFF) == ".word 0xffffffff"


def test_branch_without_symbol():
    assert disassemble(encode("bnez", rj=4, offs=8), 0x100) == "bnez $a0, 0x108"


def _assemble(lines: list[str]) -> list[int]:
    src = ".text\n" + "".join(f"{ln}\n" for ln in lines)
    cmd = [sys.executable, "-m", "ziglang", "cc", "-target", "loongarch64-freestanding-none", "-c", "-x",
           "assembler", "-", "-o", "-"]
    proc = subprocess.run(cmd, input=src.encode(), capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    import io  # noqa: PLC0415
    text = ELFFile(io.BytesIO(proc.stdout)).get_section_by_name(".text").data()
    return [struct.unpack_from("<I", text, i)[0] for i in range(0, len(text), 4)]


def assembler_accepts(d: Decoded) -> bool:
    """LLVM rejects what the architecture calls undefined: msb < lsb, am* with rd = rj or rk,
    undefined fcmp conditions and fcsr numbers."""
    f = d.fields
    if "cond" in f and f["cond"] not in FCMP_CONDS or f.get("fcsr", 0) > 3:  # fcsr0-3 exist
        return False
    if f.get("msbw", f.get("msbd", 0)) < f.get("lsbw", f.get("lsbd", 0)):
        return False
    return not (d.mnemonic.startswith("am") and f["rd"] != 0 and f["rd"] in (f["rj"], f["rk"]))


def test_every_form_round_trips_through_the_llvm_assembler():
    """word -> our text -> LLVM assembler -> the same word, for every TSV/LVZ row and random operands."""
    pytest.importorskip("ziglang")
    import random  # noqa: PLC0415
    rng = random.Random(7)
    words: list[int] = []
    for spec in all_specs():
        for _ in range(3):
            word = spec.match
            for f in spec.fields:
                word |= rng.getrandbits(32) & sum(((1 << p.width) - 1) << p.insn_lsb for p in f.parts)
            d = decode(word)
            if d is not None and d.spec is spec and assembler_accepts(d):
                words.append(word)
    lines = []
    for word in words:
        d = decode(word)
        text = disassemble(word, PC, aliases=False)
        if "offs" in d.fields and d.mnemonic != "jirl":  # the assembler takes a branch offset, not a target
            text = re.sub(r"0x[0-9a-f]+$", str(d.fields["offs"]), text)
        lines.append(text)
    assembled = _assemble(lines)
    mismatches = [f"{w:08x} -> {a:08x}: {t}" for w, a, t in zip(words, assembled, lines, strict=True) if w != a]
    assert not mismatches, "\n".join(mismatches[:20])
    assert len(words) > 2 * len(all_specs())
