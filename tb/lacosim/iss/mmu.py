"""Address translation of one core (design.md 9.2): direct-address mode, the direct-mapped windows
(DMW0-3), the canonical-address check and the TLB (lacosim.iss.tlb).

- CRMD.DA = 1 (the reset mode): PA = VA[47:0] for every VA, fetch and data (the manual: the entire virtual
  address space is legal in direct-address mode).
- CRMD.DA = 0 (PG = 1): first the windows: one hits when VA[63:60] = DMWn.VSEG and DMWn has the bit of the
  current PLV set; PA = VA[47:0]. DMW0/1 serve fetches and data, DMW2/3 data only (spec-la64-lvz.md 1).
  Else the VA must be canonical (VA[63:47] all 0 or all 1), otherwise ADEF (fetch) / ADEM (data) with
  BADV = VA; else the TLB translates it or raises its fault (refill, PIL/PIS/PIF, PPI, PNX/PNR/PME).
- A misaligned fetch is ADEF before anything else; data alignment (ALE) is checked by the caller first.

Guest mode (design.md 12.6): `guest_translate` runs stage 1 exactly as above on the guest bank's CSRs (TLB
entries of the guest bank with GID = GSTAT.GID, faults to the guest), then stage 2 on the GPA through the
root bank's entries with that GID and the root ASID, always through the TLB (root DMWs and DA do not apply
to GPAs); a stage-2 fault is the root's, with BADV = the GPA.

`fetch_context(values)` names everything the fetch translation depends on *besides the TLB*, so translated
code can be cached per context: in DA mode one context for every PLV; in PG mode the PLV and the fetch
windows usable at it. Code fetched through the TLB is also tagged with the entry that translated it, and
the core drops it when that entry (or the ASID) changes (lacosim.iss.core).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from lacosim.iss.csr import (
    ASID_ASID,
    CRMD_DA,
    CSR_ASID,
    CSR_CRMD,
    CSR_DMW0,
    CSR_GSTAT,
    CSR_MISC,
    DMW_VSEG_SHIFT,
    GSTAT_GID_SHIFT,
    PA_MASK,
)
from lacosim.iss.errors import ECODE_ADE, ESUBCODE_ADEF, ESUBCODE_ADEM, Trap
from lacosim.iss.tlb import FETCH, LOAD, STORE, Tlb

FETCH_WINDOWS = (CSR_DMW0, CSR_DMW0 + 1)
DATA_WINDOWS = (CSR_DMW0, CSR_DMW0 + 1, CSR_DMW0 + 2, CSR_DMW0 + 3)
DIRECT_CONTEXT = 0
CANONICAL_SHIFT = 47  # VALEN - 1: VA[63:47] must be all 0 or all 1
CANONICAL_HIGH = (1 << (64 - CANONICAL_SHIFT)) - 1

__all__ = ["FETCH", "LOAD", "STORE", "data_pa", "data_translate", "describe", "fetch_context", "fetch_pa",
           "fetch_translate", "guest_gid", "guest_translate", "is_canonical", "is_direct", "window_hit"]


def window_hit(values: Mapping[int, int], va: int, windows: tuple[int, ...]) -> int:
    """The CSR number of the first window mapping va at the current PLV, or 0."""
    plv = values[CSR_CRMD] & 3
    vseg = va >> DMW_VSEG_SHIFT
    for num in windows:
        dmw = values[num]
        if dmw >> plv & 1 and dmw >> DMW_VSEG_SHIFT == vseg:
            return num
    return 0


def is_canonical(va: int) -> bool:
    high = va >> CANONICAL_SHIFT
    return high == 0 or high == CANONICAL_HIGH


def fetch_translate(values: Mapping[int, int], tlb: Tlb, va: int) -> tuple[int, int]:
    """(PA, TLB entry index or -1 when no entry was used) of an instruction fetch, or its Trap."""
    if va & 3:
        raise Trap(ECODE_ADE, ESUBCODE_ADEF, va, f"fetch from misaligned pc {va:#x}", True)
    crmd = values[CSR_CRMD]
    if crmd & CRMD_DA or window_hit(values, va, FETCH_WINDOWS):
        return va & PA_MASK, -1
    if not is_canonical(va):
        raise Trap(ECODE_ADE, ESUBCODE_ADEF, va, f"fetch from non-canonical address {va:#x}", True)
    return tlb.translate(va, FETCH, crmd & 3, values[CSR_ASID] & ASID_ASID, values[CSR_MISC])


def fetch_pa(values: Mapping[int, int], tlb: Tlb, va: int) -> int:
    return fetch_translate(values, tlb, va)[0]


def data_translate(values: Mapping[int, int], tlb: Tlb, va: int, access: int = LOAD) -> tuple[int, int]:
    """(PA, TLB entry index or -1) of a data access (access = LOAD or STORE), or its Trap (ADEM, TLB)."""
    crmd = values[CSR_CRMD]
    if crmd & CRMD_DA or window_hit(values, va, DATA_WINDOWS):
        return va & PA_MASK, -1
    if not is_canonical(va):
        raise Trap(ECODE_ADE, ESUBCODE_ADEM, va, f"data access to non-canonical address {va:#x}")
    return tlb.translate(va, access, crmd & 3, values[CSR_ASID] & ASID_ASID, values[CSR_MISC])


def data_pa(values: Mapping[int, int], tlb: Tlb, va: int, access: int = LOAD) -> int:
    crmd = values[CSR_CRMD]
    if crmd & CRMD_DA:
        return va & PA_MASK
    return data_translate(values, tlb, va, access)[0]


def guest_gid(root_values: Mapping[int, int]) -> int:
    return (root_values[CSR_GSTAT] >> GSTAT_GID_SHIFT) & 0xFF


def guest_translate(values: Mapping[int, int], root_values: Mapping[int, int], tlb: Tlb, va: int,
                    access: int) -> tuple[int, int, int]:
    """(HPA, stage-1 entry index or -1, stage-2 entry index) of a guest access, or its Trap: stage-1 faults
    (ADEF/ADEM, the guest's TLB faults) for the guest, stage-2 faults (`to_root`, BADV = GPA) for the root."""
    fetch = access == FETCH
    if fetch and va & 3:
        raise Trap(ECODE_ADE, ESUBCODE_ADEF, va, f"fetch from misaligned pc {va:#x}", True)
    gid = guest_gid(root_values)
    crmd = values[CSR_CRMD]
    if crmd & CRMD_DA or window_hit(values, va, FETCH_WINDOWS if fetch else DATA_WINDOWS):
        gpa, stage1 = va & PA_MASK, -1
    elif not is_canonical(va):
        raise Trap(ECODE_ADE, ESUBCODE_ADEF if fetch else ESUBCODE_ADEM, va,
                   f"{'fetch from' if fetch else 'data access to'} non-canonical address {va:#x}", fetch)
    else:
        gpa, stage1 = tlb.translate(va, access, crmd & 3, values[CSR_ASID] & ASID_ASID, values[CSR_MISC], gid, 1)
    hpa, stage2 = tlb.translate(gpa, access, 0, root_values[CSR_ASID] & ASID_ASID, 0, gid, 0, True)
    return hpa, stage1, stage2


def fetch_context(values: Mapping[int, int]) -> Hashable:
    crmd = values[CSR_CRMD]
    if crmd & CRMD_DA:
        return DIRECT_CONTEXT
    plv = crmd & 3
    return (plv, *(values[num] >> DMW_VSEG_SHIFT for num in FETCH_WINDOWS if values[num] >> plv & 1))


def is_direct(values: Mapping[int, int]) -> bool:
    return bool(values[CSR_CRMD] & CRMD_DA)


def describe(values: Mapping[int, int], tlb: Tlb, va: int, fetch: bool, mode: bool = True,
             root_values: Mapping[int, int] | None = None) -> str:
    """How the current state maps va, for reports: the mode or window when `mode`, and always the TLB
    entry matching it under ASID.ASID (index, VPPN, PS, G, ASID and the half VA selects) or "no matching
    entry". With `root_values` (guest mode) `values` is the guest bank: stage 1 (the guest's entries of
    GSTAT.GID), then the stage-2 entry of the resulting GPA."""
    if root_values is not None:
        return _describe_guest(values, root_values, tlb, va, fetch)
    where = ""
    if mode:
        window = window_hit(values, va, FETCH_WINDOWS if fetch else DATA_WINDOWS)
        if values[CSR_CRMD] & CRMD_DA:
            where = "direct-address mode (PA = VA[47:0]); "
        elif window:
            where = f"DMW{window - CSR_DMW0} (PA = VA[47:0]); "
        elif not is_canonical(va):
            where = "not canonical (ADE); "
    index = tlb.lookup(va, values[CSR_ASID] & ASID_ASID)
    return where + "TLB " + (tlb.entries[index].describe(index, va) if index >= 0 else "no matching entry")


def _describe_guest(values: Mapping[int, int], root_values: Mapping[int, int], tlb: Tlb, va: int,
                    fetch: bool) -> str:
    gid = guest_gid(root_values)
    gpa: int | None = va & PA_MASK
    if values[CSR_CRMD] & CRMD_DA:
        text = "guest direct-address mode (GPA = VA[47:0])"
    elif window := window_hit(values, va, FETCH_WINDOWS if fetch else DATA_WINDOWS):
        text = f"guest DMW{window - CSR_DMW0} (GPA = VA[47:0])"
    else:
        index = tlb.lookup(va, values[CSR_ASID] & ASID_ASID, gid, 1)
        if index < 0:
            return f"guest stage 1 (GID {gid}): no matching entry"
        entry = tlb.entries[index]
        gpa = entry.physical(va, entry.half(va))
        text = f"guest stage 1 (GID {gid}): TLB " + entry.describe(index, va)
    index = tlb.lookup(gpa, root_values[CSR_ASID] & ASID_ASID, gid, 0)
    return text + f"; stage 2 of GPA {gpa:#x}: TLB " + (tlb.entries[index].describe(index, gpa) if index >= 0
                                                         else "no matching entry")
