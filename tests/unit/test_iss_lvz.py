"""Reference model, LVZ (design.md 12): the guest bank and the LVZ CSRs, which bank an access reaches and the
traps to the root, guest interrupts, the guest timer, entering and leaving guest mode, two-stage translation
and the TLB instructions' GIDs, the trace v4 record fields. Each rule is tested with the case that tells it
from a plausible wrong implementation. Expected values by hand from design.md 12."""

from __future__ import annotations

import pytest
from iss_helpers import M64, lo, put, steps, store_word
from lacosim.isa.decoder import encode
from lacosim.iss import AsyncInputError, Iss, Memory
from lacosim.iss import csr as C
from lacosim.iss.errors import ECODE_GCM, ECODE_GSPR, ECODE_HVC, ECODE_INE, ECODE_IPE, ECODE_SYS, ECODE_TLBR
from lacosim.iss.timer import TVAL_ALL_ONES

BASE = 0x1000  # root code (DA mode)
HANDLER = 0x4000  # root EENTRY
REFILL = 0x6000  # root TLBRENTRY
GPA = 0x4000_0000  # guest-physical base: not RAM, so only stage 2 can map it
HPA = 0x20000  # where stage 2 puts GPA (64 KiB pages: GPA + 0x10000 -> HPA + 0x10000)
G_CODE, G_HANDLER, G_REFILL, G_DATA = GPA, GPA + 0x4000, GPA + 0x6000, GPA + 0x8000
GID = 1
SPIN = encode("b", offs=0)
ERTN = encode("ertn")


def hpa(gpa: int) -> int:
    return gpa - GPA + HPA


def map_stage2(iss: Iss, index: int = 0, gid: int = GID, gpa: int = GPA, target: int = HPA, **half: int) -> None:
    """Backdoor: a 64 KiB stage-2 page pair (root bank, GID gid, G) mapping gpa -> target."""
    changed = iss.tlb.write(index, gpa, 16, lo(target, g=1, **half), lo(target + 0x10000, g=1, **half), 0, True,
                            gid, 0)
    iss.tlb_changed(changed)


def make(guest_words: list[int], regs: dict[int, int] | None = None, *, root_words: list[int] | None = None,
         lockstep: bool = False, gcfg: int = 0, enter: bool = True, stage2: bool = True) -> Iss:
    """A root in DA mode whose first instruction is an ertn into a guest (PVM = 1, GID 1, ERA = G_CODE,
    a 16-entry partition) in DA mode; stage 2 maps the guest's 128 KiB at GPA to HPA. Root and guest
    handlers spin. `enter` steps the ertn."""
    memory = Memory(ram_size=1 << 20)
    put(memory, BASE, (root_words if root_words is not None else [ERTN]) + [SPIN])
    for addr in (HANDLER, REFILL, hpa(G_HANDLER), hpa(G_REFILL)):
        put(memory, addr, [SPIN] * 4)
    put(memory, hpa(G_CODE), guest_words + [SPIN])
    iss = Iss(memory, 0, BASE, lockstep=lockstep)
    root, guest = iss.root_csr.values, iss.guest_csr.values
    root[C.CSR_EENTRY], root[C.CSR_TLBRENTRY], root[C.CSR_ERA] = HANDLER, REFILL, G_CODE
    root[C.CSR_GSTAT] |= C.GSTAT_PVM | GID << C.GSTAT_GID_SHIFT
    root[C.CSR_GTLBC] |= 16  # a 16-entry guest partition, as a hypervisor sets it (the reset value is 0)
    root[C.CSR_GCFG] |= gcfg
    guest[C.CSR_EENTRY], guest[C.CSR_TLBRENTRY] = G_HANDLER, G_REFILL
    if stage2:
        map_stage2(iss)
    for n, value in (regs or {}).items():
        iss.regs[n] = value & M64
    if enter:
        iss.step()
        assert iss.vm == 1 and iss.pc == G_CODE
    return iss


def ecode_of(values: dict[int, int]) -> tuple[int, int]:
    estat = values[C.CSR_ESTAT]
    return (estat >> 16) & 0x3F, (estat >> 22) & 0x1FF


def assert_exit(iss: Iss, pc: int, ecode: int, esubcode: int = 0, badi: int | None = None) -> None:
    """The record is a trap taken to the root from guest mode (design.md 12.5, 12.7)."""
    root = iss.root_csr.values
    assert iss.vm == 0 and root[C.CSR_GSTAT] & (C.GSTAT_VM | C.GSTAT_PVM) == C.GSTAT_PVM
    assert iss.pc == HANDLER and root[C.CSR_ERA] == pc and ecode_of(root) == (ecode, esubcode)
    assert (iss.last_trap, iss.last_exit, iss.last_guest, iss.last_pc) == (1, 1, 1, pc)
    if badi is not None:
        assert root[C.CSR_BADI] == C.sext32(badi)


def assert_guest_trap(iss: Iss, pc: int, ecode: int) -> None:
    """The record is an exception the guest takes itself, in its own bank."""
    guest = iss.guest_csr.values
    assert iss.vm == 1 and iss.pc == G_HANDLER and guest[C.CSR_ERA] == pc and ecode_of(guest)[0] == ecode
    assert (iss.last_trap, iss.last_exit, iss.last_guest) == (1, 0, 1)
    assert iss.root_csr.values[C.CSR_ERA] == G_CODE  # the root's ERA still the entry point: untouched


# --- 12.1 state ----------------------------------------------------------------------------------------------
def test_guest_bank_holds_the_guest_copy_list_only():
    iss = Iss(Memory(ram_size=1 << 16), 2)
    guest = iss.guest_csr
    assert guest.defined(C.CSR_SAVE0 + 7) and not guest.defined(C.CSR_SAVE0 + 8)
    assert iss.root_csr.defined(C.CSR_SAVE0 + 15)
    for num in (C.CSR_GSTAT, C.CSR_GCFG, C.CSR_GINTC, C.CSR_GCNTC, C.CSR_GTLBC, C.CSR_TRGP):
        assert iss.root_csr.defined(num) and not guest.defined(num)
    assert guest.read(C.CSR_CRMD) == 0x08 and guest.read(C.CSR_TID) == 2 and guest.read(C.CSR_CPUID) == 2
    assert guest.read(C.CSR_ASID) == C.ASID_RESET and guest.read(C.CSR_PRCFG3) == C.PRCFG3_VALUE
    assert C.GUEST_CSRS == frozenset(guest.values)


