"""The GTKWave save file written next to every `waves.fst`: per core a group with the retirement signals
(la_wave_probe in the `g_wave[c]` block of la_tb_top), instruction words shown as disassembly and pcs as symbols through
translate filter processes (lacosim.waves.filter, one persistent process per kind), plus the clock,
the cycle counter and the interrupt lines.

    gtkwave build/run/<run>/waves.gtkw
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from vcd.gtkw import GTKWSave

TOP = "la_tb_top"
# (signal in g_wave[c], shown as, filter kind or "") in the order a person reads a retirement
CORE_SIGNALS: tuple[tuple[str, str, str], ...] = (
    ("valid", "bin", ""),
    ("pc", "hex", "pc"),
    ("insn", "hex", "insn"),
    ("plv", "dec", ""),
    ("trap_valid", "bin", ""),
    ("trap_ecode", "hex", ""),
    ("rd_we", "bin", ""),
    ("rd", "dec", ""),
    ("rd_wdata", "hex", ""),
    ("mem_re", "bin", ""),
    ("mem_we", "bin", ""),
    ("mem_addr", "hex", ""),
    ("mem_pa", "hex", ""),
    ("mem_wdata", "hex", ""),
    ("irq_is", "hex", ""),
)
TOP_SIGNALS = ("clk", "rst_n", "cycle")


def filter_script(run_dir: Path, kind: str, elf: Path | None, guests: Sequence[str] = ()) -> Path:
    """A wrapper GTKWave can start (a process filter is a path, not a command line)."""
    path = run_dir / f"gtkwave_filter_{kind}.sh"
    args = (f" --elf '{elf}'" + "".join(f" --guest '{g}'" for g in guests)) if elf is not None else ""
    path.write_text(f"#!/bin/sh\n# GTKWave translate filter process ({kind}), see lacosim/waves/filter.py\n"
                    f"exec '{sys.executable}' -m lacosim.waves.filter {kind}{args}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def core_signal(core: int, name: str) -> str:
    return f"{TOP}.g_wave[{core}].u_core.{name}"


def write_gtkw(path: Path, dump: Path, cores: int, elf: Path | None,
               widths: dict[str, int] | None = None, guests: Sequence[str] = ()) -> Path:
    """Write the save file for `dump`; `widths` (signal -> bits) adds the [msb:0] GTKWave expects on
    vectors (taken from the FST by the caller, so names always match the dump)."""
    run_dir = path.parent
    filters = {kind: filter_script(run_dir, kind, elf if kind == "pc" else None, guests) for kind in ("pc", "insn")}

    def ranged(name: str) -> str:
        bits = (widths or {}).get(name, 1)
        return f"{name}[{bits - 1}:0]" if bits > 1 else name

    with path.open("w") as f:
        save = GTKWSave(f)
        save.comment(f"lacosim: {dump.name}, {cores} core(s); disassembly and symbols through {run_dir}")
        save.dumpfile(os.fspath(dump))
        save.savefile(os.fspath(path))
        save.treeopen(TOP)
        for name in TOP_SIGNALS:
            save.trace(ranged(f"{TOP}.{name}"), datafmt="dec" if name == "cycle" else "hex")
        for core in range(cores):
            with save.group(f"core {core}"):
                for name, fmt, kind in CORE_SIGNALS:
                    full = core_signal(core, name)
                    proc = os.fspath(filters[kind]) if kind else None
                    save.trace(ranged(full), alias=f"c{core} {name}", datafmt=fmt, translate_filter_proc=proc)
    return path


def fst_widths(dump: Path, names: Sequence[str]) -> dict[str, int]:
    """Bit widths of the named signals in an FST (pywellen); signals missing from it are left out."""
    import pywellen  # noqa: PLC0415

    wave = pywellen.Waveform(os.fspath(dump))
    wanted = set(names)
    out = {}
    for var in wave.all_vars():
        if var.full_name in wanted:
            out[var.full_name] = var.bitwidth or 1
    return out


__all__ = ["CORE_SIGNALS", "core_signal", "fst_widths", "write_gtkw"]
