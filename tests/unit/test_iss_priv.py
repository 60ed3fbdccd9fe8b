"""Reference model, privileged architecture: CSRs, exceptions, ertn, interrupts, idle, the timer, IOCSR/IPI,
DMW translation and the lockstep-facing records and asynchronous inputs. Expected values by hand from the
manual (spec-la64-lvz.md 1-4) and architecture.md 4."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from iss_helpers import M64, csr, put, steps
from lacosim import soc
from lacosim.isa.decoder import encode
from lacosim.iss import Iss, Memory, is_async_read
from lacosim.iss import csr as C
from lacosim.iss.errors import (
    AsyncInputError,
    IdleForever,
    IdleWakeError,
    IllegalInstruction,
    InterruptMismatch,
    UnimplementedInstruction,
)
from lacosim.iss.machine import Machine
from lacosim.iss.timer import TVAL_ALL_ONES

BASE = 0x1000
HANDLER = 0x4000
DATA = 0x8000
REPO = Path(__file__).resolve().parents[2]


def make(words: list[int], regs: dict[int, int] | None = None, *, handler: int | None = HANDLER,
         memory: Memory | None = None, core_id: int = 0, lockstep: bool = False, entry: int = BASE) -> Iss:
    memory = memory if memory is not None else Memory(ram_size=1 << 20)
    put(memory, entry, words)
    if handler:
        put(memory, handler, [encode("b", offs=0)] * 128)  # an (idle) handler: a branch to itself
    iss = Iss(memory, core_id, entry, lockstep=lockstep)
    if handler:
        iss.csr.values[C.CSR_EENTRY] = handler
    for n, value in (regs or {}).items():
        iss.regs[n] = value & M64
    return iss


def set_plv3(iss: Iss) -> None:
    iss.csr.values[C.CSR_CRMD] = (iss.csr.values[C.CSR_CRMD] & ~3) | 3


def sext32(v: int) -> int:
    return C.sext32(v)


# --- CSRs ------------------------------------------------------------------------------------------------
RESET = {
    C.CSR_CRMD: 0x08, C.CSR_PRMD: 0, C.CSR_EUEN: 0, C.CSR_MISC: 0xF000, C.CSR_ECFG: 0, C.CSR_ESTAT: 0,
    C.CSR_ERA: 0, C.CSR_BADV: 0, C.CSR_BADI: 0, C.CSR_EENTRY: 0, C.CSR_TLBIDX: 0, C.CSR_TLBEHI: 0,
    C.CSR_TLBELO0: 0, C.CSR_TLBELO1: 0, C.CSR_ASID: 0x000A_0000, C.CSR_PGDL: 0, C.CSR_PGDH: 0, C.CSR_PGD: 0,
    C.CSR_PWCL: 0, C.CSR_PWCH: 0, C.CSR_STLBPS: 0, C.CSR_RVACFG: 0, C.CSR_CPUID: 3,
    C.CSR_PRCFG1: 8 | (47 << 4) | (7 << 12), C.CSR_PRCFG2: 0x3FFF_F000, C.CSR_PRCFG3: 1 | (31 << 4),
    C.CSR_TID: 3, C.CSR_TCFG: 0, C.CSR_TVAL: 0, C.CSR_CNTC: 0, C.CSR_TICLR: 0, C.CSR_LLBCTL: 0,
    C.CSR_TLBRENTRY: 0, C.CSR_TLBRBADV: 0, C.CSR_TLBRERA: 0, C.CSR_TLBRSAVE: 0, C.CSR_TLBRELO0: 0,
    C.CSR_TLBRELO1: 0, C.CSR_TLBREHI: 0, C.CSR_TLBRPRMD: 0,
    **{C.CSR_SAVE0 + i: 0 for i in range(16)}, **{C.CSR_DMW0 + i: 0 for i in range(4)},
}

TLBELO_ONES = 0x7F | (((1 << 36) - 1) << 12) | (7 << 61)
# value read back after writing all ones (from reset)
AFTER_ALL_ONES = {
    C.CSR_CRMD: 0x3FF, C.CSR_PRMD: 0xF, C.CSR_EUEN: 0xF, C.CSR_MISC: 0x7_FEEE, C.CSR_ECFG: 0x7_1FFF,
    C.CSR_ESTAT: 0x3, C.CSR_ERA: M64, C.CSR_BADV: M64, C.CSR_BADI: 0, C.CSR_EENTRY: M64 & ~0xFFF,
    C.CSR_TLBIDX: sext32(0xBF00_0FFF), C.CSR_TLBEHI: M64 & ~0x1FFF, C.CSR_TLBELO0: TLBELO_ONES,
    C.CSR_TLBELO1: TLBELO_ONES, C.CSR_ASID: 0x000A_03FF, C.CSR_PGDL: M64 & ~0xFFF, C.CSR_PGDH: M64 & ~0xFFF,
    C.CSR_PWCL: M64, C.CSR_PWCH: 0xFF_FFFF, C.CSR_STLBPS: 0x3F, C.CSR_RVACFG: 0xF, C.CSR_CPUID: 3,
    C.CSR_PRCFG1: RESET[C.CSR_PRCFG1], C.CSR_PRCFG2: 0x3FFF_F000, C.CSR_PRCFG3: 1 | (31 << 4),
    C.CSR_TID: M64, C.CSR_TCFG: (1 << 48) - 1, C.CSR_CNTC: M64, C.CSR_TICLR: 0,
    C.CSR_LLBCTL: C.LLBCTL_KLO, C.CSR_TLBRENTRY: ((1 << 48) - 1) & ~0xFFF, C.CSR_TLBRBADV: M64,
    C.CSR_TLBRERA: M64 & ~2, C.CSR_TLBRSAVE: M64, C.CSR_TLBRELO0: TLBELO_ONES, C.CSR_TLBRELO1: TLBELO_ONES,
    C.CSR_TLBREHI: 0x3F | (((1 << 48) - 1) & ~0x1FFF), C.CSR_TLBRPRMD: 0x17,
    **{C.CSR_SAVE0 + i: M64 for i in range(16)},
    **{C.CSR_DMW0 + i: 0x3F | (0xF << 60) for i in range(4)},
}


@pytest.mark.parametrize("num", sorted(RESET), ids=[C.csr_name(n) for n in sorted(RESET)])
def test_csr_reset_value(num):
    iss = make([encode("csrrd", rd=4, csr=num)], handler=None, core_id=3)
    iss.step()
    assert iss.regs[4] == RESET[num]


MASK_CASES = sorted(set(AFTER_ALL_ONES) - {C.CSR_CRMD})  # all ones in CRMD = PLV3: test_crmd_write_mask


@pytest.mark.parametrize("num", MASK_CASES, ids=[C.csr_name(n) for n in MASK_CASES])
def test_csr_write_mask(num):
    """csrwr of all ones, then of zero: writable fields follow, read-only ones keep their value."""
    iss = make([encode("csrwr", rd=4, csr=num), encode("csrrd", rd=5, csr=num), encode("csrwr", rd=6, csr=num),
                encode("csrrd", rd=7, csr=num)], {4: M64, 6: 0}, handler=None, core_id=3)
    steps(iss, 4)
    assert iss.regs[5] == AFTER_ALL_ONES[num]
    assert iss.regs[7] == RESET[num] & ~iss.csr.write_masks[num]


def test_crmd_write_mask():
    iss = make([encode("csrwr", rd=4, csr=C.CSR_CRMD)], {4: M64 & ~0x17}, handler=None)  # PLV0, IE 0, PG 0
    iss.step()
    # the trace reports the value presented; the CSR keeps only its writable fields
    assert csr(iss, C.CSR_CRMD) == 0x3E8 and iss.last_csr_wdata == M64 & ~0x17


def test_undefined_csr_reads_zero_and_ignores_writes():
    iss = make([encode("csrwr", rd=4, csr=0x7F0), encode("csrrd", rd=5, csr=0x7F0)], {4: 0x1234, 5: 9},
               handler=None)
    steps(iss, 2)
    assert iss.regs[4] == 0 and iss.regs[5] == 0
    assert iss.last_csr_we == 0
    assert not iss.csr.defined(0x7F0)


def test_estat_only_software_bits_are_writable():
    iss = make([encode("csrwr", rd=4, csr=C.CSR_ESTAT)], {4: M64}, handler=None)
    iss.set_irq_lines(1 << 5)
    iss.step()
    assert csr(iss, C.CSR_ESTAT) == (1 << 5) | 3
    assert iss.last_csr_we == 1 and iss.last_csr_num == C.CSR_ESTAT and iss.last_csr_wdata == M64


def test_csr_record_holds_the_value_after_the_write():
    iss = make([encode("csrxchg", rd=4, rj=5, csr=C.CSR_SAVE0 + 2)], {4: 0xAB, 5: 0xF0}, handler=None)
    iss.csr.values[C.CSR_SAVE0 + 2] = 0x1234
    iss.step()
    assert (iss.last_csr_we, iss.last_csr_num, iss.last_csr_wdata) == (1, C.CSR_SAVE0 + 2, 0x12A4)
    assert iss.last_rd == 4 and iss.last_rd_value == 0x1234


def test_llbctl_reads_the_llbit_and_wcllb_clears_it():
    program = [encode("ll.w", rd=4, rj=5, si14=0), encode("csrrd", rd=6, csr=C.CSR_LLBCTL),
               encode("csrwr", rd=7, csr=C.CSR_LLBCTL), encode("csrrd", rd=8, csr=C.CSR_LLBCTL)]
    iss = make(program, {5: DATA, 7: C.LLBCTL_WCLLB | C.LLBCTL_KLO}, handler=None)
    steps(iss, 4)
    assert iss.regs[6] == C.LLBCTL_ROLLB
    assert iss.regs[8] == C.LLBCTL_KLO and not iss.llbit


def test_ticlr_reads_zero_and_tlbehi_sign_extends():
    iss = make([encode("csrwr", rd=4, csr=C.CSR_TICLR), encode("csrwr", rd=5, csr=C.CSR_TLBEHI)],
               {4: M64, 5: 1 << 47}, handler=None)
    steps(iss, 2)
    assert csr(iss, C.CSR_TICLR) == 0
    assert csr(iss, C.CSR_TLBEHI) == M64 & ~0x1FFF & ~((1 << 47) - 1) | (1 << 47)


@pytest.mark.parametrize(("badv", "istlbr", "expected"), [(0, 0, 0x1000), (1 << 63, 0, 0x2000),
                                                          (0, 1, 0x2000)])
def test_pgd_follows_the_bad_address(badv, istlbr, expected):
    iss = make([], handler=None)
    values = iss.csr.values
    values[C.CSR_PGDL], values[C.CSR_PGDH], values[C.CSR_BADV] = 0x1000, 0x2000, badv
    values[C.CSR_TLBRBADV], values[C.CSR_TLBRERA] = 1 << 63, istlbr
    assert csr(iss, C.CSR_PGD) == expected


def sv_constant(pkg: str, name: str) -> int:
    """The value of a `localparam ... name = <expr>;` of la_pkg.sv whose expression is plain arithmetic."""
    expr = re.search(rf"\b{name}\s*=\s*(.*?);", pkg, re.S).group(1)
    expr = re.sub(r"\d+'h([0-9A-Fa-f_]+)", r"0x\1", expr)
    expr = re.sub(r"\d+'d([0-9_]+)", r"\1", expr).replace("64'(", "(")
    ints = {n: int(v) for n, v in re.findall(r"localparam int unsigned (\w+)\s*=\s*(\d+);", pkg)}
    return eval(expr, {"__builtins__": {}}, ints)  # noqa: S307  (our own package's constants)


@pytest.mark.parametrize(("index", "name"), [(0, "CPUCFG0_PRID"), (1, "CPUCFG1_VAL"), (2, "CPUCFG2_VAL"),
                                             (4, "CPUCFG4_VAL"), (5, "CPUCFG5_VAL")])
def test_cpucfg_matches_la_pkg(index, name):
    pkg = (REPO / "rtl/core/la_pkg.sv").read_text()
    assert C.cpucfg_word(index) == sv_constant(pkg, name)


def test_configuration_csrs_match_la_pkg():
    pkg = (REPO / "rtl/core/la_pkg.sv").read_text()
    assert C.PRCFG2_VALUE == sv_constant(pkg, "PRCFG2_VAL")
    assert C.PRCFG3_VALUE == sv_constant(pkg, "PRCFG3_VAL")
    assert C.TLB_ENTRIES == sv_constant(pkg, "TLB_ENTRIES")
    assert C.ASID_RESET == sv_constant(pkg, "ASID_RESET") and C.cpucfg_word(3) == 0


# --- exceptions ----------------------------------------------------------------------------------------------
def assert_entry(iss: Iss, pc: int, ecode: int, esubcode: int = 0) -> None:
    values = iss.csr.values
    assert iss.pc == HANDLER
    assert values[C.CSR_ERA] == pc
    assert (values[C.CSR_ESTAT] >> 16) & 0x3F == ecode and (values[C.CSR_ESTAT] >> 22) & 0x1FF == esubcode
    assert values[C.CSR_CRMD] & 0x207 == 0  # PLV0, IE = 0, WE = 0
    assert iss.last_trap == 1 and iss.last_trap_int == 0
    assert (iss.last_trap_ecode, iss.last_trap_esubcode, iss.last_pc) == (ecode, esubcode, pc)
    assert iss.last_rd == 0 and iss.last_mem_we == 0 and iss.last_mem_re == 0 and iss.last_csr_we == 0


@pytest.mark.parametrize(("word", "ecode"), [
    (encode("syscall", code=0x12), 0x0B), (encode("break", code=5), 0x0C), (0xFFFF_FFFF, 0x0D),
    (encode("fadd.d", fd=1, fj=2, fk=3), 0x0D), (encode("amswap.w", rd=4, rj=4, rk=5), 0x0D),
    (encode("invtlb", op=7, rj=0, rk=0), 0x0D),
])
def test_synchronous_exception_entry(word, ecode):
    iss = make([word], {4: DATA})
    iss.csr.values[C.CSR_CRMD] |= C.CRMD_IE | C.CRMD_WE
    iss.step()
    assert_entry(iss, BASE, ecode)
    assert csr(iss, C.CSR_BADI) == sext32(word)
    assert csr(iss, C.CSR_BADV) == 0  # not an address exception
    assert csr(iss, C.CSR_PRMD) == 0b1100  # PPLV 0, PIE 1, PWE 1
    assert csr(iss, C.CSR_CRMD) == C.CRMD_DA
    assert iss.retired == 1


def test_ale_sets_badv_to_the_address():
    word = encode("ld.w", rd=4, rj=5, si12=2)
    iss = make([word], {5: DATA})
    iss.step()
    assert_entry(iss, BASE, 0x09)
    assert csr(iss, C.CSR_BADV) == DATA + 2 and csr(iss, C.CSR_BADI) == word


def test_adef_on_a_misaligned_pc():
    iss = make([encode("jirl", rd=0, rj=5, offs=0)], {5: 0x2002})
    iss.csr.values[C.CSR_BADI] = 0x77
    steps(iss, 2)
    assert_entry(iss, 0x2002, 0x08, 0)
    assert csr(iss, C.CSR_BADV) == 0x2002 and csr(iss, C.CSR_BADI) == 0x77  # the word was never fetched
    assert iss.last_insn == 0


def test_ipe_from_plv3_saves_pplv():
    iss = make([encode("csrrd", rd=4, csr=0)], {4: 9})
    set_plv3(iss)
    iss.step()
    assert_entry(iss, BASE, 0x0E)
    assert csr(iss, C.CSR_PRMD) & 3 == 3 and iss.regs[4] == 9
    assert iss.last_plv == 3


PRIVILEGED = [encode("csrrd", rd=4, csr=0x30), encode("csrwr", rd=4, csr=0x30),
              encode("csrxchg", rd=4, rj=5, csr=0x30), encode("iocsrrd.w", rd=4, rj=5),
              encode("iocsrwr.d", rd=4, rj=5), encode("tlbclr"), encode("tlbflush"), encode("tlbsrch"),
              encode("tlbrd"), encode("tlbwr"), encode("tlbfill"), encode("invtlb", op=0, rj=0, rk=0),
              encode("cacop", code=0, rj=5, si12=0), encode("lddir", rd=4, rj=5, level=1),
              encode("ldpte", rj=5, seq=0), encode("ertn"), encode("idle", level=0), encode("dbcl", code=0)]


@pytest.mark.parametrize("word", PRIVILEGED, ids=[f"{w:08x}" for w in PRIVILEGED])
@pytest.mark.parametrize("plv", [1, 3])
def test_privileged_instructions_raise_ipe_at_plv_above_0(word, plv):
    iss = make([word], {5: DATA})
    iss.csr.values[C.CSR_CRMD] |= plv
    iss.step()
    assert_entry(iss, BASE, 0x0E)


def test_debug_instructions_are_not_modelled_yet():
    iss = make([encode("dbcl", code=0)])
    with pytest.raises(UnimplementedInstruction):
        iss.step()


@pytest.mark.parametrize("word", [encode("tlbclr"), encode("tlbflush"), encode("invtlb", op=5, rj=1, rk=2),
                                  encode("cacop", code=8, rj=5, si12=0)])
def test_tlb_maintenance_of_an_empty_tlb_and_cacop_just_retire(word):
    iss = make([word], {5: DATA})
    iss.step()
    assert iss.pc == BASE + 4 and iss.last_trap == 0


def test_rdtime_raises_ipe_when_misc_drdtl_is_set():
    iss = make([encode("rdtime.d", rd=4, rj=5), encode("rdtime.d", rd=4, rj=5)])
    set_plv3(iss)
    iss.csr.values[C.CSR_MISC] |= 1 << 7  # DRDTL3
    iss.step()
    assert_entry(iss, BASE, 0x0E)


@pytest.mark.parametrize(("vs", "word", "vector"), [(3, encode("syscall", code=0), 0x0B),
                                                    (1, encode("break", code=0), 0x0C), (7, 0xFFFF_FFFF, 0x0D)])
def test_vectored_exception_entry(vs, word, vector):
    iss = make([word], handler=0x10000)
    put(iss.memory, 0x10000 + (vector << (vs + 2)), [encode("b", offs=0)])
    iss.csr.values[C.CSR_ECFG] = vs << 16
    iss.step()
    assert iss.pc == 0x10000 + (vector << (vs + 2))


def test_no_handler_stops_with_the_old_errors():
    iss = make([0xFFFF_FFFF], handler=None)
    with pytest.raises(IllegalInstruction):
        iss.step()
    assert iss.pc == BASE and iss.retired == 0


def test_run_takes_exceptions_like_step():
    """A syscall loop: the handler bumps ERA and returns; run() and step() end in the same state."""
    program = [encode("addi.d", rd=4, rj=4, si12=1), encode("syscall", code=0), encode("bne", rj=4, rd=5, offs=-8),
               encode("st.b", rd=7, rj=8, si12=0)]
    handler = [encode("csrrd", rd=6, csr=C.CSR_ERA), encode("addi.d", rd=6, rj=6, si12=4),
               encode("csrwr", rd=6, csr=C.CSR_ERA), encode("addi.d", rd=9, rj=9, si12=1), encode("ertn")]
    regs = {5: 50, 7: 0x34, 8: soc.GED_SLEEP_CTL}
    fast, slow = make(program, regs), make(program, regs)
    for iss in (fast, slow):
        put(iss.memory, HANDLER, handler)
    fast.run(10_000)
    while not slow.powered_off:
        slow.step()
    assert fast.regs == slow.regs and fast.retired == slow.retired
    assert fast.regs[9] == 50


# --- ertn -----------------------------------------------------------------------------------------------------
def test_ertn_restores_from_prmd():
    iss = make([encode("ertn")])
    values = iss.csr.values
    values[C.CSR_PRMD], values[C.CSR_ERA] = 0b1011, 0x2000  # PPLV 3, PIE 0, PWE 1
    iss.step()
    assert iss.pc == 0x2000 and csr(iss, C.CSR_CRMD) == C.CRMD_DA | 3 | C.CRMD_WE
    assert iss.last_ertn == 1 and iss.last_trap == 0


def test_ertn_from_a_tlb_refill():
    iss = make([encode("ertn")])
    values = iss.csr.values
    values[C.CSR_TLBRERA], values[C.CSR_TLBRPRMD] = 0x3000 | 1, 0b10100  # IsTLBR; PIE 1, PWE 1
    values[C.CSR_PRMD], values[C.CSR_ERA] = 3, 0x5000
    iss.step()
    assert iss.pc == 0x3000
    assert csr(iss, C.CSR_CRMD) == C.CRMD_PG | C.CRMD_IE | C.CRMD_WE
    assert csr(iss, C.CSR_TLBRERA) == 0x3000


@pytest.mark.parametrize("klo", [0, 1])
def test_ertn_clears_the_llbit_unless_klo(klo):
    iss = make([encode("ll.w", rd=4, rj=5, si14=0), encode("ertn")], {5: DATA})
    iss.csr.values[C.CSR_ERA] = BASE + 8
    iss.csr.values[C.CSR_LLBCTL] = klo * C.LLBCTL_KLO
    steps(iss, 2)
    assert iss.llbit == bool(klo)
    assert csr(iss, C.CSR_LLBCTL) & C.LLBCTL_KLO == 0  # KLO acts once


# --- interrupts (standalone) ------------------------------------------------------------------------------------
def irq_ready(words: list[int] | None = None, lie: int = 0x1FFF, vs: int = 0, **kw) -> Iss:
    iss = make(words or [encode("addi.d", rd=4, rj=4, si12=1)] * 8, handler=0x10000, **kw)
    put(iss.memory, 0x10000, [encode("b", offs=0)] * 1024)
    iss.csr.values[C.CSR_ECFG] = lie | (vs << 16)
    iss.csr.values[C.CSR_CRMD] |= C.CRMD_IE
    return iss


@pytest.mark.parametrize(("lines", "taken"), [
    (0b11, 1), (1 << 12 | 1 << 11, 12), (1 << 11 | 1 << 10 | 1 << 9, 11), (1 << 10 | 1 << 2, 10),
    (1 << 9 | 1 << 2 | 1, 9), (1 << 2 | 1 << 1, 2), (1, 0)])
def test_interrupt_priority_is_the_highest_number(lines, taken):
    iss = irq_ready(vs=2)
    iss.set_irq_lines(lines)
    iss.csr.values[C.CSR_ESTAT] |= lines & 3
    iss.step()
    assert iss.last_trap == 1 and iss.last_trap_int == 1 and iss.last_trap_intno == taken
    assert iss.pc == 0x10000 + ((64 + taken) << 4)
    assert csr(iss, C.CSR_ERA) == BASE and (csr(iss, C.CSR_ESTAT) >> 16) & 0x3F == 0
    assert csr(iss, C.CSR_PRMD) & 4 and not csr(iss, C.CSR_CRMD) & C.CRMD_IE
    assert iss.retired == 0 and iss.last_pc == BASE and iss.last_ie == 1


def test_no_interrupt_without_ie_or_lie():
    iss = irq_ready(lie=0b10)
    iss.csr.values[C.CSR_ESTAT] |= 1  # SWI0 pending, not enabled
    iss.step()
    assert iss.last_trap == 0
    iss.csr.values[C.CSR_CRMD] &= ~C.CRMD_IE
    iss.csr.values[C.CSR_ESTAT] |= 2
    iss.step()
    assert iss.last_trap == 0 and iss.pc == BASE + 8


def test_software_interrupt_raised_by_csrxchg_is_taken_next():
    program = [encode("csrxchg", rd=4, rj=5, csr=C.CSR_ESTAT), encode("addi.d", rd=6, rj=6, si12=1)]
    iss = irq_ready(program, lie=0b10, regs={4: 2, 5: 2})
    iss.run_for(2)
    assert iss.pc == 0x10000 and csr(iss, C.CSR_ERA) == BASE + 4 and iss.regs[6] == 0


def test_lockstep_never_takes_an_interrupt_by_itself():
    iss = irq_ready(lockstep=True)
    iss.set_irq_lines(1 << 12)
    iss.step()
    assert iss.last_trap == 0 and iss.pc == BASE + 4


def test_take_interrupt_enters_the_handler():
    iss = irq_ready(lockstep=True, vs=1)
    iss.step()
    iss.set_irq_lines(1 << 11 | 1 << 3)
    iss.take_interrupt(11)
    assert iss.pc == 0x10000 + ((64 + 11) << 3) and csr(iss, C.CSR_ERA) == BASE + 4
    assert (iss.last_trap, iss.last_trap_int, iss.last_trap_intno, iss.last_pc) == (1, 1, 11, BASE + 4)
    iss.step()  # the handler's first instruction: the trap fields are cleared
    assert iss.last_trap == 0 and iss.last_trap_int == 0


@pytest.mark.parametrize(("setup", "intno", "message"), [
    ("ie0", 12, "CRMD.IE = 0"), ("none", 11, "nothing is pending and enabled"),
    ("other", 2, r"the highest pending and enabled one is 12 \(IPI\)"), ("masked", 12, "nothing is pending")])
def test_take_interrupt_mismatch_names_the_state(setup, intno, message):
    iss = irq_ready(lockstep=True, lie=0x1FFF if setup != "masked" else 0x7FF)
    if setup == "ie0":
        iss.csr.values[C.CSR_CRMD] &= ~C.CRMD_IE
    if setup in ("ie0", "other"):
        iss.set_irq_lines(1 << 12 | 1 << 2)
    if setup == "masked":
        iss.set_irq_lines(1 << 12)
    with pytest.raises(InterruptMismatch, match=message) as info:
        iss.take_interrupt(intno)
    assert "ESTAT.IS" in str(info.value) and "ECFG.LIE" in str(info.value)
    assert iss.pc == BASE


# --- idle -----------------------------------------------------------------------------------------------------
def test_idle_with_nothing_to_wake_it_is_an_error_standalone():
    iss = make([encode("idle", level=0), encode("addi.d", rd=4, rj=4, si12=1)])
    iss.step()
    assert iss.pc == BASE + 4 and iss.idle_halted
    with pytest.raises(IdleForever, match="ECFG.LIE"):
        iss.step()


def test_idle_with_ie0_continues_after_the_wake_up():
    iss = make([encode("idle", level=0), encode("addi.d", rd=4, rj=4, si12=1)])
    iss.csr.values[C.CSR_ECFG] = 1 << 12
    iss.step()
    iss.set_irq_lines(1 << 12)
    iss.step()
    assert iss.regs[4] == 1 and iss.last_trap == 0 and not iss.idle_halted


def test_timer_wakes_idle_and_era_is_idle_plus_4():
    program = [encode("csrwr", rd=4, csr=C.CSR_TCFG), encode("idle", level=0), encode("b", offs=0)]
    iss = irq_ready(program, lie=1 << 11, regs={4: 1000 | C.TCFG_EN})
    steps(iss, 3)
    assert iss.last_trap_int == 1 and iss.last_trap_intno == 11
    assert csr(iss, C.CSR_ERA) == BASE + 8
    assert iss.counter_now() == 0 + 1000 + 2  # the TCFG write had counter 0; TI at c + InitVal + 2


def test_lockstep_idle_needs_a_wake_up():
    iss = make([encode("idle", level=0), encode("addi.d", rd=4, rj=4, si12=1)], lockstep=True)
    iss.csr.values[C.CSR_ECFG] = 1 << 2
    iss.step()
    with pytest.raises(AsyncInputError, match="after idle"):
        iss.step()


def test_lockstep_idle_woken_by_a_line_that_fell_again():
    iss = make([encode("idle", level=0), encode("addi.d", rd=4, rj=4, si12=1)], lockstep=True)
    iss.csr.values[C.CSR_ECFG] = 1 << 2
    iss.step()
    iss.set_irq_lines(1 << 2)
    iss.set_irq_lines(0)
    iss.step()
    assert iss.regs[4] == 1


@pytest.mark.parametrize("ie", [0, 1])
@pytest.mark.parametrize(("name", "line", "before"), [("TI", 11, True), ("TI", 11, False), ("HWI5", 7, False),
                                                      ("SWI1", 1, True)])
def test_lockstep_idle_ended_by_a_masked_line_is_an_idle_wake_error(ie, name, line, before):
    """architecture.md 4.6: a line pending but not enabled (LIE = IPI only) must not end idle, whether it
    was pending at the idle or rose while the core slept (design.md 7.4)."""
    iss = irq_ready([encode("idle", level=0), encode("addi.d", rd=4, rj=4, si12=1)], lie=1 << 12, lockstep=True)
    iss.csr.values[C.CSR_CRMD] = (iss.csr.values[C.CSR_CRMD] & ~C.CRMD_IE) | (C.CRMD_IE if ie else 0)
    if line < 2:
        iss.csr.values[C.CSR_ESTAT] |= 1 << line   # software interrupts: software's own bits
    elif before:
        iss.set_irq_lines(1 << line)
    iss.step()
    if line >= 2 and not before:
        iss.set_irq_lines(1 << line)
    with pytest.raises(IdleWakeError, match="after idle") as err:
        iss.step()
    assert (err.value.is_bits, err.value.lie, err.value.idle_pc) == (1 << line, 1 << 12, BASE)
    assert err.value.is_seen == 1 << line


def test_lockstep_idle_ended_by_an_enabled_line_with_ie0():
    """Wake-up ignores CRMD.IE: an enabled line pending at the idle ends it at once, nothing is taken."""
    iss = make([encode("idle", level=0), encode("addi.d", rd=4, rj=4, si12=1)], lockstep=True)
    iss.csr.values[C.CSR_ECFG] = 1 << 11
    iss.set_irq_lines(1 << 11)
    steps(iss, 2)
    assert iss.regs[4] == 1 and iss.last_trap == 0 and not iss.idle_halted


def test_lockstep_interrupt_after_idle():
    iss = irq_ready([encode("idle", level=0), encode("b", offs=0)], lockstep=True)
    iss.step()
    iss.set_irq_lines(1 << 12)
    iss.take_interrupt(12)
    assert csr(iss, C.CSR_ERA) == BASE + 4 and not iss.idle_halted


# --- timer (standalone) ---------------------------------------------------------------------------------------
def timer_program(tcfg: int, n_nops: int, reads: int = 0) -> Iss:
    """csrwr TCFG (counter 0), then nops; `reads` csrrd TVAL into r10+."""
    words = [encode("csrwr", rd=4, csr=C.CSR_TCFG)]
    words += [encode("csrrd", rd=10 + i, csr=C.CSR_TVAL) for i in range(reads)]
    words += [encode("andi", rd=0, rj=0, ui12=0)] * n_nops + [encode("b", offs=0)]
    return make(words, {4: tcfg})


def test_tval_counts_down_from_the_cycle_after_the_write():
    iss = steps(timer_program(100 | C.TCFG_EN, 0, reads=3), 4)
    assert [iss.regs[10], iss.regs[11], iss.regs[12]] == [100, 99, 98]  # counters 1, 2, 3


def test_ti_rises_at_c_plus_initval_plus_2():
    iss = timer_program(8 | C.TCFG_EN, 40)
    steps(iss, 9)  # counters 0..8
    assert not csr(iss, C.CSR_ESTAT) & (1 << 11)
    iss.step()  # the instruction with counter 9... TI is visible from counter 10
    assert not csr(iss, C.CSR_ESTAT) & (1 << 11)
    iss.step()
    assert csr(iss, C.CSR_ESTAT) & (1 << 11)


def test_one_shot_stops_with_tval_all_ones_and_en_still_1():
    iss = timer_program(8 | C.TCFG_EN, 40)
    steps(iss, 20)
    assert csr(iss, C.CSR_TVAL) == TVAL_ALL_ONES and csr(iss, C.CSR_TCFG) & C.TCFG_EN
    iss.csr.write(C.CSR_TICLR, 1)
    steps(iss, 20)
    assert not csr(iss, C.CSR_ESTAT) & (1 << 11)  # no second expiry


def test_periodic_timer_reloads():
    iss = timer_program(8 | C.TCFG_EN | C.TCFG_PERIODIC, 0)
    iss.steps = 0
    expiries = []
    for _ in range(60):
        iss.step()
        if csr(iss, C.CSR_ESTAT) & (1 << 11):
            expiries.append(iss.counter_now() - 1)  # the counter of the instruction it preceded
            iss.csr.write(C.CSR_TICLR, 1)
    assert expiries == [10, 19, 28, 37, 46, 55]  # period InitVal + 1
    assert csr(iss, C.CSR_TVAL) == 8 - (iss.counter_now() - 1) % 9


def test_periodic_interrupt_count_in_run():
    """A periodic timer interrupts a loop; the handler counts, clears TI and returns."""
    program = [encode("csrwr", rd=4, csr=C.CSR_TCFG), encode("addi.d", rd=5, rj=5, si12=1),
               encode("bne", rj=5, rd=6, offs=-4), encode("st.b", rd=7, rj=8, si12=0)]
    handler = [encode("addi.d", rd=9, rj=9, si12=1), encode("ori", rd=10, rj=0, ui12=1),
               encode("csrwr", rd=10, csr=C.CSR_TICLR), encode("ertn")]
    iss = irq_ready(program, lie=1 << 11, regs={4: 96 | 3, 6: 3000, 7: 0x34, 8: soc.GED_SLEEP_CTL})
    put(iss.memory, 0x10000, handler)
    iss.run(100_000)
    # the TCFG write has counter 0: expiries at 98, 195, ... (period 97) while the loop runs
    assert abs(iss.regs[9] - (iss.retired - 98) // 97 - 1) <= 1
    assert iss.regs[9] > 60


def test_tcfg_write_keeps_ti_and_ticlr_clears_it():
    iss = timer_program(0 | C.TCFG_EN, 10)
    steps(iss, 4)
    assert csr(iss, C.CSR_ESTAT) & (1 << 11)
    iss.csr.write(C.CSR_TCFG, 1000 | C.TCFG_EN)
    assert csr(iss, C.CSR_ESTAT) & (1 << 11)
    iss.csr.write(C.CSR_TICLR, 1)
    assert not csr(iss, C.CSR_ESTAT) & (1 << 11)
    assert csr(iss, C.CSR_TVAL) != TVAL_ALL_ONES  # TICLR leaves TVAL alone


def test_rdtime_standalone_adds_cntc_and_writes_tid():
    iss = make([encode("addi.d", rd=0, rj=0, si12=0), encode("rdtime.d", rd=4, rj=5),
                encode("rdtimeh.w", rd=6, rj=0), encode("rdtimel.w", rd=7, rj=0)], core_id=2)
    iss.csr.values[C.CSR_CNTC] = 0xFFFF_FFFF_0000_0000
    steps(iss, 2)
    assert iss.regs[4] == 0xFFFF_FFFF_0000_0001 and iss.regs[5] == 2
    assert (iss.last_rd, iss.last_rd2, iss.last_rd2_value) == (4, 5, 2)
    steps(iss, 2)
    assert iss.regs[6] == M64 and iss.regs[7] == 3 and iss.last_rd2 == 0


def test_lockstep_async_values():
    iss = make([encode("rdtime.d", rd=4, rj=0), encode("csrrd", rd=5, csr=C.CSR_TVAL),
                encode("rdtimel.w", rd=6, rj=0), encode("rdtime.d", rd=4, rj=0), encode("rdtime.d", rd=4, rj=0)],
               lockstep=True)
    iss.set_async_value(1000)
    iss.step()
    iss.set_async_value(77)
    iss.step()
    assert iss.regs[4] == 1000 and iss.regs[5] == 77
    with pytest.raises(AsyncInputError, match="set_async_value"):
        iss.step()
    iss.set_async_value(0xFFFF_FFFF_8000_0000)
    iss.step()
    assert iss.regs[6] == 0xFFFF_FFFF_8000_0000
    iss.set_async_value(999)
    with pytest.raises(AsyncInputError, match="backwards"):
        iss.step()


def test_lockstep_ticlr_and_tcfg_leave_the_lines_to_the_trace():
    iss = make([encode("csrwr", rd=4, csr=C.CSR_TICLR), encode("csrwr", rd=5, csr=C.CSR_TCFG)],
               {4: 1, 5: 1}, lockstep=True)
    iss.set_irq_lines(1 << 11)
    steps(iss, 2)
    assert csr(iss, C.CSR_ESTAT) & (1 << 11)
    assert iss.timer.next_expiry is None


# --- IOCSR, IPI, mailboxes, EXTIOI ---------------------------------------------------------------------------------
def two_harts(prog0: list[int], prog1: list[int] | None = None, lockstep: bool = False) -> tuple[Iss, Iss]:
    memory = Memory(ram_size=1 << 20)
    h0 = make(prog0, memory=memory, lockstep=lockstep)
    h1 = make(prog1 or [encode("b", offs=0)], memory=memory, core_id=1, entry=0x2000, lockstep=lockstep)
    return h0, h1


def iocsr_wr(size: str, rd: int, rj: int) -> int:
    return encode(f"iocsrwr.{size}", rd=rd, rj=rj)


def iocsr_rd(size: str, rd: int, rj: int) -> int:
    return encode(f"iocsrrd.{size}", rd=rd, rj=rj)


def test_ipi_send_sets_the_targets_status_and_line():
    h0, h1 = two_harts([iocsr_wr("w", 4, 5), iocsr_wr("w", 6, 7)])
    h0.regs.__setitem__(4, (1 << 16) | 7)
    h0.regs[5], h0.regs[6], h0.regs[7] = soc.IOCSR_IPI_SEND, 1 << 7, soc.IOCSR_IPI_EN  # own EN, not core 1's
    h0.step()
    io = h0.memory.iocsr
    assert io.ipi[1].status == 1 << 7 and io.ipi[0].status == 0
    assert not csr(h1, C.CSR_ESTAT) & (1 << 12)  # core 1's EN is 0
    io.store(1, soc.IOCSR_IPI_EN, 2, 1 << 7)
    assert csr(h1, C.CSR_ESTAT) & (1 << 12)
    io.store(1, soc.IOCSR_IPI_CLEAR, 2, 1 << 7)
    assert not csr(h1, C.CSR_ESTAT) & (1 << 12)
    assert h0.last_iocsr == 1 and h0.last_mem_we == 1 and h0.last_mem_addr == soc.IOCSR_IPI_SEND
    assert h0.last_mem_size == 2 and h0.last_mem_wdata == (1 << 16) | 7


def test_ipi_line_is_status_and_en():
    h0, _ = two_harts([])
    io = h0.memory.iocsr
    io.store(0, soc.IOCSR_IPI_SET, 2, 0b101)
    io.store(0, soc.IOCSR_IPI_EN, 0, 0b100)
    assert io.ipi_level(0) and csr(h0, C.CSR_ESTAT) & (1 << 12)
    io.store(0, soc.IOCSR_IPI_CLEAR, 2, 0b100)
    assert io.ipi[0].status == 1 and not csr(h0, C.CSR_ESTAT) & (1 << 12)  # STATUS != 0 but not enabled


def test_mail_send_writes_one_half_with_a_byte_keep_mask():
    h0, _ = two_harts([])
    io = h0.memory.iocsr
    io.store(0, soc.IOCSR_MAIL_SEND, 3, (0x89ABCDEF << 32) | (1 << 16) | (2 << 3) | (0 << 2))  # box 2 low
    io.store(0, soc.IOCSR_MAIL_SEND, 3, (0x01234567 << 32) | (0b1001 << 27) | (1 << 16) | (2 << 3) | (1 << 2))
    io.store(0, soc.IOCSR_MAIL_SEND, 3, (0xFFFF << 32) | (9 << 16))  # absent core: dropped
    assert io.ipi[1].mbuf[2] == 0x0023_4500_89AB_CDEF
    assert io.load(1, soc.IOCSR_IPI_MBUF0 + 16, 3) == 0x0023_4500_89AB_CDEF
    assert io.load(1, soc.IOCSR_IPI_MBUF0 + 16 + 4, 2) == 0x0023_4500
    assert io.load(1, soc.IOCSR_IPI_MBUF0 + 16 + 6, 1) == 0x0023
    assert io.ipi[0].mbuf == [0, 0, 0, 0]


def test_mbuf_partial_writes_and_chip_words():
    h0, _ = two_harts([iocsr_rd("w", 4, 5), iocsr_rd("d", 6, 7)])
    io = h0.memory.iocsr
    io.store(0, soc.IOCSR_IPI_MBUF0 + 8 + 2, 1, 0xBEEF)
    io.store(0, soc.IOCSR_IPI_MBUF0 + 8 + 7, 0, 0x12)
    assert io.ipi[0].mbuf[1] == 0x1200_0000_BEEF_0000
    assert io.load(0, soc.IOCSR_VERSION, 3) == 0x11 and io.load(0, soc.IOCSR_FEATURES, 3) == 0x1C
    assert io.load(0, soc.IOCSR_VENDOR, 3) == 0x6E6F_7367_6E6F_6F4C
    assert io.load(0, soc.IOCSR_CPUNAME, 2) == 0x3035_4133
    assert io.load(0, soc.IOCSR_VENDOR + 4, 2) == 0  # only the exact address answers (as la_iocsr)
    assert io.load(0, soc.IOCSR_IPI_SET, 2) == 0 and io.load(0, 0x4000, 3) == 0
    io.store(0, soc.IOCSR_IPI_STATUS, 2, 5)  # read-only
    assert io.ipi[0].status == 0
    io.store(0, soc.IOCSR_IPI_SET, 2, 0x8000_0000)
    h0.regs[5], h0.regs[7] = soc.IOCSR_IPI_STATUS, soc.IOCSR_IPI_MBUF0 + 8
    steps(h0, 2)
    assert h0.regs[4] == 0xFFFF_FFFF_8000_0000  # iocsrrd sign-extends
    assert h0.regs[6] == 0x1200_0000_BEEF_0000 and h0.last_iocsr == 1 and h0.last_mem_re == 1


def test_iocsr_writes_take_only_the_access_size():
    h0, _ = two_harts([])
    io = h0.memory.iocsr
    io.store(0, soc.IOCSR_IPI_EN, 0, 0x1FF)  # a byte write zero-extends into the whole register
    assert io.ipi[0].en == 0xFF
    io.store(0, soc.IOCSR_IPI_SEND, 0, 0x1_0003)  # size B: the core field is cut off -> core 0
    assert io.ipi[0].status == 1 << 3


def test_extioi_routes_enabled_sources_to_a_cores_hwi():
    h0, h1 = two_harts([])
    io = h0.memory.iocsr
    io.store(0, soc.IOCSR_EXTIOI_IPMAP + 5, 0, 3)  # source 5 -> HWI3
    io.store(0, soc.IOCSR_EXTIOI_ROUTE + 5, 0, 0b10)  # -> core 1
    io.set_device_lines(1 << 5)
    assert io.load(0, soc.IOCSR_EXTIOI_ISR, 2) == 0 and not csr(h1, C.CSR_ESTAT) & (1 << 5)
    io.store(1, soc.IOCSR_EXTIOI_EN, 2, 1 << 5)
    assert io.load(0, soc.IOCSR_EXTIOI_ISR, 2) == 1 << 5
    assert csr(h1, C.CSR_ESTAT) & 0x1FFC == 1 << (2 + 3) and not csr(h0, C.CSR_ESTAT) & 0x1FFC
    assert io.load(0, soc.IOCSR_EXTIOI_IPMAP + 4, 3) == 3 << 8
    io.store(0, soc.IOCSR_EXTIOI_ISR, 2, 0)  # read-only
    assert io.extioi.pending == 1 << 5
    io.set_device_lines(0)
    assert not csr(h1, C.CSR_ESTAT) & 0x1FFC


def test_lockstep_harts_do_not_get_lines_from_the_iocsr_block():
    h0, h1 = two_harts([], lockstep=True)
    h0.memory.iocsr.store(0, soc.IOCSR_IPI_EN, 2, 1)
    h0.memory.iocsr.store(0, soc.IOCSR_IPI_SET, 2, 1)
    assert not csr(h0, C.CSR_ESTAT) & (1 << 12)


def test_two_cores_ipi_wakes_an_idle_core_in_a_machine():
    """Core 1 enables IPI and idles (IE = 1); core 0 sends it a mailbox word and an IPI and waits for the
    handler's flag; then powers off."""
    prog0 = [encode("ld.w", rd=4, rj=10, si12=0), encode("beqz", rj=4, offs=-4),  # core 1 ready
             encode("iocsrwr.d", rd=5, rj=6), encode("iocsrwr.w", rd=7, rj=8),  # mail, then IPI
             encode("ld.w", rd=4, rj=10, si12=4), encode("beqz", rj=4, offs=-4),
             encode("st.b", rd=11, rj=12, si12=0)]
    prog1 = [encode("iocsrwr.w", rd=4, rj=5), encode("csrwr", rd=6, csr=C.CSR_ECFG),
             encode("csrwr", rd=7, csr=C.CSR_CRMD), encode("st.w", rd=8, rj=10, si12=0),
             encode("idle", level=0), encode("b", offs=0)]
    handler1 = [encode("lu12i.w", rd=5, si20=1), encode("ori", rd=5, rj=5, ui12=0x20),  # MBUF0
                encode("iocsrrd.d", rd=4, rj=5), encode("st.d", rd=4, rj=10, si12=8),
                encode("csrrd", rd=4, csr=C.CSR_ERA), encode("st.d", rd=4, rj=10, si12=16),
                encode("st.w", rd=8, rj=10, si12=4), encode("b", offs=0)]
    memory = Memory(ram_size=1 << 20)
    put(memory, 0x3000, handler1)
    h0 = make(prog0, {5: (0xCAFE << 32) | (1 << 16), 6: soc.IOCSR_MAIL_SEND, 7: (1 << 16) | 4,
                      8: soc.IOCSR_IPI_SEND, 10: DATA, 11: 0x34, 12: soc.GED_SLEEP_CTL}, memory=memory, handler=None)
    h1 = Iss(memory, 1, 0x2000)
    put(memory, 0x2000, prog1)
    h1.regs[4], h1.regs[5], h1.regs[6], h1.regs[7] = M64, soc.IOCSR_IPI_EN, 1 << 12, C.CRMD_DA | C.CRMD_IE
    h1.regs[8], h1.regs[10] = 1, DATA
    h1.csr.values[C.CSR_EENTRY] = 0x3000
    h0.may_block = h1.may_block = True
    Machine([h0, h1]).run(100_000)
    mem = memory.read(DATA, 24)
    assert int.from_bytes(mem[8:16], "little") == 0xCAFE
    assert int.from_bytes(mem[16:24], "little") == 0x2000 + 5 * 4  # ERA = idle + 4
    assert h1.csr.values[C.CSR_ESTAT] & (1 << 12)  # the handler did not clear it


