"""Reference model, paged memory (design.md 9): the TLB match, page sizes and halves, every TLB fault and its
CSR effects, the TLB refill and its ertn, the TLB instructions, the software page walk (lddir/ldpte), DA
mode, the canonical-address check, the lockstep records and the translation cache. Expected values by hand
from design.md 9 and spec-la64-lvz.md 1-2."""

from __future__ import annotations

import pytest
from iss_helpers import M64, csr, lo, put, steps, store_word
from lacosim.isa.decoder import encode
from lacosim.iss import AsyncInputError, Iss, Memory
from lacosim.iss import csr as C
from lacosim.iss.errors import TlbFillIndexError
from lacosim.iss.tlb import TLB_ENTRIES, lfsr_reset, lfsr_step, page_size_name

BASE = 0x1000  # code (PA), executed through DMW0 at WINDOW | BASE in PG mode
HANDLER = 0x4000  # EENTRY
REFILL = 0x6000  # TLBRENTRY
DATA = 0x8000
WINDOW = 9 << 60  # DMW0's VSEG: a non-canonical VA, so only the window can map it
VA = 0x0000_1234_5670_0000  # a canonical user address, mapped through the TLB
SPIN = encode("b", offs=0)


def make(words: list[int], regs: dict[int, int] | None = None, *, lockstep: bool = False,
         entry: int = BASE, ram: int = 8 << 20) -> Iss:
    """A core in DA mode at `entry` with a general handler and a refill handler that spin."""
    memory = Memory(ram_size=ram)
    put(memory, HANDLER, [SPIN] * 16)
    put(memory, REFILL, [SPIN] * 16)
    put(memory, entry, words)
    iss = Iss(memory, 0, entry, lockstep=lockstep)
    iss.csr.values[C.CSR_EENTRY] = HANDLER
    iss.csr.values[C.CSR_TLBRENTRY] = REFILL
    for n, value in (regs or {}).items():
        iss.regs[n] = value & M64
    return iss


def paged(iss: Iss, plv: int = 0) -> Iss:
    """Switch to PG mode at `plv`; the code runs through DMW0 (every PLV) at WINDOW | pc."""
    values = iss.csr.values
    values[C.CSR_DMW0] = WINDOW | 0xF
    values[C.CSR_CRMD] = C.CRMD_PG | plv
    iss._update_context()
    iss.pc |= WINDOW
    return iss


def map_pair(iss: Iss, index: int, va: int, ps: int, lo0: int, lo1: int, asid: int = 0, valid: bool = True) -> None:
    """Backdoor: entry `index` maps the page pair around va (what tlbwr does, see the tlbwr tests)."""
    iss.tlb.write(index, va, ps, lo0, lo1, asid, valid)
    iss.tlb_changed([index])


def ecode(iss: Iss) -> int:
    return (csr(iss, C.CSR_ESTAT) >> 16) & 0x3F


# --- match: ASID, G, page sizes, halves -------------------------------------------------------------------
@pytest.mark.parametrize(("entry_asid", "g", "asid", "hit"), [(5, 0, 5, True), (5, 0, 6, False), (5, 1, 6, True),
                                                               (0x3FF, 0, 0x3FF, True)])
def test_match_needs_the_asid_unless_global(entry_asid, g, asid, hit):
    iss = paged(make([encode("ld.d", rd=4, rj=5, si12=0)], {5: VA}))
    iss.csr.values[C.CSR_ASID] = C.ASID_RESET | asid
    map_pair(iss, 3, VA, 12, lo(DATA, g=g), lo(DATA, g=g), entry_asid)
    store_word(iss, DATA, 0xABCD)
    iss.step()
    if hit:
        assert iss.last_trap == 0 and iss.regs[4] == 0xABCD and iss.last_mem_pa == DATA
    else:
        assert iss.last_trap == 1 and iss.last_trap_ecode == 0x3F and iss.pc == REFILL


def test_g_is_stored_as_g0_and_g1():
    iss = make([])
    map_pair(iss, 0, VA, 12, lo(DATA, g=1), lo(DATA, g=0), 7)
    assert not iss.tlb.entries[0].g
    assert iss.tlb.lookup(VA, 8) == -1 and iss.tlb.lookup(VA, 7) == 0


@pytest.mark.parametrize("ps", [12, 14, 16, 21, 24, 30])
@pytest.mark.parametrize("odd", [0, 1])
def test_page_sizes_and_halves(ps, odd):
    """PA = {half.PPN[47:PS], VA[PS-1:0]}; the half is VA[PS]; VA bits below PS+1 do not take part."""
    base_va = 0x0000_7F00_0000_0000
    offset = (1 << ps) - 8 if ps < 21 else 0x1_2340
    va = base_va + (odd << ps) + offset
    pa0, pa1 = 0x1_0000_0000 << 4, 0x2_0000_0000 << 4  # aligned for every PS tested
    iss = paged(make([encode("ld.d", rd=4, rj=5, si12=0)], {5: va}))
    map_pair(iss, 9, base_va | ((1 << ps) - 1) & ~0x1FFF, ps, lo(pa0), lo(pa1))  # VPPN low bits: ignored
    with pytest.raises(Exception, match="unmapped"):  # the PA is outside the model's RAM: BusError names it
        iss.step()
    assert iss.tlb.translate(va, 1, 0, 0, 0) == ((pa1 if odd else pa0) + offset, 9)
    assert iss.tlb.lookup(va + (2 << ps), 0) == -1  # the next pair is not this entry's


