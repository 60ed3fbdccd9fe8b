"""Lockstep scoreboard and TLB coverage fed with hand-made trace records (no simulator): a standalone
reference model plays the RTL (its records are what la_tb_top would push), a lockstep hart follows them
through IssScoreboard.write; a record with a wrong physical address or TLB index must diverge with the
translation named in the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from iss_helpers import put
from lacosim import trace
from lacosim.elf import ElfImage
from lacosim.env.coverage import Coverage
from lacosim.env.iss_scoreboard import IssScoreboard
from lacosim.env.trap_monitor import IrqCoverage, TlbCoverage
from lacosim.isa.decoder import encode
from lacosim.iss import Iss, Memory, is_async_read
from lacosim.iss import csr as C

BASE, HANDLER, REFILL = 0x1000, 0x4000, 0x6000
PGD, DIR1, PT, FRAMES = 0x10000, 0x11000, 0x12000, 0x20000
WINDOW = 9 << 60
VA = 0x0000_0012_3400_0000  # Dir1 index (VA >> 21) & 511, PT index (VA >> 12) & 511
PWCL = 12 | (9 << 5) | (21 << 10) | (9 << 15)

MAIN = [encode("ld.d", rd=4, rj=5, si12=0), encode("ld.d", rd=6, rj=5, si12=0x7F8),
        encode("st.d", rd=4, rj=8, si12=0), encode("syscall", code=0)]
REFILL_CODE = [encode("csrrd", rd=12, csr=C.CSR_PGD), encode("lddir", rd=12, rj=12, level=1),
               encode("ldpte", rj=12, seq=0), encode("ldpte", rj=12, seq=1), encode("tlbfill"), encode("ertn")]
HANDLER_CODE = [encode("invtlb", op=3, rj=0, rk=0), encode("csrwr", rd=13, csr=C.CSR_TLBIDX), encode("tlbwr"),
                encode("b", offs=0)]


def pte(pa: int) -> int:
    return pa | 1 | 2 | (3 << 2) | (1 << 4)  # V D PLV3 MAT CC


def machine(lockstep: bool) -> Iss:
    """PLV3 code through DMW0 loads from two pages of one pair and stores to another pair: refills walked
    by a Linux-style handler; then a syscall whose handler runs invtlb and tlbwr."""
    memory = Memory(ram_size=1 << 20)
    put(memory, BASE, MAIN)
    put(memory, REFILL, REFILL_CODE)
    put(memory, HANDLER, HANDLER_CODE)
    for va in (VA, VA + 0x20_0000):
        memory.write(PGD + ((va >> 21) & 511) * 8, DIR1.to_bytes(8, "little"))
    for n in range(4):
        memory.write(DIR1 + (((VA >> 12) & 511) + n) * 8, pte(FRAMES + n * 0x1000).to_bytes(8, "little"))
    memory.write(FRAMES + 0x7F8, (0x5566).to_bytes(8, "little"))
    iss = Iss(memory, 0, WINDOW | BASE, lockstep=lockstep)
    values = iss.csr.values
    values[C.CSR_EENTRY], values[C.CSR_TLBRENTRY] = WINDOW | HANDLER, REFILL
    values[C.CSR_PWCL], values[C.CSR_PGDL], values[C.CSR_DMW0] = PWCL, PGD, WINDOW | 0xF
    values[C.CSR_CRMD] = C.CRMD_PG | 3
    iss._update_context()
    iss.regs[5], iss.regs[8], iss.regs[13] = VA, VA + 0x20_0010, (12 << 24) | 7
    return iss


def record_of(iss: Iss, cycle: int) -> np.void:
    """The trace record la_tb_top would push for the model's last step (design.md 7.2, 9.5)."""
    rec = np.zeros(1, dtype=trace.RECORD_DTYPE)[0]
    mem = iss.last_mem_re or iss.last_mem_we
    rec["cycle"], rec["pc"], rec["insn"], rec["kind"], rec["core"] = cycle, iss.last_pc, iss.last_insn, 0, 0
    rec["flags"] = ((iss.last_rd != 0) | iss.last_mem_re << 1 | iss.last_mem_we << 2
                    | (iss.last_mem_size << 3 if mem else 0) | iss.last_csr_we << 6 | (iss.last_rd2 != 0) << 7)
    rec["rd"], rec["rd_wdata"] = iss.last_rd, iss.last_rd_value
    rec["mem_addr"], rec["mem_wdata"], rec["mem_pa"] = iss.last_mem_addr, iss.last_mem_wdata, iss.last_mem_pa
    rec["csr"], rec["csr_wdata"] = iss.last_csr_num, iss.last_csr_wdata
    rec["trap"] = (iss.last_trap | iss.last_trap_int << 1 | iss.last_ertn << 2 | iss.last_trap_ecode << 3
                   | iss.last_trap_esubcode << 9 | iss.last_trap_intno << 18)
    rec["mode"] = iss.last_plv | iss.last_ie << 2 | iss.last_guest << 3 | iss.last_iocsr << 4
    rec["pc_pa"], rec["tlb_idx"] = iss.last_pc_pa, iss.last_tlb_idx
    rec["flags2"] = iss.last_tlb_we | iss.last_gcsr << 1 | iss.last_exit << 2
    return rec