def test_machine_with_every_core_idle_is_an_error():
    memory = Memory(ram_size=1 << 20)
    harts = [make([encode("idle", level=0)], memory=memory, core_id=i, entry=0x1000 + 0x100 * i) for i in range(2)]
    for h in harts:
        h.may_block = True
    with pytest.raises(IdleForever, match="every core"):
        Machine(harts).run(1000)


# --- DMW translation -------------------------------------------------------------------------------------------
def pg_iss(words: list[int], dmw: dict[int, int], regs: dict[int, int] | None = None, vseg: int = 9) -> Iss:
    """A core in PG mode executing at VA (vseg << 60) | BASE."""
    iss = make(words, regs)
    values = iss.csr.values
    for i, value in dmw.items():
        values[C.CSR_DMW0 + i] = value
    values[C.CSR_CRMD] = C.CRMD_PG
    iss._update_context()
    iss.pc = (vseg << 60) | BASE
    return iss


def test_dmw_fetch_and_data():
    va_data = (0x8 << 60) | DATA
    iss = pg_iss([encode("st.d", rd=4, rj=5, si12=0), encode("ld.d", rd=6, rj=5, si12=0),
                  encode("pcaddi", rd=7, si20=0)],
                 {0: (9 << 60) | 1, 2: (8 << 60) | 1}, {4: 0x1122, 5: va_data})
    steps(iss, 3)
    assert iss.regs[6] == 0x1122 and int.from_bytes(iss.memory.read(DATA, 8), "little") == 0x1122
    assert iss.regs[7] == (9 << 60) | (BASE + 8)  # pc-relative on the virtual pc
    assert iss.last_pc == (9 << 60) | (BASE + 8)