def test_even_and_odd_halves_map_different_frames():
    program = [encode("ld.d", rd=4, rj=5, si12=0), encode("ld.d", rd=6, rj=7, si12=0)]
    iss = paged(make(program, {5: VA + 0x18, 7: VA + 0x1018}))
    map_pair(iss, 0, VA, 12, lo(0x10000), lo(0x20000))
    store_word(iss, 0x10018, 0x1111)
    store_word(iss, 0x20018, 0x2222)
    iss.step()
    assert iss.regs[4] == 0x1111 and iss.last_mem_pa == 0x10018 and iss.last_mem_addr == VA + 0x18
    iss.step()
    assert iss.regs[6] == 0x2222 and iss.last_mem_pa == 0x20018


def test_lowest_index_wins_when_several_entries_match():
    iss = make([])
    map_pair(iss, 7, VA, 12, lo(0x20000), lo(0x20000))
    map_pair(iss, 2, VA, 14, lo(0x30000), lo(0x30000))
    assert iss.tlb.translate(VA, 1, 0, 0, 0) == (0x30000, 2)


def test_page_size_names():
    assert [page_size_name(ps) for ps in (12, 14, 21, 24, 30)] == ["4KiB", "16KiB", "2MiB", "16MiB", "1GiB"]


# --- faults and their CSR effects ---------------------------------------------------------------------------
LOAD, STORE, AMO = encode("ld.w", rd=4, rj=5, si12=4), encode("st.w", rd=4, rj=5, si12=4), \
    encode("amadd.w", rd=4, rj=9, rk=6)  # am*: the address is rj alone


@pytest.mark.parametrize(("word", "half", "plv", "misc", "code"), [
    (LOAD, lo(DATA, v=0), 0, 0, 0x01),  # PIL
    (STORE, lo(DATA, v=0), 0, 0, 0x02),  # PIS
    (AMO, lo(DATA, v=0), 0, 0, 0x02),  # am* translate as stores
    (STORE, lo(DATA, d=0), 0, 0, 0x04),  # PME
    (AMO, lo(DATA, d=0), 0, 0, 0x04),
    (STORE, lo(DATA, d=0, plv=3), 3, 0x7 << 16, 0x04),  # DWPL covers PLV0-2 only
    (LOAD, lo(DATA, nr=1), 0, 0, 0x05),  # PNR
    (LOAD, lo(DATA, plv=0), 3, 0, 0x07),  # PPI: PLV3 on a PLV0 page
    (STORE, lo(DATA, plv=3, rplv=1), 0, 0, 0x07),  # RPLV: only PLV3 itself
    (LOAD, lo(DATA, v=0, plv=0, nr=1), 3, 0, 0x01),  # V before privilege before NR
    (LOAD, lo(DATA, plv=0, nr=1), 3, 0, 0x07),  # privilege before NR
    (STORE, lo(DATA, d=0, plv=0), 3, 0, 0x07),  # privilege before D
])
def test_data_faults_set_badv_tlbehi_and_estat(word, half, plv, misc, code):
    va = VA + 0x1000  # the odd half
    iss = paged(make([word], {5: va - 4, 6: 1, 9: va}), plv)
    iss.csr.values[C.CSR_MISC] |= misc
    iss.csr.values[C.CSR_BADI] = 0
    map_pair(iss, 4, VA, 12, lo(0x30000), half)
    iss.step()
    assert (iss.last_trap, iss.last_trap_ecode, iss.last_trap_esubcode) == (1, code, 0)
    assert iss.pc == HANDLER and ecode(iss) == code
    assert csr(iss, C.CSR_BADV) == va and csr(iss, C.CSR_ERA) == WINDOW | BASE
    assert csr(iss, C.CSR_TLBEHI) == va & C.VPPN_MASK
    assert csr(iss, C.CSR_BADI) == C.sext32(word)  # the word was fetched
    assert csr(iss, C.CSR_PRMD) & 3 == plv
    assert iss.last_pc_pa == BASE and iss.last_fetch_fault == 0 and iss.last_mem_pa == 0


@pytest.mark.parametrize(("half", "misc", "plv"), [(lo(DATA, d=0), 1 << 16, 0), (lo(DATA, d=0, plv=2), 1 << 18, 2),
                                                   (lo(DATA, nr=1), 0, 0)])
