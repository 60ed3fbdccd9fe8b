"""The one LoongArch64 instruction decoder: table-driven from `encodings.tsv` (+ the LVZ rows below).

Shared by the reference model (ISS), the disassembler, trace logs and waveform tools. Nothing here is
typed in by hand per instruction: match, mask and the bit positions of every operand field come from the
TSV (derived from the manual's encoding table), so fixing an encoding means fixing one row.

Decoded operand values are what an assembler writes, not raw bit fields:
- register fields (rd rj rk ra, fd fj fk fa, cd cj ca, fcsr) are register numbers;
- `si*` immediates are sign-extended, the others (`ui*`, csr, code, hint, level, msb/lsb, ...) zero-extended;
- `offs` (branches, jirl) and the `si14` of ll/sc/ldptr/stptr are byte offsets: the architecture's `<< 2`
  is already applied;
- the `sa2` of alsl.w/alsl.wu/alsl.d is the shift amount (the encoding stores shift - 1).

`decode(word)` returns a cached `Decoded` (or None for an undefined word); `encode(mnemonic, **fields)`
is its inverse (tests and small hand-made programs use it).

TSV glitches handled when loading: rows whose operands name `rd` but whose fields name `fd` (sc.q, llacq,
amcas, am*.b/.h) use rd; csrxchg's `rj!=0,1[9:5]` is a field with excluded values (rj 0/1 are csrrd/csrwr,
which have a more specific mask and are tried first anyway).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

TSV_PATH = Path(__file__).with_name("encodings.tsv")

# LVZ instructions (spec-la64-lvz.md 5.3), not in the manual's table; same format as the TSV. The encodings
# of gcsr*, hvcl and gtlbflush were checked against the LLVM assembler (zig cc); the other gtlb* are only
# inferred in the spec and the assembler rejects them, so they are left out.
LVZ_ROWS = """\
gcsrrd\t0x05000000\t0xff0003e0\trd, csr\tcsr[23:10] rd[4:0]
gcsrwr\t0x05000020\t0xff0003e0\trd, csr\tcsr[23:10] rd[4:0]
gcsrxchg\t0x05000000\t0xff000000\trd, rj, csr\tcsr[23:10] rj!=0,1[9:5] rd[4:0]
hvcl\t0x002b8000\t0xffff8000\tcode\tcode[14:0]
gtlbflush\t0x06482401\t0xffffffff\t\t
"""

REGISTER_FIELDS = frozenset({"rd", "rj", "rk", "ra", "fd", "fj", "fk", "fa", "cd", "cj", "ca", "fcsr"})
GPR_FIELDS = frozenset({"rd", "rj", "rk", "ra"})
SCALED_BY_4_SI14 = ("ll.", "sc.", "ldptr.", "stptr.")
ALSL = ("alsl.w", "alsl.wu", "alsl.d")

_FIELD_RE = re.compile(r"^(?P<name>[a-z][a-z0-9]*)(?:!=(?P<excluded>[0-9,]+))?(?P<ranges>(?:\[\d+:\d+\])+)$")
_RANGE_RE = re.compile(r"\[(\d+):(\d+)\]")


class FieldPart(NamedTuple):
    insn_lsb: int  # where the bits sit in the instruction word
    width: int
    value_lsb: int  # where they go in the field value


@dataclass(frozen=True)
class FieldSpec:
    name: str
    parts: tuple[FieldPart, ...]
    width: int  # total bits in the encoding
    signed: bool
    shift: int = 0  # value = raw << shift (branch offsets, si14 of ll/sc/ldptr/stptr)
    bias: int = 0  # value = raw + bias (alsl's sa2)
    excluded: frozenset[int] = frozenset()  # raw values that make the row not match (csrxchg rj)

    def extract(self, word: int) -> int:
        raw = 0
        for part in self.parts:
            raw |= ((word >> part.insn_lsb) & ((1 << part.width) - 1)) << part.value_lsb
        if self.signed and raw >> (self.width - 1):
            raw -= 1 << self.width
        return (raw << self.shift) + self.bias

    def raw_of(self, value: int) -> int:
        """The raw bits for an operand value; ValueError if it does not fit."""
        raw = value - self.bias
        if raw & ((1 << self.shift) - 1):
            raise ValueError(f"{self.name}={value}: not a multiple of {1 << self.shift}")
        raw >>= self.shift
        lo, hi = (-(1 << (self.width - 1)), (1 << (self.width - 1)) - 1) if self.signed else (0, (1 << self.width) - 1)
        if not lo <= raw <= hi:
            raise ValueError(f"{self.name}={value}: out of range for a {self.width}-bit field")
        return raw & ((1 << self.width) - 1)

    def insert(self, value: int) -> int:
        raw = self.raw_of(value)
        word = 0
        for part in self.parts:
            word |= ((raw >> part.value_lsb) & ((1 << part.width) - 1)) << part.insn_lsb
        return word


@dataclass(frozen=True)
class InsnSpec:
    mnemonic: str
    match: int
    mask: int
    operands: tuple[str, ...]  # assembly order, e.g. ("rd", "rk", "rj") for am*
    fields: tuple[FieldSpec, ...]
    extension: str  # "base" (the TSV) or "lvz"

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def matches(self, word: int) -> bool:
        if (word & self.mask) != self.match:
            return False
        return all(not f.excluded or f.extract(word) not in f.excluded for f in self.fields)


@dataclass(frozen=True)
class Decoded:
    word: int
    spec: InsnSpec
    fields: MappingProxyType[str, int]

    @property
    def mnemonic(self) -> str:
        return self.spec.mnemonic

    def __getitem__(self, name: str) -> int:
        return self.fields[name]

    def get(self, name: str, default: int | None = None) -> int | None:
        return self.fields.get(name, default)


def _parse_field(token: str, mnemonic: str, operands: tuple[str, ...]) -> tuple[str, list[tuple[int, int, int]],
                                                                                frozenset[int]]:
    m = _FIELD_RE.match(token)
    if m is None:
        raise ValueError(f"{mnemonic}: cannot parse field spec {token!r}")
    name = m["name"]
    if name == "fd" and "fd" not in operands and "rd" in operands:
        name = "rd"  # TSV glitch: fd[4:0] where the operand list (and the ISA) says rd
    ranges = [(int(a), int(b)) for a, b in _RANGE_RE.findall(m["ranges"])]
    excluded = frozenset(int(v) for v in m["excluded"].split(",")) if m["excluded"] else frozenset()
    if len(ranges) == 1:  # name[hi:lo]: the whole field at insn bits hi..lo
        (hi, lo), = ranges
        return name, [(lo, hi - lo + 1, 0)], excluded
    if len(ranges) == 2:  # name[vhi:vlo][ihi:ilo]: value bits vhi..vlo sit at insn bits ihi..ilo
        (vhi, vlo), (ihi, ilo) = ranges
        if vhi - vlo != ihi - ilo:
            raise ValueError(f"{mnemonic}: width mismatch in {token!r}")
        return name, [(ilo, ihi - ilo + 1, vlo)], excluded
    raise ValueError(f"{mnemonic}: too many bit ranges in {token!r}")


def _field_spec(name: str, parts: list[tuple[int, int, int]], excluded: frozenset[int], mnemonic: str) -> FieldSpec:
    width = sum(p[1] for p in parts)
    signed = name.startswith("si") or name == "offs"
    shift = 2 if name == "offs" or (name == "si14" and mnemonic.startswith(SCALED_BY_4_SI14)) else 0
    bias = 1 if name == "sa2" and mnemonic in ALSL else 0
    ordered = tuple(FieldPart(*p) for p in sorted(parts, key=lambda p: p[2]))
    return FieldSpec(name, ordered, width, signed, shift, bias, excluded)


def parse_row(line: str, extension: str) -> InsnSpec:
    cols = line.rstrip("\n").split("\t")
    cols += [""] * (5 - len(cols))
    mnemonic, match, mask, operands_col, fields_col = cols[:5]
    operands = tuple(o.strip() for o in operands_col.split(",") if o.strip())
    merged: dict[str, tuple[list[tuple[int, int, int]], frozenset[int]]] = {}
    for token in fields_col.split():
        name, parts, excluded = _parse_field(token, mnemonic, operands)
        old_parts, old_excl = merged.get(name, ([], frozenset()))
        merged[name] = (old_parts + parts, old_excl | excluded)
    fields = tuple(_field_spec(n, p, e, mnemonic) for n, (p, e) in merged.items())
    spec = InsnSpec(mnemonic, int(match, 16), int(mask, 16), operands, fields, extension)
    _check_spec(spec)
    return spec


def _check_spec(spec: InsnSpec) -> None:
    if spec.match & ~spec.mask:
        raise ValueError(f"{spec.mnemonic}: match has bits outside the mask")
    covered = spec.mask
    for f in spec.fields:
        for p in f.parts:
            bits = ((1 << p.width) - 1) << p.insn_lsb
            if covered & bits:
                raise ValueError(f"{spec.mnemonic}: field {f.name} overlaps the opcode or another field")
            covered |= bits
    missing = [o for o in spec.operands if o not in spec.field_names]
    if missing:
        raise ValueError(f"{spec.mnemonic}: operands {missing} have no field")


def _rows(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#") and not ln.startswith("mnemonic\t")]


@cache
def load_specs() -> tuple[InsnSpec, ...]:
    base = [parse_row(ln, "base") for ln in _rows(TSV_PATH.read_text())]
    lvz = [parse_row(ln, "lvz") for ln in _rows(LVZ_ROWS)]
    return tuple(base + lvz)


class Decoder:
    """Lookup: masks from most to least specific, one dict (match -> specs) per mask; results cached."""

    def __init__(self, specs: tuple[InsnSpec, ...]) -> None:
        self.specs = specs
        self.by_mnemonic = {s.mnemonic: s for s in specs}
        by_mask: dict[int, dict[int, list[InsnSpec]]] = {}
        for s in specs:
            by_mask.setdefault(s.mask, {}).setdefault(s.match, []).append(s)
        masks = sorted(by_mask, key=lambda m: (-bin(m).count("1"), m))
        self._tables = tuple((m, {k: tuple(v) for k, v in by_mask[m].items()}) for m in masks)
        self._cache: dict[int, Decoded | None] = {}

    def lookup(self, word: int) -> InsnSpec | None:
        for mask, table in self._tables:
            candidates = table.get(word & mask)
            if candidates:
                for spec in candidates:
                    if spec.matches(word):
                        return spec
        return None

    def decode(self, word: int) -> Decoded | None:
        try:
            return self._cache[word]
        except KeyError:
            pass
        spec = self.lookup(word)
        result = None
        if spec is not None:
            values = {f.name: f.extract(word) for f in spec.fields}
            result = Decoded(word, spec, MappingProxyType(values))
        self._cache[word] = result
        return result

    def encode(self, mnemonic: str, **fields: int) -> int:
        spec = self.by_mnemonic[mnemonic]
        unknown = set(fields) - set(spec.field_names)
        if unknown:
            raise ValueError(f"{mnemonic} has no field(s) {sorted(unknown)}; fields: {spec.field_names}")
        word = spec.match
        for f in spec.fields:
            word |= f.insert(fields.get(f.name, f.bias))
        if not spec.matches(word):
            raise ValueError(f"{mnemonic}: {fields} hits an excluded field value")
        return word


@cache
def default_decoder() -> Decoder:
    return Decoder(load_specs())


def decode(word: int) -> Decoded | None:
    """The decoded instruction, or None if the word is not a defined instruction."""
    return default_decoder().decode(word)


def encode(mnemonic: str, **fields: int) -> int:
    """The instruction word for `mnemonic` with the given operand values (missing fields are 0)."""
    return default_decoder().encode(mnemonic, **fields)


def spec_of(mnemonic: str) -> InsnSpec:
    return default_decoder().by_mnemonic[mnemonic]


def all_specs() -> tuple[InsnSpec, ...]:
    return load_specs()


def is_gpr_field(name: str) -> bool:
    return name in GPR_FIELDS