def test_no_window_for_a_fetch_is_adef():
    iss = pg_iss([encode("addi.d", rd=4, rj=4, si12=1)], {2: (9 << 60) | 1})  # DMW2 is data only
    iss.step()
    assert iss.pc == HANDLER and csr(iss, C.CSR_BADV) == (9 << 60) | BASE
    assert (csr(iss, C.CSR_ESTAT) >> 16) & 0x7FFF == 0x08


def test_no_window_for_non_canonical_data_is_adem():
    va = (0xA << 60) | DATA  # no window, VA[63:47] neither all 0 nor all 1
    iss = pg_iss([encode("ld.d", rd=4, rj=5, si12=0)], {0: (9 << 60) | 1}, {5: va})
    iss.step()
    assert iss.last_trap == 1 and (iss.last_trap_ecode, iss.last_trap_esubcode) == (0x08, 1)
    assert csr(iss, C.CSR_BADV) == va and csr(iss, C.CSR_ERA) == (9 << 60) | BASE


def test_no_window_for_canonical_data_goes_to_the_tlb():
    iss = pg_iss([encode("ld.d", rd=4, rj=5, si12=0)], {0: (9 << 60) | 1}, {5: DATA})
    iss.csr.values[C.CSR_TLBRENTRY] = 0x6000
    iss.step()
    assert iss.last_trap == 1 and iss.last_trap_ecode == 0x3F and iss.pc == 0x6000
    assert csr(iss, C.CSR_TLBRBADV) == DATA and csr(iss, C.CSR_TLBRERA) == (9 << 60) | BASE | 1