def test_root_lvz_csrs_reset_values_and_read_only_fields():
    iss = Iss(Memory(ram_size=1 << 16))
    root = iss.root_csr
    assert root.read(C.CSR_GSTAT) == 0x80 and root.read(C.CSR_GCFG) == 0x0007_5543
    assert root.read(C.CSR_GTLBC) == 0 and root.read(C.CSR_GINTC) == 0 and root.read(C.CSR_TRGP) == 0
    for num in (C.CSR_GSTAT, C.CSR_GCFG, C.CSR_GINTC, C.CSR_GCNTC, C.CSR_TRGP):
        root.write(num, M64)
    assert root.read(C.CSR_GSTAT) == 0x80 | C.GSTAT_PVM | 0xFF << 16  # VM and GIDBITS read-only
    assert root.read(C.CSR_GCFG) == 0x0007_5543 | C.GCFG_WRITABLE and root.read(C.CSR_GCFG) >> 22 == 0
    assert root.read(C.CSR_GINTC) == 0xFF_FFFF and root.read(C.CSR_GCNTC) == M64 and root.read(C.CSR_TRGP) == 0
    assert iss.vm == 0  # writing GSTAT does not enter guest mode


@pytest.mark.parametrize(("written", "stored"), [(63, 32), (33, 32), (32, 32), (5, 5)])
def test_gmtlbnum_above_32_stores_32(written, stored):
    iss = make([], root_words=[encode("csrwr", rd=4, csr=C.CSR_GTLBC)], regs={4: written | C.GTLBC_USETGID},
               enter=False)
    iss.step()
    assert iss.root_csr.values[C.CSR_GTLBC] == stored | C.GTLBC_USETGID


def test_cpucfg2_says_lvz_and_csr_names():
    iss = make([], root_words=[encode("cpucfg", rd=4, rj=5)], regs={5: 2}, enter=False)
    iss.step()
    assert iss.regs[4] >> 10 & 1 == 1 and iss.regs[4] >> 11 & 7 == 1
    assert [C.csr_name(n) for n in (0x50, 0x51, 0x52, 0x53, 0x15, 0x16)] == \
        ["GSTAT", "GCFG", "GINTC", "GCNTC", "GTLBC", "TRGP"]


# --- 12.2 which bank an access reaches, traps to the root --------------------------------------------------
def test_guest_csr_of_save8_is_gspr_while_save7_reaches_the_guest_copy():
    iss = make([encode("csrrd", rd=4, csr=C.CSR_SAVE0 + 7), encode("csrrd", rd=5, csr=C.CSR_SAVE0 + 8)])
    iss.guest_csr.values[C.CSR_SAVE0 + 7] = 0x77
    iss.root_csr.values[C.CSR_SAVE0 + 7] = 0x1234
    iss.step()
    assert iss.regs[4] == 0x77 and iss.last_trap == 0 and iss.last_guest == 1
    iss.step()
    assert_exit(iss, G_CODE + 4, ECODE_GSPR, badi=encode("csrrd", rd=5, csr=C.CSR_SAVE0 + 8))
    assert iss.regs[5] == 0


def test_guest_plv3_csrrd_is_ipe_to_the_guest_not_an_exit():
    iss = make([encode("csrrd", rd=4, csr=C.CSR_SAVE0 + 8)])
    iss.guest_csr.values[C.CSR_CRMD] |= 3
    iss._update_context()
    iss.step()
    assert_guest_trap(iss, G_CODE, ECODE_IPE)


def test_guest_csrwr_writes_the_guest_bank_and_records_gcsr():
    iss = make([encode("csrwr", rd=4, csr=C.CSR_SAVE0)], {4: 0xAB})
    iss.step()
    assert iss.guest_csr.values[C.CSR_SAVE0] == 0xAB and iss.root_csr.values[C.CSR_SAVE0] == 0
    assert (iss.last_csr_we, iss.last_csr_num, iss.last_csr_wdata, iss.last_gcsr) == (1, C.CSR_SAVE0, 0xAB, 1)


def test_root_gcsr_reaches_the_guest_bank_and_unknown_guest_csrs_read_zero():
    words = [encode("gcsrwr", rd=4, csr=C.CSR_SAVE0 + 3), encode("gcsrrd", rd=5, csr=C.CSR_SAVE0 + 3),
             encode("gcsrwr", rd=6, csr=C.CSR_SAVE0 + 8), encode("gcsrrd", rd=7, csr=C.CSR_GSTAT),
             encode("csrwr", rd=8, csr=C.CSR_SAVE0 + 3)]
    iss = make([], root_words=words, regs={4: 0x55, 6: 0x66, 8: 0x88}, enter=False)
    iss.root_csr.values[C.CSR_SAVE0 + 8] = 0x99
    iss.step()
    assert (iss.last_gcsr, iss.last_csr_num, iss.last_csr_wdata) == (1, C.CSR_SAVE0 + 3, 0x55)
    steps(iss, 3)
    assert iss.regs[5] == 0x55 and iss.regs[4] == 0  # old value of the guest SAVE3
    assert iss.regs[6] == 0 and iss.root_csr.values[C.CSR_SAVE0 + 8] == 0x99  # SAVE8: reads 0, write ignored
    assert iss.regs[7] == 0  # GSTAT has no guest copy: gcsrrd reads 0
    iss.step()  # a root csrwr: the root bank, no gcsr flag
    assert iss.root_csr.values[C.CSR_SAVE0 + 3] == 0x88 and iss.guest_csr.values[C.CSR_SAVE0 + 3] == 0x55
    assert iss.last_gcsr == 0


@pytest.mark.parametrize("word", [encode("gcsrrd", rd=4, csr=0), encode("gcsrwr", rd=4, csr=0),
                                  encode("gcsrxchg", rd=4, rj=5, csr=0), encode("gtlbflush")])
