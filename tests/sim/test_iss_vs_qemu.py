"""The reference model alone (`python -m lacosim.iss`) prints byte-identical UART output to QEMU for every
program built from sw/, and stops with a clear error on the deliberately broken ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lacosim.qemu import qemu_available, run_qemu

from sim.conftest import REPO, SW_BUILD

BROKEN = {"bad_illegal", "bad_hang"}  # programs that must fail
PROGRAMS = sorted(p for p in SW_BUILD.glob("*.elf") if p.stem not in BROKEN)


def run_iss(elf: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "lacosim.iss", str(elf), *args], capture_output=True,
                          timeout=timeout, cwd=REPO, check=False)


def first_difference(expected: bytes, observed: bytes) -> str:
    exp_lines, obs_lines = expected.splitlines(), observed.splitlines()
    first = next((i for i, (a, b) in enumerate(zip(exp_lines, obs_lines, strict=False)) if a != b),
                 min(len(exp_lines), len(obs_lines)))
    return (f"line {first + 1}:\n  QEMU: {exp_lines[first] if first < len(exp_lines) else b'<end>'!r}\n"
            f"  ISS:  {obs_lines[first] if first < len(obs_lines) else b'<end>'!r}")


@pytest.mark.skipif(not qemu_available(), reason="qemu-system-loongarch64 not installed (make setup)")
@pytest.mark.skipif(not PROGRAMS, reason="no programs in build/sw (make sw)")
@pytest.mark.parametrize("elf", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_iss_matches_qemu(elf):
    expected = run_qemu(elf)
    res = run_iss(elf)
    stderr = res.stderr.decode(errors="replace")
    if res.returncode != 0 and "UnimplementedInstruction" in stderr:
        pytest.skip(f"{elf.stem} needs what the reference model does not implement yet: {stderr.strip()[-300:]}")
    assert res.returncode == 0, f"python -m lacosim.iss {elf} failed:\n{stderr[-4000:]}"
    assert res.stdout == expected, f"{elf.stem}: UART output differs from QEMU at " \
                                   f"{first_difference(expected, res.stdout)}\nreproduce: make iss ELF={elf}"


def test_illegal_instruction_is_reported():
    elf = SW_BUILD / "bad_illegal.elf"
    if not elf.exists():
        pytest.skip("build/sw/bad_illegal.elf not built (make sw)")
    res = run_iss(elf)
    stderr = res.stderr.decode(errors="replace")
    assert res.returncode == 1
    assert "IllegalInstruction" in stderr and "pc 0x" in stderr


def test_hang_is_reported_with_history():
    elf = SW_BUILD / "bad_hang.elf"
    if not elf.exists():
        pytest.skip("build/sw/bad_hang.elf not built (make sw)")
    res = run_iss(elf, "--max-insns", "20000")
    stderr = res.stderr.decode(errors="replace")
    assert res.returncode == 1
    assert "no power-off within 20000 instructions" in stderr
    assert stderr.count("  pc 0x") == 16


def test_missing_elf_is_a_usage_error(tmp_path):
    res = run_iss(tmp_path / "nope.elf")
    assert res.returncode == 2
    assert b"no such file" in res.stderr
