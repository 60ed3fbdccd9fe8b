"""lacosim.randgen: programs are reproducible from their seed and keep every constraint.

The constraint checks read the rendered assembly (not the generator's own bookkeeping): a small parser
re-derives destinations, branch targets and memory addresses from the text, so a generator bug that
mislabels an instruction cannot hide itself."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from lacosim import soc
from lacosim.elf import load_elf
from lacosim.randgen import generator as gen
from lacosim.randgen import paging as pg
from lacosim.randgen.program import PAGING_SOURCE, RandomProgram, build_program

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


# what an iocsrrd of these returns in a single-core random program (spec-la64-lvz.md 4; nothing writes the
# IPI block there), re-derived here from the SoC map rather than taken from the generator
IOCSR_FIXED = {soc.IOCSR_FEATURES: soc.IOCSR_FEATURES_VALUE, soc.IOCSR_VENDOR: soc.IOCSR_VENDOR_VALUE,
               soc.IOCSR_CPUNAME: soc.IOCSR_CPUNAME_VALUE, soc.IOCSR_IPI_STATUS: 0, soc.IOCSR_IPI_EN: 0,
               **{a: 0 for a in range(soc.IOCSR_IPI_MBUF0, soc.IOCSR_IPI_MBUF_END, 4)}}


def iocsrrd_value(mnemonic: str, addr: int) -> int:
    value = IOCSR_FIXED[addr]
    if mnemonic.endswith(".w"):
        value &= 0xFFFF_FFFF
        value -= (value >> 31) << 32
    return value & ((1 << 64) - 1)


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
        elif m.startswith("iocsrrd.") and known.get(regno(ops[1]), ("",))[0] == "abs":
            known[dest] = ("abs", iocsrrd_value(m, known[regno(ops[1])][1]))
        elif m == "lu12i.w":
            known[dest] = ("abs", int(ops[1]) << 12)
        elif m == "ori" and known.get(regno(ops[1]), ("",))[0] == "abs":
            known[dest] = ("abs", known[regno(ops[1])][1] | int(ops[2]))
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


# --- paging mode (lacosim.randgen.paging) ----------------------------------------------------------------------

PAGING_SEEDS = range(40)
MASK64 = (1 << 64) - 1


def paging_program(seed: int, length: int = 400, **config) -> RandomProgram:
    return RandomProgram(seed, 0, gen.GeneratorConfig(length=length, paging=True, **config))


def _ranges_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_paging_program_is_determined_by_its_seed():
    assert paging_program(7).text == paging_program(7).text
    assert paging_program(7).text != paging_program(8).text
    # the refill handler's mode does not change the table or the body
    wr, fill = paging_program(7, tlb_mode="wr"), paging_program(7, tlb_mode="fill")
    assert wr.layout.entries == fill.layout.entries and wr.layout.mode == "wr" and fill.layout.mode == "fill"
    assert wr.text.split("rand_body:", 1)[1].split("rand_body_end:")[0] == \
        fill.text.split("rand_body:", 1)[1].split("rand_body_end:")[0]
    # the no-fault control: same body, every entry pre-installed and valid
    control = paging_program(7, paging_faults=False)
    assert control.text.split("rand_body:", 1)[1].split("rand_body_end:")[0] == \
        paging_program(7).text.split("rand_body:", 1)[1].split("rand_body_end:")[0]
    assert all(e.preinstalled and all(h.valid for h in e.halves) for e in control.layout.entries)


def test_paging_off_leaves_programs_unchanged():
    """Paging is off by default, and turning it off explicitly gives the same program as before."""
    assert program(11).text == RandomProgram(11, 0, gen.GeneratorConfig(length=300, paging=False)).text
    assert program(11).layout is None and "rand_paging_table" not in program(11).text


def test_paging_mix_is_chosen_per_program_and_stable():
    choices = [pg.paging_from_seed(seed, index) for seed in range(50) for index in range(2)]
    assert choices == [pg.paging_from_seed(seed, index) for seed in range(50) for index in range(2)]
    assert 30 <= sum(choices) <= 70
    mixed = [RandomProgram(seed, 0, gen.GeneratorConfig(length=50, paging=None)) for seed in range(10)]
    assert [p.layout is not None for p in mixed] == [pg.paging_from_seed(seed, 0) for seed in range(10)]


@pytest.mark.parametrize("seed", PAGING_SEEDS)
def test_paging_table_is_consistent(seed):
    lay = paging_program(seed, length=50).layout
    assert 3 <= len(lay.entries) <= pg.TLB_SLOTS
    assert [e.index for e in lay.entries] == list(range(len(lay.entries)))
    assert len(set(lay.asids)) == len(lay.asids) >= 2 and all(0 <= a < 1024 for a in lay.asids)
    used: list[tuple[pg.Entry, int, pg.Half]] = []
    for e in lay.entries:
        assert e.ps in pg.PAGE_SIZES and pg.is_canonical(e.vbase) and e.vbase % e.span == 0, e
        assert pg.is_canonical((e.vbase + e.span - 1) & MASK64)
        assert e.vbase >> 60 != pg.DMW_VSEG  # canonical VAs never hit DMW0
        if e.ps == 12 and not e.window:
            assert sum(h.used for h in e.halves) == 1, "a 4 KiB entry uses one half (QEMU's 16 KiB pages)"
        if e.window:
            assert e.g and e.preinstalled and all(h.valid for h in e.halves)
        for n, half in enumerate(e.halves):
            if not half.used:
                assert not e.lo(n) & pg.LO_V
                continue
            used.append((e, n, half))
            assert half.pa % e.page_bytes == 0 or e.ps == 12
            assert half.pa % 4096 == 0
            assert (half.pa - e.half_va(n)) % pg.QEMU_BLOCK == 0, "VA = PA mod 16 KiB"
            assert pg.PA_POOL[0] <= half.pa and half.pa + e.page_bytes <= pg.PA_POOL[1]
            assert e.lo(n, initial=False) & pg.LO_V and bool(e.lo(n) & pg.LO_V) == half.valid
            assert (e.lo(n) >> 12) << 12 & ((1 << 48) - 1) == half.pa
            assert bool(e.lo(n) & pg.LO_G) == e.g
            if not e.window:
                assert 0 <= half.hot_offset and half.hot_offset + half.hot_bytes <= e.page_bytes
                assert half.hot_offset % 8 == 0 and half.hot_bytes in (64, 128, 256)
                spot = lay.hotspots[half.region]
                assert spot.pa == half.pa + half.hot_offset and spot.nbytes == half.hot_bytes
                assert spot.va == e.half_va(n) + half.hot_offset
    # distinct physical pages (the window's two 4 KiB pages may share a 16 KiB frame, not bytes)
    for i, (e1, _, h1) in enumerate(used):
        for e2, _, h2 in used[i + 1:]:
            assert not _ranges_overlap((h1.pa, h1.pa + e1.page_bytes), (h2.pa, h2.pa + e2.page_bytes)), (e1, e2)
    # per ASID context: no two matching entries, and no two entries' used pages in one 16 KiB VA block
    # (QEMU 7.2 caches translations per 16 KiB) unless both are window pages mapped consistently
    for asid in lay.asids:
        visible = lay.visible(asid)
        for i, a in enumerate(visible):
            for b in visible[i + 1:]:
                span_a = (a.vbase & ((1 << 48) - 1), (a.vbase & ((1 << 48) - 1)) + a.span)
                span_b = (b.vbase & ((1 << 48) - 1), (b.vbase & ((1 << 48) - 1)) + b.span)
                assert not _ranges_overlap(span_a, span_b), (asid, a, b)
                shared = a.blocks() & b.blocks()
                assert not shared or (a.window and b.window), (asid, a, b)
    # the window: 4 KiB in one or two pieces, exactly where the table maps it
    assert sum(n for _, _, n in lay.window_pieces) == gen.WINDOW_BYTES
    assert [start for start, _, _ in lay.window_pieces][0] == 0
    for start, pa, nbytes in lay.window_pieces:
        for offset in (start, start + nbytes - 8):
            for asid in lay.asids:
                assert lay.translate((lay.window_va + offset) & MASK64, asid) == pa + offset - start


@pytest.mark.parametrize("seed", range(20))
def test_paging_touch_mask_and_fill_mode(seed):
    for mode in ("wr", "fill"):
        lay = paging_program(seed, length=50, tlb_mode=mode).layout
        for e in lay.entries:
            expected = 0 if mode == "fill" and e.preinstalled else 1 << e.index
            assert lay.touch_bit(e) == expected
        assert ("tlbr" in paging_program(seed, length=50, tlb_mode=mode).text.split("rand_sig_regions:")[1]) == \
            (mode == "wr")


def _constant_eval(lines: list[Line]):
    """Walk a body tracking registers whose values the text determines (the lu12i.w/ori/lu32i.d/lu52i.d and
    addi.d sequences; $r31 and what addi.d derives from it are window-relative, "win"); yields (line, known
    values before it, the ASID a csrwr set, if any)."""
    start = {0: ("abs", 0), BASE_REG: ("win", gen.WINDOW_BIAS)}
    known: dict[int, tuple[str, int]] = dict(start)
    asid = None
    for line in lines:
        if line.label:
            known = dict(start)
            yield line, known, asid
            continue
        yield line, known, asid
        m, ops = line.mnemonic, line.operands
        if m == "csrwr" and int(ops[1], 0) == 0x18:
            asid = known[regno(ops[0])][1]
        if m in ("invtlb", "tlbclr"):
            continue
        dest = regno(ops[0]) if m == "csrwr" else dest_of(line)
        if dest is None or dest == 0:
            continue
        value = None
        src = known.get(regno(ops[1])) if len(ops) > 1 and ops[1].startswith("$") else None
        if m == "lu12i.w":
            value = ("abs", (int(ops[1]) << 12) - ((int(ops[1]) << 12 & 0x80000000) << 1))
        elif m == "ori" and src and src[0] == "abs":
            value = ("abs", src[1] | int(ops[2]))
        elif m == "lu32i.d" and known.get(dest, ("win",))[0] == "abs":
            value = ("abs", (int(ops[1]) << 32) | (known[dest][1] & 0xFFFFFFFF))
        elif m == "lu52i.d" and src and src[0] == "abs":
            value = ("abs", (int(ops[2]) << 52) | (src[1] & ((1 << 52) - 1)))
        elif m == "addi.d" and src and not ops[2].startswith("%"):
            value = (src[0], src[1] + int(ops[2]))
        elif m.startswith("iocsrrd.") and src and src[0] == "abs":
            value = ("abs", iocsrrd_value(m, src[1]))
        if value is None:
            known.pop(dest, None)
        else:
            known[dest] = (value[0], value[1] & MASK64 if value[0] == "abs" else value[1])


def _far_address(line: Line, known: dict[int, tuple[str, int]]) -> int | None:
    """VA of a memory instruction whose address is not window-relative (None for the window's)."""
    m, ops = line.mnemonic, line.operands
    if m in gen.AMO:
        regs, imm = [regno(ops[2])], 0
    elif m.startswith(("ldx.", "stx.")):
        regs, imm = [regno(ops[1]), regno(ops[2])], 0
    elif m.startswith(("ld.", "st.", "ldptr.", "stptr.", "ll.", "sc.")) or m == "preld":
        regs, imm = [regno(ops[1])], int(ops[2])
    else:
        return None
    assert all(r in known for r in regs), f"an access with an address the text does not determine: {line}"
    if any(known[r][0] == "win" for r in regs):
        return None
    return (sum(known[r][1] for r in regs) + imm) & MASK64


@pytest.mark.parametrize("seed", range(25))
def test_paging_body_accesses_hit_hot_spots_of_visible_pages(seed):
    """Re-derive every far access from the text: its VA, in the ASID current there, translates by the table
    to a hot spot, naturally aligned; am* never goes to a page that starts invalid."""
    p = paging_program(seed, length=600)
    lay = p.layout
    lines = parse_body(p.text)
    asid_now = lay.asids[0]
    far = 0
    for line, known, asid in _constant_eval(lines):
        if asid is not None:
            asid_now = asid
        va = _far_address(line, known) if line.mnemonic else None
        if va is None:
            continue
        far += 1
        pa = lay.translate(va, asid_now)
        assert pa is not None, f"{line} -> {va:#x} unmapped in asid {asid_now}"
        size = access_size(line.mnemonic)
        assert va % size == 0, line
        spots = [s for s in lay.hotspots if s.pa <= pa and pa + size <= s.pa + s.nbytes]
        assert spots, f"{line}: pa {pa:#x} outside every hot spot"
        if line.mnemonic in gen.AMO:
            entry = next(e for e in lay.entries if e.visible_in(asid_now) and va & e.vmask == e.vbase)
            assert entry.halves[(va >> entry.ps) & 1].valid, f"am* to a page that starts with V=0: {line}"
    assert far >= 10


@pytest.mark.parametrize("seed", range(25))
def test_paging_asid_switches_are_never_crossed_by_a_branch(seed):
    lines = parse_body(paging_program(seed, length=600).text)
    label_at = {line.label: line.index for line in lines if line.label}
    switches = [line.index for line in lines if line.mnemonic == "csrwr" and int(line.operands[1], 0) == 0x18]
    assert 1 <= len(switches) <= gen.GeneratorConfig.max_asid_switches
    for line in lines:
        targets = [op for op in line.operands if op.startswith(".L")]
        hi20 = re.fullmatch(r"%pc_hi20\((\.L\w+)\)", line.operands[1]) if line.mnemonic == "pcalau12i" else None
        if hi20:
            targets = [hi20.group(1)]
        for target in targets:
            lo, hi = sorted((line.index, label_at[target]))
            assert not any(lo < s < hi for s in switches), f"{line} crosses an ASID switch"
    # pcaddi + jirl jumps: their landing is a label, checked against the switches too
    insns = [line for line in lines if line.mnemonic]
    for prev, line in zip(insns, insns[1:], strict=False):
        if line.mnemonic == "jirl" and prev.mnemonic == "pcaddi":
            landing = prev.index + int(prev.operands[1]) + int(line.operands[2]) // 4
            assert not any(line.index < s < landing for s in switches), f"{line} crosses an ASID switch"


@pytest.mark.parametrize("seed", range(25))
def test_paging_invalidations_never_touch_the_window(seed):
    """Only invtlb 3/4/5/6 and tlbclr (non-global or page-selective), and invtlb 6 never names a window
    page: the window's global entries stay in every TLB."""
    p = paging_program(seed, length=600)
    lay = p.layout
    window_spans = [(e.vbase, e.vbase + e.span) for e in lay.entries if e.window]
    ops = set()
    for line, known, _ in _constant_eval(parse_body(p.text)):
        assert line.mnemonic not in ("tlbflush", "tlbfill", "tlbwr", "tlbrd", "tlbsrch")
        if line.mnemonic == "invtlb":
            op = int(line.operands[0])
            ops.add(op)
            assert op in (3, 4, 5, 6), line
            if op == 6:
                va = known[regno(line.operands[2])][1]
                assert not any(lo <= va < hi for lo, hi in window_spans), line
        elif line.mnemonic == "tlbclr":
            ops.add("tlbclr")
    assert ops


def test_paging_classes_appear_and_regular_classes_stay():
    for seed in range(10):
        kinds = {g.kind for g in paging_program(seed, length=300).groups} - {"label"}
        assert kinds == set(gen.INSTRUCTION_CLASSES) | set(gen.PAGING_CLASSES)


def test_paging_assembly_offsets_match_the_table_layout():
    equ = dict(re.findall(r"\.equ ENT_(\w+), (\d+)", PAGING_SOURCE.read_text()))
    assert int(equ.pop("BYTES")) == pg.ENTRY_BYTES
    assert {k.lower(): int(v) for k, v in equ.items()} == pg.ENTRY_FIELDS
    assert max(pg.ENTRY_FIELDS.values()) + 4 <= pg.ENTRY_BYTES


def test_paging_program_builds_with_aligned_handlers_below_the_page_pool(tmp_path):
    p = paging_program(3)
    image = load_elf(build_program(p, tmp_path))
    assert image.symbol("rand_tlbr_handler") % 4096 == 0 and image.symbol("rand_exc_handler") % 4096 == 0
    assert max(s.end for s in image.segments) <= pg.PA_POOL[0], "page frames overlap the program"
    body, body_end = image.symbol("rand_body"), image.symbol("rand_body_end")
    assert (body_end - body) // 4 == p.body_insn_count
    assert image.symbol("rand_paging_table") % 8 == 0


def test_iocsr_reads_are_fixed_and_consumed_by_the_next_instruction(long_programs):
    """Every iocsrrd reads a register whose value is fixed in a single-core program, with an address the text
    determines, .w or .d only (what QEMU 7.2 answers like the hardware), and the next instruction reads its
    result (the IOCSR load-use interlock); every consumer kind shows up."""
    consumers = set()
    for p in long_programs:
        lines = parse_body(p.text)
        for i, line in enumerate(lines):
            m, ops = line.mnemonic, line.operands
            if not m.startswith("iocsrrd."):
                continue
            assert m in ("iocsrrd.w", "iocsrrd.d"), line
            # the address is set right before: ori rj, $r0, a  or  lu12i.w rj, hi; ori rj, rj, lo
            ori, lu = lines[i - 1], lines[i - 2]
            assert ori.mnemonic == "ori" and ori.operands[0] == ops[1], f"{p.name}: address of {line} not set"
            addr = int(ori.operands[2])
            if ori.operands[1] != "$r0":
                assert lu.mnemonic == "lu12i.w" and lu.operands[0] == ori.operands[1] == ops[1], line
                addr |= int(lu.operands[1]) << 12
            assert addr in IOCSR_FIXED and (m == "iocsrrd.w" or addr % 8 == 0), line
            nxt = lines[i + 1]
            rd = regno(ops[0])
            used = [regno(o) for o in nxt.operands if re.fullmatch(r"\$r\d+", o)]
            assert nxt.mnemonic and rd in (used if nxt.mnemonic.startswith("st.") else used[1:] if
                                           dest_of(nxt) is not None else used), f"{p.name}: {line} then {nxt}"
            consumers.add("branch" if nxt.mnemonic in BRANCH_OFFSET_BITS else "store" if nxt.mnemonic in
                          STORE_LIKE else "index" if nxt.mnemonic.startswith("ldx.") else "alu")
    assert consumers == {"alu", "branch", "index", "store"}
