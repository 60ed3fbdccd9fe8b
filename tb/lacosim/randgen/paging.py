"""Paging mode of lacosim.randgen: the page table a program runs with (design.md section 9).

A paging program runs its body with CRMD.PG = 1. Code, handlers, the signature and the generator's own
data live in physical RAM below 16 MiB and are reached through DMW0 (VSEG 9: VA = 0x9000_0000_0000_0000 |
PA); every load and store of the body goes through the TLB:

- the scratch window ($r31 - 2048 .. $r31 + 2047) lies at a random canonical VA, on one or two *global*
  pages (4 KiB or 16 KiB) the prologue installs with `tlbwr` and nothing ever invalidates;
- "far" pages: random 4 KiB / 16 KiB / 64 KiB / 2 MiB pages at random canonical VAs, some global, the rest
  private to one of 2-3 random ASIDs (an ASID may map a VA another ASID maps too, to other memory). A few
  are pre-installed by the prologue, the others are installed by the TLB refill handler on first touch
  from this table (a software table in memory the handler searches by BADV and ASID). Some halves start
  with V = 0: the first access raises PIL/PIS, the handler sets V in the table and rewrites the entry.

Only a `hot spot` (64-256 bytes) of every used page is ever accessed; the prologue fills it from .rodata
and the signature prints its changed dwords read through the physical address.

QEMU 7.2 constraints (it translates in 16 KiB pages internally and caches a translation for the whole
16 KiB block): a 4 KiB page has VA = PA mod 16 KiB, and within one ASID context no two pages that are
accessed share a 16 KiB VA block unless they map it consistently (the window's two 4 KiB pages). Only one
half of a 4 KiB entry is ever used (its other half is invalid and never touched).

Refill handler modes (`TlbMode`):
- "wr": the handler writes the missing pair with `tlbwr` at a fixed index 0x800 + table index (an MTLB index
  on QEMU; index mod 32 on our TLB). No entry is ever evicted (at most 32 entries), so the number of refills
  is exact on every implementation and is part of the signature.
- "fill": the handler uses `tlbfill`: the victim is random (QEMU) or the LFSR's choice (ours), so live
  entries may be evicted and refilled again. The results do not depend on it, but the refill count does:
  it stays out of the signature; the mask of (not pre-installed) entries refilled at least once stays in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

TlbMode = Literal["wr", "fill"]

TLB_SLOTS = 32  # our TLB (la_pkg::TLB_ENTRIES); the table never has more entries than this
MTLB_INDEX_BASE = 0x800  # QEMU 7.2: indexes 0x800.. are its MTLB; ours uses index mod TLB_SLOTS
QEMU_BLOCK = 1 << 14  # QEMU 7.2's internal page size (TARGET_PAGE_BITS = 14)
DMW_VSEG = 0x9
DMW_BASE = DMW_VSEG << 60
DMW0_VALUE = DMW_BASE | 0x11  # VSEG 9, MAT 1 (CC), PLV0
PAGE_SIZES = (12, 14, 16, 21)  # PS of the pages a program uses
PA_POOL = (16 << 20, 32 << 20)  # physical frames: above the program (below 16 MiB), inside the 32 MiB RAM
MAX_ENTRIES = 28
CANONICAL_LOW_TOP = 1 << 47  # [1 << 32, 1 << 47) and [2**64 - 2**47, 2**64) are the VAs used

# TLBELO bits
LO_V, LO_D, LO_MAT_CC, LO_G = 1 << 0, 1 << 1, 1 << 4, 1 << 6

ENTRY_BYTES = 96  # layout of one table entry in memory (paging.S has the same offsets as .equ ENT_*)
ENTRY_FIELDS = {"vbase": 0, "vmask": 8, "lo0": 16, "lo1": 24, "fix0": 32, "fix1": 40, "touch": 48,
                "count": 56, "asid": 64, "g": 68, "ps": 72, "index": 76, "pre": 80}

MASK64 = (1 << 64) - 1


@dataclass
class Half:
    """One half (even/odd page) of a TLB entry."""
    used: bool = False  # accessed by the program (the window or a far access)
    pa: int = 0  # physical address of the page (used halves)
    valid: bool = True  # V at the start; False: the first access raises PIL/PIS and the handler sets it
    hot_offset: int = 0  # byte offset in the page of the hot spot
    hot_bytes: int = 0
    region: int = -1  # index of its hot spot in PagingLayout.hotspots (far pages)


@dataclass
class Entry:
    index: int  # position in the table; the TLB index the "wr" handler writes is MTLB_INDEX_BASE + index
    vbase: int  # VA of the pair (aligned to 2 ** (ps + 1)), a canonical 64-bit value
    ps: int
    asid: int  # ignored when g
    g: bool
    halves: tuple[Half, Half]
    preinstalled: bool = False  # written by the prologue with tlbwr
    window: bool = False  # holds (part of) the scratch window

    @property
    def page_bytes(self) -> int:
        return 1 << self.ps

    @property
    def span(self) -> int:
        return 2 << self.ps

    @property
    def vmask(self) -> int:
        return MASK64 & ~(self.span - 1)

    def half_va(self, n: int) -> int:
        return (self.vbase + n * self.page_bytes) & MASK64

    def lo(self, n: int, *, initial: bool = True) -> int:
        """TLBELO value of half n (initial: with the starting V; else with V set for the used halves)."""
        half = self.halves[n]
        if not half.used:
            return LO_G if self.g else 0
        value = LO_D | LO_MAT_CC | (LO_G if self.g else 0) | (half.pa & ~0xFFF & ((1 << 48) - 1))
        if half.valid or not initial:
            value |= LO_V
        return value

    def fix(self, n: int) -> int:
        return LO_V if self.halves[n].used else 0

    def blocks(self) -> set[int]:
        """The 16 KiB VA blocks (QEMU's page) the used halves touch."""
        out: set[int] = set()
        for n, half in enumerate(self.halves):
            if half.used:
                start = self.half_va(n)
                out.update(range(start // QEMU_BLOCK, (start + max(self.page_bytes, QEMU_BLOCK)) // QEMU_BLOCK))
        return out

    def visible_in(self, asid: int) -> bool:
        return self.g or self.asid == asid


@dataclass
class Hotspot:
    """A block of physical memory the program accesses: filled from `init` by the prologue, compared with
    it by the signature dump (changed dwords printed as `<name>+<offset>=<value>`)."""
    name: str
    pa: int
    init: list[int]  # dwords
    va: int = 0  # where the body sees it (far pages; the window is described by PagingLayout)
    display_base: int = 0  # offset printed for its first dword

    @property
    def nbytes(self) -> int:
        return 8 * len(self.init)


@dataclass
class PagingLayout:
    mode: TlbMode
    asids: list[int]  # asids[0] is the ASID the body starts with
    entries: list[Entry]
    window_va: int  # VA of the first byte of the 4 KiB scratch window
    window_pieces: list[tuple[int, int, int]]  # (window offset, PA, bytes): the window's physical pieces
    hotspots: list[Hotspot] = field(default_factory=list)  # far pages' hot spots
    flush_op: int = 0  # the prologue's `invtlb` that empties the TLB first (0 or 1: both flush everything)

    def visible(self, asid: int) -> list[Entry]:
        return [e for e in self.entries if e.visible_in(asid)]

    def far_targets(self, asid: int) -> list[tuple[Entry, int]]:
        """(entry, half) of every far page the body may access while `asid` is current."""
        return [(e, n) for e in self.visible(asid) if not e.window for n in (0, 1) if e.halves[n].used]

    def touch_bit(self, entry: Entry) -> int:
        """The bit the refill handler sets for `entry` in the `touched` counter; 0 where a count would
        depend on evictions ("fill" mode: pre-installed entries refill only after an eviction)."""
        if self.mode == "fill" and entry.preinstalled:
            return 0
        return 1 << entry.index

    def window_pa(self, offset: int) -> int:
        for start, pa, nbytes in self.window_pieces:
            if start <= offset < start + nbytes:
                return pa + offset - start
        raise ValueError(f"window offset {offset:#x} outside the window")

    def translate(self, va: int, asid: int) -> int | None:
        """PA of `va` in context `asid` by the table (the final mapping, V ignored), None if unmapped."""
        for e in self.entries:
            if e.visible_in(asid) and (va & e.vmask) == e.vbase:
                half = e.halves[(va >> e.ps) & 1]
                return half.pa + (va & (e.page_bytes - 1)) if half.used else None
        return None


def canonical(va: int) -> int:
    """Sign-extend bit 47 (the VA width is 48 bits)."""
    va &= (1 << 48) - 1
    return va | (MASK64 & ~((1 << 48) - 1)) if va >> 47 else va


def is_canonical(va: int) -> bool:
    top = va >> 47
    return top == 0 or top == (1 << 17) - 1


class _FrameAllocator:
    """Physical frames (multiples of 16 KiB, aligned to their size) from PA_POOL, never overlapping."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int] = set()  # 16 KiB frame numbers

    def take(self, size: int) -> int | None:
        """A free frame of `size` bytes, None if there is none."""
        size = max(size, QEMU_BLOCK)
        lo, hi = PA_POOL
        for _ in range(200):
            base = self.rng.randrange(lo, hi - size + 1, size)
            frames = set(range(base // QEMU_BLOCK, (base + size) // QEMU_BLOCK))
            if not frames & self.used:
                self.used |= frames
                return base
        return None

    def give_back(self, base: int, size: int) -> None:
        size = max(size, QEMU_BLOCK)
        self.used -= set(range(base // QEMU_BLOCK, (base + size) // QEMU_BLOCK))

    def must_take(self, size: int) -> int:
        base = self.take(size)
        if base is None:
            raise RuntimeError("physical pool exhausted")
        return base


class _LayoutBuilder:
    def __init__(self, rng: random.Random, mode: TlbMode) -> None:
        self.rng = rng
        self.mode = mode
        self.frames = _FrameAllocator(rng)
        self.entries: list[Entry] = []
        self.hotspots: list[Hotspot] = []
        count = rng.choice((2, 2, 3))
        special = [0, 1, 1023]
        asids: list[int] = []
        while len(asids) < count:
            value = rng.choice(special) if rng.random() < 0.3 else rng.randrange(1024)
            if value not in asids:
                asids.append(value)
        self.asids = asids

    # -- virtual addresses ----------------------------------------------------------------------------------
    def random_vbase(self, ps: int) -> int:
        span = 2 << ps
        kind = self.rng.random()
        if kind < 0.1:  # the top of the low half / the bottom and the top of the high half
            va = self.rng.choice(((1 << 47) - span, 1 << 47, (1 << 48) - span))
        elif kind < 0.55:
            va = self.rng.randrange(1 << 32, 1 << 47)
        else:
            va = self.rng.randrange(1 << 47, 1 << 48)
        return canonical(va & ~(span - 1))

    def conflicts(self, candidate: Entry) -> bool:
        """Whether the used blocks of `candidate` meet those of an entry visible in a common context, or
        its span overlaps such an entry (two matching entries)."""
        lo, hi = candidate.vbase & ((1 << 48) - 1), (candidate.vbase & ((1 << 48) - 1)) + candidate.span
        for e in self.entries:
            if not (candidate.g or e.g or candidate.asid == e.asid):
                continue
            elo = e.vbase & ((1 << 48) - 1)
            if lo < elo + e.span and elo < hi:
                return True
            if candidate.blocks() & e.blocks():
                return True
        return False

    # -- pages ----------------------------------------------------------------------------------------------
    def add_hotspot(self, entry: Entry, n: int) -> None:
        half = entry.halves[n]
        page = entry.page_bytes
        nbytes = self.rng.choice((64, 128, 256))
        half.hot_bytes = nbytes
        choice = self.rng.random()
        if choice < 0.15:
            half.hot_offset = 0
        elif choice < 0.3:
            half.hot_offset = page - nbytes
        else:
            half.hot_offset = self.rng.randrange(0, page - nbytes + 1, 8)
        half.region = len(self.hotspots)
        self.hotspots.append(Hotspot(f"p{len(self.hotspots)}", half.pa + half.hot_offset,
                                     [self.rng.getrandbits(64) for _ in range(nbytes // 8)],
                                     va=entry.half_va(n) + half.hot_offset))

    def far_entry(self, *, g: bool, asid: int, alias_of: Entry | None = None) -> Entry | None:
        rng = self.rng
        for _ in range(50):
            if alias_of is not None:
                ps, vbase = alias_of.ps, alias_of.vbase
            else:
                ps = rng.choices(PAGE_SIZES, weights=(4, 4, 1, 1))[0]
                vbase = self.random_vbase(ps)
            if ps == 12:  # one used half: the pair lies in one 16 KiB block, QEMU's page
                even = rng.random() < 0.5
                halves = (Half(used=even), Half(used=not even))
            else:
                pick = rng.choice(((True, False), (False, True), (True, True)))
                halves = (Half(used=pick[0]), Half(used=pick[1]))
            entry = Entry(len(self.entries), vbase, ps, 0 if g else asid, g, halves)
            if self.conflicts(entry):
                if alias_of is not None:
                    return None
                continue
            frames = [self.frames.take(entry.page_bytes) if half.used else 0 for half in halves]
            if None in frames:  # no room for a page this large: give back and try another entry
                for frame, half in zip(frames, halves, strict=True):
                    if half.used and frame is not None:
                        self.frames.give_back(frame, entry.page_bytes)
                if alias_of is not None:
                    return None
                continue
            for n, half in enumerate(halves):
                if half.used:
                    frame = frames[n]
                    assert frame is not None
                    half.pa = frame + (entry.half_va(n) & (QEMU_BLOCK - 1) & ~0xFFF if ps == 12 else 0)
                    half.valid = rng.random() >= 0.25
                    self.add_hotspot(entry, n)
            entry.preinstalled = rng.random() < 0.2
            self.entries.append(entry)
            return entry
        return None

    def window(self) -> tuple[int, list[tuple[int, int, int]]]:
        """Global entries for the 4 KiB window: it straddles the boundary between two pages (or starts on
        it). Returns (window VA, pieces)."""
        rng = self.rng
        for _ in range(100):
            ps = rng.choice((12, 14))
            page = 1 << ps
            boundary = self.random_vbase(ps) + page * rng.randint(0, 1)
            boundary = canonical(boundary)
            if not is_canonical(canonical(boundary - page)) or (boundary & ((1 << 48) - 1)) < page:
                continue
            before = rng.choice((0, 8, 2048, 4088, rng.randrange(0, 4096, 8)))
            start = canonical(boundary - before)
            pages = [canonical(boundary - page), boundary] if before else [boundary]
            if (boundary & ((1 << 48) - 1)) + page > 1 << 48 or (canonical(boundary - page) >> 47) != (boundary >> 47):
                continue  # the two pages must be in the same half of the VA space
            # group the pages into entries (pair base = page & ~(2 * page - 1))
            new: dict[int, Entry] = {}
            for va in pages:
                base = va & ~((2 << ps) - 1)
                if base not in new:
                    new[base] = Entry(len(self.entries) + len(new), base, ps, 0, True, (Half(), Half()),
                                      preinstalled=True, window=True)
                new[base].halves[(va >> ps) & 1].used = True
            if any(self.conflicts(e) for e in new.values()):
                continue
            # physical memory: a 4 KiB page's frame is shared with the other window page in its 16 KiB block
            block_frames: dict[int, int] = {}
            for e in new.values():
                for n, half in enumerate(e.halves):
                    if half.used:
                        va = e.half_va(n)
                        if ps == 12:
                            block = va // QEMU_BLOCK
                            if block not in block_frames:
                                block_frames[block] = self.frames.must_take(QEMU_BLOCK)
                            half.pa = block_frames[block] + (va & (QEMU_BLOCK - 1))
                        else:
                            half.pa = self.frames.must_take(page)
            self.entries.extend(new.values())
            pieces: list[tuple[int, int, int]] = []
            offset = 0
            while offset < 4096:
                va = canonical(start + offset)
                e = next(e for e in new.values() if (va & e.vmask) == e.vbase)
                half = e.halves[(va >> ps) & 1]
                in_page = va & (page - 1)
                nbytes = min(4096 - offset, page - in_page)
                pieces.append((offset, half.pa + in_page, nbytes))
                offset += nbytes
            return start, pieces
        raise RuntimeError("could not place the scratch window")

    def build(self) -> PagingLayout:
        rng = self.rng
        window_va, pieces = self.window()
        for _ in range(rng.randint(1, 4)):
            self.far_entry(g=True, asid=0)
        private: dict[int, list[Entry]] = {}
        for asid in self.asids:
            private[asid] = []
            for _ in range(rng.randint(2, 6)):
                if len(self.entries) >= MAX_ENTRIES:
                    break
                alias = None
                if private[self.asids[0]] and asid != self.asids[0] and rng.random() < 0.4:
                    alias = rng.choice(private[self.asids[0]])
                e = self.far_entry(g=False, asid=asid, alias_of=alias) or self.far_entry(g=False, asid=asid)
                if e is not None:
                    private[asid].append(e)
        return PagingLayout(self.mode, self.asids, self.entries, window_va, pieces, self.hotspots)


def build_layout(rng: random.Random, mode: TlbMode | None = None) -> PagingLayout:
    """A random page table (deterministic in `rng`); `mode` None chooses the refill handler's mode too."""
    drawn: TlbMode = "wr" if rng.random() < 0.5 else "fill"  # drawn in any case: the same table in both modes
    flush_op = rng.randint(0, 1)
    layout = _LayoutBuilder(rng, mode or drawn).build()
    layout.flush_op = flush_op
    return layout


def without_faults(layout: PagingLayout) -> None:
    """Make every entry pre-installed and valid: the program then takes no refill (but after an invalidation)
    and no PIL/PIS, and must compute the same registers and memory (a control for the fault paths)."""
    for e in layout.entries:
        e.preinstalled = True
        for half in e.halves:
            half.valid = True


def paging_from_seed(seed: int, index: int, fraction: float = 0.5) -> bool:
    """The regression mix: whether program `index` of `seed` runs with paging (stable across runs)."""
    return random.Random(f"lacosim.randgen:paging-mix:{seed}:{index}").random() < fraction
