"""The TLB of one core (design.md 9): entries, the match rule, lookups with their fault, the TLB
maintenance operations and the tlbfill index rule.

- One fully associative MTLB of `TLB_ENTRIES` (= la_pkg::TLB_ENTRIES = 32) entries, no STLB.
- An entry: E, VPPN (VA[47:13], kept in place as an address), PS, G, ASID, GID and the guest-bank bit, and
  two halves in TLBELO layout (V, D, PLV, MAT, PPN, NR, NX, RPLV; G is stored once, as G0 & G1, and read
  back in both halves).
- A *view* is the (GID, bank) a lookup matches (design.md 12.6): root-mode translation (0, 0); stage 1 of a
  guest (GSTAT.GID, 1); stage 2 (GSTAT.GID, 0); root TLB instructions (rgid, 0). Every operation takes its
  view as arguments (default: the root's).
- Match: E and (G or entry.ASID = asid) and VA[47:PS+1] = VPPN[47:PS+1] and GID/bank equal; the half is
  VA[PS]; PA = {half.PPN[47:PS], VA[PS-1:0]}. Several matches: the lowest index wins (as the RTL).
- `translate` raises the fault in the manual's order: no match -> TLB refill; V = 0 -> PIL/PIS/PIF;
  privilege (RPLV = 0: CRMD.PLV <= PLV, RPLV = 1: equal) -> PPI; then NX (fetch) -> PNX, NR (load) -> PNR,
  D = 0 (store, unless MISC.DWPL of PLV 0-2) -> PME. Stage 2 (`stage2=True`) skips the privilege check and
  DWPL (design.md 12.6) and marks its fault for the root (`Trap.to_root`).
- The operations return the indices whose translations may have changed, so the core can drop the code
  it translated through them (lacosim.iss.core).
- tlbfill's index: a 16-bit Galois LFSR per core (taps 0xB400) seeded from the run's tlb_seed, stepped
  once per tlbfill (`next_fill_index`); in lockstep the core replays the RTL's choice instead.
"""

from __future__ import annotations

from lacosim.iss.csr import (
    ASID_ASID,
    MISC_DWPL_SHIFT,
    PA_MASK,
    TLB_ENTRIES,
    TLBELO_D,
    TLBELO_G,
    TLBELO_MASK,
    TLBELO_NR,
    TLBELO_NX,
    TLBELO_PLV_SHIFT,
    TLBELO_PPN,
    TLBELO_RPLV,
    TLBELO_V,
    VPPN_MASK,
)
from lacosim.iss.errors import (
    ECODE_PIF,
    ECODE_PIL,
    ECODE_PIS,
    ECODE_PME,
    ECODE_PNR,
    ECODE_PNX,
    ECODE_PPI,
    ECODE_TLBR,
    Trap,
)

FETCH, LOAD, STORE = 0, 1, 2  # access kinds (design.md 9.2: am*, sc are stores; preld never translates)
ACCESS_NAMES = ("fetch", "load", "store")
INVALID_ECODE = (ECODE_PIF, ECODE_PIL, ECODE_PIS)  # by access kind
INVTLB_MAX_OP = 6
LFSR_TAPS = 0xB400
LFSR_CORE_MULTIPLIER = 0x9E37
HALF_MASK = TLBELO_MASK & ~TLBELO_G  # what a half stores (G lives in the entry)
VPPN_LSB = 13


def lfsr_reset(tlb_seed: int, core_id: int) -> int:
    """The fill LFSR after reset (design.md 9.4): never 0."""
    return ((tlb_seed ^ (LFSR_CORE_MULTIPLIER * (core_id + 1))) & 0xFFFF) or 1


def lfsr_step(state: int) -> int:
    return (state >> 1) ^ (LFSR_TAPS if state & 1 else 0)


