"""The mutation list (mutations.toml) and how one mutation is applied: a scratch copy of rtl/ under
build/mutate/<id>/src/rtl with the one snippet replaced. rtl/ itself is never written.

Every entry names an exact snippet of one RTL file that must occur there exactly once; a snippet that no
longer matches (the RTL changed under it) is an error naming the mutation, caught by tests/unit/test_mutate.py
before any simulation runs, so the list cannot rot silently."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from lacosim.paths import BUILD_DIR, REPO

LIST = Path(__file__).with_name("mutations.toml")
LIST_ENV = "LACOSIM_MUTATIONS"   # another list (the harness's own tests use one with broken mutations)
OUT = BUILD_DIR / "mutate"
ID = re.compile(r"^[a-z][a-z0-9_]*$")   # becomes part of a directory and a model name
FIELDS = {"id", "file", "original", "replacement", "description", "equivalent"}


class MutationError(Exception):
    pass


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str             # relative to the repository, under rtl/
    original: str         # exact text, present exactly once in the file
    replacement: str
    description: str
    equivalent: str = ""  # why no test can kill it (then surviving is not a failure)

    @property
    def path(self) -> Path:
        return REPO / self.file

    def line(self, text: str | None = None) -> int:
        """1-based line of the snippet in the (unmutated) file."""
        text = self.path.read_text() if text is None else text
        at = text.find(self.original)
        return text.count("\n", 0, at) + 1 if at >= 0 else 0

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line()}"

    def apply(self, text: str) -> str:
        """The file's text with the mutation; MutationError unless the snippet occurs exactly once."""
        count = text.count(self.original)
        if count != 1:
            raise MutationError(f"mutation '{self.id}': its original snippet occurs {count} times in {self.file} "
                                f"(must be exactly once; update the list after RTL changes): "
                                f"{self.original.strip()[:120]!r}")
        return text.replace(self.original, self.replacement, 1)


def list_path() -> Path:
    return Path(os.environ.get(LIST_ENV) or LIST)


def load(path: Path | None = None) -> list[Mutation]:
    """Every mutation of the list, checked for shape (fields, unique ids, files under rtl/, a real change)."""
    path = path or list_path()
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise MutationError(f"{path}: {e}") from None
    items = data.get("mutation")
    if not isinstance(items, list) or not items:
        raise MutationError(f"{path}: no [[mutation]] entries")
    seen: set[str] = set()
    out = []
    for n, item in enumerate(items, 1):
        name = item.get("id", f"#{n}")
        unknown = set(item) - FIELDS
        missing = {"id", "file", "original", "replacement", "description"} - set(item)
        if unknown or missing:
            raise MutationError(f"mutation '{name}': " + (f"unknown fields {sorted(unknown)} " if unknown else "")
                                + (f"missing fields {sorted(missing)}" if missing else ""))
        if not all(isinstance(v, str) for v in item.values()):
            raise MutationError(f"mutation '{name}': every field is a string")
        if not ID.match(name):
            raise MutationError(f"mutation '{name}': an id is lower-case letters, digits and _")
        if name in seen:
            raise MutationError(f"mutation '{name}': the id is used twice")
        seen.add(name)
        if not item["file"].startswith("rtl/") or not (REPO / item["file"]).is_file():
            raise MutationError(f"mutation '{name}': file {item['file']} is not an RTL file under rtl/")
        if item["original"] == item["replacement"] or not item["original"].strip():
            raise MutationError(f"mutation '{name}': the replacement must change a non-empty snippet")
        if "\n" in item["description"].strip():
            raise MutationError(f"mutation '{name}': the description is one line")
        out.append(Mutation(**item))
    return out


def check(mutations: list[Mutation]) -> None:
    """Every snippet matches its file exactly once (MutationError names the first that does not)."""
    texts: dict[str, str] = {}
    for m in mutations:
        m.apply(texts.setdefault(m.file, m.path.read_text()))


def select(mutations: list[Mutation], patterns: str) -> list[Mutation]:
    """MUTANTS='id1 id2' or globs ('alu_*'); empty: all. An unmatched pattern is an error naming the knob."""
    wanted = [p for p in patterns.replace(",", " ").split() if p]
    if not wanted:
        return list(mutations)
    for p in wanted:
        if not any(fnmatch.fnmatchcase(m.id, p) for m in mutations):
            raise MutationError(f"MUTANTS={patterns}: '{p}' matches no mutation; ids: "
                                + ", ".join(m.id for m in mutations))
    return [m for m in mutations if any(fnmatch.fnmatchcase(m.id, p) for p in wanted)]


def by_id(mutant: str) -> Mutation:
    for m in load():
        if m.id == mutant:
            return m
    raise MutationError(f"MUTANT={mutant}: no such mutation in {list_path()}")


def mutant_dir(mutant: str) -> Path:
    return OUT / mutant


def _write_if_changed(path: Path, text: str) -> None:
    """Atomic, and only when the content differs (a model's build key hashes contents, not times)."""
    if path.exists() and path.read_text() == text:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text)
    tmp.replace(path)


def prepare(mutant: str) -> Path:
    """The mutant's RTL tree (a copy of rtl/ with the one change), brought up to date with rtl/; returns
    its root, which stands for REPO / "rtl" in the build (lacosim.build.build_model(mutant=...))."""
    m = by_id(mutant)
    root = mutant_dir(mutant) / "src" / "rtl"
    src = REPO / "rtl"
    wanted = {p.relative_to(src) for p in src.rglob("*") if p.is_file()}
    for rel in wanted:
        dst = root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        text = (src / rel).read_text()
        if (src / rel) == m.path:
            text = m.apply(text)
        _write_if_changed(dst, text)
    if root.exists():  # files rtl/ no longer has
        for stale in [p for p in root.rglob("*") if p.is_file() and p.relative_to(root) not in wanted]:
            stale.unlink()
    return root


def remove_models(mutant: str) -> None:
    """A mutant's models take ~150 MB each: dropped once its verdict is known."""
    shutil.rmtree(mutant_dir(mutant) / "verilator", ignore_errors=True)