def rtl_trace(n: int = 40) -> np.ndarray:
    rtl = machine(lockstep=False)
    records = []
    for cycle in range(n):
        rtl.step()
        records.append(record_of(rtl, cycle))
    return np.array(records, dtype=trace.RECORD_DTYPE)


class Scoreboard(IssScoreboard):
    """The scoreboard's checking logic without pyuvm's phases; a divergence is captured, not reported."""

    def __init__(self, hart: Iss) -> None:  # (no uvm_component.__init__: no hierarchy, no phases)
        self.harts, self.enabled, self.diverged = [hart], True, False
        self._async_read, self.checked, self.tail = is_async_read, 0, {}
        self.waking, self.idle_wake_latencies, self.idle_late = {}, [], 0
        self.divergence: tuple[int, str, str] | None = None
        self.irq_cov = IrqCoverage(Coverage(), 1)

    def _diverge(self, batch: np.ndarray, idx: int, summary: str, why: str = "", check: str = "lockstep") -> None:
        self.diverged = True
        hart = self.harts[0]
        self.divergence = (idx, summary, why or self._field_diff(batch[idx], hart) + "\n"
                           + self._translation(batch[idx], hart))

    @property
    def image(self) -> ElfImage:  # the report's symbolizer: a program without symbols
        return ElfImage(path=Path("t.elf"), entry=0, segments=[])


def test_trace_of_a_paged_program_has_the_expected_shape():
    batch = rtl_trace()
    ecodes = [trace.trap_ecode(int(t)) for t in batch["trap"] if t & trace.TRAP_VALID]
    assert ecodes[:3] == [0x3F, 0x3F, 0x0B]  # two refills (load pair, store pair), then the syscall
    walk = batch[(batch["insn"] & 0xFFFC0000) == 0x0640_0000]  # lddir
    assert np.all(walk["mem_addr"] == walk["mem_pa"]) and np.all(walk["flags"] & trace.FLAG_MEM_RE)
    loads = batch[(batch["flags"] & trace.FLAG_MEM_RE != 0) & (batch["pc"] == WINDOW | BASE)]
    assert int(loads["mem_pa"][0]) == FRAMES and int(loads["mem_addr"][0]) == VA
    assert np.count_nonzero(batch["flags2"] & trace.FLAG2_TLB_WE) == 3  # two tlbfill, one tlbwr
    assert np.all(batch["pc_pa"][batch["trap"] & trace.TRAP_VALID == 0] != 0)


def test_lockstep_follows_a_paged_program_with_replayed_tlbfill_indices():
    batch = rtl_trace()
    sb = Scoreboard(machine(lockstep=True))
    sb.write(batch)
    assert sb.divergence is None and sb.checked == len(batch)
    assert sb.harts[0].regs[6] == 0x5566