def test_window_needs_the_current_plv():
    iss = pg_iss([encode("addi.d", rd=4, rj=4, si12=1)], {0: (9 << 60) | 1})
    iss.csr.values[C.CSR_CRMD] |= 3
    iss._update_context()
    iss.step()
    assert iss.last_trap_ecode == 0x08 and iss.last_trap_esubcode == 0


def test_translation_cache_is_not_reused_across_modes():
    """The same virtual pc runs in DA mode, then in PG mode with no window or TLB entry for it: TLB refill,
    not the cached code."""
    iss = make([encode("addi.d", rd=4, rj=4, si12=1), encode("csrwr", rd=5, csr=C.CSR_CRMD)], {5: C.CRMD_PG})
    iss.csr.values[C.CSR_TLBRENTRY] = 0x6000
    steps(iss, 2)
    iss.pc = BASE
    iss.step()
    assert iss.last_trap == 1 and iss.last_trap_ecode == 0x3F and iss.regs[4] == 1


def test_da_mode_ignores_the_upper_address_bits():
    iss = make([encode("ld.d", rd=4, rj=5, si12=0)], {5: (0x9 << 60) | DATA})
    iss.memory.write(DATA, (0x55).to_bytes(8, "little"))
    iss.step()
    assert iss.regs[4] == 0x55


