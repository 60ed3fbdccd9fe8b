"""`make sim`: pick the test, load and prepare the program, build the model, run it, report.

Everything that can be checked before the simulator starts (unknown TEST, missing or foreign ELF,
segments outside RAM) is checked here and reported with the fix; the exit status is 0 only when the
simulation ran and every check passed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path

from lacosim import soc, startup
from lacosim.build import BUILD_DIR, PLANTED_BUGS, REPO, BuildError, build_model
from lacosim.elf import ElfLoadError, load_program
from lacosim.env.checker_process import CheckerProcess
from lacosim.env.config import RUN_CONFIG_ENV, RunConfig
from lacosim.image import write_readmemh

SW_BUILD = BUILD_DIR / "sw"
MUTANT_ENV = "LACOSIM_MUTANT"
# Where run directories go (default build/run): `make mutate` gives each mutant, and each baseline test, its
# own, so parallel jobs running the same TEST and SEED never share a directory.
RUN_ROOT_ENV = "LACOSIM_RUN_ROOT"


class UsageError(Exception):
    pass


@dataclass(frozen=True)
class SimRequest:
    test: str = ""
    elf: str = ""
    seed: int | None = None
    cores: int | None = None
    waves: bool = False
    wave_from: int | None = None
    wave_to: int | None = None
    trace: bool = False
    max_cycles: int | None = None
    lockstep: bool = True
    lockstep_mode: str = ""  # LOCKSTEP=inproc|beside; "" (LOCKSTEP=1): beside where the machine has 2+ cores
    echo_uart: bool = True
    bug: str = ""          # a planted RTL bug (lacosim.build.PLANTED_BUGS)
    sw_bug: bool = False   # run the test's seed-bug software build (<program>_bug)
    strict: bool = False   # STRICT=1: any exception the test does not declare is a failure
    auto_waves: bool = False  # AUTO_WAVES=1: a failing run is re-run (same seed) with waves around the failure
    run_tag: str = ""      # appended to the run directory's name (the auto-waves re-run keeps the original)
    # an RTL mutation (lacosim.mutate): MUTANT=<id>, or LACOSIM_MUTANT in the environment, which is how
    # `make mutate` reaches the simulations the pytest tests start
    mutant: str = field(default_factory=lambda: os.environ.get(MUTANT_ENV, ""))


def program_elf(program: str) -> Path:
    return SW_BUILD / f"{program}.elf"


def resolve_test(req: SimRequest) -> tuple[type, Path]:
    from lacosim.tests import LacosimTest  # noqa: PLC0415  (imports pyuvm)
    registry = LacosimTest.registry
    if req.elf:
        if req.test and req.test != "elf":
            raise UsageError("give either TEST=<name> or ELF=<path>, not both")
        return registry["elf"], Path(req.elf)
    if not req.test:
        raise UsageError("no test given: make sim TEST=<name> or make sim ELF=<path>; tests: "
                         + ", ".join(sorted(registry)))
    if req.test not in registry or req.test == "elf":
        raise UsageError(f"unknown TEST '{req.test}'; available tests: "
                         + ", ".join(sorted(t for t in registry if t != "elf"))
                         + " (or make sim ELF=<path> for any program)")
    cls = registry[req.test]
    if req.sw_bug:
        if not cls.has_sw_bug:
            raise UsageError(f"TEST={req.test} has no seed-bug software build (SW_BUG=1 applies to: "
                             + ", ".join(sorted(n for n, c in registry.items() if c.has_sw_bug)) + ")")
        return cls, program_elf(f"{cls.program}_bug")
    return cls, program_elf(cls.program)


def repro_command(req: SimRequest, test: str, seed: int, cores: int, default_cores: int) -> str:
    # the seed also picks tlbfill's slots (+tlb_seed), so ELF runs need it to reproduce too
    cmd = f"make sim ELF={req.elf} SEED={seed}" if req.elf else f"make sim TEST={test} SEED={seed}"
    if cores != default_cores:
        cmd += f" CORES={cores}"
    if req.max_cycles is not None:
        cmd += f" MAX_CYCLES={req.max_cycles}"
    if not req.lockstep:
        cmd += " LOCKSTEP=0"
    elif req.lockstep_mode:
        cmd += f" LOCKSTEP={req.lockstep_mode}"
    if req.bug:
        cmd += f" BUG={req.bug}"
    if req.sw_bug:
        cmd += " SW_BUG=1"
    if req.strict:
        cmd += " STRICT=1"
    if req.mutant:
        cmd += f" MUTANT={req.mutant}"
    return cmd


def lockstep_beside(req: SimRequest) -> bool:
    """Run the reference model and the lockstep checker in a second process (design.md 10.1): LOCKSTEP=beside,
    or LOCKSTEP=1 (the default) on a machine with 2 or more cores."""
    if not req.lockstep:
        return False
    return req.lockstep_mode == "beside" or (not req.lockstep_mode and (os.cpu_count() or 1) >= 2)


def run_sim(req: SimRequest) -> int:
    status, run_dir = run_sim_in(req)
    if status == 1 and req.auto_waves and not req.waves:
        return auto_waves(req, run_dir)
    return status


def auto_waves(req: SimRequest, run_dir: Path) -> int:
    """Re-run a failed run deterministically (same test, seed and knobs) with waves around its first
    failure, like XiangShan's LightSSS but by re-simulation; the waves go to the re-run's directory."""
    stats = run_dir / "stats.json"
    cycle = json.loads(stats.read_text()).get("failure_cycle") if stats.exists() else None
    seed = json.loads((run_dir / "run.json").read_text())["seed"]
    window = {} if cycle is None else {"wave_from": max(0, cycle - 2000), "wave_to": cycle + 200}
    print(f"lacosim: AUTO_WAVES=1: re-running SEED={seed} with waves"
          + (f" over cycles {window['wave_from']}-{window['wave_to']}" if window else " (no failure cycle: whole run)"),
          flush=True)
    rerun = replace(req, seed=seed, waves=True, auto_waves=False, run_tag="-waves", **window)
    status, wave_dir = run_sim_in(rerun)
    print(f"lacosim: AUTO_WAVES=1: waves of the failure: {wave_dir / 'waves.fst'} "
          f"(gtkwave {wave_dir / 'waves.gtkw'})", flush=True)
    return status


def run_sim_in(req: SimRequest) -> tuple[int, Path]:
    """Run one simulation; returns (exit status, run directory)."""
    test_cls, elf_path = resolve_test(req)
    guests = [str(program_elf(g).resolve()) for g in test_cls.guests]
    image = load_program(elf_path, guests)
    seed = req.seed if req.seed is not None else random.SystemRandom().randrange(1 << 31)
    cores = req.cores if req.cores is not None else test_cls.cores
    if not 1 <= cores <= soc.MAX_CORES:
        raise UsageError(f"CORES={cores}: the SoC has 1 to {soc.MAX_CORES} cores")
    if cores < test_cls.min_cores:
        raise UsageError(f"CORES={cores}: TEST={req.test} needs at least {test_cls.min_cores} cores (it "
                         f"would wait forever for the missing ones); use CORES={test_cls.min_cores} or more")
    params = test_cls.prepare(image, random.Random(seed))
    test_name = "elf" if req.elf else req.test
    run_root = Path(os.environ.get(RUN_ROOT_ENV) or BUILD_DIR / "run")
    run_dir = run_root / ((elf_run_name(elf_path) if req.elf else f"{test_name}-s{seed}")
                          + (f"-bug-{req.bug}" if req.bug else "") + ("-swbug" if req.sw_bug else "")
                          + (f"-mut-{req.mutant}" if req.mutant else "") + req.run_tag)
    fresh_run_dir(run_dir)
    hex_path = run_dir / "image.hex"
    write_readmemh(image, hex_path)
    model = build_model(cores=cores, waves=req.waves, bug=req.bug, mutant=req.mutant)
    if req.bug:
        print(f"lacosim: this model has a PLANTED BUG '{req.bug}': {PLANTED_BUGS[req.bug]}", flush=True)
    if req.mutant:
        from lacosim.mutate.catalogue import by_id  # noqa: PLC0415
        m = by_id(req.mutant)
        print(f"lacosim: this model is MUTANT '{m.id}' ({m.where}): {m.description}", flush=True)
    waves = str(run_dir / "waves.fst") if req.waves else ""
    max_cycles = req.max_cycles if req.max_cycles is not None else test_cls.max_cycles
    cfg = RunConfig(test=test_name, elf=str(elf_path.resolve()), cores=cores, seed=seed,
                    max_cycles=max_cycles, run_dir=str(run_dir), waves=waves, trace=req.trace,
                    lockstep=req.lockstep, lockstep_beside=lockstep_beside(req), echo_uart=req.echo_uart, params=params,
                    repro=repro_command(req, test_name, seed, cores, test_cls.cores),
                    strict_exceptions=req.strict, guests=guests)
    cfg.to_file(run_dir / "run.json")
    print(f"lacosim: TEST={test_name} SEED={seed} CORES={cores} program={elf_path}"
          + "".join(f" guest={g}" for g in guests) + f" run dir={run_dir}", flush=True)
    plusargs = [f"+mem={hex_path}", f"+entry={image.entry:x}", f"+max_cycles={max_cycles}", f"+tlb_seed={seed}"]
    if waves:
        plusargs.append(f"+waves={waves}")
        if req.wave_from is not None:
            plusargs.append(f"+wave_from={req.wave_from}")
        if req.wave_to is not None:
            plusargs.append(f"+wave_to={req.wave_to}")
    results = run_dir / "results.xml"
    results.unlink(missing_ok=True)
    env = _sim_env(run_dir, results)
    checker = CheckerProcess(env) if cfg.lockstep and cfg.lockstep_beside else None
    startup.stamp("simulator_exec")
    startup.write(run_dir)
    try:
        returncode, maxrss_kib = run_measured(
            [str(model.exe), *plusargs], cwd=run_dir, env={**env, **(checker.simulator_env() if checker else {})},
            pass_fds=checker.simulator_fds if checker else ())
    except Interrupted as stop:
        (run_dir / "INTERRUPTED").write_text("the run was interrupted by Ctrl-C; its results are incomplete\n")
        print(f"lacosim: interrupted (Ctrl-C){'' if stop.clean else ', simulator killed'}; the incomplete "
              f"run is in {run_dir}", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED, run_dir
    finally:
        checker_status = checker.finish() if checker else 0
    if checker_status != 0:
        print(f"lacosim: the lockstep checker process beside the simulator exited with status {checker_status}",
              file=sys.stderr, flush=True)
    (run_dir / "rusage.json").write_text(json.dumps({"maxrss_kib": maxrss_kib}))
    if waves and Path(waves).exists():
        write_wave_views(Path(waves), cores, elf_path, guests)
    elif waves:
        print(f"lacosim: no waves were written: the run ended before WAVE_FROM={req.wave_from}", flush=True)
    return _verdict(results, returncode or checker_status), run_dir


def write_wave_views(dump: Path, cores: int, elf: Path, guests: list[str]) -> Path:
    """The GTKWave save file beside the FST (signals per core, disassembly and symbols)."""
    from lacosim.waves import gtkw  # noqa: PLC0415  (pyvcd/pywellen only when there are waves)
    names = [f"{gtkw.TOP}.{n}" for n in gtkw.TOP_SIGNALS]
    names += [gtkw.core_signal(c, n) for c in range(cores) for n, _, _ in gtkw.CORE_SIGNALS]
    save = gtkw.write_gtkw(dump.with_suffix(".gtkw"), dump, cores, elf.resolve(), gtkw.fst_widths(dump, names),
                           guests)
    print(f"lacosim: view the waves with: gtkwave {save}", flush=True)
    return save


EXIT_INTERRUPTED = 130   # as a shell reports a command ended by SIGINT
INTERRUPT_GRACE_S = 30   # the simulator stops at its next trace batch and closes waves and reports


class Interrupted(Exception):
    def __init__(self, clean: bool) -> None:
        super().__init__("interrupted")
        self.clean = clean  # the simulator ended by itself (files closed) rather than being killed


def elf_run_name(elf: Path) -> str:
    """Run directory name of `make sim ELF=...`: two programs with the same file name never share one."""
    return f"elf-{elf.stem}-{hashlib.sha1(str(elf.resolve()).encode()).hexdigest()[:6]}"


def fresh_run_dir(run_dir: Path) -> None:
    """Every run starts from an empty directory: nothing of an earlier run (waves, stats, coverage) can be
    mistaken for this one's."""
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)