@pytest.mark.parametrize(("field", "what"), [("mem_pa", "mem pa"), ("pc_pa", "pc pa"), ("tlb_idx", "tlb idx")])
def test_a_wrong_physical_address_or_tlb_index_diverges_with_the_translation(field, what):
    batch = rtl_trace()
    if field == "tlb_idx":
        victim = int(np.flatnonzero(batch["insn"] == encode("tlbwr"))[0])
    elif field == "mem_pa":
        victim = int(np.flatnonzero((batch["flags"] & trace.FLAG_MEM_RE != 0) & (batch["pc"] == WINDOW | BASE))[0])
    else:
        victim = int(np.flatnonzero(batch["pc"] == (WINDOW | BASE) + 4)[0])
    batch[field][victim] ^= 0x1000 if field != "tlb_idx" else 1
    sb = Scoreboard(machine(lockstep=True))
    sb.write(batch)
    assert sb.divergence is not None
    idx, summary, detail = sb.divergence
    assert idx == victim and summary == "RTL and reference model disagree"
    differing = [line.split()[0:2] for line in detail.splitlines() if line.endswith("<-- differs")]
    assert [what.split()] == [d for d in differing if d[0] in ("mem", "pc", "tlb")][:1]
    assert "translation (the model's TLB" in detail
    if field != "tlb_idx":
        assert "TLB entry" in detail and "PPN 0x20" in detail and "VPPN" in detail


def test_translation_report_says_when_no_entry_matches():
    batch = rtl_trace(1)  # the first load: a refill, nothing in the TLB yet
    hart = machine(lockstep=True)
    hart.step()
    text = Scoreboard(hart)._translation(batch[0], hart)
    assert "fetch VA 0x9000000000001000: expected PA 0x1000, observed PA 0x1000" in " ".join(text.split())
    assert "no matching entry" in text


def test_tlbfill_record_without_the_index_stops_the_model():
    batch = rtl_trace()
    fills = np.flatnonzero(batch["insn"] == encode("tlbfill"))
    batch["flags2"][fills[0]] = 0
    sb = Scoreboard(machine(lockstep=True))
    sb.write(batch)
    assert sb.divergence is not None and "set_tlbfill_index" in sb.divergence[2]


def test_tlb_coverage_from_the_trace_alone():
    cov = Coverage()
    tracker = TlbCoverage(cov)
    tracker.cores[0] = type(tracker._shadow(0))(pwcl=PWCL)  # machine() set PWCL by backdoor, not by csrwr
    batch = rtl_trace()
    for part in (batch[:3], batch[3:12], batch[12:]):  # lddir | ldpte: the GPR shadow carries r12 across
        tracker.write(part)
    bins = cov.groups["tlb"]
    assert bins["TLBR"] == 2 and bins["refill from PLV3"] == 2
    assert bins["page 4KiB"] == 3 and bins["invtlb op 3"] == 1
    assert "tlb:" in cov.report() and "missing:" in cov.report()


def test_tlb_coverage_of_a_huge_page_fill():
    """ldpte of a huge entry found by lddir (its value comes from the trace's GPR writes): PS = 20."""
    rec = np.zeros(4, dtype=trace.RECORD_DTYPE)
    rec["insn"] = [encode("csrwr", rd=4, csr=C.CSR_PWCL), encode("lddir", rd=12, rj=12, level=1),
                   encode("ldpte", rj=12, seq=0), encode("tlbfill")]
    rec["flags"][0], rec["csr"][0], rec["csr_wdata"][0] = trace.FLAG_CSR_WE, C.CSR_PWCL, PWCL
    rec["flags"][1], rec["rd"][1], rec["rd_wdata"][1] = trace.FLAG_RD_WE, 12, 0x40_0000 | (1 << 6)
    rec["trap"][0] = 0
    rec["flags2"][3] = trace.FLAG2_TLB_WE
    cov = Coverage()
    tracker = TlbCoverage(cov)
    tracker.cores[0] = type(tracker._shadow(0))(istlbr=True)
    tracker.write(rec)
    assert cov.groups["tlb"]["page 1MiB"] == 1


