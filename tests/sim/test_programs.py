"""Every program of sw/ produces byte-identical UART output on the RTL SoC and on QEMU (the oracle)."""

from __future__ import annotations

import pytest
from lacosim.qemu import run_qemu

from sim.conftest import SW_BUILD, program, run_lacosim

PROGRAMS = ["hello", "isa_alu", "isa_shift", "isa_muldiv", "isa_ldst", "isa_branch", "isa_upper",
            "isa_bitops", "isa_softfloat", "workload",
            "mmu_refill", "mmu_faults", "mmu_asid", "mmu_invtlb", "mmu_huge", "mmu_user"]
# paging programs whose behaviour QEMU 7.2 does not model (tests/sim/test_iss_vs_qemu.py QEMU_DIFFERS):
# the RTL in lockstep must print their own PASS line
# (and lvz_smoke: QEMU's TCG has no LVZ; the other sw/lvz programs are TEST classes, tests/sim/test_lvz.py)
HW_ONLY = ["mmu_faults_hw", "mmu_walk_hw", "lvz_smoke"]


@pytest.mark.no_rtl
def test_the_program_list_is_complete():
    """Every base program is cross-checked here; privileged programs (sw/priv) by their TEST classes."""
    from lacosim.tests import LacosimTest
    owned = {cls.program for cls in LacosimTest.registry.values() if cls.program}
    owned |= {f"{p}_bug" for p in owned}
    owned |= {g for cls in LacosimTest.registry.values() for g in cls.guests}  # a hypervisor test's guest kernels
    built = {p.stem for p in SW_BUILD.glob("*.elf") if not p.stem.startswith("bad_")} - owned - {"hello"}
    assert built == set(PROGRAMS + HW_ONLY) - {"hello"}, \
        "a program in sw/ is neither cross-checked against QEMU here nor owned by a TEST class"


@pytest.mark.parametrize("name", PROGRAMS)
def test_rtl_matches_qemu(name):
    elf = program(name)
    expected = run_qemu(elf)
    assert len(expected) > 20, f"QEMU printed almost nothing for {name}: {expected!r}"
    res = run_lacosim("--elf", str(elf))
    assert res.returncode == 0, res.report
    observed = res.uart
    if observed != expected:
        exp_lines, obs_lines = expected.splitlines(), observed.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(exp_lines, obs_lines, strict=False)) if a != b),
                     min(len(exp_lines), len(obs_lines)))
        pytest.fail(f"{name}: UART output differs from QEMU at line {first + 1}:\n"
                    f"  QEMU: {exp_lines[first] if first < len(exp_lines) else b'<end>'!r}\n"
                    f"  RTL:  {obs_lines[first] if first < len(obs_lines) else b'<end>'!r}\n"
                    f"reproduce: make sim ELF={elf}")


@pytest.mark.parametrize("name", HW_ONLY)
def test_rtl_passes_the_programs_qemu_cannot_run(name):
    elf = program(name)
    res = run_lacosim(f"ELF={elf}")
    assert res.returncode == 0, res.report
    assert f"{name}: PASS".encode() in res.uart, res.report


def test_hello_test_passes_and_prints_greeting():
    res = run_lacosim("--test", "hello", "--seed", "1")
    assert res.returncode == 0, res.report
    assert "Hello from lacosim!" in res.output
    assert "PASSED" in res.output
    assert "Verilog $finish" not in res.output   # Verilator's line at every run's end is gone (vl_finish)


def test_trace_log_lists_every_retired_instruction():
    res = run_lacosim("--test", "hello", "--seed", "3", "--trace")
    assert res.returncode == 0, res.report
    text = (res.run_dir / "trace.log").read_text()
    header = [ln for ln in text.splitlines() if ln.startswith("#")]
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    retired = int(res.output.split("retired c0=")[1].split(";")[0])
    assert len(lines) == retired, f"trace.log has {len(lines)} lines for {retired} retired instructions"
    assert "TEST=hello SEED=3" in header[0] and "mode" in header[1]
    assert "<_start>" in lines[0] and "csrrd" in lines[0] and " R0 " in lines[0]   # mode column: root, PLV0
    per_core = (res.run_dir / "trace_c0.log").read_text().splitlines()
    assert [ln for ln in per_core if not ln.startswith("#")] == lines   # one core: the same records


def test_trace_log_names_csrs_and_shows_traps_inline():
    res = run_lacosim("TEST=priv_exc", "SEED=1", "TRACE=1")
    assert res.returncode == 0, res.report
    text = (res.run_dir / "trace.log").read_text()
    assert "EENTRY<=0x" in text                      # a CSR write by name with its value
    assert " EXC SYS" in text and " ERTN" in text    # traps and returns inline
