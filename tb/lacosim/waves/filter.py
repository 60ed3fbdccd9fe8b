"""GTKWave translate filter process: one value per line on stdin (hex, as GTKWave prints the trace), one
line of text per value on stdout, flushed at once. GTKWave starts it once and keeps it running.

    python -m lacosim.waves.filter insn [--elf prog.elf]   instruction word -> GNU-style disassembly
    python -m lacosim.waves.filter pc --elf prog.elf       address -> <symbol+offset>

Values GTKWave cannot show as a number (x, z, empty) come back unchanged, so the viewer never stalls.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from lacosim.isa.disasm import disassemble

Symbolizer = Callable[[int], str]


def _value(text: str) -> int | None:
    text = text.strip().lower().removeprefix("0x").removeprefix("#x")
    try:
        return int(text, 16) if text else None
    except ValueError:
        return None


def translate_insn(text: str) -> str:
    word = _value(text)
    if word is None or word >> 32:
        return text.strip()
    # a word on its own has no pc: branch targets print as offsets from the branch (pc 0)
    return disassemble(word, 0, None)


def translate_pc(text: str, symbolize: Symbolizer | None) -> str:
    pc = _value(text)
    if pc is None:
        return text.strip()
    sym = symbolize(pc) if symbolize else ""
    return f"{pc:x} <{sym}>" if sym else f"{pc:x}"


def translate_lines(kind: str, lines: Iterable[str], symbolize: Symbolizer | None) -> Iterator[str]:
    for line in lines:
        yield translate_insn(line) if kind == "insn" else translate_pc(line, symbolize)


def serve(kind: str, symbolize: Symbolizer | None, stdin: TextIO, stdout: TextIO) -> None:
    for out in translate_lines(kind, iter(stdin.readline, ""), symbolize):
        stdout.write(out + "\n")
        stdout.flush()  # GTKWave waits for each answer before sending the next value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="lacosim.waves.filter", description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=("insn", "pc"))
    ap.add_argument("--elf", help="program whose symbols name the addresses")
    ap.add_argument("--guest", action="append", default=[], help="a guest kernel loaded beside it (repeatable)")
    args = ap.parse_args(argv)
    symbolize = None
    if args.elf:
        from lacosim.elf import load_program  # noqa: PLC0415
        image = load_program(args.elf, args.guest)
        # a wave has no mode bit per address: a PC inside a guest kernel is named from its ELF
        symbolize = lambda addr: image.symbolize(addr, guest=image.guest_at(addr) is not None)  # noqa: E731
    try:
        serve(args.kind, symbolize, sys.stdin, sys.stdout)
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
