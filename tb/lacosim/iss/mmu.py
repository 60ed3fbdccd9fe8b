"""Address translation of one core: direct-address mode and the direct-mapped windows (DMW0-3).

- CRMD.DA = 1 (the reset mode, architecture.md 4.9): PA = VA[PALEN-1:0] for fetches and data.
- CRMD.DA = 0 (PG = 1): a window hits when VA[63:60] = DMWn.VSEG and DMWn has the bit of the current PLV
  set; PA = VA[PALEN-1:0]. DMW0/1 serve fetches and data, DMW2/3 data only (spec-la64-lvz.md 1).
  This core has no TLB yet, so an address no window maps raises ADEF (fetch) or ADEM (data) where the
  architecture would look it up in the TLB (and raise TLB refill on a miss). The TLB issue replaces the
  `raise` below with the lookup.

`fetch_context(values)` names everything the fetch translation depends on, so translated code can be
cached per context: in DA mode one context for every PLV; in PG mode the PLV and the fetch windows usable
at it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from lacosim.iss.csr import CRMD_DA, CSR_CRMD, CSR_DMW0, DMW_VSEG_SHIFT, PA_MASK
from lacosim.iss.errors import ECODE_ADE, ESUBCODE_ADEF, ESUBCODE_ADEM, Trap

FETCH_WINDOWS = (CSR_DMW0, CSR_DMW0 + 1)
DATA_WINDOWS = (CSR_DMW0, CSR_DMW0 + 1, CSR_DMW0 + 2, CSR_DMW0 + 3)
DIRECT_CONTEXT = 0


def _window_hit(values: Mapping[int, int], va: int, windows: tuple[int, ...]) -> bool:
    plv = values[CSR_CRMD] & 3
    vseg = va >> DMW_VSEG_SHIFT
    for num in windows:
        dmw = values[num]
        if dmw >> plv & 1 and dmw >> DMW_VSEG_SHIFT == vseg:
            return True
    return False


def fetch_pa(values: Mapping[int, int], va: int) -> int:
    if va & 3:
        raise Trap(ECODE_ADE, ESUBCODE_ADEF, va, f"fetch from misaligned pc {va:#x}")
    if values[CSR_CRMD] & CRMD_DA or _window_hit(values, va, FETCH_WINDOWS):
        return va & PA_MASK
    raise Trap(ECODE_ADE, ESUBCODE_ADEF, va, f"no DMW0/1 window maps fetch address {va:#x} (no TLB yet)")


def data_pa(values: Mapping[int, int], va: int) -> int:
    if values[CSR_CRMD] & CRMD_DA or _window_hit(values, va, DATA_WINDOWS):
        return va & PA_MASK
    raise Trap(ECODE_ADE, ESUBCODE_ADEM, va, f"no DMW window maps data address {va:#x} (no TLB yet)")


def fetch_context(values: Mapping[int, int]) -> Hashable:
    crmd = values[CSR_CRMD]
    if crmd & CRMD_DA:
        return DIRECT_CONTEXT
    plv = crmd & 3
    return (plv, *(values[num] >> DMW_VSEG_SHIFT for num in FETCH_WINDOWS if values[num] >> plv & 1))


def is_direct(values: Mapping[int, int]) -> bool:
    return bool(values[CSR_CRMD] & CRMD_DA)