def page_size_name(ps: int) -> str:
    """'4KiB' for PS 12, '2MiB' for 21, ... (coverage bins, reports)."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if ps >= shift:
            return f"{1 << (ps - shift)}{unit}"
    return f"{1 << ps}B"


class TlbEntry:
    __slots__ = ("asid", "bank", "e", "g", "gid", "halves", "ps", "vppn")

    def __init__(self) -> None:
        self.e = False
        self.vppn = 0  # VA[47:13] in place
        self.ps = 0
        self.g = False
        self.asid = 0
        self.gid = 0
        self.bank = 0
        self.halves = (0, 0)  # TLBELO layout without G

    def covers(self, va: int) -> bool:
        """VA[47:PS+1] = VPPN[47:PS+1] (bits below PS+1 are ignored; VPPN has no bits below 13)."""
        return not ((va ^ self.vppn) & PA_MASK) >> max(self.ps + 1, VPPN_LSB)

    def overlaps(self, other: TlbEntry) -> bool:
        """The two entries' address ranges intersect (ASID and G ignored)."""
        return not ((self.vppn ^ other.vppn) & PA_MASK) >> max(self.ps + 1, other.ps + 1, VPPN_LSB)

    def half(self, va: int) -> int:
        return self.halves[(va >> self.ps) & 1]

    def physical(self, va: int, half: int) -> int:
        low = (1 << self.ps) - 1
        return (half & TLBELO_PPN & ~low) | (va & low & PA_MASK)

    def describe(self, index: int, va: int | None = None) -> str:
        """'entry 5: VPPN 0x12345 PS 12 (4KiB) G 0 ASID 0x1 E 1; half 1: V 1 D 1 PLV 3 RPLV 0 NR 0 NX 0
        PPN 0x80' (both halves without a VA)."""
        head = (f"entry {index}: VPPN {self.vppn >> VPPN_LSB:#x} PS {self.ps} ({page_size_name(self.ps)}) "
                f"G {int(self.g)} ASID {self.asid:#x} E {int(self.e)}"
                + (f" GID {self.gid} bank {'guest' if self.bank else 'root'}" if self.gid or self.bank else ""))
        which = (0, 1) if va is None else ((va >> self.ps) & 1,)
        return head + "".join(f"; half {n}: {describe_half(self.halves[n])}" for n in which)


def describe_half(half: int) -> str:
    return (f"V {half & 1} D {(half >> 1) & 1} PLV {(half >> TLBELO_PLV_SHIFT) & 3} MAT {(half >> 4) & 3} "
            f"RPLV {half >> 63 & 1} NR {half >> 61 & 1} NX {half >> 62 & 1} PPN {(half & TLBELO_PPN) >> 12:#x}")