# --- LVZ (design.md 12.7): guest bit, gcsr and exit flags --------------------------------------------------
GPA, GUEST_HPA = 0x4000_0000, 0x20000


def lvz_machine(lockstep: bool) -> Iss:
    """A root (DA) writes a guest CSR and enters the guest (GID 1, stage 2 GPA -> GUEST_HPA); the guest
    writes its own CSR and runs cpucfg (GSPR exit); the root's handler skips it and re-enters; hvcl exits."""
    memory = Memory(ram_size=1 << 20)
    put(memory, BASE, [encode("gcsrwr", rd=4, csr=C.CSR_SAVE0), encode("ertn")])
    put(memory, HANDLER, [encode("csrrd", rd=9, csr=C.CSR_ERA), encode("addi.d", rd=9, rj=9, si12=4),
                          encode("csrwr", rd=9, csr=C.CSR_ERA), encode("ertn")])
    put(memory, GUEST_HPA, [encode("csrwr", rd=5, csr=C.CSR_SAVE0 + 1), encode("cpucfg", rd=6, rj=7),
                            encode("hvcl", code=5), encode("b", offs=0)])
    iss = Iss(memory, 0, BASE, lockstep=lockstep)
    root = iss.root_csr.values
    root[C.CSR_EENTRY], root[C.CSR_ERA] = HANDLER, GPA
    root[C.CSR_GSTAT] |= C.GSTAT_PVM | 1 << C.GSTAT_GID_SHIFT
    iss.tlb_changed(iss.tlb.write(0, GPA, 16, (GUEST_HPA & ~0xFFF) | 0x53, 0x40, 0, True, 1, 0))
    iss.regs[4], iss.regs[5] = 0x44, 0x55
    return iss


def lvz_trace() -> np.ndarray:
    rtl = lvz_machine(lockstep=False)
    records = []
    for cycle in range(12):
        rtl.step()
        records.append(record_of(rtl, cycle))
    return np.array(records, dtype=trace.RECORD_DTYPE)


def test_lvz_trace_has_guest_records_gcsr_writes_and_exits():
    batch = lvz_trace()
    guest = (batch["mode"] & trace.MODE_GUEST) != 0
    assert list(guest[:4]) == [False, False, True, True]  # gcsrwr, the entering ertn (root), then the guest
    gcsr = (batch["flags2"] & trace.FLAG2_GCSR) != 0
    assert list(np.flatnonzero(gcsr)) == [0, 2]  # root gcsrwr, guest csrwr
    exits = np.flatnonzero(batch["flags2"] & trace.FLAG2_EXIT)
    assert [trace.trap_ecode(int(batch["trap"][i])) for i in exits] == [0x16, 0x17]
    assert np.all(guest[exits])


def test_lockstep_follows_a_guest_with_exits():
    batch = lvz_trace()
    sb = Scoreboard(lvz_machine(lockstep=True))
    sb.write(batch)
    assert sb.divergence is None and sb.checked == len(batch)


@pytest.mark.parametrize(("field", "bit", "what"), [("mode", trace.MODE_GUEST, "guest"),
                                                    ("flags2", trace.FLAG2_GCSR, "gcsr"),
                                                    ("flags2", trace.FLAG2_EXIT, "exit")])
def test_a_wrong_lvz_bit_diverges(field, bit, what):
    """An RTL that keeps the LVZ bits 0 (or sets them wrongly) fails lockstep on the first LVZ record."""
    batch = lvz_trace()
    victim = int(np.flatnonzero(batch[field] & bit)[0])
    batch[field][victim] &= 0xFF ^ bit
    sb = Scoreboard(lvz_machine(lockstep=True))
    sb.write(batch)
    assert sb.divergence is not None and sb.divergence[0] == victim
    differing = [line.split()[0] for line in sb.divergence[2].splitlines() if line.endswith("<-- differs")]
    assert differing == [what]
