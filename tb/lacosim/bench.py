"""`make bench`: simulation speed, start-up time and memory, as ratios to the plain C++ main measured in
the same run (never asserted: the machine may be shared, so only ratios of one run mean anything).

For each program (the C workload, and smp_bss_lock on 4 cores):
1. the Verilated SoC stepped by a plain C++ main (sim/bench_main.cpp, no Python): the ceiling;
2. `make sim` with lockstep off: the cocotb + pyuvm environment and every scoreboard but lockstep;
3. `make sim LOCKSTEP=inproc`: lockstep in the simulator process;
4. `make sim LOCKSTEP=beside`: the reference model and checker in a second process (design.md 10.1; the
   default where the machine has 2+ cores); its speed needs that second core free;
5. the reference model alone (`python -m lacosim.iss` on the same program and core count).
Rows 2 to 4 run `make sim` exactly as a user types it, so they also give its start-up time: from
starting `make` to the first simulated cycle (lacosim/startup.py stamps the way there); a separate
`make sim TEST=hello` measurement breaks the start-up down by phase.

Each measurement runs BENCH_REPEAT times (default 3) and the table shows medians; every repeat is in
build/bench/bench.json. Speed is retired instructions per second (for the simulations the same ratio as
cycles per second); RSS is each process's own peak (make sim: the simulator's).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lacosim import startup
from lacosim.build import BUILD_DIR, REPO, build_model
from lacosim.elf import ElfImage, load_elf
from lacosim.image import write_readmemh
from lacosim.runner import SW_BUILD, elf_run_name, program_elf, run_measured

WORKLOAD = SW_BUILD / "workload.elf"
BENCH_DIR = BUILD_DIR / "bench"
REPEAT_ENV = "BENCH_REPEAT"
SEED = 1

# start-up phases, from lacosim/startup.py's stamps: (label, from stamp, to stamp)
STARTUP_PHASES = [
    ("make starts, parses the Makefile", "t0", "make_start"),
    ("make: sw/ up to date; python starts", "make_start", "runner_start"),
    ("runner: imports, test, ELF, image, model", "runner_start", "simulator_exec"),
    ("simulator: model, Python, cocotb start", "simulator_exec", "sim_python"),
    ("simulator: lacosim/pyuvm imports", "sim_python", "test_start"),
    ("simulator: pyuvm build (ELF, ISS, env)", "test_start", "first_cycle"),
]

Stats = dict[str, Any]


@dataclass(frozen=True)
class Program:
    label: str
    elf: Path
    cores: int
    test: str = ""  # run as make sim TEST=<test> (its parameters in the image); else make sim ELF=<elf>

    def image(self) -> ElfImage:
        image = load_elf(self.elf)
        if self.test:
            from lacosim.tests import LacosimTest  # noqa: PLC0415  (imports pyuvm)
            LacosimTest.registry[self.test].prepare(image, random.Random(SEED))
        return image

    def make_args(self) -> list[str]:
        target = [f"TEST={self.test}"] if self.test else [f"ELF={self.elf}"]
        return [*target, f"SEED={SEED}"]

    def run_dir(self) -> Path:
        return BUILD_DIR / "run" / (f"{self.test}-s{SEED}" if self.test else elf_run_name(self.elf))


def programs() -> list[Program]:
    from lacosim.tests import LacosimTest  # noqa: PLC0415
    smp = LacosimTest.registry["smp_bss_lock"]
    return [Program("C workload", WORKLOAD, 1),
            Program(f"smp_bss_lock, {smp.cores} cores", program_elf(smp.program), smp.cores, test=smp.name)]


# ---------------------------------------------------------------------------------------------
def bench_cpp_main(prog: Program) -> Stats:
    model = build_model(cores=prog.cores, flavour="bench")
    run_dir = BENCH_DIR / f"cpp-{prog.elf.stem}-c{prog.cores}"
    run_dir.mkdir(parents=True, exist_ok=True)
    image = prog.image()
    write_readmemh(image, run_dir / "image.hex")
    out = run_dir / "stats.json"
    started = time.time()
    with out.open("w") as f:
        rc, maxrss = run_measured([str(model.exe), f"+mem={run_dir / 'image.hex'}", f"+entry={image.entry:x}",
                                   "+max_cycles=200000000", f"+tlb_seed={SEED}", "+finish_on_done"], stdout=f)
    wall = time.time() - started
    if rc != 0:
        raise SystemExit(f"bench: the C++ main failed on {prog.elf} ({rc})")
    stats = json.loads(out.read_text().strip().splitlines()[-1])
    stats["maxrss_mib"] = maxrss / 1024
    stats["startup"] = max(0.0, wall - stats["seconds"])  # process start, model construction, exit
    return stats


def bench_make_sim(prog: Program, lockstep: str) -> Stats:
    """`make sim LOCKSTEP=<0|inproc|beside>` as a user runs it; the simulator's own stats, peak RSS and start-up
    stamps (beside: the simulator's RSS; the checker process has its own)."""
    args = [*prog.make_args(), f"LOCKSTEP={lockstep}"]
    return _make_sim(args, prog.run_dir(), f"sim-{prog.elf.stem}-lockstep-{lockstep}")


def _make_sim(args: list[str], run_dir: Path, log_name: str) -> Stats:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log = BENCH_DIR / f"{log_name}.log"
    started = time.time()
    with log.open("w") as f:
        rc = subprocess.run(["make", "--no-print-directory", "sim", *args], cwd=REPO, stdout=f,  # noqa: S603, S607
                            stderr=subprocess.STDOUT, check=False).returncode
    if rc != 0:
        raise SystemExit(f"bench: 'make sim {' '.join(args)}' failed ({rc}); its output is in {log}")
    stats: Stats = json.loads((run_dir / "stats.json").read_text())
    stats["maxrss_mib"] = json.loads((run_dir / "rusage.json").read_text())["maxrss_kib"] / 1024
    stamps = startup.read(run_dir)
    stamps["t0"] = started
    stats["stamps"] = stamps
    stats["startup"] = stamps["first_cycle"] - started if "first_cycle" in stamps else float("nan")
    return stats


def bench_iss(prog: Program) -> Stats:
    """The reference model alone on the same image and core count, in its own process (its own RSS)."""
    cmd = [sys.executable, "-m", "lacosim.bench", "--iss", str(prog.elf), str(prog.cores), prog.test]
    out = BENCH_DIR / f"iss-{prog.elf.stem}-c{prog.cores}.json"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with out.open("w") as f:
        rc, maxrss = run_measured(cmd, stdout=f)
    if rc != 0:
        raise SystemExit(f"bench: the reference model failed on {prog.elf} ({rc})")
    stats: Stats = json.loads(out.read_text())
    stats["maxrss_mib"] = maxrss / 1024
    return stats


def _iss_process(elf: str, cores: int, test: str) -> int:
    """`python -m lacosim.bench --iss <elf> <cores> [test]`: run the model, print {retired, seconds}."""
    from lacosim.iss import Machine, Memory, new_machine  # noqa: PLC0415
    image = Program("", Path(elf), cores, test).image()
    memory = Memory(uart_sink=lambda data: None)
    memory.load_image(image)
    machine = Machine(new_machine(image, cores, memory))
    started = time.perf_counter()
    machine.run(500_000_000)
    print(json.dumps({"retired": machine.retired, "seconds": time.perf_counter() - started}))
    return 0


def bench_startup_hello() -> Stats:
    from lacosim.tests import LacosimTest  # noqa: PLC0415
    hello = LacosimTest.registry["hello"]
    return _make_sim(["TEST=hello", f"SEED={SEED}"], BUILD_DIR / "run" / f"{hello.name}-s{SEED}", "startup-hello")


# ---------------------------------------------------------------------------------------------
def _repeat(what: str, fn: Callable[[], Stats], n: int) -> list[Stats]:
    runs = []
    for i in range(n):
        print(f"bench: {what} ({i + 1}/{n})", flush=True)
        runs.append(fn())
    return runs


def _median(runs: list[Stats], key: str) -> float:
    values = [float(r[key]) for r in runs if key in r]
    return statistics.median(values) if values else float("nan")


def _speed(runs: list[Stats]) -> float:
    """Median retired instructions per second."""
    return statistics.median(r["retired"] / r["seconds"] if r["seconds"] else 0.0 for r in runs)


def _fmt(value: float, spec: str) -> str:
    return "-" if value != value else format(value, spec)  # NaN: not measured


def _ratio(value: float, base: float) -> str:
    return "-" if value != value or not base else f"{value / base:.1f}x"


def print_table(label: str, rows: list[tuple[str, list[Stats] | None]]) -> None:
    base = rows[0][1]
    assert base is not None
    base_speed, base_rss, base_start = _speed(base), _median(base, "maxrss_mib"), _median(base, "startup")
    print(f"\n{label}: {int(base[0]['retired'])} instructions, {int(base[0]['cycles'])} cycles (C++ main)")
    print(f"{'mode':<38} {'seconds':>8} {'insns/s':>10} {'speed':>7} {'py part':>8} {'start s':>8} "
          f"{'start':>7} {'RSS MiB':>8} {'RSS':>6}")
    for name, runs in rows:
        if runs is None:
            print(f"{name:<38} {'not measured':>40}")
            continue
        speed, seconds = _speed(runs), _median(runs, "seconds")
        py = _median(runs, "python_seconds") / seconds if "python_seconds" in runs[0] else float("nan")
        start, rss = _median(runs, "startup"), _median(runs, "maxrss_mib")
        print(f"{name:<38} {seconds:>8.2f} {speed:>10.0f} {speed / base_speed:>6.3f}x {_fmt(py, '>8.2f')} "
              f"{_fmt(start, '>8.2f')} {_ratio(start, base_start):>7} {rss:>8.0f} "
              f"{rss / base_rss:>5.2f}x")


def print_startup(runs: list[Stats]) -> None:
    print(f"\nstart-up of 'make sim TEST=hello' to its first simulated cycle: median "
          f"{_median(runs, 'startup'):.2f} s of {len(runs)} (each phase: median)")
    for label, start, end in STARTUP_PHASES:
        spans = [r["stamps"][end] - r["stamps"][start] for r in runs if start in r["stamps"] and end in r["stamps"]]
        print(f"  {label:<42} {_fmt(statistics.median(spans) if spans else float('nan'), '>6.2f')} s")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--iss"]:
        return _iss_process(args[1], int(args[2]), args[3] if len(args) > 3 else "")
    if not WORKLOAD.exists():
        print(f"bench: {WORKLOAD} is missing: run 'make sw'", file=sys.stderr)
        return 2
    repeat = max(1, int(os.environ.get(REPEAT_ENV, "3")))
    report: dict[str, Any] = {"repeat": repeat, "programs": {}}
    tables = []
    for prog in programs():
        build_model(cores=prog.cores, flavour="bench")  # build time is not start-up time
        build_model(cores=prog.cores)
        rows: list[tuple[str, list[Stats] | None]] = [
            ("C++ main, no Python", _repeat(f"{prog.label}: C++ main", lambda p=prog: bench_cpp_main(p), repeat)),
            ("make sim, lockstep off", _repeat(f"{prog.label}: make sim LOCKSTEP=0",
                                               lambda p=prog: bench_make_sim(p, "0"), repeat)),
            ("make sim, lockstep in-process", _repeat(f"{prog.label}: make sim LOCKSTEP=inproc",
                                                      lambda p=prog: bench_make_sim(p, "inproc"), repeat)),
            ("make sim, lockstep beside simulator", _repeat(f"{prog.label}: make sim LOCKSTEP=beside",
                                                            lambda p=prog: bench_make_sim(p, "beside"), repeat)),
            ("reference model alone", _repeat(f"{prog.label}: reference model", lambda p=prog: bench_iss(p), repeat)),
        ]
        tables.append((prog.label, rows))
        report["programs"][prog.label] = {name: runs for name, runs in rows}
    hello = _repeat("start-up: make sim TEST=hello", bench_startup_hello, repeat)
    report["startup_hello"] = hello
    for label, rows in tables:
        print_table(label, rows)
    print_startup(hello)
    print("\nspeed, start, RSS: ratios to the C++ main of the same table (medians of this run). seconds: the "
          "simulation loop only;\npy part: share of it spent in Python draining and checking batches; start s: "
          "from starting the process (make sim) to the first simulated cycle")
    (BENCH_DIR / "bench.json").write_text(json.dumps(report, indent=1))
    print(f"all measurements: {BENCH_DIR / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
