"""python -m lacosim.randgen --seed N --count K --out DIR [--length L] [--jobs J] [--paging off|on|mix]

Writes and builds K programs rand_<seed>_<i>.S/.elf under DIR and prints the ELF paths, one a line.
--paging on runs every program with the TLB (lacosim.randgen.paging), mix chooses per program from its seed
and index; --tlb-mode wr|fill fixes the refill handler's mode (default: chosen per program)."""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lacosim.randgen.generator import GeneratorConfig
from lacosim.randgen.program import BuildError, RandomProgram, build_program

DEFAULT_OUT = Path(__file__).resolve().parents[3] / "build" / "randgen"
PAGING_CHOICES: dict[str, bool | None] = {"off": False, "on": True, "mix": None}


def _int(text: str) -> int:
    return int(text, 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lacosim.randgen", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=_int, required=True)
    ap.add_argument("--count", type=_int, default=1)
    ap.add_argument("--length", type=_int, default=GeneratorConfig.length, help="body instructions")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--jobs", type=_int, default=4, help="parallel builds")
    ap.add_argument("--stats", action="store_true", help="print generation+build throughput to stderr")
    ap.add_argument("--paging", choices=tuple(PAGING_CHOICES), default="off",
                    help="run the body with the TLB: off, on, or mix (chosen per program from seed and index)")
    ap.add_argument("--tlb-mode", choices=("wr", "fill"), default=None,
                    help="paging: refill handler with tlbwr at fixed indexes or tlbfill (default: per program)")
    ap.add_argument("--no-faults", action="store_true",
                    help="paging: pre-install every page valid (a control: the same results, no refill or PIL/PIS)")
    args = ap.parse_args(argv)
    if args.count < 1 or args.length < 1:
        ap.error("--count and --length must be positive")
    started = time.perf_counter()
    config = GeneratorConfig(length=args.length, paging=PAGING_CHOICES[args.paging], tlb_mode=args.tlb_mode,
                             paging_faults=not args.no_faults)
    programs = [RandomProgram(args.seed, i, config) for i in range(args.count)]
    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            elves = list(pool.map(lambda p: build_program(p, args.out), programs))
    except BuildError as e:
        print(f"lacosim.randgen: error: {e}", file=sys.stderr)
        return 1
    for elf in elves:
        print(elf)
    if args.stats:
        seconds = time.perf_counter() - started
        insns = sum(p.body_insn_count for p in programs)
        print(f"lacosim.randgen: {len(programs)} programs, {insns} body instructions in {seconds:.2f}s "
              f"({insns / seconds:.0f} instructions/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
