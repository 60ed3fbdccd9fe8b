"""lacosim.randgen: programs are reproducible from their seed and keep every constraint.

The constraint checks read the rendered assembly (not the generator's own bookkeeping): a small parser
re-derives destinations, branch targets and memory addresses from the text, so a generator bug that
mislabels an instruction cannot hide itself."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from lacosim.elf import load_elf
from lacosim.randgen import generator as gen
from lacosim.randgen.program import RandomProgram, build_program

WINDOW = gen.WINDOW_BYTES
BASE_REG = gen.WINDOW_BASE_REG

STORE_LIKE = {"st.b", "st.h", "st.w", "st.d", "stx.b", "stx.h", "stx.w", "stx.d", "stptr.w", "stptr.d"}
NO_DEST = STORE_LIKE | {"preld", "dbar", "ibar", "b", "beq", "bne", "blt", "bge", "bltu", "bgeu", "beqz", "bnez"}
BRANCH_OFFSET_BITS = {"beq": 16, "bne": 16, "blt": 16, "bge": 16, "bltu": 16, "bgeu": 16, "beqz": 21,
                      "bnez": 21, "b": 26, "bl": 26}
ACCESS_SIZE = {"b": 1, "h": 2, "w": 4, "d": 8, "bu": 1, "hu": 2, "wu": 4, "du": 8}


@dataclass
class Line:
    index: int  # instruction index in the body (labels share the index of the next instruction)
    mnemonic: str  # "" for a label
    operands: list[str]
    comment: str
    label: str = ""


def parse_body(text: str) -> list[Line]:
    body = text.split("rand_body:\n", 1)[1].split("rand_body_end:", 1)[0]
    lines: list[Line] = []
    index = 0
    for raw in body.splitlines():
        code, _, comment = raw.partition("//")
        code = code.strip()
        if not code or code.startswith("."):
            if code.startswith(".L") and code.endswith(":"):
                lines.append(Line(index, "", [], "", label=code[:-1]))
            continue
        mnemonic, _, rest = code.partition(" ")
        lines.append(Line(index, mnemonic, [o.strip() for o in rest.split(",")] if rest else [], comment.strip()))
        index += 1
    return lines


def regno(operand: str) -> int:
    assert re.fullmatch(r"\$r\d+", operand), operand
    return int(operand[2:])


def dest_of(line: Line) -> int | None:
    if line.mnemonic in NO_DEST:
        return None
    if line.mnemonic == "bl":
        return 1
    return regno(line.operands[0])


def access_size(mnemonic: str) -> int:
    if mnemonic == "preld":
        return 1
    return ACCESS_SIZE[mnemonic.rsplit(".", 1)[1]]


def program(seed: int, length: int = 300, index: int = 0) -> RandomProgram:
    return RandomProgram(seed, index, gen.GeneratorConfig(length=length))


@pytest.fixture(scope="module")
def long_programs() -> list[RandomProgram]:
    return [program(seed, length=5000) for seed in (1, 2, 3)]


# ------------------------------------------------------------------------------------------------------------

def test_same_seed_gives_the_same_program_text():
    assert program(42).text == program(42).text
    assert program(42, index=3).text == program(42, index=3).text


def test_seed_and_index_change_the_program_and_name_it():
    texts = {program(42).text, program(43).text, program(42, index=1).text}
    assert len(texts) == 3
    p = program(42, index=1)
    assert p.name == "rand_42_1"
    assert "seed=42 index=1" in p.text.splitlines()[0]
    assert "RANDSIG seed=42 index=1" in p.text


@pytest.mark.parametrize("seed", range(20))
def test_branches_are_forward_and_in_range(seed):
    lines = parse_body(program(seed, length=400).text)
    label_at = {line.label: line.index for line in lines if line.label}
    insns = [line for line in lines if line.mnemonic]
    last_bl = None
    for pos, line in enumerate(insns):
        if line.mnemonic in BRANCH_OFFSET_BITS:
            target = label_at[line.operands[-1]]
            distance = target - line.index
            assert distance > 0, f"backward or self branch: {line}"
            assert distance < 1 << (BRANCH_OFFSET_BITS[line.mnemonic] - 1)
            if line.mnemonic == "bl":
                last_bl = line
        elif line.mnemonic == "jirl":
            _check_jirl(line, insns[pos - 1] if pos else None, insns[pos - 2] if pos > 1 else None, last_bl,
                        label_at)


def _check_jirl(line: Line, prev: Line | None, prev2: Line | None, last_bl: Line | None,
                label_at: dict[str, int]) -> None:
    rd, rj, offset = regno(line.operands[0]), regno(line.operands[1]), int(line.operands[2])
    assert offset % 4 == 0
    if rj == 1 and "return" in line.comment:  # leaf return: to the `b` after its bl, or past the leaf
        assert last_bl is not None
        landing = last_bl.index + 1 + offset // 4
        assert landing == last_bl.index + 1 or (landing > line.index and landing in label_at.values())
        return
    assert prev is not None and dest_of(prev) == rj, f"computed jump without its address set-up: {line}"
    if prev.mnemonic == "pcaddi":
        landing = prev.index + int(prev.operands[1]) + offset // 4
    else:
        assert prev.mnemonic == "addi.d" and prev2 is not None and prev2.mnemonic == "pcalau12i"
        label = re.fullmatch(r"%pc_lo12\((\.L\w+)\)", prev.operands[2]).group(1)
        assert prev2.operands[1] == f"%pc_hi20({label})" and offset == 0
        landing = label_at[label]
    assert landing > line.index and landing in label_at.values(), f"jirl lands on {landing}: {line}"
    assert rd != BASE_REG


@pytest.mark.parametrize("seed", range(20))
def test_memory_accesses_are_inside_the_window_and_aligned(seed):
    """Re-derive every address from the text: $r31 = window + bias, temporaries set by addi.d from $r31 or
    $r0; anything else (and everything at a label, where control may merge) is unknown."""
    lines = parse_body(program(seed, length=400).text)
    accesses = 0
    known: dict[int, tuple[str, int]] = {}

    def reset() -> None:
        known.clear()
        known.update({0: ("abs", 0), BASE_REG: ("win", gen.WINDOW_BIAS)})

    def window_offset(*parts: tuple[str, int]) -> int:
        assert [kind for kind, _ in parts].count("win") == 1, f"address not window-relative: {parts}"
        return sum(value for _, value in parts)

    reset()
    for line in lines:
        if line.label:
            reset()
            continue
        m, ops = line.mnemonic, line.operands
        offset = None
        if m in gen.AMO:
            assert regno(ops[2]) in known, f"am* address unknown: {line}"
            offset = window_offset(known[regno(ops[2])])
        elif m.startswith(("ldx.", "stx.")):
            offset = window_offset(known[regno(ops[1])], known[regno(ops[2])])
        elif m.startswith(("ld.", "st.", "ldptr.", "stptr.", "ll.", "sc.")) or m == "preld":
            base = regno(ops[1])
            assert base in known, f"base register unknown: {line}"
            offset = window_offset(known[base], ("abs", int(ops[2])))
        if offset is not None:
            size = access_size(m)
            assert 0 <= offset <= WINDOW - size, f"outside the window: {line} -> +{offset:#x}"
            assert m == "preld" or offset % size == 0, f"misaligned: {line} -> +{offset:#x}"
            accesses += 1
        dest = dest_of(line)
        if dest is None or dest == 0:
            continue
        if m == "addi.d" and regno(ops[1]) in known and not ops[2].startswith("%"):
            kind, value = known[regno(ops[1])]
            known[dest] = (kind, value + int(ops[2]))
        else:
            known.pop(dest, None)
    assert accesses > 20


def test_reserved_registers_are_never_written(long_programs):
    for p in long_programs:
        for line in parse_body(p.text):
            if line.mnemonic:
                assert dest_of(line) not in gen.RESERVED_REGS, f"{p.name}: {line}"


def test_every_instruction_class_appears_in_a_few_hundred_instructions():
    for seed in range(30):
        p = program(seed, length=200)
        assert {g.kind for g in p.groups} - {"label"} == set(gen.INSTRUCTION_CLASSES), p.name
        assert p.body_insn_count >= 200


def test_every_mnemonic_of_every_class_appears(long_programs):
    seen = {line.mnemonic for p in long_programs for line in parse_body(p.text) if line.mnemonic}
    expected = {m for mnemonics in gen.CLASS_MNEMONICS.values() for m in mnemonics}
    assert expected - seen == set()


def test_immediates_cover_min_max_zero_and_one(long_programs):
    values: dict[str, set[int]] = {}
    for p in long_programs:
        for group in p.groups:
            for line in group.lines:
                if isinstance(line, gen.Insn) and line.imm is not None:
                    values.setdefault(line.imm.kind, set()).add(line.imm.value)
    for kind, bits in (("si12", 12), ("si16", 16), ("si20", 20)):
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        assert {lo, hi, 0, 1, -1} <= values[kind], kind
    assert {0, 1, 4095} <= values["ui12"]
    assert {0, 1, 31} <= values["ui5"]
    assert {0, 1, 31, 32, 63} <= values["ui6"]


def test_every_register_is_a_source_and_a_destination(long_programs):
    written, read = set(), set()
    for p in long_programs:
        for group in p.groups:
            for line in group.lines:
                if isinstance(line, gen.Insn):
                    read.update(line.reads)
                    if line.writes is not None:
                        written.add(line.writes)
    assert written == set(range(32)) - gen.RESERVED_REGS
    assert read == set(range(32))


def test_bit_field_ranges_are_valid(long_programs):
    for p in long_programs:
        for line in parse_body(p.text):
            if line.mnemonic.startswith("bstr"):
                msb, lsb = int(line.operands[2]), int(line.operands[3])
                width = 32 if line.mnemonic.endswith(".w") else 64
                assert 0 <= lsb <= msb < width, line


def test_ll_sc_outcomes_are_deterministic(long_programs):
    """A paired sc follows its ll (same width, address) with no store or other ll/sc in between; an sc
    meant to fail comes before any ll of the body."""
    for p in long_programs:
        lines = [line for line in parse_body(p.text)]
        open_ll: Line | None = None
        ll_seen = False
        for line in lines:
            m = line.mnemonic
            if line.label:
                open_ll = None
            elif m.startswith("ll."):
                open_ll, ll_seen = line, True
            elif m.startswith("sc."):
                if "fails" in line.comment:
                    assert not ll_seen, f"{p.name}: an sc meant to fail after an ll: {line}"
                else:
                    assert open_ll is not None and open_ll.mnemonic[-1] == m[-1], line
                    assert open_ll.operands[1:] == line.operands[1:], line
                    open_ll = None
            elif m in STORE_LIKE or m in gen.AMO or m in BRANCH_OFFSET_BITS or m == "jirl":
                assert open_ll is None, f"{p.name}: {line} between ll and sc"


def test_amo_registers_follow_the_rules(long_programs):
    for p in long_programs:
        for line in parse_body(p.text):
            if line.mnemonic in gen.AMO:
                rd, rk, rj = map(regno, line.operands)
                assert rd != rj and rd != rk, line


def test_divisors_include_zero(long_programs):
    divs = [line for p in long_programs for line in parse_body(p.text) if line.mnemonic in gen.DIV]
    assert any(line.operands[2] == "$r0" for line in divs)


def test_the_program_builds_and_one_line_is_one_instruction(tmp_path):
    p = program(5)
    image = load_elf(build_program(p, tmp_path))
    body, body_end = image.symbol("rand_body"), image.symbol("rand_body_end")
    assert (body_end - body) // 4 == p.body_insn_count  # computed-jump offsets rely on this
    scratch = image.symbol("rand_scratch")
    assert scratch % 4096 == 0 and image.symbol("rand_save") == scratch + WINDOW
    assert image.entry == 0x200000 and max(s.end for s in image.segments) <= 16 << 20
