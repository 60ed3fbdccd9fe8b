"""Random differential tests: lacosim.randgen programs print the same signature (every GPR and the changed
scratch memory) on the RTL SoC, checked in lockstep by the reference model, as on QEMU.

`make test` runs FIXED_SEEDS. LACOSIM_RAND_SEEDS selects more for `make regress`: a count N (seeds 1000 ..
1000+N-1) or a list of seeds and ranges ("7,12,100-199"); LACOSIM_RAND_LENGTH sets their body length;
LACOSIM_RAND_PAGING (off, on, mix: chosen per program from its seed) whether they run with the TLB
(lacosim.randgen.paging), default ENV_PAGING_DEFAULT.

Paging programs (PAGING_SEEDS) run their loads and stores through the TLB, with refills and PIL/PIS taken and
counted; they are checked RTL against QEMU like the others, and on the oracle side alone: complete, and the
same results whether the pages fault in or are all pre-installed, and whatever the refill handler's mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lacosim.qemu import run_qemu
from lacosim.randgen.generator import GeneratorConfig
from lacosim.randgen.paging import TlbMode
from lacosim.randgen.program import RandomProgram, build_elf, build_guest_program, build_program

from sim.conftest import REPO, first_failure_first, run_lacosim

# make mutate gives each parallel job its own directory (LACOSIM_RANDGEN_OUT), so two never rebuild one ELF
OUT = Path(os.environ.get("LACOSIM_RANDGEN_OUT") or REPO / "build" / "randgen")
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
# the regression's random programs: about half of them run with paging (design.md 9)
ENV_PAGING_DEFAULT = "mix"
PAGING_CHOICES: dict[str, bool | None] = {"off": False, "on": True, "mix": None}
ENV_PAGING = PAGING_CHOICES[os.environ.get("LACOSIM_RAND_PAGING", ENV_PAGING_DEFAULT)]
PAGING_SEEDS = (1, 2, 3, 4)
PAGING_ORACLE_SEEDS = (5, 6, 7)
COUNTER_KEYS = ("tlbr", "pil", "pis", "touched")


def build(seed: int, length: int, paging: bool | None = False, tlb_mode: TlbMode | None = None,
          faults: bool = True) -> tuple[RandomProgram, Path]:
    program = RandomProgram(seed, 0, GeneratorConfig(length=length, paging=paging, tlb_mode=tlb_mode,
                                                     paging_faults=faults))
    out = OUT if not program.paging else OUT / f"paging-{program.layout.mode}{'' if faults else '-nofaults'}"
    return program, build_program(program, out)


def first_difference(expected: bytes, observed: bytes) -> tuple[int, bytes, bytes]:
    exp_lines, obs_lines = expected.splitlines(), observed.splitlines()
    for i in range(max(len(exp_lines), len(obs_lines))):
        exp = exp_lines[i] if i < len(exp_lines) else b"<end>"
        obs = obs_lines[i] if i < len(obs_lines) else b"<end>"
        if exp != obs:
            return i + 1, exp, obs
    return 0, b"", b""


def check_rtl_matches_qemu(seed: int, length: int, paging: bool | None = False) -> None:
    program, elf = build(seed, length, paging)
    expected = run_qemu(elf)
    assert expected.startswith(b"RANDSIG") and expected.endswith(b"END\n"), \
        f"seed {seed}: QEMU did not print a complete signature for {elf}: {expected[-300:]!r}"
    res = run_lacosim("--elf", str(elf))
    repro = (f"regenerate: python -m lacosim.randgen --seed {seed} --count 1 {program.regenerate_flags}; "
             f"rerun: make sim ELF={elf}")
    assert res.returncode == 0, f"seed {seed}, program {elf}: the RTL run failed\n{res.report}\n{repro}"
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
    check_rtl_matches_qemu(seed, ENV_LENGTH, ENV_PAGING)


@pytest.mark.parametrize("seed", PAGING_SEEDS)
def test_random_paging_program_matches_qemu(seed):
    """Loads and stores through the TLB: refills, PIL/PIS, ASID switches and invalidations (needs the RTL TLB
    of design.md 9, and TLBR/PIL/PIS allowed for the ELF run)."""
    check_rtl_matches_qemu(seed, FIXED_LENGTH, paging=True)


# the random differential in guest mode (issue 8): (seed, stage-2 offset of the guest's image; 0 = identity)
GUEST_CASES = ((11, 0), (12, 0x80_0000))


@pytest.mark.parametrize("seed,offset", GUEST_CASES, ids=[f"s{s}-offset{o:#x}" for s, o in GUEST_CASES])
def test_random_program_in_a_guest_matches_qemu(seed, offset):
    """The program run as an LVZ guest (randgen/guest_root.S: stage 2 at GPA + offset, IOCSR reads emulated by
    the root) prints the root-mode program's signature, which QEMU gives; the RTL runs it in lockstep."""
    program, elf = build(seed, 2000, paging=False)
    expected = run_qemu(elf)
    guest_elf = build_guest_program(program, OUT / "guest", offset)
    res = run_lacosim("--elf", str(guest_elf))
    repro = f"rerun: make sim ELF={guest_elf}"
    assert res.returncode == 0, f"seed {seed} as a guest: the RTL run failed\n{res.report}\n{repro}"
    lvz = json.loads((res.run_dir / "coverage.json").read_text()).get("lvz", {})
    assert lvz.get("stage-2 TLBR"), f"the program never ran as a guest (no stage-2 refill): {lvz}"
    if res.uart != expected:
        line, exp, obs = first_difference(expected, res.uart)
        pytest.fail(f"seed {seed} as a guest (stage-2 offset {offset:#x}): signature differs from QEMU's root-mode "
                    f"run at line {line}:\n  QEMU:  {exp.decode(errors='replace')}\n"
                    f"  guest: {obs.decode(errors='replace')}\n{repro}")