@pytest.mark.parametrize("plv", [0, 3])
def test_lvz_instructions_in_guest_mode(word, plv):
    """GSPR at guest PLV0, the guest's IPE at PLV3."""
    iss = make([word])
    iss.guest_csr.values[C.CSR_CRMD] |= plv
    iss._update_context()
    iss.step()
    if plv:
        assert_guest_trap(iss, G_CODE, ECODE_IPE)
    else:
        assert_exit(iss, G_CODE, ECODE_GSPR, badi=word)


@pytest.mark.parametrize("word", [encode("gcsrrd", rd=4, csr=0), encode("gtlbflush")])
def test_lvz_instructions_at_root_plv3_are_ipe(word):
    iss = make([], root_words=[word], enter=False)
    iss.root_csr.values[C.CSR_EENTRY] = HANDLER
    iss.root_csr.values[C.CSR_CRMD] |= 3
    iss._update_context()
    iss.step()
    assert iss.pc == HANDLER and ecode_of(iss.root_csr.values)[0] == ECODE_IPE and iss.last_exit == 0


@pytest.mark.parametrize("plv", [0, 3])
def test_hvcl_is_hvc_at_any_guest_plv_and_ine_in_root_mode(plv):
    iss = make([encode("hvcl", code=0x100)])
    iss.guest_csr.values[C.CSR_CRMD] |= plv
    iss._update_context()
    iss.step()
    assert_exit(iss, G_CODE, ECODE_HVC, badi=encode("hvcl", code=0x100))
    root = make([], root_words=[encode("hvcl", code=0)], enter=False)
    root.step()
    assert root.pc == HANDLER and ecode_of(root.root_csr.values)[0] == ECODE_INE and root.last_exit == 0


@pytest.mark.parametrize("word", [encode("cpucfg", rd=4, rj=5), encode("idle", level=0),
                                  encode("iocsrrd.w", rd=4, rj=5), encode("iocsrwr.d", rd=4, rj=5)])
def test_cpucfg_idle_and_iocsr_always_exit(word):
    iss = make([word], {5: 0x1000})
    iss.step()
    assert_exit(iss, G_CODE, ECODE_GSPR, badi=word)
    assert iss.regs[4] == 0


def test_guest_plv3_cpucfg_still_exits_but_iocsr_is_the_guests_ipe():
    iss = make([encode("cpucfg", rd=4, rj=5), SPIN])
    iss.guest_csr.values[C.CSR_CRMD] |= 3
    iss._update_context()
    iss.step()
    assert_exit(iss, G_CODE, ECODE_GSPR)  # cpucfg is not privileged: no IPE first
    iss = make([encode("iocsrrd.w", rd=4, rj=5)])
    iss.guest_csr.values[C.CSR_CRMD] |= 3
    iss._update_context()
    iss.step()
    assert_guest_trap(iss, G_CODE, ECODE_IPE)


HIT, INDEX_WB, INDEX = 0x10, 0x08, 0x00  # cacop codes with code[4:3] = 2, 1, 0


@pytest.mark.parametrize(("gci", "code", "runs"), [
    (0, HIT, False), (1, HIT, True), (1, INDEX_WB, False), (2, HIT, True), (2, INDEX_WB, True),
    (2, INDEX, False), (3, HIT, False)])
def test_cacop_traps_per_gcfg_gci(gci, code, runs):
    word = encode("cacop", code=code, rj=5, si12=0)
    iss = make([word], {5: G_DATA}, gcfg=gci << C.GCFG_GCI_SHIFT)
    iss.step()
    if runs:
        assert iss.last_trap == 0 and iss.pc == G_CODE + 4
    else:
        assert_exit(iss, G_CODE, ECODE_GSPR, badi=word)


@pytest.mark.parametrize(("gcfg", "gtlbc", "word", "traps"), [
    (C.GCFG_TIT, 0, encode("rdtime.d", rd=4, rj=5), True),
    (0, 0, encode("rdtime.d", rd=4, rj=5), False),
    (C.GCFG_TIT, 0, encode("csrrd", rd=4, csr=C.CSR_TCFG), True),
    (C.GCFG_TIT, 0, encode("csrwr", rd=4, csr=C.CSR_TICLR), True),
    (C.GCFG_TIT, 0, encode("csrrd", rd=4, csr=C.CSR_ECFG), False),
    (0, C.GTLBC_TOTI, encode("tlbsrch"), True),
    (0, C.GTLBC_TOTI, encode("csrrd", rd=4, csr=C.CSR_TLBIDX), True),
    (0, C.GTLBC_TOTI, encode("csrrd", rd=4, csr=C.CSR_TLBRPRMD), True),
    (0, C.GTLBC_TOTI, encode("invtlb", op=0, rj=0, rk=0), True),
    (0, C.GTLBC_TOTI, encode("csrrd", rd=4, csr=C.CSR_ECFG), False),
    (0, 0, encode("tlbsrch"), False),
    (C.GCFG_SIT, 0, encode("csrrd", rd=4, csr=C.CSR_CRMD), True),
    (C.GCFG_SIT, 0, ERTN, True),
    (C.GCFG_SIT, 0, encode("tlbclr"), True),
    (C.GCFG_SIT, 0, encode("rdtime.d", rd=4, rj=5), False),  # not privileged in the base ISA
    (C.GCFG_TORU, 0, encode("csrrd", rd=4, csr=C.CSR_ECFG), False),  # TORU stored, no effect
])
def test_gcfg_and_gtlbc_trap_enables(gcfg, gtlbc, word, traps):
    iss = make([word], gcfg=gcfg)
    iss.root_csr.values[C.CSR_GTLBC] |= gtlbc
    iss.guest_csr.values[C.CSR_ERA] = G_CODE + 4  # (a guest ertn that runs returns here)
    iss.step()
    if traps:
        assert_exit(iss, G_CODE, ECODE_GSPR, badi=word)
    else:
        assert iss.last_trap == 0 and iss.vm == 1 and iss.pc == G_CODE + 4


def test_top_traps_a_guest_plv_change_only():
    iss = make([encode("csrxchg", rd=4, rj=5, csr=C.CSR_CRMD), encode("csrxchg", rd=6, rj=5, csr=C.CSR_CRMD)],
               {4: C.CRMD_IE, 5: 7, 6: 3}, gcfg=C.GCFG_TOP)
    iss.step()  # IE only: runs
    assert iss.last_trap == 0 and iss.guest_csr.values[C.CSR_CRMD] & 7 == C.CRMD_IE
    iss.step()  # PLV 0 -> 3: GCSC
    assert_exit(iss, G_CODE + 4, ECODE_GCM, 0)
    assert iss.guest_csr.values[C.CSR_CRMD] & 3 == 0