class Tlb:
    def __init__(self, core_id: int = 0, tlb_seed: int = 0) -> None:
        self.core_id = core_id
        self.entries = [TlbEntry() for _ in range(TLB_ENTRIES)]
        self.lfsr = lfsr_reset(tlb_seed, core_id)
        self._valid: list[TlbEntry] = []  # entries with E = 1 of the root's view (0, 0), by index
        self._valid_index: list[int] = []
        self._views: dict[tuple[int, int], tuple[list[int], list[TlbEntry]]] = {}  # the other views, lazily

    def reseed(self, tlb_seed: int) -> None:
        """The run's tlb_seed (the RTL's +tlb_seed plusarg): restart the fill LFSR."""
        self.lfsr = lfsr_reset(tlb_seed, self.core_id)

    def _refresh(self) -> None:
        self._views.clear()
        self._valid_index, self._valid = self._view(0, 0)

    def _view(self, gid: int, bank: int) -> tuple[list[int], list[TlbEntry]]:
        """(indices, entries) with E = 1 of one (GID, bank) view, cached until the next TLB change."""
        view = self._views.get((gid, bank))
        if view is None:
            index = [i for i, e in enumerate(self.entries) if e.e and e.gid == gid and e.bank == bank]
            view = self._views[(gid, bank)] = (index, [self.entries[i] for i in index])
        return view

    # --- lookups ---------------------------------------------------------------------------------
    def lookup(self, va: int, asid: int, gid: int = 0, bank: int = 0, first: int = 0) -> int:
        """The lowest index (>= first) of the view matching VA under ASID, or -1."""
        indices, entries = (self._valid_index, self._valid) if not (gid or bank) else self._view(gid, bank)
        for i, entry in zip(indices, entries, strict=True):
            if (entry.g or entry.asid == asid) and entry.covers(va) and i >= first:
                return i
        return -1

    def translate(self, va: int, access: int, plv: int, asid: int, misc: int, gid: int = 0, bank: int = 0,
                  stage2: bool = False) -> tuple[int, int]:
        """(PA, entry index) of a paged access, or the Trap of its fault (design.md 9.2). Stage 2 (a GPA
        of a guest, design.md 12.6): no privilege or DWPL check, the fault goes to the root."""
        fetch = access == FETCH
        index = self.lookup(va, asid, gid, bank)
        what = "stage-2 " if stage2 else ""
        if index < 0:
            raise Trap(ECODE_TLBR, 0, va, f"TLB refill: no entry maps {what}{ACCESS_NAMES[access]} address "
                       f"{va:#x} (ASID {asid:#x}, GID {gid})", fetch, stage2)
        entry = self.entries[index]
        half = entry.half(va)
        if not half & TLBELO_V:
            raise Trap(INVALID_ECODE[access], 0, va, f"{what}{ACCESS_NAMES[access]} {va:#x}: entry {index} half "
                       "has V = 0", fetch, stage2)
        page_plv = (half >> TLBELO_PLV_SHIFT) & 3
        if not stage2 and ((plv != page_plv) if half & TLBELO_RPLV else (plv > page_plv)):
            raise Trap(ECODE_PPI, 0, va, f"{ACCESS_NAMES[access]} {va:#x} at PLV{plv}: entry {index} allows "
                       f"PLV {'=' if half & TLBELO_RPLV else '<='} {page_plv}", fetch)
        if fetch:
            if half & TLBELO_NX:
                raise Trap(ECODE_PNX, 0, va, f"{what}fetch {va:#x}: entry {index} has NX = 1", True, stage2)
        elif access == LOAD:
            if half & TLBELO_NR:
                raise Trap(ECODE_PNR, 0, va, f"{what}load {va:#x}: entry {index} has NR = 1", False, stage2)
        elif not half & TLBELO_D and (stage2 or not (plv < 3 and misc >> (MISC_DWPL_SHIFT + plv) & 1)):
            raise Trap(ECODE_PME, 0, va, f"{what}store {va:#x}: entry {index} has D = 0", False, stage2)
        return entry.physical(va, half), index

    def search(self, va: int, asid: int, gid: int = 0, bank: int = 0, first: int = 0) -> int:
        """tlbsrch: the matching index (>= first: a guest sees its partition only) or -1."""
        return self.lookup(va, asid, gid, bank, first)

    # --- maintenance -----------------------------------------------------------------------------------
    def write(self, index: int, vppn: int, ps: int, lo0: int, lo1: int, asid: int, valid: bool, gid: int = 0,
              bank: int = 0) -> list[int]:
        """tlbwr/tlbfill into entry `index` (already < TLB_ENTRIES) of view (gid, bank). Returns the indices
        whose translations may change: this one and every valid entry of its view the new one overlaps
        (shadowing)."""
        entry = self.entries[index]
        entry.e = valid
        entry.vppn = vppn & VPPN_MASK
        entry.ps = ps & 0x3F
        entry.g = bool(lo0 & lo1 & TLBELO_G)
        entry.asid = asid & ASID_ASID
        entry.gid, entry.bank = gid, bank
        entry.halves = (lo0 & HALF_MASK, lo1 & HALF_MASK)
        self._refresh()
        indices, entries = self._view(gid, bank)
        return [index] + [i for i, other in zip(indices, entries, strict=True)
                          if i != index and valid and other.overlaps(entry)]

    def next_fill_index(self, count: int = TLB_ENTRIES) -> int:
        """tlbfill standalone: step the LFSR, then (its value mod TLB_ENTRIES) mod count (design.md 12.6)."""
        self.lfsr = lfsr_step(self.lfsr)
        return (self.lfsr % TLB_ENTRIES) % count

    def _invalidate(self, doomed: list[int]) -> list[int]:
        for i in doomed:
            self.entries[i].e = False
        if doomed:
            self._refresh()
        return doomed

    def clear(self, asid: int, gid: int = 0, bank: int = 0) -> list[int]:
        """tlbclr: every entry of the view with G = 0 and ASID = asid."""
        return self._invalidate([i for i, e in enumerate(self.entries) if e.e and not e.g and e.asid == asid
                                 and e.gid == gid and e.bank == bank])

    def flush(self, gid: int = 0, bank: int = 0) -> list[int]:
        """tlbflush: every entry of the view (gtlbflush: the guest bank's view of the root TLB GID)."""
        return self._invalidate([i for i, e in enumerate(self.entries) if e.e and e.gid == gid and e.bank == bank])

    def invalidate(self, op: int, asid: int, va: int, gid: int = 0, banks: tuple[int, ...] = (0, 1)) -> list[int]:
        """invtlb op (0-6; the caller raises INE above 6) with asid = rj[9:0] and va = rk, on the entries
        with GID = gid in `banks` (root: either bank, design.md 12.6; a guest: its own bank 1)."""
        asid &= ASID_ASID
        tests = {
            0: lambda e: True,
            1: lambda e: True,
            2: lambda e: e.g,
            3: lambda e: not e.g,
            4: lambda e: not e.g and e.asid == asid,
            5: lambda e: not e.g and e.asid == asid and e.covers(va),
            6: lambda e: (e.g or e.asid == asid) and e.covers(va),
        }
        test = tests[op]
        return self._invalidate([i for i, e in enumerate(self.entries) if e.e and e.gid == gid and e.bank in banks
                                 and test(e)])


__all__ = ["ACCESS_NAMES", "FETCH", "INVTLB_MAX_OP", "LOAD", "STORE", "TLB_ENTRIES", "Tlb", "TlbEntry",
           "describe_half", "lfsr_reset", "lfsr_step", "page_size_name"]