def test_accesses_that_do_not_fault(half, misc, plv):
    """DWPLn disables the dirty check at PLVn; NR does not stop an am* (a store)."""
    iss = paged(make([AMO if half & C.TLBELO_NR else STORE], {4: 0x55, 5: VA - 4, 6: 2, 9: VA}), plv)
    iss.csr.values[C.CSR_MISC] |= misc
    map_pair(iss, 0, VA, 12, half, half)
    iss.step()
    assert iss.last_trap == 0 and iss.last_mem_we == 1 and iss.last_mem_pa == DATA


def test_tlbehi_of_a_high_address_is_sign_extended():
    va = 0xFFFF_8000_0000_2000
    iss = paged(make([LOAD], {5: va - 4}))
    map_pair(iss, 0, va, 12, lo(DATA, v=0), lo(DATA, v=0))
    iss.step()
    assert ecode(iss) == 0x01 and csr(iss, C.CSR_TLBEHI) == 0xFFFF_8000_0000_2000


CODE_VA = 0x0000_0000_4000_0000  # canonical: fetched through the TLB


@pytest.mark.parametrize(("half", "plv", "code"), [(lo(BASE, v=0), 0, 0x03), (lo(BASE, nx=1), 0, 0x06),
                                                   (lo(BASE, plv=0), 3, 0x07), (lo(BASE, plv=3, rplv=1), 0, 0x07)])
def test_fetch_faults(half, plv, code):
    iss = paged(make([encode("addi.d", rd=4, rj=4, si12=1)]), plv)
    map_pair(iss, 1, CODE_VA, 12, half, lo(0))
    iss.csr.values[C.CSR_BADI] = 0x77
    iss.pc = CODE_VA
    iss.step()
    assert (iss.last_trap, iss.last_trap_ecode, iss.last_pc, iss.last_insn) == (1, code, CODE_VA, 0)
    assert csr(iss, C.CSR_BADV) == CODE_VA and csr(iss, C.CSR_ERA) == CODE_VA
    assert csr(iss, C.CSR_TLBEHI) == CODE_VA and csr(iss, C.CSR_BADI) == 0x77  # never fetched
    assert iss.last_pc_pa == 0 and iss.last_fetch_fault == 1 and iss.regs[4] == 0


def test_fetch_through_the_tlb_records_the_physical_pc():
    iss = paged(make([encode("addi.d", rd=4, rj=4, si12=1), encode("addi.d", rd=4, rj=4, si12=1)]), 3)
    map_pair(iss, 1, CODE_VA, 12, lo(BASE, plv=3), lo(0))
    iss.pc = CODE_VA
    steps(iss, 2)
    assert (iss.last_pc, iss.last_pc_pa, iss.regs[4]) == (CODE_VA + 4, BASE + 4, 2)


@pytest.mark.parametrize("va", [0x0000_8000_0000_0000, 0x7FFF_0000_0000_0000, 0xFFFF_7FFF_FFFF_F000])
def test_non_canonical_data_address_in_pg_mode_is_adem(va):
    iss = paged(make([LOAD], {5: va - 4}))
    iss.step()
    assert (iss.last_trap_ecode, iss.last_trap_esubcode) == (0x08, 1) and csr(iss, C.CSR_BADV) == va
    assert csr(iss, C.CSR_TLBEHI) == 0  # not a TLB exception


def test_non_canonical_fetch_in_pg_mode_is_adef():
    iss = paged(make([encode("jirl", rd=0, rj=5, offs=0)], {5: 0x0001_0000_0000_0000}))
    steps(iss, 2)
    assert (iss.last_trap_ecode, iss.last_trap_esubcode, iss.last_pc_pa) == (0x08, 0, 0)


def test_da_mode_accepts_every_address():
    """DA mode: PA = VA[47:0] for fetch and data, whatever VA[63:48] (the old DA-mode ADEM is withdrawn)."""
    pc = 0x9000_0000_0000_1000
    iss = make([encode("ld.d", rd=4, rj=5, si12=0), encode("st.d", rd=4, rj=6, si12=0)],
               {5: 0x9000_0000_0000_8000, 6: 0xFFFF_0000_0000_8008}, entry=BASE)
    iss.pc = pc
    store_word(iss, DATA, 0x77)
    iss.step()
    assert iss.last_trap == 0 and iss.regs[4] == 0x77
    assert (iss.last_pc, iss.last_pc_pa, iss.last_mem_addr, iss.last_mem_pa) == (pc, BASE, 0x9000_0000_0000_8000,
                                                                                 DATA)
    iss.step()
    assert iss.last_mem_pa == DATA + 8 and iss.memory.read(DATA + 8, 1) == b"\x77"