def test_toe_turns_a_guest_exception_and_ertn_into_gchc():
    iss = make([encode("syscall", code=0)], gcfg=C.GCFG_TOE)
    iss.step()
    assert_exit(iss, G_CODE, ECODE_GCM, 1)
    assert iss.guest_csr.values[C.CSR_ERA] == 0 and ecode_of(iss.guest_csr.values) == (0, 0)
    assert iss.root_csr.values[C.CSR_BADI] == 0  # (the manual: GCHC does not write BADI)
    iss = make([ERTN], gcfg=C.GCFG_TOE)
    iss.step()
    assert_exit(iss, G_CODE, ECODE_GCM, 1)
    iss = make([encode("syscall", code=0)])  # without TOE the guest takes it
    iss.step()
    assert_guest_trap(iss, G_CODE, ECODE_SYS)


def test_toe_does_not_trap_guest_interrupts():
    iss = make([SPIN], gcfg=C.GCFG_TOE)
    guest = iss.guest_csr.values
    guest[C.CSR_ECFG], guest[C.CSR_CRMD] = 1, guest[C.CSR_CRMD] | C.CRMD_IE
    guest[C.CSR_ESTAT] |= 1  # SWI0
    iss.request_service()
    iss.step()
    assert iss.last_trap_int == 1 and iss.last_exit == 0 and iss.vm == 1 and iss.pc == G_HANDLER


def test_other_gtlb_encodings_are_ine():
    iss = make([], root_words=[0x0648_2001], enter=False)  # gtlbclr (inferred, spec 8.2)
    iss.step()
    assert ecode_of(iss.root_csr.values)[0] == ECODE_INE


# --- 12.3 guest interrupts ----------------------------------------------------------------------------------
def test_guest_is_hwi_is_vip_or_pip_and_physical_hwi():
    iss = make([], enter=False, lockstep=True)
    iss.root_csr.write(C.CSR_GINTC, 0b0100_0000 | 0b01 << 8)  # VIP: HWI6; PIP: HWI0 only
    iss.set_irq_lines(0b11 << 2)  # physical HWI0 and HWI1
    assert iss.guest_csr.values[C.CSR_ESTAT] & C.ESTAT_IS_HWI == (1 << 8) | (1 << 2)  # not HWI1
    assert iss.root_csr.values[C.CSR_ESTAT] & C.ESTAT_IS_HWI == 0b11 << 2
    iss.set_irq_lines(0)
    assert iss.guest_csr.values[C.CSR_ESTAT] & C.ESTAT_IS_HWI == 1 << 8
    iss.set_irq_lines(1 << 27)  # irq[27]: the guest TI
    assert iss.guest_csr.values[C.CSR_ESTAT] >> 11 & 1 and not iss.root_csr.values[C.CSR_ESTAT] >> 11 & 1


def test_gcsrwr_of_estat_writes_swi_ti_and_the_latch_guest_csrwr_only_swi():
    words = [encode("gcsrwr", rd=4, csr=C.CSR_ESTAT), ERTN]
    iss = make([encode("csrwr", rd=5, csr=C.CSR_ESTAT)], {4: 1 << 12 | 1 << 11 | 1 << 10 | 0b10 | 0x3F << 16,
                                                           5: 0b01}, root_words=words, enter=False)
    iss.step()
    guest = iss.guest_csr.values
    assert guest[C.CSR_ESTAT] & 0x1FFF == 1 << 12 | 1 << 11 | 0b10 and ecode_of(guest) == (0, 0)
    steps(iss, 2)  # ertn, then the guest's csrwr: [1:0] only
    assert guest[C.CSR_ESTAT] & 0x1FFF == 1 << 12 | 1 << 11 | 0b01


def test_root_ticlr_does_not_clear_the_guest_ti():
    iss = make([], root_words=[encode("csrwr", rd=4, csr=C.CSR_TICLR)], regs={4: 1}, enter=False)
    iss.guest_csr.values[C.CSR_ESTAT] |= 1 << 11
    iss.root_csr.values[C.CSR_ESTAT] |= 1 << 11
    iss.step()
    assert not iss.root_csr.values[C.CSR_ESTAT] >> 11 & 1 and iss.guest_csr.values[C.CSR_ESTAT] >> 11 & 1


def test_root_interrupt_exits_before_a_pending_guest_interrupt():
    iss = make([SPIN])
    root, guest = iss.root_csr.values, iss.guest_csr.values
    guest[C.CSR_ECFG], guest[C.CSR_CRMD], guest[C.CSR_ESTAT] = 0x1FFF, guest[C.CSR_CRMD] | C.CRMD_IE, 1 << 1
    root[C.CSR_ECFG], root[C.CSR_CRMD], root[C.CSR_ESTAT] = 1, root[C.CSR_CRMD] | C.CRMD_IE, 1  # SWI0 < SWI1
    iss.request_service()
    iss.step()
    assert (iss.last_trap_int, iss.last_trap_intno, iss.last_exit, iss.last_guest) == (1, 0, 1, 1)
    assert iss.vm == 0 and iss.pc == HANDLER and root[C.CSR_ERA] == G_CODE and guest[C.CSR_ERA] == 0
    assert root[C.CSR_PRMD] & C.PRMD_PIE and not root[C.CSR_CRMD] & C.CRMD_IE


def test_a_guest_interrupt_is_not_taken_in_root_mode_then_is_in_the_guest():
    iss = make([SPIN], root_words=[encode("addi.w", rd=4, rj=0, si12=1), ERTN], enter=False)
    guest = iss.guest_csr.values
    guest[C.CSR_ECFG], guest[C.CSR_CRMD], guest[C.CSR_ESTAT] = 1 << 1, guest[C.CSR_CRMD] | C.CRMD_IE, 1 << 1
    iss.request_service()
    iss.step()
    assert iss.last_trap == 0 and iss.regs[4] == 1  # root mode: the guest's SWI1 stays pending
    iss.step()  # ertn into the guest
    iss.step()
    assert (iss.last_trap_int, iss.last_trap_intno, iss.last_exit) == (1, 1, 0)
    assert iss.vm == 1 and iss.pc == G_HANDLER and guest[C.CSR_ERA] == G_CODE