def test_stores_into_code_seen_through_a_window_drop_it():
    new_word = encode("addi.d", rd=4, rj=4, si12=100)
    iss = pg_iss([encode("addi.d", rd=4, rj=4, si12=1), encode("st.w", rd=6, rj=7, si12=0),
                  encode("beqz", rj=0, offs=-8)], {0: (9 << 60) | 1}, {6: new_word, 7: (9 << 60) | BASE})
    steps(iss, 4)
    assert iss.regs[4] == 101


# --- records --------------------------------------------------------------------------------------------------
def test_plv_and_ie_are_recorded_before_the_instruction():
    iss = make([encode("csrwr", rd=4, csr=C.CSR_CRMD), encode("addi.d", rd=0, rj=0, si12=0)],
               {4: C.CRMD_DA | C.CRMD_IE})
    iss.step()
    assert (iss.last_plv, iss.last_ie) == (0, 0)
    iss.step()
    assert (iss.last_plv, iss.last_ie) == (0, 1)


def test_soc_iocsr_constants_match_la_pkg():
    pkg = (REPO / "rtl/core/la_pkg.sv").read_text()
    found = {name: int(value.replace("_", ""), 16) for name, value in
             re.findall(r"localparam logic \[\d+:0\] (IOCSR_\w+|EXTIOI_\w+)\s*=\s*\d+'h([0-9A-Fa-f_]+)", pkg)}
    assert len(found) >= 16
    for name, value in found.items():
        assert getattr(soc, name) == value, name
    assert soc.EXTIOI_SOURCES == int(re.search(r"EXTIOI_SOURCES\s*=\s*(\d+)", pkg).group(1))