# --- TLB refill and its return ------------------------------------------------------------------------------
def test_refill_entry_and_ertn():
    """A PLV3 load misses: refill entry (design.md 9.3); the handler fills the entry and returns; the load
    then completes at PLV3 in PG mode."""
    refill = [encode("tlbfill"), encode("ertn")]
    iss = paged(make([encode("ld.d", rd=4, rj=5, si12=8)], {5: VA}), 3)
    put(iss.memory, REFILL, refill)
    values = iss.csr.values
    values[C.CSR_CRMD] |= C.CRMD_IE | C.CRMD_WE
    values[C.CSR_TLBREHI] = 12  # PS kept by the refill
    values[C.CSR_TLBRELO0] = values[C.CSR_TLBRELO1] = lo(DATA, plv=3)
    values[C.CSR_ESTAT], values[C.CSR_ERA], values[C.CSR_BADV], values[C.CSR_PRMD] = 0x1 << 16, 0x111, 0x222, 0x5
    store_word(iss, DATA + 8, 0x4242)
    iss.step()
    assert (iss.last_trap, iss.last_trap_ecode, iss.last_trap_esubcode, iss.last_pc) == (1, 0x3F, 0, WINDOW | BASE)
    assert iss.pc == REFILL and iss.last_pc_pa == BASE and iss.last_plv == 3
    assert csr(iss, C.CSR_CRMD) == C.CRMD_DA  # PLV0, IE 0, WE 0, DA 1, PG 0
    assert csr(iss, C.CSR_TLBRPRMD) == 3 | 4 | 0x10  # PPLV 3, PIE, PWE
    assert csr(iss, C.CSR_TLBRERA) == WINDOW | BASE | 1
    assert csr(iss, C.CSR_TLBRBADV) == VA + 8
    assert csr(iss, C.CSR_TLBREHI) == (VA & C.VPPN_MASK) | 12
    assert (values[C.CSR_ESTAT], values[C.CSR_ERA], values[C.CSR_BADV], values[C.CSR_PRMD]) == \
        (0x1 << 16, 0x111, 0x222, 0x5)
    iss.step()  # tlbfill (refill registers: E = 1 whatever TLBIDX.NE says)
    assert iss.last_tlb_we == 1 and iss.tlb.entries[iss.last_tlb_idx].e
    iss.step()  # ertn
    assert iss.last_ertn == 1 and iss.pc == WINDOW | BASE
    assert csr(iss, C.CSR_CRMD) == C.CRMD_PG | 3 | C.CRMD_IE | C.CRMD_WE
    assert csr(iss, C.CSR_TLBRERA) & 1 == 0
    iss.step()
    assert iss.last_trap == 0 and iss.regs[4] == 0x4242 and iss.last_mem_pa == DATA + 8


def test_refill_of_a_fetch():
    iss = paged(make([]))
    iss.pc = CODE_VA + 0x10
    iss.step()
    assert (iss.last_trap_ecode, iss.last_insn, iss.last_pc_pa, iss.last_fetch_fault) == (0x3F, 0, 0, 1)
    assert csr(iss, C.CSR_TLBRBADV) == CODE_VA + 0x10 and csr(iss, C.CSR_TLBRERA) == CODE_VA + 0x10 | 1


def test_refill_without_a_handler_stops_the_model():
    iss = paged(make([LOAD], {5: VA}))
    iss.csr.values[C.CSR_TLBRENTRY] = 0
    with pytest.raises(Exception, match="TLBRENTRY = 0"):
        iss.step()
    assert iss.pc == WINDOW | BASE


# --- the TLB instructions ----------------------------------------------------------------------------------
def set_csrs(iss: Iss, **named: int) -> None:
    for name, value in named.items():
        iss.csr.write(getattr(C, f"CSR_{name}"), value)


def test_tlbwr_writes_entry_index_from_the_csrs():
    iss = make([encode("tlbwr")])
    set_csrs(iss, TLBIDX=(12 << 24) | (TLB_ENTRIES + 5), TLBEHI=VA, TLBELO0=lo(0x10000, g=1),
             TLBELO1=lo(0x20000, g=1, plv=3, nx=1), ASID=9)
    iss.step()
    entry = iss.tlb.entries[5]  # Index mod TLB_ENTRIES
    assert (iss.last_tlb_we, iss.last_tlb_idx) == (1, 5)
    assert (entry.e, entry.vppn, entry.ps, entry.g, entry.asid) == (True, VA, 12, True, 9)
    assert entry.halves == (lo(0x10000), lo(0x20000, plv=3, nx=1)) and (entry.gid, entry.bank) == (0, 0)
    iss.step()  # the next record clears the fields
    assert iss.last_tlb_we == 0


def test_tlbwr_with_ne_writes_an_invalid_entry():
    iss = make([encode("tlbwr")])
    set_csrs(iss, TLBIDX=(1 << 31) | (12 << 24) | 3, TLBEHI=VA, TLBELO0=lo(DATA), TLBELO1=lo(DATA))
    map_pair(iss, 3, VA, 12, lo(0x10000), lo(0x10000))
    iss.step()
    assert not iss.tlb.entries[3].e and iss.tlb.lookup(VA, 0) == -1 and iss.last_tlb_we == 1