def test_lockstep_take_interrupt_checks_the_guest_bank_and_exit_order():
    iss = make([SPIN], lockstep=True)
    guest = iss.guest_csr.values
    guest[C.CSR_ECFG], guest[C.CSR_CRMD], guest[C.CSR_ESTAT] = 1 << 1, guest[C.CSR_CRMD] | C.CRMD_IE, 1 << 1
    with pytest.raises(Exception, match="guest"):
        iss.take_interrupt(0)
    iss.take_interrupt(1)
    assert iss.last_exit == 0 and iss.vm == 1 and iss.pc == G_HANDLER


# --- 12.4 guest timer ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("tcfg", [0, C.TCFG_EN | C.TCFG_PERIODIC | 40])
def test_gcsrwr_tval_zero_fires_within_two_ticks_and_leaves_all_ones(tcfg):
    nops = [encode("andi", rd=0, rj=0, ui12=0)] * 4
    iss = make([], root_words=[encode("gcsrwr", rd=4, csr=C.CSR_TVAL), *nops], regs={4: 0}, enter=False)
    iss.guest_csr.values[C.CSR_TCFG] = tcfg
    c = iss.counter_now()
    iss.step()
    guest = iss.guest_csr.values
    assert iss.guest_timer.tval(c + 1) == 0 and not guest[C.CSR_ESTAT] >> 11 & 1
    iss.step()  # counter c + 1: not yet
    assert not guest[C.CSR_ESTAT] >> 11 & 1
    iss.step()  # c + 2: the guest TI, the root's untouched
    assert guest[C.CSR_ESTAT] >> 11 & 1 and not iss.root_csr.values[C.CSR_ESTAT] >> 11 & 1
    assert iss.guest_timer.tval(c + 2) == TVAL_ALL_ONES and iss.guest_timer.tval(c + 500) == TVAL_ALL_ONES
    assert iss.guest_timer.next_expiry is None  # once, whatever Periodic says


def test_gcsrwr_tval_nonzero_counts_only_with_en():
    iss = make([], root_words=[encode("gcsrwr", rd=4, csr=C.CSR_TVAL)], regs={4: 10}, enter=False)
    iss.step()
    assert iss.guest_timer.tval(iss.counter_now() + 50) == 10 and iss.guest_timer.next_expiry is None
    iss = make([], root_words=[encode("gcsrwr", rd=4, csr=C.CSR_TVAL)], regs={4: 10}, enter=False)
    iss.guest_csr.values[C.CSR_TCFG] = C.TCFG_EN | C.TCFG_PERIODIC | 100
    c = iss.counter_now()
    iss.step()
    assert iss.guest_timer.tval(c + 3) == 8 and iss.guest_timer.next_expiry == c + 12
    assert iss.guest_timer.tval(c + 12) == 100  # then periodic with InitVal


def test_guest_tval_is_read_only_to_the_guest():
    iss = make([encode("csrwr", rd=4, csr=C.CSR_TVAL)], {4: 0})
    iss.guest_csr.values[C.CSR_TCFG] = 0
    iss.guest_timer.configure(48 | C.TCFG_EN, iss.counter_now())
    iss.step()
    assert iss.guest_timer.next_expiry is not None and iss.guest_timer.first == 48


def test_guest_rdtime_adds_gcntc_and_the_guest_cntc():
    iss = make([encode("rdtime.d", rd=4, rj=5)])
    iss.root_csr.values[C.CSR_GCNTC], iss.guest_csr.values[C.CSR_CNTC] = 1000, 20
    iss.root_csr.values[C.CSR_CNTC], iss.guest_csr.values[C.CSR_TID] = 5_000_000, 0x77
    now = iss.counter_now()
    iss.step()
    assert iss.regs[4] == now + 1020 and iss.regs[5] == 0x77


def test_guest_timer_counts_in_root_mode_into_the_guest_ti_only():
    nops = [encode("andi", rd=0, rj=0, ui12=0)] * 12
    iss = make([], root_words=[encode("gcsrwr", rd=4, csr=C.CSR_TCFG), *nops], regs={4: C.TCFG_EN | 4},
               enter=False)
    c = iss.counter_now()
    steps(iss, 6)
    assert iss.guest_timer.next_expiry == c + 6 and not iss.guest_csr.values[C.CSR_ESTAT] >> 11 & 1
    iss.step()  # the instruction with counter c + 6 sees TI: c + InitVal + 2
    assert iss.guest_csr.values[C.CSR_ESTAT] >> 11 & 1
    assert not iss.root_csr.values[C.CSR_ESTAT] >> 11 & 1 and iss.vm == 0


# --- 12.5 entering and leaving ------------------------------------------------------------------------------
def test_ertn_enters_the_guest_only_with_pvm():
    iss = make([], enter=False)
    iss.root_csr.values[C.CSR_GSTAT] &= ~C.GSTAT_PVM
    iss.step()
    assert iss.vm == 0 and iss.pc == G_CODE and iss.last_ertn == 1
    iss = make([])
    assert iss.last_guest == 0 and iss.last_ertn == 1  # the entering ertn is a root record
    assert iss.root_csr.values[C.CSR_GSTAT] & C.GSTAT_VM


