"""`make bench`: simulation throughput of the C workload, reported as ratios (never asserted).

1. the Verilated SoC stepped by a plain C++ main (no Python): the ceiling;
2. the same model under the cocotb + pyuvm environment, trace drained in batches, lockstep off;
3. the same with lockstep checking against the reference model;
4. the reference model alone.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from lacosim.build import BUILD_DIR, build_model
from lacosim.elf import load_elf
from lacosim.image import write_readmemh
from lacosim.runner import SW_BUILD, SimRequest, run_measured, run_sim_in

WORKLOAD = SW_BUILD / "workload.elf"


def bench_cpp_main(elf: Path) -> dict[str, float]:
    model = build_model(cores=1, flavour="bench")
    image = load_elf(elf)
    run_dir = BUILD_DIR / "run" / "bench-cpp"
    run_dir.mkdir(parents=True, exist_ok=True)
    write_readmemh(image, run_dir / "image.hex")
    out = run_dir / "stats.json"
    with out.open("w") as f:
        rc, maxrss = run_measured([str(model.exe), f"+mem={run_dir / 'image.hex'}", f"+entry={image.entry:x}",
                                   "+max_cycles=200000000", "+finish_on_done"], stdout=f)
    if rc != 0:
        raise SystemExit(f"bench: the C++ main failed ({rc})")
    stats = json.loads(out.read_text().strip().splitlines()[-1])
    stats["maxrss_mib"] = maxrss / 1024
    return stats


def bench_cocotb(elf: Path, lockstep: bool) -> dict[str, float]:
    rc, run_dir = run_sim_in(SimRequest(elf=str(elf), seed=1, lockstep=lockstep, echo_uart=False))
    if rc != 0:
        raise SystemExit(f"bench: the workload failed under the cocotb environment (lockstep={lockstep}); "
                         f"run 'make sim ELF={elf}' to see why")
    stats = json.loads((run_dir / "stats.json").read_text())
    stats["maxrss_mib"] = json.loads((run_dir / "rusage.json").read_text())["maxrss_kib"] / 1024
    return stats


def bench_iss(elf: Path) -> dict[str, float]:
    from lacosim.iss import Iss  # noqa: PLC0415
    iss = Iss.from_elf(load_elf(elf))
    t0 = time.perf_counter()
    iss.run(max_insns=500_000_000)
    secs = time.perf_counter() - t0
    return {"retired": iss.retired, "seconds": secs}


def _rate(stats: dict[str, float], key: str) -> float:
    return stats[key] / stats["seconds"] if stats["seconds"] else 0.0


def main() -> int:
    if not WORKLOAD.exists():
        print(f"bench: {WORKLOAD} is missing: run 'make sw'", file=sys.stderr)
        return 2
    rows: list[tuple[str, dict[str, float]]] = []
    print("lacosim bench: workload", WORKLOAD, flush=True)
    rows.append(("C++ main, no Python", bench_cpp_main(WORKLOAD)))
    rows.append(("cocotb+pyuvm, lockstep off", bench_cocotb(WORKLOAD, lockstep=False)))
    rows.append(("cocotb+pyuvm, lockstep on", bench_cocotb(WORKLOAD, lockstep=True)))
    iss = bench_iss(WORKLOAD)
    base_cycles = _rate(rows[0][1], "cycles")
    base_rss = rows[0][1]["maxrss_mib"]
    print(f"\n{'mode':<30} {'cycles':>10} {'retired':>10} {'seconds':>8} {'cycles/s':>11} "
          f"{'insns/s':>10} {'speed vs C++':>12} {'RSS MiB':>8} {'RSS vs C++':>10}")
    for name, st in rows:
        cps = _rate(st, "cycles")
        print(f"{name:<30} {int(st['cycles']):>10} {int(st['retired']):>10} {st['seconds']:>8.2f} "
              f"{cps:>11.0f} {_rate(st, 'retired'):>10.0f} {cps / base_cycles:>12.3f} "
              f"{st['maxrss_mib']:>8.0f} {st['maxrss_mib'] / base_rss:>10.2f}")
    print(f"{'reference model (ISS) alone':<30} {'':>10} {int(iss['retired']):>10} {iss['seconds']:>8.2f} "
          f"{'':>11} {_rate(iss, 'retired'):>10.0f}")
    print("\nseconds: the simulation loop only (after model start-up); RSS: the simulator process's peak")
    return 0


if __name__ == "__main__":
    sys.exit(main())