def test_tlbsrch_hit_and_miss():
    iss = make([encode("tlbsrch"), encode("tlbsrch")])
    map_pair(iss, 17, VA, 14, lo(DATA), lo(DATA), asid=4)
    set_csrs(iss, TLBIDX=(1 << 31) | 2, TLBEHI=VA + 0x6000, ASID=4)  # inside the 32 KiB pair
    iss.step()
    assert csr(iss, C.CSR_TLBIDX) == 17
    set_csrs(iss, TLBEHI=VA + 0x8000)
    iss.step()
    assert csr(iss, C.CSR_TLBIDX) == C.sext32((1 << 31) | 17)  # NE = 1, Index kept


def test_tlbsrch_inside_a_refill_uses_tlbrehi():
    iss = make([encode("tlbsrch")])
    map_pair(iss, 6, VA, 12, lo(DATA), lo(DATA))
    set_csrs(iss, TLBEHI=0, TLBREHI=VA | 12, TLBRERA=1, TLBIDX=1 << 31)
    iss.step()
    assert csr(iss, C.CSR_TLBIDX) == 6


def test_tlbrd_of_a_valid_entry():
    iss = make([encode("tlbrd")])
    map_pair(iss, 8, 0xFFFF_8000_1234_6000, 21, lo(0x200000, g=1, plv=3), lo(0x400000, g=1, rplv=1), asid=0x155)
    set_csrs(iss, TLBIDX=(1 << 31) | 8, ASID=3)
    iss.step()
    assert csr(iss, C.CSR_TLBEHI) == 0xFFFF_8000_1234_6000
    assert csr(iss, C.CSR_TLBELO0) == lo(0x200000, g=1, plv=3) and csr(iss, C.CSR_TLBELO1) == lo(0x400000, g=1,
                                                                                                  rplv=1)
    assert csr(iss, C.CSR_TLBIDX) == (21 << 24) | 8 and csr(iss, C.CSR_ASID) == C.ASID_RESET | 0x155


def test_tlbrd_of_an_empty_entry():
    iss = make([encode("tlbrd")])
    set_csrs(iss, TLBIDX=(12 << 24) | 30, TLBEHI=VA, TLBELO0=lo(DATA), TLBELO1=lo(DATA), ASID=3)
    iss.step()
    assert csr(iss, C.CSR_TLBIDX) == C.sext32((1 << 31) | 30)  # PS 0, NE 1
    assert (csr(iss, C.CSR_TLBEHI), csr(iss, C.CSR_TLBELO0), csr(iss, C.CSR_TLBELO1)) == (0, 0, 0)
    assert csr(iss, C.CSR_ASID) == C.ASID_RESET  # ASID.ASID = 0 (QEMU)


def lfsr_indices(seed: int, core: int, n: int) -> list[int]:
    s = ((seed ^ (0x9E37 * (core + 1))) & 0xFFFF) or 1
    out = []
    for _ in range(n):
        s = (s >> 1) ^ (0xB400 if s & 1 else 0)
        out.append(s % 32)
    return out


def test_tlbfill_standalone_follows_the_lfsr_with_seed_0():
    iss = make([encode("tlbfill")] * 6)
    set_csrs(iss, TLBIDX=12 << 24, TLBEHI=VA)
    chosen = [steps(iss, 1).last_tlb_idx for _ in range(6)]
    assert chosen == lfsr_indices(0, 0, 6)
    assert lfsr_reset(0x9E37 * 2, 1) == 1  # never 0


def test_tlbfill_reseeded_replays_an_rtl_seed():
    iss = make([encode("tlbfill")] * 3)
    iss.tlb.reseed(1234)
    assert [steps(iss, 1).last_tlb_idx for _ in range(3)] == lfsr_indices(1234, 0, 3)


def test_tlbfill_in_lockstep_replays_the_rtl_choice():
    iss = make([encode("tlbfill"), encode("tlbfill")], lockstep=True)
    set_csrs(iss, TLBIDX=12 << 24, TLBEHI=VA, TLBELO0=lo(DATA), TLBELO1=lo(DATA))
    want = lfsr_step(iss.tlb.lfsr) % TLB_ENTRIES  # the fill rule's choice (design.md 9.4), checked
    iss.set_tlbfill_index(want)
    iss.step()
    assert (iss.last_tlb_we, iss.last_tlb_idx) == (1, want) and iss.tlb.entries[want].vppn == VA
    with pytest.raises(AsyncInputError, match="set_tlbfill_index"):
        iss.step()
    assert iss.pc == BASE + 4


def test_tlbfill_in_lockstep_rejects_an_entry_the_fill_rule_does_not_give():
    """Replaying the trace's index alone would hide a wrong LFSR (mutation tlb_lfsr_taps, design.md 11.4)."""
    iss = make([encode("tlbfill")], lockstep=True)
    iss.tlb.reseed(0x1234)
    set_csrs(iss, TLBIDX=12 << 24, TLBEHI=VA, TLBELO0=lo(DATA), TLBELO1=lo(DATA))
    want = lfsr_step(lfsr_reset(0x1234, 0)) % TLB_ENTRIES
    iss.set_tlbfill_index((want + 1) % TLB_ENTRIES)
    with pytest.raises(TlbFillIndexError, match=f"fill rule gives entry {want}"):
        iss.step()