def test_stage2_refill_saves_tlbrprmd3_and_its_ertn_returns_to_the_guest():
    iss = make([encode("ld.d", rd=4, rj=5, si12=0), SPIN], {5: GPA + 0x30000}, root_words=[ERTN])
    root = iss.root_csr.values
    put(iss.memory, REFILL, [encode("tlbfill"), ERTN])
    store_word(iss, 0x50000, 0xFEED)
    iss.step()
    assert (iss.last_trap_ecode, iss.last_exit, iss.vm, iss.pc) == (ECODE_TLBR, 1, 0, REFILL)
    assert root[C.CSR_TLBRPRMD] & C.TLBRPRMD_PGM and root[C.CSR_TLBRERA] == G_CODE | 1
    assert root[C.CSR_TLBRBADV] == GPA + 0x30000 and root[C.CSR_TLBREHI] & C.VPPN_MASK == GPA + 0x30000
    root[C.CSR_GSTAT] &= ~C.GSTAT_PVM  # the refill's ertn follows TLBRPRMD[3], not PVM
    root[C.CSR_GTLBC] |= C.GTLBC_USETGID | GID << C.GTLBC_TGID_SHIFT
    root[C.CSR_TLBREHI] |= 16
    root[C.CSR_TLBRELO0], root[C.CSR_TLBRELO1] = lo(0x40000, g=1), lo(0x50000, g=1)
    steps(iss, 2)  # tlbfill, ertn
    assert iss.vm == 1 and iss.pc == G_CODE and iss.last_guest == 0
    iss.step()
    assert iss.regs[4] == 0xFEED and iss.last_mem_pa == 0x50000 and iss.last_mem_addr == GPA + 0x30000


def test_a_root_refill_returns_to_root_mode_even_with_pvm():
    iss = make([], root_words=[encode("ld.d", rd=4, rj=5, si12=0)], regs={5: 0x1234_0000}, enter=False)
    root = iss.root_csr.values
    root[C.CSR_CRMD] = C.CRMD_PG
    iss._update_context()
    iss.pc = BASE
    root[C.CSR_DMW0] = 0  # no window: the fetch itself refills
    put(iss.memory, REFILL, [ERTN])
    iss.step()
    assert iss.last_trap_ecode == ECODE_TLBR and not root[C.CSR_TLBRPRMD] & C.TLBRPRMD_PGM and iss.last_exit == 0
    iss.step()
    assert iss.vm == 0 and iss.pc == BASE


GWIN = 8 << 60  # the guest's DMW0 segment for its code in PG mode


def paged_guest(words: list[int], regs: dict[int, int]) -> Iss:
    """The guest enters in PG mode at GWIN | G_CODE (its DMW0 maps the code; data goes through its TLB)."""
    iss = make(words, regs, enter=False)
    guest = iss.guest_csr.values
    guest[C.CSR_CRMD], guest[C.CSR_DMW0] = C.CRMD_PG, GWIN | 1
    iss.root_csr.values[C.CSR_ERA] = GWIN | G_CODE
    iss.step()
    assert iss.vm == 1
    return iss


def test_stage2_pil_has_badv_gpa_not_the_guest_va():
    va = 0x0000_0012_3400_0000
    iss = paged_guest([encode("ld.d", rd=4, rj=5, si12=8)], {5: va})
    # stage 1: va -> GPA + 0x10000 (guest bank, GID 1); stage 2: that GPA is in an invalid half
    iss.tlb.write(20, va, 12, lo(GPA + 0x10000), lo(GPA + 0x11000), 0, True, GID, 1)
    iss.tlb.write(0, GPA, 16, lo(HPA, g=1), lo(0x30000, g=1, v=0), 0, True, GID, 0)
    iss.tlb_changed(None)
    iss.step()
    assert_exit(iss, GWIN | G_CODE, 0x01)  # PIL
    assert iss.root_csr.values[C.CSR_BADV] == GPA + 0x10008
    assert iss.root_csr.values[C.CSR_TLBEHI] & C.VPPN_MASK == GPA + 0x10000
    assert iss.guest_csr.values[C.CSR_BADV] == 0


def test_stage2_checks_d_but_not_plv():
    iss = make([encode("ld.d", rd=4, rj=5, si12=0), encode("st.d", rd=4, rj=5, si12=0)], {5: G_DATA})
    iss.tlb.write(0, GPA, 16, lo(HPA, g=1, d=0, plv=0), lo(0x30000, g=1), 0, True, GID, 0)
    iss.tlb_changed(None)
    iss.guest_csr.values[C.CSR_CRMD] |= 3  # guest PLV3 through a PLV0 stage-2 page: no PPI
    iss._update_context()
    iss.step()
    assert iss.last_trap == 0 and iss.last_mem_pa == hpa(G_DATA)
    iss.step()
    assert_exit(iss, G_CODE + 4, 0x04)  # PME, to the root
    assert iss.root_csr.values[C.CSR_BADV] == G_DATA


def test_guest_exceptions_use_the_guest_bank_and_leave_the_root_alone():
    iss = make([encode("break", code=0)])
    root_before = dict(iss.root_csr.values)
    iss.step()
    assert_guest_trap(iss, G_CODE, 0x0C)
    assert iss.root_csr.values == root_before
    assert iss.guest_csr.values[C.CSR_BADI] == C.sext32(encode("break", code=0))


def test_an_exit_saves_the_roots_crmd_and_leaves_the_guest_bank_alone():
    iss = make([encode("hvcl", code=1)])
    guest_before = dict(iss.guest_csr.values)
    iss.root_csr.values[C.CSR_CRMD] |= C.CRMD_IE
    iss.step()
    root = iss.root_csr.values
    assert root[C.CSR_PRMD] & 7 == C.PRMD_PIE and root[C.CSR_CRMD] & 7 == 0 and root[C.CSR_CRMD] & C.CRMD_DA
    assert iss.guest_csr.values == guest_before


def test_guest_ertn_returns_inside_the_guest_and_clears_the_llbit_unless_the_guests_klo():
    words = [encode("ll.d", rd=4, rj=5, si14=0), ERTN]
    iss = make(words, {5: G_DATA})
    guest = iss.guest_csr.values
    guest[C.CSR_ERA], guest[C.CSR_PRMD] = G_CODE + 8, 0
    iss.root_csr.values[C.CSR_LLBCTL] = C.LLBCTL_KLO  # the root's KLO does not count
    steps(iss, 2)
    assert iss.vm == 1 and iss.pc == G_CODE + 8 and not iss.llbit and iss.last_ertn == 1
    iss = make(words, {5: G_DATA})
    iss.guest_csr.values[C.CSR_ERA], iss.guest_csr.values[C.CSR_LLBCTL] = G_CODE + 8, C.LLBCTL_KLO
    steps(iss, 2)
    assert iss.llbit and not iss.guest_csr.values[C.CSR_LLBCTL] & C.LLBCTL_KLO


