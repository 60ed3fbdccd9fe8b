"""`python -m lacosim.iss prog.elf [--cores N] [--max-insns N] [--trace] [--tlb-seed N]`: run a program on
the reference model alone (every core starts at the entry; lacosim.iss.machine interleaves them). tlbfill
picks its entry with the fill LFSR of design.md 9.4 seeded with --tlb-seed (default 0; an RTL run's SEED
replays its choices).

UART output goes to stdout as it is written. Exit status: 0 at power-off; 1 when the model stops on an
error (an exception with no handler installed, unimplemented instruction, unmapped access, idle with
nothing to wake it, instruction budget exceeded); 2 when the ELF cannot be loaded or an option is bad.
The last line on stderr says how many instructions retired and why the run ended.
"""

from __future__ import annotations

import argparse
import sys

from lacosim.elf import ElfLoadError, load_elf
from lacosim.isa.disasm import disassemble
from lacosim.iss.core import Iss, new_machine
from lacosim.iss.errors import IdleForever, IssError
from lacosim.iss.machine import Machine
from lacosim.iss.memory import Memory

DEFAULT_MAX_INSNS = 200_000_000


def _stream_to_stdout(data: bytes) -> None:
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # `make iss ... | head`: the reader is gone, the run goes on quietly
        pass


def trace_line(iss: Iss) -> str:
    pc, word = iss.last_pc, iss.last_insn
    names = iss.symbolize
    symbolize = (lambda a: names(a, iss.last_guest)) if names else None  # the ELF of the instruction's mode
    sym = symbolize(pc) if symbolize else ""
    line = f"{iss.retired:>10} {'G' if iss.last_guest else 'R'} {pc:#010x} {('<' + sym + '>') if sym else '':<24} " \
           f"{word:08x}  {disassemble(word, pc, symbolize):<36}"
    if iss.last_trap:
        what = f"interrupt {iss.last_trap_intno}" if iss.last_trap_int else \
            f"exception ecode {iss.last_trap_ecode:#x}.{iss.last_trap_esubcode}"
        return line + f" {what}{' EXIT' if iss.last_exit else ''} -> {iss.pc:#x}"
    if iss.last_rd:
        line += f" r{iss.last_rd}={iss.last_rd_value:#018x}"
    if iss.last_csr_we:
        line += f" {'gcsr' if iss.last_gcsr else 'csr'}[{iss.last_csr_num:#x}]={iss.last_csr_wdata:#x}"
    if iss.last_mem_we:
        line += f" [{iss.last_mem_addr:#x}]{1 << iss.last_mem_size}<={iss.last_mem_wdata:#x}"
    elif iss.last_mem_re:
        line += f" [{iss.last_mem_addr:#x}]"
    if (iss.last_mem_we or iss.last_mem_re) and iss.last_mem_pa != iss.last_mem_addr:
        line += f" pa={iss.last_mem_pa:#x}"
    if iss.last_tlb_we:
        line += f" tlb[{iss.last_tlb_idx}]"
    return line


def run_traced(harts: list[Iss], max_insns: int) -> None:
    """Step by step, one line per record on stderr (stdout carries the UART); cores take turns per record."""
    steps = 0
    while steps < max_insns and not harts[0].powered_off:
        before = steps
        for iss in harts:
            if iss.powered_off or not iss.step():
                continue
            steps += 1
            prefix = f"c{iss.core_id} " if len(harts) > 1 else ""
            print(prefix + trace_line(iss), file=sys.stderr)
        if steps == before and not harts[0].powered_off:
            raise IdleForever("every core waits in idle with nothing that can wake it")
    if not harts[0].powered_off:
        raise IssError(f"no power-off within {max_insns} instructions")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lacosim.iss", description=__doc__.split("\n")[0])
    parser.add_argument("elf")
    parser.add_argument("--max-insns", type=int, default=DEFAULT_MAX_INSNS)
    parser.add_argument("--cores", type=int, default=1, help="cores sharing the memory (default 1)")
    parser.add_argument("--trace", action="store_true", help="print every retired instruction to stderr")
    parser.add_argument("--tlb-seed", type=int, default=0, help="seed of tlbfill's LFSR (default 0)")
    args = parser.parse_args(argv)
    if args.max_insns < 1:
        print(f"lacosim.iss: MAX_INSNS={args.max_insns}: must be at least 1", file=sys.stderr)
        return 2
    if not 1 <= args.cores <= 4:
        print(f"lacosim.iss: CORES={args.cores}: the SoC has 1 to 4 cores", file=sys.stderr)
        return 2
    try:
        image = load_elf(args.elf)
    except ElfLoadError as e:
        print(f"lacosim.iss: {e}", file=sys.stderr)
        return 2
    memory = Memory(uart_sink=_stream_to_stdout)
    memory.load_image(image)
    harts = new_machine(image, args.cores, memory)
    for hart in harts:
        hart.tlb.reseed(args.tlb_seed)
    status, end = 0, "power-off"
    try:
        if args.trace:
            run_traced(harts, args.max_insns)
        else:
            Machine(harts).run(args.max_insns)
    except IssError as e:
        print(f"\nlacosim.iss: {type(e).__name__}: {e}", file=sys.stderr)
        status, end = 1, type(e).__name__
    except KeyboardInterrupt:
        status, end = 130, "interrupted (Ctrl-C)"
    per_core = " ".join(f"c{h.core_id}={h.retired}" for h in harts)
    print(f"lacosim.iss: retired {sum(h.retired for h in harts)} instructions ({per_core}); ended by {end}",
          file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