def test_tlbfill_index_outside_the_tlb_is_an_input_error():
    iss = make([encode("tlbfill")], lockstep=True)
    iss.set_tlbfill_index(TLB_ENTRIES)
    with pytest.raises(AsyncInputError, match="outside"):
        iss.step()


def four_entries(iss: Iss) -> None:
    """0: G, VA; 1: ASID 1, VA; 2: ASID 2, VA2; 3: ASID 1, VA2."""
    va2 = VA + 0x10_0000
    map_pair(iss, 0, VA, 12, lo(DATA, g=1), lo(DATA, g=1))
    map_pair(iss, 1, VA, 12, lo(DATA), lo(DATA), asid=1)
    map_pair(iss, 2, va2, 12, lo(DATA), lo(DATA), asid=2)
    map_pair(iss, 3, va2, 12, lo(DATA), lo(DATA), asid=1)


def valid_entries(iss: Iss) -> list[int]:
    return [i for i in range(4) if iss.tlb.entries[i].e]


@pytest.mark.parametrize(("op", "left"), [(0, []), (1, []), (2, [1, 2, 3]), (3, [0]), (4, [0, 2]), (5, [0, 1, 2]),
                                          (6, [0, 1, 2])])
def test_invtlb_ops(op, left):
    """rj = 1 (ASID), rk = VA2 + 0x1234 (inside entries 2 and 3's pair)."""
    iss = make([encode("invtlb", op=op, rj=5, rk=6)], {5: 0x401, 6: VA + 0x10_1234})  # rj[9:0] = 1
    four_entries(iss)
    iss.step()
    assert iss.last_trap == 0 and valid_entries(iss) == left


def test_invtlb_op_6_takes_global_entries_at_the_address():
    iss = make([encode("invtlb", op=6, rj=0, rk=6)], {6: VA + 8})
    four_entries(iss)
    iss.step()
    assert valid_entries(iss) == [1, 2, 3]  # the G entry at the address; entry 1's ASID 1 is not rj's 0


@pytest.mark.parametrize(("plv", "code"), [(0, 0x0D), (3, 0x0E)])
def test_invtlb_op_7_is_ine_after_ipe(plv, code):
    iss = make([encode("invtlb", op=7, rj=0, rk=0)])
    iss.csr.values[C.CSR_CRMD] |= plv
    iss.step()
    assert iss.last_trap_ecode == code


def test_tlbclr_and_tlbflush():
    iss = make([encode("tlbclr"), encode("tlbflush")])
    four_entries(iss)
    set_csrs(iss, ASID=1)
    iss.step()
    assert valid_entries(iss) == [0, 2]  # G = 0 and ASID 1 invalidated
    iss.step()
    assert valid_entries(iss) == []


# --- software page walk: lddir / ldpte ---------------------------------------------------------------------
PGD, DIR1, PT = 0x10000, 0x11000, 0x12000
PWCL = 12 | (9 << 5) | (21 << 10) | (9 << 15)  # PT: VA[20:12], Dir1: VA[29:21]
WALK = [encode("csrrd", rd=12, csr=C.CSR_PGD), encode("lddir", rd=12, rj=12, level=1),
        encode("ldpte", rj=12, seq=0), encode("ldpte", rj=12, seq=1), encode("tlbfill"), encode("ertn")]


def walker(badv: int) -> Iss:
    """A core inside a TLB refill of `badv` (after the entry), running the Linux-style walk at REFILL."""
    iss = make(WALK, entry=REFILL)
    set_csrs(iss, PWCL=PWCL, PGDL=PGD, TLBRBADV=badv, TLBRERA=(WINDOW | BASE) | 1, TLBREHI=badv & C.VPPN_MASK)
    return iss


def test_page_walk_of_a_4k_page():
    badv = (5 << 21) | (7 << 12) | 0x123  # Dir1 index 5, PT index 7 (odd)
    iss = walker(badv)
    store_word(iss, PGD + 5 * 8, DIR1 | (0xABC << 48))  # lddir keeps PA[47:0] of what it reads
    store_word(iss, DIR1 + 6 * 8, lo(0x30000, plv=3) | (1 << 8))  # bits outside TLBELO are dropped
    store_word(iss, DIR1 + 7 * 8, lo(0x31000, plv=3, nx=1))
    steps(iss, 2)
    assert iss.regs[12] == DIR1 and iss.last_rd == 12
    assert (iss.last_mem_re, iss.last_mem_we, iss.last_mem_size) == (1, 0, 3)
    assert iss.last_mem_addr == iss.last_mem_pa == PGD + 5 * 8
    iss.step()
    assert csr(iss, C.CSR_TLBRELO0) == lo(0x30000, plv=3) and iss.last_mem_pa == DIR1 + 6 * 8
    iss.step()
    assert csr(iss, C.CSR_TLBRELO1) == lo(0x31000, plv=3, nx=1) and iss.last_mem_addr == DIR1 + 7 * 8
    assert csr(iss, C.CSR_TLBREHI) == (badv & C.VPPN_MASK) | 12 and iss.last_rd == 0
    iss.step()
    entry = iss.tlb.entries[iss.last_tlb_idx]
    assert entry.ps == 12 and entry.physical(badv, entry.half(badv)) == 0x31123
    iss.step()
    assert iss.pc == WINDOW | BASE and csr(iss, C.CSR_CRMD) & C.CRMD_PG