def test_a_core_waiting_in_idle_with_other_cores_steps_nothing():
    iss = make([encode("idle", level=0), encode("addi.d", rd=4, rj=4, si12=1)])
    iss.may_block = True
    assert iss.step() is True
    assert iss.step() is False and iss.pc == BASE + 4 and iss.retired == 1
    iss.csr.values[C.CSR_ECFG] = 1 << 12
    iss.set_irq_lines(1 << 12)
    assert iss.step() is True and iss.regs[4] == 1


def test_csrwr_of_tval_in_lockstep_reads_the_trace_value():
    iss = make([encode("csrwr", rd=4, csr=C.CSR_TVAL)], {4: 5}, lockstep=True)
    iss.set_async_value(0x1234)
    iss.step()
    assert iss.regs[4] == 0x1234 and iss.last_csr_we == 1 and iss.last_csr_wdata == 5


def test_exception_record_has_no_effects_and_the_next_clears_it():
    iss = make([encode("ld.w", rd=4, rj=5, si12=1)], {5: DATA})
    put(iss.memory, HANDLER, [encode("addi.d", rd=6, rj=6, si12=1)])
    iss.step()
    assert (iss.last_trap, iss.last_trap_ecode, iss.last_rd, iss.last_mem_re) == (1, 0x09, 0, 0)
    iss.step()
    assert (iss.last_trap, iss.last_trap_ecode, iss.last_pc, iss.last_rd) == (0, 0, HANDLER, 6)