def run_measured(cmd: list[str], **popen_kw: object) -> tuple[int, int]:
    """Run a command to completion; returns (exit status, its own peak RSS in KiB). On Ctrl-C the
    simulator (which got the same SIGINT) is given INTERRUPT_GRACE_S to stop cleanly, then killed; a second
    Ctrl-C kills it at once. Raises Interrupted."""
    proc = subprocess.Popen(cmd, **popen_kw)  # noqa: S603
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except KeyboardInterrupt:
        raise Interrupted(_stop_after_interrupt(proc)) from None
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss


def _stop_after_interrupt(proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + INTERRUPT_GRACE_S
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return True
            time.sleep(0.1)
    except KeyboardInterrupt:
        pass
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return False


def _sim_env(run_dir: Path, results: Path) -> dict[str, str]:
    import cocotb_tools.config as cfg  # noqa: PLC0415
    import find_libpython  # noqa: PLC0415
    env = dict(os.environ)
    libpython = find_libpython.find_libpython()
    if libpython is None:
        raise UsageError("libpython not found: the Python running lacosim must be built with --enable-shared")
    env.update({
        RUN_CONFIG_ENV: str(run_dir / "run.json"),
        "COCOTB_TEST_MODULES": "lacosim.cocotb_entry",
        "COCOTB_TOPLEVEL": "la_tb_top",
        "TOPLEVEL_LANG": "verilog",
        "COCOTB_RESULTS_FILE": str(results),
        "PYGPI_PYTHON_BIN": sys.executable,
        "GPI_USERS": f"{libpython};{cfg.pygpi_entry_point()}",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "PATH": f"{env.get('PATH', '')}{os.pathsep}{cfg.libs_dir}",
    })
    # cocotb's default ("*.py") makes pytest rewrite the asserts of every module the simulator imports
    # after cocotb (pyuvm, numpy, lacosim, the reference model): about 5 s of `make sim` start-up, every
    # run. lacosim's checks report through FailureLog, not assert introspection.
    env.setdefault("COCOTB_REWRITE_ASSERTION_FILES", "")
    env.setdefault("COCOTB_LOG_LEVEL", "WARNING")
    env.setdefault("GPI_LOG_LEVEL", "WARNING")  # the GPI start-up banner says nothing a user needs
    return env


def _verdict(results: Path, returncode: int) -> int:
    """0 only if the simulator ran the test to its end, no exception escaped it (results.xml) and its
    checks recorded no failure (stats.json, written by the test's report phase)."""
    if not results.exists():
        print(f"lacosim: the simulator exited ({returncode}) without a result: it crashed or was "
              f"killed; see the output above", file=sys.stderr)
        return 1
    root = ET.parse(results).getroot()
    cases = list(root.iter("testcase"))
    failed = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
    if not cases:
        print("lacosim: the simulator ran no test", file=sys.stderr)
        return 1
    stats = results.parent / "stats.json"
    if not failed and not stats.exists():
        print("lacosim: the test ended without its report (stats.json): see the output above", file=sys.stderr)
        return 1
    checks_failed = not stats.exists() or json.loads(stats.read_text()).get("failures", 1) != 0
    return 1 if failed or checks_failed or returncode != 0 else 0


def sim_main(req: SimRequest) -> int:
    try:
        return run_sim(req)
    except (UsageError, ElfLoadError, BuildError) as e:
        print(f"lacosim: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before the simulator started (building, loading)
        print("lacosim: interrupted (Ctrl-C) before the simulation started", file=sys.stderr)
        return EXIT_INTERRUPTED


def list_tests() -> list[str]:
    from lacosim.tests import LacosimTest  # noqa: PLC0415
    return sorted(t for t in LacosimTest.registry if t != "elf")


__all__ = ["REPO", "SimRequest", "list_tests", "sim_main"]