def test_page_walk_of_a_2mib_huge_page():
    """A huge Dir1 entry: ldpte splits it into two 1 MiB halves (PS = PTbase + PTwidth - 1 = 20)."""
    badv = (5 << 21) | 0x18_2468  # in the odd 1 MiB half
    huge = 0x40_0000 | (1 << 6) | (1 << 12) | 0b1111  # PA 4 MiB, HUGE, HGLOBAL, V D PLV3
    iss = walker(badv)
    store_word(iss, PGD + 5 * 8, huge)
    steps(iss, 2)
    assert iss.regs[12] == huge
    iss.step()
    assert iss.last_mem_re == 0 and iss.last_mem_pa == 0  # a huge entry is not read again
    assert csr(iss, C.CSR_TLBRELO0) == 0x40_0000 | (1 << 6) | 0b1111  # HGLOBAL -> G, HUGE cleared
    iss.step()
    assert csr(iss, C.CSR_TLBRELO1) == 0x50_0000 | (1 << 6) | 0b1111
    assert csr(iss, C.CSR_TLBREHI) & 0x3F == 20
    iss.step()
    entry = iss.tlb.entries[iss.last_tlb_idx]
    assert entry.g and entry.ps == 20
    assert iss.tlb.translate(badv, 1, 3, 9, 0) == (0x40_0000 + 0x18_2468, iss.last_tlb_idx)
    assert iss.tlb.translate((5 << 21) + 0x100, 1, 3, 9, 0) == (0x40_0100, iss.last_tlb_idx)


def test_lddir_of_a_huge_entry_remembers_the_level():
    iss = make([encode("lddir", rd=4, rj=5, level=2), encode("lddir", rd=6, rj=4, level=1),
                encode("lddir", rd=7, rj=8, level=0), encode("lddir", rd=9, rj=8, level=5)],
               {5: 0x80_0000 | (1 << 6), 8: 0x1234})
    steps(iss, 2)
    assert iss.regs[4] == 0x80_0000 | (1 << 6) | (2 << 13) and iss.last_mem_re == 0
    assert iss.regs[6] == iss.regs[4]  # a level is there already
    steps(iss, 2)
    assert iss.regs[7] == iss.regs[9] == 0x1234 and iss.last_mem_re == 0  # level 0 or > 4: no access


def test_ldpte_of_a_huge_entry_found_at_level_2():
    pwch = 39 | (9 << 6)  # Dir3 unused here
    iss = make([encode("ldpte", rj=5, seq=1)], {5: 0x4000_0000 | (1 << 6) | (2 << 13) | 0b11})
    set_csrs(iss, PWCL=PWCL | (30 << 20) | (9 << 25), PWCH=pwch)  # Dir2: VA[38:30]
    iss.step()
    assert csr(iss, C.CSR_TLBREHI) & 0x3F == 38  # 30 + 9 - 1: two 256 GiB halves of a 512 GiB huge entry
    assert csr(iss, C.CSR_TLBRELO1) == 0x4000_0000 + (1 << 38) | 0b11


# --- records and the translation cache ---------------------------------------------------------------------
def test_interrupt_record_has_no_pc_pa():
    iss = make([encode("addi.d", rd=4, rj=4, si12=1)] * 2, lockstep=True)
    iss.step()
    iss.csr.values[C.CSR_ECFG] = 1 << 12
    iss.csr.values[C.CSR_CRMD] |= C.CRMD_IE
    iss.set_irq_lines(1 << 12)
    iss.take_interrupt(12)
    assert iss.last_trap_int == 1 and iss.last_pc_pa == 0 and iss.last_pc == BASE + 4


def test_iocsr_access_pa_is_its_address():
    iss = make([encode("iocsrrd.w", rd=4, rj=5)], {5: 0xFFFF_0000_0000_0008})
    iss.step()
    assert iss.last_iocsr == 1 and iss.last_mem_addr == iss.last_mem_pa == 8


CODE_A, CODE_B = 0x20000, 0x21000


def remapping_program() -> list[int]:
    """At BASE (through DMW0): jump to CODE_VA; the code there returns with its mark in r4; remap CODE_VA
    with tlbwr; jump again."""
    return [encode("jirl", rd=1, rj=10, offs=0),  # -> CODE_VA
            encode("tlbwr"),  # TLBELO0 was set to CODE_B's frame
            encode("jirl", rd=1, rj=10, offs=0),
            SPIN]


