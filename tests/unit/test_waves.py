"""Waveform tools without a simulator: the GTKWave translate filter process, the Surfer decoder generated
from the decoder table (checked with the same instruction-decoder crate Surfer uses), the .gtkw writer."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest
from lacosim.build import REPO
from lacosim.isa.decoder import load_specs
from lacosim.isa.disasm import disassemble
from lacosim.waves import surfer

NUMBER = re.compile(r"-?(?:0x[0-9a-f]+|\d+)")


def _numbers(text: str) -> list[int]:
    return [int(n, 0) for n in NUMBER.findall(text.split(" ", 1)[1] if " " in text else "")]


def _sample_words(per_row: int = 4) -> list[int]:
    rng = random.Random(7)
    return [s.match | (rng.getrandbits(32) & ~s.mask) for s in load_specs() for _ in range(per_row)]


def test_filter_process_answers_each_line_while_running():
    """GTKWave keeps one process and waits for each answer: it must reply line by line, unbuffered."""
    words = [0x02800C04, 0x4C000020, 0x28C00061, 0x06483800, 0x00000000]
    proc = subprocess.Popen([sys.executable, "-m", "lacosim.waves.filter", "insn"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        for w in words:
            proc.stdin.write(f"{w:08x}\n")
            proc.stdin.flush()
            assert proc.stdout.readline().rstrip("\n") == disassemble(w, 0, None)
        proc.stdin.write("xxxxxxxx\n")  # an unknown value comes back as it is
        proc.stdin.flush()
        assert proc.stdout.readline().rstrip("\n") == "xxxxxxxx"
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0


def test_filter_process_names_pcs_with_the_programs_symbols():
    elf = REPO / "build" / "sw" / "hello.elf"  # make test builds sw/ first
    res = subprocess.run([sys.executable, "-m", "lacosim.waves.filter", "pc", "--elf", str(elf)],
                         input="200000\n200004\n", capture_output=True, text=True, check=True, timeout=60)
    assert res.stdout.splitlines() == ["200000 <_start>", "200004 <_start+0x4>"]


def test_filter_process_does_not_name_a_guest_pc_after_the_hypervisors_symbols(elf_factory):
    elf = REPO / "build" / "sw" / "hello.elf"
    guest = elf_factory("guest.elf", segments=((0x1000000, bytes(16), 16),), entry=0x1000000)  # no symbols
    res = subprocess.run([sys.executable, "-m", "lacosim.waves.filter", "pc", "--elf", str(elf), "--guest",
                          str(guest)], input="200000\n1000004\n", capture_output=True, text=True, check=True,
                         timeout=60)
    assert res.stdout.splitlines() == ["200000 <_start>", "1000004"]


def test_surfer_decoder_agrees_with_our_disassembler():
    decoder_crate = pytest.importorskip("pyinstruction_decoder")  # the crate Surfer is built on
    dec = decoder_crate.PyDecoder([surfer.decoder_toml()])
    checked = 0
    for word in _sample_words():
        ours = disassemble(word, 0, None, aliases=False)
        if ours.startswith(".word"):
            continue
        theirs = dec.decode(word, 32)
        assert theirs.split()[0] == ours.split()[0], f"{word:#010x}: surfer '{theirs}' vs ours '{ours}'"
        ours_regs = re.findall(r"\$\w+", ours)
        assert re.findall(r"\$\w+", theirs) == ours_regs, f"{word:#010x}: '{theirs}' vs '{ours}'"
        if ours.split()[0] not in ("b", "bl", "beqz", "bnez", "bceqz", "bcnez", "beq", "bne", "blt", "bge",
                                   "bltu", "bgeu"):  # surfer has no pc: it shows the offset, we the target
            assert _numbers(theirs) == _numbers(ours), f"{word:#010x}: '{theirs}' vs '{ours}'"
        checked += 1
    assert checked > 1000


def test_surfer_prefers_the_specific_row_like_our_decoder():
    decoder_crate = pytest.importorskip("pyinstruction_decoder")
    dec = decoder_crate.PyDecoder([surfer.decoder_toml()])
    assert dec.decode(0x04000800, 32) == "csrrd $zero, 0x2"     # csrxchg with rj = 0
    assert dec.decode(0x04000820, 32) == "csrwr $zero, 0x2"     # csrxchg with rj = 1
    assert dec.decode(0x04000C40, 32).startswith("csrxchg")
