"""Random differential tests: lacosim.randgen programs print the same signature (every GPR and the changed
scratch memory) on the RTL SoC, checked in lockstep by the reference model, as on QEMU.

`make test` runs FIXED_SEEDS. LACOSIM_RAND_SEEDS selects more for `make regress`: a count N (seeds 1000 ..
1000+N-1) or a list of seeds and ranges ("7,12,100-199"); LACOSIM_RAND_LENGTH sets their body length."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lacosim.qemu import run_qemu
from lacosim.randgen.generator import GeneratorConfig
from lacosim.randgen.program import RandomProgram, build_elf, build_program

from sim.conftest import REPO, run_lacosim

OUT = REPO / "build" / "randgen"
FIXED_SEEDS = (1, 2, 3)
FIXED_LENGTH = 300
ENV_SEED_BASE = 1000


def seeds_from_env(text: str) -> list[int]:
    text = text.strip()
    if not text:
        return []
    if text.isdigit():
        return list(range(ENV_SEED_BASE, ENV_SEED_BASE + int(text)))
    seeds: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        seeds += range(int(first), int(last or first) + 1)
    return seeds


ENV_SEEDS = seeds_from_env(os.environ.get("LACOSIM_RAND_SEEDS", "2"))
ENV_LENGTH = int(os.environ.get("LACOSIM_RAND_LENGTH", str(FIXED_LENGTH)))


def build(seed: int, length: int) -> tuple[RandomProgram, Path]:
    program = RandomProgram(seed, 0, GeneratorConfig(length=length))
    return program, build_program(program, OUT)


def first_difference(expected: bytes, observed: bytes) -> tuple[int, bytes, bytes]:
    exp_lines, obs_lines = expected.splitlines(), observed.splitlines()
    for i in range(max(len(exp_lines), len(obs_lines))):
        exp = exp_lines[i] if i < len(exp_lines) else b"<end>"
        obs = obs_lines[i] if i < len(obs_lines) else b"<end>"
        if exp != obs:
            return i + 1, exp, obs
    return 0, b"", b""


def check_rtl_matches_qemu(seed: int, length: int) -> None:
    program, elf = build(seed, length)
    expected = run_qemu(elf)
    assert expected.startswith(b"RANDSIG") and expected.endswith(b"END\n"), \
        f"seed {seed}: QEMU did not print a complete signature for {elf}: {expected[-300:]!r}"
    res = run_lacosim("--elf", str(elf))
    repro = (f"regenerate: python -m lacosim.randgen --seed {seed} --count 1 --length {length}; "
             f"rerun: make sim ELF={elf}")
    assert res.returncode == 0, f"seed {seed}, program {elf}: the RTL run failed\n{res.output[-4000:]}\n{repro}"
    observed = res.uart
    if observed != expected:
        line, exp, obs = first_difference(expected, observed)
        pytest.fail(f"seed {seed}, program {elf}: signature differs from QEMU at line {line}:\n"
                    f"  QEMU: {exp.decode(errors='replace')}\n  RTL:  {obs.decode(errors='replace')}\n{repro}")


@pytest.mark.parametrize("seed", FIXED_SEEDS)
def test_random_program_matches_qemu(seed):
    check_rtl_matches_qemu(seed, FIXED_LENGTH)


@pytest.mark.parametrize("seed", ENV_SEEDS)
def test_random_seed_matches_qemu(seed):
    check_rtl_matches_qemu(seed, ENV_LENGTH)


# --- the oracle side alone (QEMU only): the signature is reproducible and sensitive ---------------------------

def test_qemu_signature_is_reproducible_and_complete():
    _, elf = build(FIXED_SEEDS[0], FIXED_LENGTH)
    first, second = run_qemu(elf), run_qemu(elf)
    assert first == second
    lines = first.decode().splitlines()
    assert lines[0].startswith(f"RANDSIG seed={FIXED_SEEDS[0]} index=0")
    assert [line.split("=")[0] for line in lines[1:32]] == [f"r{i}" for i in range(1, 32)]
    assert lines[-1] == "END"


def signature_fields(uart: bytes) -> dict[str, str]:
    """{'r5': '000...', 'm+800': '...'} from a signature (memory keys only for changed dwords)."""
    return dict(line.split("=", 1) for line in uart.decode().splitlines()[1:-1])


@pytest.mark.parametrize("mutation, changed_key", [
    ("    addi.d $r5, $r5, 1", "r5"),  # a register
    ("    ld.bu $r6, $r31, 0\n    addi.w $r6, $r6, 1\n    st.b $r6, $r31, 0", "m+800"),  # a memory byte
], ids=["register", "memory"])
def test_signature_detects_a_changed_result(tmp_path, mutation, changed_key):
    """A program with one extra effect at the end of its body prints a different signature in the field of
    the register or memory dword it changed: the comparison sees register and memory divergence."""
    program, elf = build(FIXED_SEEDS[0], FIXED_LENGTH)
    mutant = tmp_path / f"{program.name}_mutant.S"
    mutant.write_text(program.text.replace("    .globl rand_body_end\n", f"{mutation}\n    .globl rand_body_end\n", 1))
    original = signature_fields(run_qemu(elf))
    changed = signature_fields(run_qemu(build_elf(mutant)))
    assert original.get(changed_key) != changed.get(changed_key), changed_key
    assert changed_key in changed