# --- 12.6 two-stage translation and the TLB instructions -----------------------------------------------------
def test_stage1_uses_guest_bank_entries_of_the_current_gid_then_stage2():
    va = 0x0000_0055_0000_0000
    iss = paged_guest([encode("ld.d", rd=4, rj=5, si12=0)], {5: va})
    iss.tlb.write(20, va, 12, lo(G_DATA), lo(G_DATA + 0x1000), 0, True, 2, 1)  # another guest's: no match
    iss.tlb.write(21, va, 12, lo(0), lo(0), 0, True, GID, 0)  # a root-bank entry: not stage 1
    iss.tlb_changed(None)
    iss.step()
    assert iss.last_trap_ecode == ECODE_TLBR and iss.last_exit == 0 and iss.pc == G_REFILL  # the guest's refill
    assert iss.guest_csr.values[C.CSR_TLBRBADV] == va
    iss = paged_guest([encode("ld.d", rd=4, rj=5, si12=0)], {5: va})
    iss.tlb.write(20, va, 12, lo(G_DATA), lo(G_DATA + 0x1000), 0, True, GID, 1)
    iss.tlb_changed(None)
    store_word(iss, hpa(G_DATA), 0x4242)
    iss.step()
    assert iss.regs[4] == 0x4242 and iss.last_mem_addr == va and iss.last_mem_pa == hpa(G_DATA)


@pytest.mark.parametrize(("gtlbc", "gstat", "rgid"), [(C.GTLBC_USETGID | 7 << 16, 3 << 16, 7),
                                                      (7 << 16, 3 << 16 | C.GSTAT_PVM, 3), (7 << 16, 3 << 16, 0)])
def test_root_tlbwr_writes_gid_rgid_and_tlbrd_sets_trgp(gtlbc, gstat, rgid):
    words = [encode("tlbwr"), encode("tlbrd")]
    iss = make([], root_words=words, enter=False)
    root = iss.root_csr.values
    root[C.CSR_GTLBC], root[C.CSR_GSTAT] = gtlbc, 0x80 | gstat
    root[C.CSR_TLBIDX], root[C.CSR_TLBEHI] = 12 << 24 | 5, GPA
    root[C.CSR_TLBELO0], root[C.CSR_TLBELO1] = lo(HPA), lo(HPA)
    iss.step()
    entry = iss.tlb.entries[5]
    assert (entry.e, entry.gid, entry.bank) == (True, rgid, 0) and iss.last_tlb_idx == 5
    iss.step()
    assert root[C.CSR_TRGP] == ((1 if rgid else 0) | rgid << 16)


def test_invtlb_0_with_usetgid_removes_only_that_gid_in_both_banks():
    iss = make([], root_words=[encode("invtlb", op=0, rj=0, rk=0)], enter=False)
    for index, gid, bank in ((1, 1, 0), (2, 1, 1), (3, 2, 0), (4, 0, 0), (5, 2, 1)):
        iss.tlb.write(index, 0x1000_0000 * index, 12, lo(0), lo(0), 0, True, gid, bank)
    iss.root_csr.values[C.CSR_GTLBC] |= C.GTLBC_USETGID | 2 << 16
    iss.step()
    assert [iss.tlb.entries[i].e for i in range(6)] == [True, True, True, False, True, False]  # entry 0: stage 2


def test_gtlbflush_removes_the_guest_bank_entries_of_rgid_only():
    iss = make([], root_words=[encode("gtlbflush"), encode("tlbflush")], enter=False)
    for index, gid, bank in ((1, 1, 1), (2, 1, 0), (3, 2, 1)):
        iss.tlb.write(index, 0x1000_0000 * index, 12, lo(0), lo(0), 0, True, gid, bank)
    iss.root_csr.values[C.CSR_GTLBC] |= C.GTLBC_USETGID | 1 << 16
    iss.step()
    assert [iss.tlb.entries[i].e for i in range(1, 4)] == [False, True, True]
    iss.step()  # tlbflush: bank 0 with GID 1 (entries 0 and 2)
    assert [iss.tlb.entries[i].e for i in range(4)] == [False, False, False, True]


def test_guest_tlb_instructions_see_only_their_partition():
    """GMTLBNum = 8: the guest's index i is entry 24 + (i mod 8); tlbwr writes bank 1 / GID; tlbrd of a root
    entry in the partition reads empty; tlbsrch answers the partition-relative index."""
    words = [encode("tlbwr"), encode("tlbsrch"), encode("csrwr", rd=6, csr=C.CSR_TLBIDX), encode("tlbrd")]
    iss = make(words, {6: 12 << 24 | 2})
    root, guest = iss.root_csr.values, iss.guest_csr.values
    root[C.CSR_GTLBC] = 8
    guest[C.CSR_TLBIDX], guest[C.CSR_TLBEHI] = 12 << 24 | 11, 0x7000_0000
    guest[C.CSR_TLBELO0], guest[C.CSR_TLBELO1], guest[C.CSR_ASID] = lo(G_DATA), lo(G_DATA), 0x5
    iss.tlb.write(26, 0x9000_0000, 12, lo(0x1000), lo(0x1000), 0, True, 0, 0)  # the root's, in the partition
    iss.step()
    entry = iss.tlb.entries[27]
    assert (entry.e, entry.gid, entry.bank, entry.asid, iss.last_tlb_idx) == (True, GID, 1, 5, 27)
    guest[C.CSR_TLBIDX] = 12 << 24
    iss.step()
    assert guest[C.CSR_TLBIDX] & 0xFFF == 3 and not guest[C.CSR_TLBIDX] & C.TLBIDX_NE
    steps(iss, 2)  # index 2 = entry 26: the root's
    assert guest[C.CSR_TLBIDX] & C.TLBIDX_NE and guest[C.CSR_TLBEHI] == 0 and root[C.CSR_TRGP] == 0


