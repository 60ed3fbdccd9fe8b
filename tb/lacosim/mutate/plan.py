"""Which tests a mutant runs, and in which order.

The tests are `make test`'s positive simulation tests: every pytest node under tests/sim that is not marked
`negative` (it expects a failure), `no_rtl` (it never simulates the RTL) or `tooling` (it tests the tool:
waves, Ctrl-C, this harness). A baseline runs each once on the unmutated RTL, which proves it passes there (a
test failing on the correct design would "kill" every mutant) and measures its time and the core counts its
simulations use. A mutant then runs first the tests that killed mutants of its own RTL file in earlier runs,
then the others cheapest-per-kill first and one-core tests before multi-core ones (so a mutant killed early
never builds its 2- and 4-core models): `order`."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lacosim.build import REPO
from lacosim.mutate.catalogue import OUT

MARKERS = ("negative", "no_rtl", "tooling")
SELECT = " and ".join(f"not {m}" for m in MARKERS)
BASELINE = OUT / "baseline.json"
KILLS = OUT / "kills.json"     # test -> mutants it killed, summed over mutation runs


class PlanError(Exception):
    pass


@dataclass(frozen=True)
class TestCase:
    node: str            # pytest node id, relative to the repository
    seconds: float       # on the unmutated RTL
    cores: tuple[int, ...]  # core counts of the models its simulations use

    @property
    def max_cores(self) -> int:
        return max(self.cores, default=1)


def collect(selection: str = SELECT) -> list[str]:
    """The positive simulation tests' node ids (pytest --collect-only with the marker expression)."""
    res = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "-m", selection, "tests/sim"], cwd=REPO, capture_output=True, text=True, check=False)
    nodes = [ln.strip() for ln in res.stdout.splitlines() if "::" in ln and not ln.startswith(" ")]
    if res.returncode not in (0, 5) or not nodes:
        raise PlanError(f"collecting the positive simulation tests failed ({res.returncode}):\n"
                        f"{(res.stdout + res.stderr)[-3000:]}")
    return nodes


def short(node: str) -> str:
    """test_programs.py::test_rtl_matches_qemu[hello] for tests/sim/test_programs.py::..."""
    return node.removeprefix("tests/sim/")


def select(nodes: list[str], patterns: str) -> list[str]:
    """TESTS='glob ...' on the node id or its short form; an unmatched pattern is an error naming the knob."""
    wanted = [p for p in patterns.replace(",", " ").split() if p]
    if not wanted:
        return list(nodes)

    def hit(node: str, p: str) -> bool:
        name = short(node)
        return any(fnmatch.fnmatchcase(n, p) or fnmatch.fnmatchcase(n, f"*{p}*") for n in (node, name))

    for p in wanted:
        if not any(hit(n, p) for n in nodes):
            raise PlanError(f"TESTS={patterns}: '{p}' matches none of the {len(nodes)} positive simulation "
                            f"tests; e.g. {', '.join(short(n) for n in nodes[:4])}")
    return [n for n in nodes if any(hit(n, p) for p in wanted)]


def baseline_key(nodes: list[str]) -> str:
    """What a baseline measurement depends on: the tests, the RTL and the software they run."""
    digest = hashlib.sha256("\n".join(nodes).encode())
    roots = [REPO / "rtl", REPO / "tests" / "sim", REPO / "tb" / "lacosim", REPO / "build" / "sw"]
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.suffix in (".sv", ".vlt", ".py", ".elf") and "__pycache__" not in p.parts:
                digest.update(str(p.relative_to(REPO)).encode())
                digest.update(p.read_bytes())
    return digest.hexdigest()[:16]


def load_baseline(key: str, path: Path = BASELINE) -> dict[str, TestCase]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if data.get("key") != key:
        return {}
    return {t["node"]: TestCase(t["node"], t["seconds"], tuple(t["cores"])) for t in data["tests"]}


def save_baseline(key: str, tests: list[TestCase], path: Path = BASELINE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"key": key, "tests": [asdict(t) for t in tests]}, indent=1))


def run_cores(run_root: Path) -> tuple[int, ...]:
    """The core counts of the simulations under a run root (their run.json)."""
    cores = set()
    for cfg in run_root.rglob("run.json"):
        try:
            cores.add(int(json.loads(cfg.read_text())["cores"]))
        except (OSError, ValueError, KeyError):
            continue
    return tuple(sorted(cores))


@dataclass
class Kills:
    """Kills recorded by earlier mutation runs: per test, and per test for the mutants of each RTL file."""
    total: dict[str, int] = field(default_factory=dict)
    by_file: dict[str, dict[str, int]] = field(default_factory=dict)


def load_kills(path: Path = KILLS) -> Kills:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return Kills()
    if not isinstance(data, dict):
        return Kills()
    if "total" not in data:  # the first format: test -> kills
        return Kills({k: int(v) for k, v in data.items() if isinstance(v, int)})
    return Kills({k: int(v) for k, v in data["total"].items()},
                 {f: {k: int(v) for k, v in tests.items()} for f, tests in data.get("by_file", {}).items()})


def record_kills(killers: list[tuple[str, str]], path: Path = KILLS) -> None:
    """Add kills, each (the mutant's RTL file, the killing test)."""
    kills = load_kills(path)
    for file, node in killers:
        kills.total[node] = kills.total.get(node, 0) + 1
        per_file = kills.by_file.setdefault(file, {})
        per_file[node] = per_file.get(node, 0) + 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(kills), indent=1, sort_keys=True))


def order(tests: list[TestCase], kills: Kills, file: str = "") -> list[TestCase]:
    """For a mutant of `file`: first the tests that killed mutants of the same file before (by seconds per
    such kill: an IPI mutant meets the IPI tests first, not after every one-core test); then one-core tests,
    then by seconds per recorded kill (cheap and often-killing first)."""
    same = kills.by_file.get(file, {})

    def key(t: TestCase) -> tuple:
        if same.get(t.node):
            return (0, 0, t.seconds / (1 + same[t.node]), t.node)
        return (1, t.max_cores, t.seconds / (1 + kills.total.get(t.node, 0)), t.node)
    return sorted(tests, key=key)