@pytest.mark.parametrize(("word", "needed"), [
    (encode("rdtime.d", rd=4, rj=5), True), (encode("rdtimel.w", rd=4, rj=0), True),
    (encode("rdtimeh.w", rd=0, rj=5), False), (encode("csrrd", rd=4, csr=C.CSR_TVAL), True),
    (encode("csrxchg", rd=4, rj=5, csr=C.CSR_TVAL), True), (encode("csrwr", rd=0, csr=C.CSR_TVAL), False),
    (encode("csrrd", rd=4, csr=C.CSR_TCFG), False), (encode("add.d", rd=4, rj=5, rk=6), False), (0xFFFFFFFF, False)])
def test_is_async_read_says_when_the_trace_value_is_needed(word, needed):
    assert is_async_read(word) == needed
    iss = make([word], {5: 1}, lockstep=True)
    if needed:
        with pytest.raises(AsyncInputError):
            iss.step()
    else:
        iss.step()  # runs without a value from the trace


@pytest.mark.parametrize(("mnemonic", "j", "k", "traps"), [
    ("asrtgt.d", 5, 5, True), ("asrtgt.d", 6, 5, False), ("asrtle.d", 5, 5, False), ("asrtle.d", 6, 5, True),
    # unsigned, like the RTL (la_ex_stage compares logic [63:0]) and QEMU 7.2 (target_ulong)
    ("asrtgt.d", 1 << 63, (1 << 63) - 1, False), ("asrtle.d", 1 << 63, (1 << 63) - 1, True),
    ("ldgt.d", 1 << 63, (1 << 63) - 1, False), ("ldle.d", 1 << 63, (1 << 63) - 1, True),
])
def test_bound_checks_compare_unsigned(mnemonic, j, k, traps):
    fields = {"rd": 6, "rj": 4, "rk": 5} if mnemonic.startswith("ld") else {"rj": 4, "rk": 5}
    iss = make([encode(mnemonic, **fields)], {4: j, 5: k})
    if mnemonic.startswith("ld"):  # the address j must exist when the check passes: map it to RAM
        iss.regs[4] = j if traps else DATA
        iss.regs[5] = k if traps else DATA - 1
    iss.step()
    if traps:
        assert_entry(iss, BASE, 0x0A)
    else:
        assert iss.last_trap == 0 and iss.pc == BASE + 4