def test_guest_tlbwr_with_gmtlbnum_0_writes_nothing_and_tlbfill_stays_in_the_partition():
    iss = make([encode("tlbwr"), encode("tlbfill"), encode("tlbfill")])
    root, guest = iss.root_csr.values, iss.guest_csr.values
    root[C.CSR_GTLBC] = 0
    guest[C.CSR_TLBEHI], guest[C.CSR_TLBELO0], guest[C.CSR_TLBELO1] = 0x7000_0000, lo(G_DATA), lo(G_DATA)
    before = [e.e for e in iss.tlb.entries]
    iss.step()
    assert [e.e for e in iss.tlb.entries] == before and iss.last_tlb_we == 0 and iss.last_trap == 0
    root[C.CSR_GTLBC] = 4
    steps(iss, 2)
    assert 28 <= iss.last_tlb_idx < 32 and iss.tlb.entries[iss.last_tlb_idx].bank == 1


def test_lockstep_guest_tlbfill_outside_the_partition_is_an_error():
    iss = make([encode("tlbfill")], lockstep=True)
    iss.set_tlbfill_index(3)
    with pytest.raises(AsyncInputError, match="partition"):
        iss.step()


def test_translation_cache_follows_gid_and_mode():
    """The same guest pc under GID 1 and GID 2 (different stage 2) runs different code; the root's code at
    the same address is not the guest's."""
    iss = make([encode("addi.d", rd=4, rj=0, si12=1), encode("hvcl", code=0)])
    put(iss.memory, 0x60000, [encode("addi.d", rd=4, rj=0, si12=2), encode("hvcl", code=0)])
    map_stage2(iss, 2, gid=2, target=0x60000)
    steps(iss, 2)
    assert iss.regs[4] == 1 and iss.vm == 0
    root = iss.root_csr.values
    root[C.CSR_GSTAT] = (root[C.CSR_GSTAT] & ~C.GSTAT_GID) | 2 << 16
    root[C.CSR_ERA] = G_CODE
    put(iss.memory, HANDLER, [ERTN])
    iss.pc = HANDLER
    steps(iss, 2)  # ertn into GID 2, then its first instruction
    assert iss.regs[4] == 2 and iss.last_pc_pa == 0x60000


def test_a_root_tlb_write_drops_guest_code_translated_through_the_entry():
    iss = make([encode("addi.d", rd=4, rj=0, si12=1), encode("hvcl", code=0)])
    put(iss.memory, 0x60000, [encode("addi.d", rd=4, rj=0, si12=3), encode("hvcl", code=0)])
    steps(iss, 2)
    map_stage2(iss, 0, target=0x60000)  # (the backdoor reports the change as tlbwr does)
    iss.root_csr.values[C.CSR_ERA] = G_CODE
    put(iss.memory, HANDLER, [ERTN])
    iss.pc = HANDLER
    steps(iss, 2)
    assert iss.regs[4] == 3


# --- 12.7 the record ------------------------------------------------------------------------------------------
def test_async_reads_include_gcsr_of_tval():
    from lacosim.iss import is_async_read  # noqa: PLC0415
    assert is_async_read(encode("gcsrrd", rd=4, csr=C.CSR_TVAL))
    assert is_async_read(encode("gcsrxchg", rd=4, rj=5, csr=C.CSR_TVAL))
    assert not is_async_read(encode("gcsrwr", rd=0, csr=C.CSR_TVAL))
    assert not is_async_read(encode("gcsrrd", rd=4, csr=C.CSR_TCFG))


def test_lockstep_guest_rdtime_checks_the_counter_without_gcntc_and_cntc():
    iss = make([encode("rdtime.d", rd=4, rj=0), encode("rdtime.d", rd=4, rj=0)], lockstep=True)
    iss.root_csr.values[C.CSR_GCNTC], iss.guest_csr.values[C.CSR_CNTC] = 1000, 7
    iss.set_async_value(100 + 1007)
    iss.step()
    assert iss.regs[4] == 1107
    iss.set_async_value(99 + 1007)  # the counter went backwards
    with pytest.raises(AsyncInputError):
        iss.step()


def test_translation_report_of_a_guest_names_both_stages():
    from lacosim.iss import mmu  # noqa: PLC0415
    va = 0x0000_0055_0000_0000
    iss = paged_guest([encode("ld.d", rd=4, rj=5, si12=0)], {5: va})
    iss.tlb.write(20, va, 12, lo(G_DATA), lo(G_DATA + 0x1000), 0, True, GID, 1)
    text = mmu.describe(iss.csr.values, iss.tlb, va, False, True, iss.root_csr.values)
    assert "guest stage 1 (GID 1): TLB entry 20" in text and f"stage 2 of GPA {G_DATA:#x}: TLB entry 0" in text
    assert "GID 1 bank root" in text


def test_a_guest_asid_change_by_the_root_drops_guest_code_fetched_through_stage1():
    """The guest runs at VA X through its own TLB entries of ASID 1, exits, the root switches the guest's ASID
    to 2 with gcsrwr and re-enters at X: the code of ASID 2's page runs, not the cached one."""
    x = 0x0000_0077_0000_0000
    iss = make([], enter=False)
    put(iss.memory, hpa(G_CODE + 0x1000), [encode("addi.d", rd=4, rj=0, si12=1), encode("hvcl", code=0)])
    put(iss.memory, hpa(G_CODE + 0x2000), [encode("addi.d", rd=4, rj=0, si12=2), encode("hvcl", code=0)])
    put(iss.memory, HANDLER, [encode("gcsrwr", rd=6, csr=C.CSR_ASID), encode("csrwr", rd=7, csr=C.CSR_ERA), ERTN])
    guest = iss.guest_csr.values
    guest[C.CSR_CRMD], guest[C.CSR_ASID] = C.CRMD_PG, C.ASID_RESET | 1
    iss.tlb.write(20, x, 12, lo(G_CODE + 0x1000), lo(G_CODE + 0x1000), 1, True, GID, 1)
    iss.tlb.write(21, x, 12, lo(G_CODE + 0x2000), lo(G_CODE + 0x2000), 2, True, GID, 1)
    iss.tlb_changed(None)
    iss.root_csr.values[C.CSR_ERA] = x
    iss.regs[6], iss.regs[7] = 2, x
    steps(iss, 3)  # ertn, addi, hvcl (exit)
    assert iss.regs[4] == 1 and iss.vm == 0
    steps(iss, 4)  # gcsrwr ASID, csrwr ERA, ertn, addi
    assert iss.regs[4] == 2 and iss.vm == 1 and iss.last_pc_pa == hpa(G_CODE + 0x2000)
