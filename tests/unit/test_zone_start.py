"""T4's first-entry check (tb/lacosim/tests/hv.py FirstEntryChecker) on hand-made records: each field the
hypervisor sets up for a zone is seen to fail when it is wrong."""

from __future__ import annotations

import numpy as np
from lacosim import trace
from lacosim.tests.hv import CSR_GCFG, CSR_GINTC, CSR_GSTAT, CSR_GTLBC, L_ERTN, FirstEntryChecker, ZoneEntry
from records import batch

ENTRY = 0x0100_0000
ZONE = ZoneEntry(ENTRY, 2, 0x81)
GOOD = {CSR_GSTAT: 2 << 16, CSR_GTLBC: 1 << 12 | 2 << 16, CSR_GCFG: 2 << 20 | 1 << 4, CSR_GINTC: 0x81 << 8}


def records(csrs: dict[int, int], gprs: dict[int, int], pc: int = ENTRY, mode: int = trace.MODE_GUEST,
            gap: int = 5, crmd_write: bool = False) -> np.ndarray:
    recs = [dict(cycle=10 + i, pc=0x20_0000, core=1, flags=trace.FLAG_CSR_WE, csr=c, csr_wdata=v)
            for i, (c, v) in enumerate(csrs.items())]
    recs += [dict(cycle=20 + i, pc=0x20_0100, core=1, flags=trace.FLAG_RD_WE, rd=r, rd_wdata=v)
             for i, (r, v) in enumerate(gprs.items())]
    if crmd_write:
        recs.append(dict(cycle=40, pc=0x20_0200, core=1, flags=trace.FLAG_CSR_WE, flags2=trace.FLAG2_GCSR,
                         csr=trace.CSR_CRMD, csr_wdata=0x8))
    recs += [dict(cycle=50, pc=0x20_0300, core=1, trap=trace.TRAP_ERTN),
             dict(cycle=50 + gap, pc=pc, core=1, mode=mode)]
    return batch(*recs)


def problems(batch: np.ndarray) -> list[str]:
    chk = FirstEntryChecker({1: ZONE})
    found = chk.write(batch)
    assert len(found) == 1 and found[0][0] == 1 and not chk.pending()
    return found[0][2]


def test_a_correct_first_entry_passes():
    assert problems(records(GOOD, {4: 0})) == []


def test_each_wrong_field_is_named():
    cases = [(records(GOOD, {}, pc=ENTRY + 4), "expected the zone's entry"),
             (records(GOOD | {CSR_GSTAT: 1 << 16}, {}), "GSTAT.GID 1, expected the zone's GID 2"),
             (records(GOOD | {CSR_GTLBC: 2 << 16}, {}), "USETGID 0"),
             (records(GOOD | {CSR_GCFG: 2 << 20 | 1 << 4 | 1 << 9}, {}), "SIT = TIT = TOE"),
             (records(GOOD | {CSR_GINTC: 0x80 << 8}, {}), "PIP 0x80"),
             (records(GOOD | {CSR_GINTC: 0x81 << 8 | 1}, {}), "VIP 0x01"),
             (records(GOOD, {}, mode=trace.MODE_GUEST | trace.MODE_IE), "IE 1"),
             (records(GOOD, {}, crmd_write=True), "the root wrote guest CRMD"),
             (records(GOOD, {7: 0x1234}), "r7 = 0x1234"),
             (records(GOOD, {}, gap=L_ERTN + 1), f"bound L_ERTN = {L_ERTN}")]
    for recs, words in cases:
        found = problems(recs)
        assert len(found) == 1 and words in found[0], (words, found)


def test_only_the_first_guest_record_is_checked():
    chk = FirstEntryChecker({1: ZONE})
    assert chk.write(records(GOOD, {}))[0][2] == []
    assert chk.write(records({}, {9: 1}, pc=0x42)) == []    # later entries: not this check's business
