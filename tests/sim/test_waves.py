"""Waves a person can use (issue 11, items 1-2): the WAVE_FROM/WAVE_TO window really limits the FST, and
the GTKWave save file names signals that exist, with working translate filter processes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from sim.conftest import program, run_lacosim

pytestmark = pytest.mark.tooling


def _cycle_span(fst) -> tuple[int, int]:
    pywellen = pytest.importorskip("pywellen")
    wave = pywellen.Waveform(str(fst))
    values: list[int] = []
    wave.stream_changes(lambda _t, _sig, v: values.append(int(v)), [wave["la_tb_top.cycle"]])
    return values[0], values[-1]


def test_wave_window_dumps_only_the_window_and_a_readable_gtkw():
    res = run_lacosim(f"ELF={program('hello')}", "SEED=1", "WAVES=1", "WAVE_FROM=100", "WAVE_TO=300")
    assert res.returncode == 0, res.report
    fst = res.run_dir / "waves.fst"
    assert _cycle_span(fst) == (100, 300)  # Verilator ignores $dumpoff: the window must still hold
    save = res.run_dir / "waves.gtkw"
    assert f"gtkwave {save}" in res.output
    text = save.read_text()
    pywellen = pytest.importorskip("pywellen")
    names = {v.full_name for v in pywellen.Waveform(str(fst)).all_vars()}
    shown = re.findall(r"^\+\{[^}]*\} (\S+?)(?:\[\d+:0\])?$|^(la_tb_top\.\w+)(?:\[\d+:0\])?$", text, re.M)
    shown = [a or b for a, b in shown]
    assert len(shown) > 10 and not [s for s in shown if s not in names], "the .gtkw names signals the FST lacks"
    filters = {Path(f).stem.rsplit("_", 1)[1]: f for f in re.findall(r"^\^>\d+ (\S+)$", text, re.M)}
    assert set(filters) == {"pc", "insn"}

    def ask(kind: str, values: str) -> list[str]:
        return subprocess.run([filters[kind]], input=values, capture_output=True, text=True, check=True,
                              timeout=60).stdout.splitlines()

    assert ask("pc", "200000\n") == ["200000 <_start>"]           # symbols of the run's own ELF
    assert ask("insn", "4c000020\n02800c04\n") == ["ret", "addi.w $a0, $zero, 3"]


def test_run_without_waves_leaves_no_stale_waves():
    first = run_lacosim(f"ELF={program('hello')}", "SEED=1", "WAVES=1")
    assert (first.run_dir / "waves.fst").exists()
    again = run_lacosim(f"ELF={program('hello')}", "SEED=1")
    assert again.returncode == 0 and again.run_dir == first.run_dir
    assert not (again.run_dir / "waves.fst").exists()
