"""The nightly regression plan: every TEST x seed, bare-ELF runs only for programs no TEST owns, and
random differential chunks."""

from __future__ import annotations

from lacosim import regress
from lacosim.runner import list_tests


def test_plan_covers_every_test_and_seed_and_random_chunks():
    jobs = regress.plan(seeds=2, first_seed=5)
    names = [j.name for j in jobs]
    for t in list_tests():
        assert f"{t}-s5" in names and f"{t}-s6" in names
    randoms = [j for j in jobs if j.pytest]
    assert len(randoms) == 2 and all(dict(j.env)["LACOSIM_RAND_SEEDS"] for j in randoms)
    assert randoms[0].env != randoms[1].env


def test_programs_owned_by_a_test_are_not_run_as_bare_elfs():
    from lacosim.tests import LacosimTest
    owned = {cls.program for cls in LacosimTest.registry.values() if cls.program}
    elf_runs = {j.name.removeprefix("elf-") for j in regress.plan(1, 1) if j.name.startswith("elf-")}
    assert not elf_runs & owned
    assert not any(n.startswith("bad_") or n.endswith("_bug") for n in elf_runs)
