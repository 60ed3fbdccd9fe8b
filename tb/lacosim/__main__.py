"""Command line behind the Makefile: python -m lacosim {sim,lint,tests} ..."""

from __future__ import annotations

from lacosim import startup

startup.stamp("runner_start")  # before the imports: they are part of the start-up being measured

import argparse  # noqa: E402
import sys  # noqa: E402

from lacosim import build, knobs, runner  # noqa: E402


def _int(text: str) -> int:
    return int(text, 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="lacosim")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sim = sub.add_parser("sim", help="run one test or program")
    sim.add_argument("knobs", nargs="*", metavar="NAME=value",
                     help="make sim knobs as typed (the Makefile passes them): " + ", ".join(knobs.KNOBS))
    sim.add_argument("--test", default="")
    sim.add_argument("--elf", default="")
    sim.add_argument("--seed", type=_int)
    sim.add_argument("--cores", type=_int)
    sim.add_argument("--waves", action="store_true")
    sim.add_argument("--wave-from", type=_int)
    sim.add_argument("--wave-to", type=_int)
    sim.add_argument("--trace", action="store_true")
    sim.add_argument("--max-cycles", type=_int)
    sim.add_argument("--no-lockstep", action="store_true")
    sim.add_argument("--sw-bug", action="store_true", help="run the test's seed-bug software build")
    sim.add_argument("--bug", default="", help="plant a deliberate RTL bug: " + ", ".join(build.PLANTED_BUGS))
    sub.add_parser("lint", help="Verilator --lint-only -Wall")
    sub.add_parser("tests", help="list the TEST names")
    args = ap.parse_args(argv)
    if args.cmd == "sim":
        req = runner.SimRequest(
            test=args.test, elf=args.elf, seed=args.seed, cores=args.cores, waves=args.waves,
            wave_from=args.wave_from, wave_to=args.wave_to, trace=args.trace,
            max_cycles=args.max_cycles, lockstep=not args.no_lockstep, bug=args.bug,
            sw_bug=args.sw_bug)
        try:
            req = knobs.parse_knobs(args.knobs, req)
        except runner.UsageError as e:
            print(f"lacosim: error: {e}", file=sys.stderr)
            return 2
        return runner.sim_main(req)
    if args.cmd == "lint":
        return build.lint()
    if args.cmd == "tests":
        try:
            print("\n".join(runner.list_tests()), flush=True)
        except BrokenPipeError:  # `make list-tests | head`
            sys.stdout = None  # type: ignore[assignment]  (nothing left to flush at exit)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