# --- the oracle side alone (QEMU only): the signature is reproducible and sensitive ---------------------------

@pytest.mark.no_rtl
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


@pytest.mark.no_rtl
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


# --- paging programs on the oracle side alone (and the reference model against it) -----------------------------

def run_iss(elf: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "lacosim.iss", str(elf)], capture_output=True, timeout=600,
                          cwd=REPO, check=False)


def results_and_counters(uart: bytes) -> tuple[list[str], dict[str, int]]:
    lines = uart.decode().splitlines()[1:]
    counters = {k: int(v, 16) for k, _, v in (line.partition("=") for line in lines) if k in COUNTER_KEYS}
    return [line for line in lines if line.partition("=")[0] not in COUNTER_KEYS], counters


@pytest.mark.no_rtl
@pytest.mark.parametrize("seed", PAGING_ORACLE_SEEDS)
def test_qemu_paging_results_do_not_depend_on_faults_or_handler_mode(seed):
    """The same paging program with refills by tlbwr, by tlbfill, and with every page pre-installed and valid
    (no refill but after an invalidation, no PIL/PIS) prints the same registers and memory on QEMU; the
    counters are consistent with the page table."""
    wr_program, wr_elf = build(seed, FIXED_LENGTH, paging=True, tlb_mode="wr")
    outputs = {"wr": run_qemu(wr_elf), "fill": run_qemu(build(seed, FIXED_LENGTH, True, "fill")[1]),
               "no faults": run_qemu(build(seed, FIXED_LENGTH, True, "wr", faults=False)[1])}
    for name, uart in outputs.items():
        assert uart.startswith(b"RANDSIG") and uart.endswith(b"END\n") and b"FATAL" not in uart, \
            f"seed {seed} ({name}): incomplete signature: {uart[-400:]!r}"
    base, counters = results_and_counters(outputs["wr"])
    for name in ("fill", "no faults"):
        other, other_counters = results_and_counters(outputs[name])
        assert other == base, f"seed {seed}: {name} differs from wr: {first_difference(outputs['wr'], outputs[name])}"
        if name == "fill":
            assert "tlbr" not in other_counters  # eviction-dependent: left out of the signature
            assert (other_counters["pil"], other_counters["pis"]) == (counters["pil"], counters["pis"])
        else:
            assert other_counters["pil"] == other_counters["pis"] == 0
    layout = wr_program.layout
    assert layout is not None
    starts_invalid = sum(not h.valid for e in layout.entries for h in e.halves if h.used)
    assert counters["pil"] + counters["pis"] <= starts_invalid
    far = sum(1 << e.index for e in layout.entries if not e.window)
    assert counters["touched"] and not counters["touched"] & ~far
    assert counters["tlbr"] >= bin(counters["touched"]).count("1")


