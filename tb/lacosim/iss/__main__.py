"""`python -m lacosim.iss prog.elf [--max-insns N] [--trace]`: run a program on the reference model alone.

UART output goes to stdout as it is written. Exit status: 0 at power-off; 1 when the model stops on an
error (illegal or unimplemented instruction, misaligned or unmapped access, instruction budget exceeded);
2 when the ELF cannot be loaded.
"""

from __future__ import annotations

import argparse
import sys

from lacosim.elf import ElfLoadError, load_elf
from lacosim.isa.disasm import disassemble
from lacosim.iss.core import Iss
from lacosim.iss.errors import IssError
from lacosim.iss.memory import Memory

DEFAULT_MAX_INSNS = 200_000_000


def _stream_to_stdout(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def trace_line(iss: Iss) -> str:
    pc, word = iss.last_pc, iss.last_insn
    sym = iss.symbolize(pc) if iss.symbolize else ""
    line = f"{iss.retired:>10} {pc:#010x} {('<' + sym + '>') if sym else '':<24} {word:08x}  " \
           f"{disassemble(word, pc, iss.symbolize):<36}"
    if iss.last_rd:
        line += f" r{iss.last_rd}={iss.last_rd_value:#018x}"
    if iss.last_mem_we:
        line += f" [{iss.last_mem_addr:#x}]{1 << iss.last_mem_size}<={iss.last_mem_wdata:#x}"
    elif iss.last_mem_re:
        line += f" [{iss.last_mem_addr:#x}]"
    return line


def run_traced(iss: Iss, max_insns: int) -> None:
    """Step by step, one line per retired instruction on stderr (stdout carries the UART)."""
    for _ in range(max_insns):
        if iss.powered_off:
            return
        iss.step()
        print(trace_line(iss), file=sys.stderr)
    if not iss.powered_off:
        raise IssError(f"no power-off within {max_insns} instructions")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lacosim.iss", description=__doc__.split("\n")[0])
    parser.add_argument("elf")
    parser.add_argument("--max-insns", type=int, default=DEFAULT_MAX_INSNS)
    parser.add_argument("--trace", action="store_true", help="print every retired instruction to stderr")
    args = parser.parse_args(argv)
    try:
        image = load_elf(args.elf)
    except ElfLoadError as e:
        print(f"lacosim.iss: {e}", file=sys.stderr)
        return 2
    memory = Memory(uart_sink=_stream_to_stdout)
    memory.load_image(image)
    iss = Iss.from_elf(image, memory)
    try:
        if args.trace:
            run_traced(iss, args.max_insns)
        else:
            iss.run(args.max_insns)
    except IssError as e:
        print(f"\nlacosim.iss: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
