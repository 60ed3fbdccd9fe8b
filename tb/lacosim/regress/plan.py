"""What the nightly regression runs: every TEST x seed, a bare-ELF run for each sw/ program no TEST owns, and
random differential chunks (RTL in lockstep vs QEMU). A job is a plain record; its command is exactly what
`make sim` runs for the same knobs, so the reproduce command it prints works when pasted."""

from __future__ import annotations

import fnmatch
import shlex
import sys
from dataclasses import dataclass

from lacosim.build import REPO
from lacosim.runner import SW_BUILD, list_tests

RANDOM_PER_SEED = 10  # random differential programs per regression seed
RANDOM_TEST = "tests/sim/test_random.py::test_random_seed_matches_qemu"
VENV_PYTHON = ".venv/bin/python"  # how a user at the repository root runs the venv's Python


@dataclass(frozen=True)
class Job:
    name: str                                  # unique in a regression; names the log
    test: str                                  # what history groups by: TEST, elf-<program> or "random"
    knobs: tuple[tuple[str, str], ...] = ()    # make sim knobs (NAME, value), as the Makefile passes them
    env: tuple[tuple[str, str], ...] = ()      # extra environment (random chunks)
    pytest: str = ""                           # or: run this pytest node instead of make sim
    seed: int | None = None
    cores: int = 1

    @property
    def knob(self) -> dict[str, str]:
        return dict(self.knobs)

    @property
    def bug(self) -> str:
        return self.knob.get("BUG", "")

    @property
    def is_sim(self) -> bool:
        return not self.pytest

    @property
    def command(self) -> list[str]:
        """What runs (from the repository root): the same Python entry point `make sim` / pytest use."""
        if self.pytest:
            return [sys.executable, "-m", "pytest", "-q", "-x", self.pytest]
        return [sys.executable, "-m", "lacosim", "sim", *(f"{k}={v}" for k, v in self.knobs)]

    @property
    def reproduce(self) -> str:
        """A command that re-runs this job when pasted at the repository root."""
        if self.pytest:
            env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env)
            return f"{env} {VENV_PYTHON} -m pytest -q -x {self.pytest}".strip()
        return "make sim " + " ".join(f"{k}={shlex.quote(v)}" for k, v in self.knobs)


def _relative(path: object) -> str:
    text = str(path)
    root = str(REPO) + "/"
    return text.removeprefix(root)


def plan(seeds: int, first_seed: int, bug: str = "") -> list[Job]:
    """Every job of a regression with `seeds` seeds from `first_seed`; `bug` plants an RTL bug in every
    simulation (to see the regression catch it)."""
    from lacosim.tests import LacosimTest  # noqa: PLC0415  (imports pyuvm)
    registry = LacosimTest.registry
    planted = (("BUG", bug),) if bug else ()
    owned = {cls.program for cls in registry.values() if cls.program}  # run through their TEST
    owned |= {g for cls in registry.values() for g in cls.guests}      # guest kernels: only with their hypervisor
    jobs = [Job(f"{t}-s{s}", t, (("TEST", t), ("SEED", str(s)), *planted), seed=s, cores=registry[t].cores)
            for t in list_tests() for s in range(first_seed, first_seed + seeds)]
    # A bare program gets the first seed too: the seed drives the SoC's randomness (e.g. +tlb_seed), so a
    # run without one could not be reproduced.
    jobs += [Job(f"elf-{p.stem}", f"elf-{p.stem}", (("ELF", _relative(p)), ("SEED", str(first_seed)), *planted),
                 seed=first_seed, cores=registry["elf"].cores)
             for p in sorted(SW_BUILD.glob("*.elf"))
             if not p.stem.startswith("bad_") and not p.stem.endswith("_bug") and p.stem not in owned]
    # Random differential programs, in chunks so a failure names a small seed range.
    base = 100_000 + first_seed * 1000
    for chunk in range(seeds):
        lo, hi = base + chunk * RANDOM_PER_SEED, base + (chunk + 1) * RANDOM_PER_SEED - 1
        jobs.append(Job(f"random-{lo}-{hi}", "random", env=(("LACOSIM_RAND_SEEDS", f"{lo}-{hi}"),),
                        pytest=RANDOM_TEST, seed=lo))
    return jobs


def select(jobs: list[Job], patterns: str) -> list[Job]:
    """The jobs matching any of the comma/space separated glob patterns (on the test or the job name):
    `hello`, `host_*`, `hello-s1`, `elf-*`, `random`. An empty string selects everything."""
    wanted = [p for p in patterns.replace(",", " ").split() if p]
    if not wanted:
        return list(jobs)
    return [j for j in jobs if any(fnmatch.fnmatchcase(j.test, p) or fnmatch.fnmatchcase(j.name, p)
                                   for p in wanted)]


def models_needed(jobs: list[Job]) -> set[tuple[int, str]]:
    """(cores, bug) of each Verilator model the jobs use; built before any job starts so that parallel
    jobs never race to build the same model."""
    needed = {(j.cores, j.bug) for j in jobs if j.is_sim}
    if any(not j.is_sim for j in jobs):
        needed.add((1, ""))  # the random chunks run make sim ELF= on the one-core model
    return needed