@pytest.mark.no_rtl
@pytest.mark.parametrize("seed", PAGING_SEEDS)
def test_iss_paging_program_matches_qemu(seed):
    """The reference model alone prints the same signature as QEMU for paging programs."""
    _, elf = build(seed, FIXED_LENGTH, paging=True)
    expected = run_qemu(elf)
    res = run_iss(elf)
    assert res.returncode == 0, f"seed {seed}: the model failed on {elf}: {first_failure_first(res.stderr.decode())}"
    if res.stdout != expected:
        line, exp, obs = first_difference(expected, res.stdout)
        pytest.fail(f"seed {seed}, {elf}: the model differs from QEMU at line {line}:\n"
                    f"  QEMU: {exp.decode(errors='replace')}\n  ISS:  {obs.decode(errors='replace')}")


@pytest.mark.no_rtl
def test_paging_signature_detects_a_wrong_translation(tmp_path):
    """The same program with one far page mapped 16 KiB away (another frame, same offset) prints another
    signature: a translation to the wrong physical address is seen."""
    program, elf = build(PAGING_SEEDS[0], FIXED_LENGTH, paging=True, tlb_mode="wr")
    layout = program.layout
    assert layout is not None
    original = run_qemu(elf)
    stored = next(line for line in original.decode().splitlines() if line.startswith("p"))  # a hot spot written
    region = int(stored[1:].split("+", 1)[0])
    entry, half = next((e, n) for e in layout.entries for n in (0, 1) if e.halves[n].region == region)
    line = f"    .dword {entry.vbase:#018x}, {entry.vmask:#018x}, {entry.lo(0):#018x}, {entry.lo(1):#018x}"
    los = [entry.lo(0), entry.lo(1)]
    los[half] ^= 1 << 14
    assert line in program.text
    mutant = tmp_path / f"{program.name}_mutant.S"
    mutant.write_text(program.text.replace(
        line, f"    .dword {entry.vbase:#018x}, {entry.vmask:#018x}, {los[0]:#018x}, {los[1]:#018x}", 1))
    changed = run_qemu(build_elf(mutant))
    assert changed.endswith(b"END\n") and changed != original
    assert stored.encode() not in changed.splitlines()


@pytest.mark.negative
def test_random_program_iocsr_reads_catch_a_missing_load_use_interlock():
    """Random programs read IOCSR registers and use the result at once (design.md 7.4): with the IOCSR load-use
    interlock removed (BUG=iocsr_no_load_use) lockstep fails on the instruction right after an iocsrrd."""
    program, elf = build(FIXED_SEEDS[0], FIXED_LENGTH)
    assert "iocsrrd." in program.text
    res = run_lacosim("--elf", str(elf), "--bug", "iocsr_no_load_use")
    out = res.output
    # after the divergence the RTL runs another program: an exception it then takes is a consequence
    res.assert_only_failure("lockstep", frozenset({"program", "exceptions"}))
    report = out[out.index("FAIL [lockstep]"):]
    history = report[report.index("last retired instructions:"):report.index("reproduce with waves:")]
    retired = [line for line in history.splitlines()[1:] if line.strip()]
    # the last line is the diverging instruction; the one before it, the iocsrrd whose result it used
    assert "iocsrrd." in retired[-2] and "iocsrrd." not in retired[-1], "\n".join(retired[-3:])