@pytest.mark.parametrize("mode", ["step", "run"])
def test_translation_cache_follows_a_tlb_change(mode):
    iss = paged(make(remapping_program(), {10: CODE_VA}))
    put(iss.memory, CODE_A, [encode("addi.d", rd=4, rj=4, si12=1), encode("jirl", rd=0, rj=1, offs=0)])
    put(iss.memory, CODE_B, [encode("addi.d", rd=4, rj=4, si12=100), encode("jirl", rd=0, rj=1, offs=0)])
    map_pair(iss, 2, CODE_VA, 12, lo(CODE_A), lo(0))
    set_csrs(iss, TLBIDX=(12 << 24) | 2, TLBEHI=CODE_VA, TLBELO0=lo(CODE_B), TLBELO1=lo(0))
    if mode == "step":
        steps(iss, 7)
    else:
        iss.run_for(7)
    assert iss.regs[4] == 101 and iss.pc == WINDOW | BASE + 12


def test_translation_cache_follows_an_asid_change():
    """Two entries map CODE_VA for ASIDs 1 and 2 to different code; a csrwr of ASID selects the other."""
    program = [encode("jirl", rd=1, rj=10, offs=0), encode("csrwr", rd=11, csr=C.CSR_ASID),
               encode("jirl", rd=1, rj=10, offs=0), SPIN]
    iss = paged(make(program, {10: CODE_VA, 11: 2}))
    put(iss.memory, CODE_A, [encode("addi.d", rd=4, rj=4, si12=1), encode("jirl", rd=0, rj=1, offs=0)])
    put(iss.memory, CODE_B, [encode("addi.d", rd=4, rj=4, si12=100), encode("jirl", rd=0, rj=1, offs=0)])
    map_pair(iss, 0, CODE_VA, 12, lo(CODE_A), lo(0), asid=1)
    map_pair(iss, 1, CODE_VA, 12, lo(CODE_B), lo(0), asid=2)
    set_csrs(iss, ASID=1)
    iss.run_for(7)
    assert iss.regs[4] == 101


def test_translation_cache_follows_invtlb_and_a_shadowing_entry():
    """invtlb drops the code fetched through an entry (refill next time); a new lower-index entry that
    overlaps an existing one takes over its addresses."""
    iss = paged(make([encode("jirl", rd=1, rj=10, offs=0), encode("invtlb", op=0, rj=0, rk=0),
                      encode("jirl", rd=1, rj=10, offs=0)], {10: CODE_VA}))
    put(iss.memory, CODE_A, [encode("addi.d", rd=4, rj=4, si12=1), encode("jirl", rd=0, rj=1, offs=0)])
    map_pair(iss, 2, CODE_VA, 12, lo(CODE_A), lo(0))
    steps(iss, 6)
    assert iss.regs[4] == 1 and iss.last_trap_ecode == 0x3F and iss.pc == REFILL
    iss2 = make([])
    put(iss2.memory, CODE_A, [encode("addi.d", rd=4, rj=4, si12=1)])
    put(iss2.memory, 0x24000, [encode("addi.d", rd=4, rj=4, si12=100)])
    paged(iss2)
    map_pair(iss2, 5, CODE_VA, 12, lo(CODE_A), lo(0))
    iss2.pc = CODE_VA
    iss2.step()
    iss2.tlb_changed(iss2.tlb.write(1, CODE_VA, 14, lo(0x24000), lo(0), 0, True))  # a 16 KiB page over it
    assert 5 not in iss2._ctx.through_tlb
    iss2.pc = CODE_VA
    iss2.step()
    assert iss2.regs[4] == 101


def test_a_refill_heavy_program_keeps_the_cache_bounded():
    """Every iteration touches a new page pair: a refill whose handler fills an entry and returns. The
    contexts and the code fetched through the TLB do not grow with the number of refills."""
    loop = [encode("ld.d", rd=6, rj=5, si12=0), encode("add.d", rd=5, rj=5, rk=7),
            encode("addi.d", rd=8, rj=8, si12=-1), encode("bnez", rj=8, offs=-12), SPIN]
    refill = [encode("or", rd=12, rj=20, rk=0), encode("csrwr", rd=12, csr=C.CSR_TLBRELO0),
              encode("or", rd=12, rj=20, rk=0), encode("csrwr", rd=12, csr=C.CSR_TLBRELO1),
              encode("tlbfill"), encode("ertn")]
    iss = paged(make(loop, {5: VA, 7: 0x2000, 8: 2000, 20: lo(DATA)}))
    put(iss.memory, REFILL, refill)
    iss.csr.values[C.CSR_TLBREHI] = 12
    iss.run_for(2000 * 11)
    assert iss.regs[8] == 0 and iss.regs[5] == VA + 2000 * 0x2000
    assert len(iss._contexts) <= 3
    assert sum(len(pcs) for ctx in iss._contexts.values() for pcs in ctx.through_tlb.values()) == 0
    assert sum(len(ctx.code) for ctx in iss._contexts.values()) < 32
