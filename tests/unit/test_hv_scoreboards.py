"""The hypervisor-level scoreboards (design.md 12.9) on hand-made record arrays: the guest-exit rules, the
guest-interrupt delivery tracker, GINTC injection loss/duplication and the pinned-vCPU guest-timer rules."""

from __future__ import annotations

from lacosim import trace
from lacosim.env.coverage import Coverage
from lacosim.env.gintc_scoreboard import CoreGintc, GintcScoreboard
from lacosim.env.guest_exit_scoreboard import GUEST_CSRS, GuestExit, GuestExitChecker, exit_rule
from lacosim.env.guest_irq import GuestIrqTracker
from lacosim.env.timer_scoreboard import CoreTimerCheck, GuestTimerScoreboard
from records import batch, rec

GUEST, IE = trace.MODE_GUEST, trace.MODE_IE
CPUCFG_A0_A1 = 0x0000_6C00 | (5 << 5) | 4           # cpucfg $a0, $a1
CSRRD = 0x0400_0000                                  # csrrd rd, csr: | csr << 10 | rd
P = 0x20_0100


def gpr(cycle: int, pc: int, reg: int, value: int, mode: int = 0) -> dict:
    return rec(cycle, pc, 0x02C0_0000 | reg, mode, flags=trace.FLAG_RD_WE, rd=reg, rd_wdata=value)


def csrrd(cycle: int, csr: int, value: int, reg: int = 12) -> dict:
    return rec(cycle, 0x30_0000, CSRRD | csr << 10 | reg, flags=trace.FLAG_RD_WE, rd=reg, rd_wdata=value)


def exit_rec(cycle: int, pc: int, insn: int, ecode: int) -> dict:
    return rec(cycle, pc, insn, GUEST, trap=trace.TRAP_VALID | ecode << trace.TRAP_ECODE_SHIFT,
               flags2=trace.FLAG2_EXIT)


ERTN = rec(0, 0x30_0100, 0x0648_3800, trap=trace.TRAP_ERTN)


def run_exit(*records: dict, hook=None) -> tuple[list[str], Coverage]:  # noqa: ANN001
    fails: list[str] = []
    cov = Coverage()
    chk = GuestExitChecker(1, lambda s, d, *a: fails.append(f"{s} | {d}"), cov, hook)
    chk.write(batch(*records))
    return fails, cov


def cpucfg_exit(resume: int, restore_a2: int = 9, badi: int = CPUCFG_A0_A1) -> list[dict]:
    """guest a2 = 9, cpucfg exits GSPR, the root reads ERA/ESTAT/BADI, emulates a0 = 0x42, restores a2, ertn."""
    return [gpr(10, P - 4, 6, 9, GUEST), exit_rec(11, P, CPUCFG_A0_A1, 0x16),
            csrrd(20, 0x6, P), csrrd(21, 0x5, 0x16 << 16 | 0x800), csrrd(22, 0x8, badi),
            gpr(30, 0x30_0000, 4, 0x42), gpr(31, 0x30_0000, 6, restore_a2), gpr(32, 0x30_0000, 12, 0),
            ERTN | {"cycle": 40}, rec(45, resume, 0x0015_0000, GUEST)]


def test_exit_rules_follow_the_instruction_and_the_trap_enables():
    assert exit_rule(CPUCFG_A0_A1, 3, 0, 0) == "GSPR"                 # every PLV
    assert exit_rule(0x002B_8001, 0, 0, 0) == "HVC"
    assert exit_rule(CSRRD | 0x37 << 10 | 4, 0, 0, 0) is None          # SAVE7: a guest copy
    assert exit_rule(CSRRD | 0x38 << 10 | 4, 0, 0, 0) == "GSPR"        # SAVE8: none
    assert exit_rule(CSRRD | 0x30 << 10 | 4, 0, 1 << 7, 0) == "GSPR"   # SIT
    assert exit_rule(CSRRD | 0x41 << 10 | 4, 0, 1 << 9, 0) == "GSPR"   # TIT: TCFG
    assert exit_rule(CSRRD | 0x18 << 10 | 4, 0, 0, 1 << 13) == "GSPR"  # TOTI: ASID
    assert exit_rule(CSRRD | 0x38 << 10 | 4, 3, 0, 0) == "?"           # PLV3: the guest's IPE first
    assert exit_rule(0x0648_8000, 0, 0, 0) == "GSPR"                   # idle
    assert exit_rule(0x0648_0800, 0, 0, 0) == "GSPR"                   # iocsrrd.w
    assert exit_rule(0x0600_0010, 0, 2 << 20, 0) is None               # cacop hit, GCI = 2
    assert exit_rule(0x0600_0000, 0, 2 << 20, 0) == "GSPR"             # index-init, GCI = 2
    assert exit_rule(0x0000_6800, 0, 1 << 9, 0) == "GSPR"              # rdtime.d with TIT
    assert exit_rule(0x0010_8000, 0, 0, 0) is None                     # add.d


def test_the_guest_copy_list_is_the_spec_list():
    from lacosim.iss.csr import GUEST_CSRS as MODEL  # noqa: PLC0415
    assert MODEL == GUEST_CSRS


def test_an_emulated_cpucfg_exit_passes_and_is_covered():
    fails, cov = run_exit(*cpucfg_exit(P + 4))
    assert fails == []
    bins = cov.groups["guest-exit"]
    assert bins["exit GSPR"] == 1 and bins["GSPR resumed at PC+4"] == 1
    assert bins["root read ERA"] == bins["root read ESTAT"] == bins["root read BADI"] == 1


def test_resume_at_era_after_an_emulated_exit_fails():
    fails, _ = run_exit(*cpucfg_exit(P))
    assert len(fails) == 1 and "resumed the guest at the wrong PC after a GSPR exit" in fails[0]
    assert "re-executes the instruction" in fails[0]


def test_a_clobbered_guest_register_fails_but_the_emulated_rd_may_change():
    fails, _ = run_exit(*cpucfg_exit(P + 4, restore_a2=0x99))
    assert len(fails) == 1 and "clobbered a guest register" in fails[0]
    assert "$a2: 0x9 at the exit -> 0x99 at re-entry" in fails[0] and "only $a0 may change" in fails[0]


def test_a_wrong_badi_fails():
    fails, _ = run_exit(*cpucfg_exit(P + 4, badi=0x0648_8000))
    assert len(fails) == 1 and "the root's BADI does not describe the guest exit" in fails[0]
    assert "returned 0x06488000, expected 0x00006ca4" in fails[0]


def test_the_emulated_rd_hook_is_checked():
    def table(ex: GuestExit) -> int | None:
        return 0x42 if ex.cause == "GSPR" else None
    assert run_exit(*cpucfg_exit(P + 4), hook=table)[0] == []
    fails, _ = run_exit(*cpucfg_exit(P + 4), hook=lambda ex: 0x43)
    assert len(fails) == 1 and "wrong result in $a0" in fails[0] and "the test's table says 0x43" in fails[0]


def test_an_instruction_that_must_exit_but_retires_in_the_guest_fails():
    fails, _ = run_exit(rec(5, P, CPUCFG_A0_A1, GUEST, flags=trace.FLAG_RD_WE, rd=4, rd_wdata=1))
    assert len(fails) == 1 and "retired in guest mode without exiting" in fails[0] and "GSPR" in fails[0]


def test_a_gspr_exit_of_an_instruction_that_runs_in_the_guest_fails():
    fails, _ = run_exit(exit_rec(5, P, CSRRD | 0x30 << 10 | 4, 0x16))   # csrrd SAVE0, SIT = 0
    assert len(fails) == 1 and "wrong cause: GSPR" in fails[0]


def test_a_stage2_fault_of_a_da_guest_must_report_the_gpa_in_badv():
    ld = 0x2880_0000 | (8 << 10) | (12 << 5) | 13                       # ld.w $t1, $t0, 8
    good = [gpr(1, P - 4, 12, 0xC0_0000, GUEST), exit_rec(2, P, ld, 0x1), csrrd(5, 0x7, 0xC0_0008)]
    assert run_exit(*good)[0] == []
    fails, _ = run_exit(*good[:2], csrrd(5, 0x7, 0x9000_0000_00C0_0008))
    assert len(fails) == 1 and "the root's BADV does not describe" in fails[0] and "expected 0xc00008" in fails[0]


def test_a_root_interrupt_exit_resumes_at_the_exit_pc():
    irq_exit = rec(5, P, 0, GUEST, trap=trace.TRAP_VALID | trace.TRAP_INT, flags2=trace.FLAG2_EXIT)
    assert run_exit(irq_exit, ERTN | {"cycle": 9}, rec(12, P, 0x0015_0000, GUEST))[0] == []
    fails, _ = run_exit(irq_exit, ERTN | {"cycle": 9}, rec(12, P + 4, 0x0015_0000, GUEST))
    assert len(fails) == 1 and "skips an instruction that never ran" in fails[0]



def test_a_restart_at_the_zone_entry_is_accepted_only_after_a_park():
    """design.md 13.12: a zone shut down (its core parks in a root idle) and started again re-enters at its entry."""
    entry = 0x0100_0000
    irq_exit = rec(5, P, 0, GUEST, trap=trace.TRAP_VALID | trace.TRAP_INT, flags2=trace.FLAG2_EXIT)
    park = rec(7, 0x20_0400, 0x0648_8000)          # idle 0
    for records, restarts, ok in [((irq_exit, park, ERTN | {"cycle": 9}, rec(12, entry, 0, GUEST)), {0: entry}, True),
                                  ((irq_exit, ERTN | {"cycle": 9}, rec(12, entry, 0, GUEST)), {0: entry}, False),
                                  ((irq_exit, park, ERTN | {"cycle": 9}, rec(12, entry, 0, GUEST)), None, False)]:
        fails: list[str] = []
        cov = Coverage()
        GuestExitChecker(1, lambda s, d, *a, out=fails: out.append(s), cov, None, False, restarts).write(
            batch(*records))
        assert (fails == []) == ok, (records, restarts, fails)
        assert bool(cov.groups.get("guest-exit", {}).get("zone restarted at its entry after a shutdown")) == ok


# ---- guest interrupt delivery --------------------------------------------------------------------------
def irq_event(cycle: int, guest_is: int) -> dict:
    return rec(cycle, kind=trace.KIND_IRQ, rd_wdata=guest_is << trace.IRQ_GUEST_SHIFT)


def lie_write(cycle: int, lie: int) -> dict:
    return rec(cycle, P, 0x0400_1000, GUEST, flags=trace.FLAG_CSR_WE, flags2=trace.FLAG2_GCSR, csr=4, csr_wdata=lie)


def take(cycle: int, line: int) -> dict:
    return rec(cycle, P, 0, GUEST | IE, trap=trace.TRAP_VALID | trace.TRAP_INT | line << trace.TRAP_INTNO_SHIFT)


def run_tracker(*records: dict, bound: int = 80) -> tuple[list, list]:
    taken, late = [], []
    t = GuestIrqTracker(1, 1 << 11, bound, lambda *a: taken.append(a), lambda *a: late.append(a))
    t.write(batch(*records))
    return taken, late


def test_a_ti_pending_during_an_exit_is_due_from_the_reentering_ertn():
    seq = [lie_write(1, 1 << 11), rec(2, P, 0, GUEST | IE), exit_rec(3, P + 4, 0x002B_8000, 0x17),
           irq_event(50, 1 << 11), ERTN | {"cycle": 100}, rec(104, P + 8, 0, GUEST | IE)]
    taken, late = run_tracker(*seq, take(106, 11))
    assert taken == [(0, 11, 106, 101)] and late == []               # takeable from the ertn's cycle + 1
    taken, late = run_tracker(*seq, *[rec(c, P + 8, 0, GUEST | IE) for c in range(110, 300, 10)])
    assert taken == [] and late == [(0, 11, 101, 190)]


def test_a_masked_ti_is_not_due():
    _, late = run_tracker(lie_write(1, 0), irq_event(5, 1 << 11), *[rec(c, P, 0, GUEST | IE) for c in range(6, 400, 7)])
    assert late == []


# ---- GINTC injection ----------------------------------------------------------------------------------
class FakeCfg:
    cores = 1


def gintc_board() -> tuple[GintcScoreboard, list[str]]:
    sb = GintcScoreboard.__new__(GintcScoreboard)
    fails: list[str] = []
    sb.cores, sb.cov, sb.failed, sb._batch, sb.latencies = [CoreGintc()], Coverage(), 0, None, []
    sb.irq = GuestIrqTracker(1, 0xFF << 2, 80, sb._taken, sb._late)
    sb._fail = lambda core, cycle, summary, detail: fails.append(summary)  # type: ignore[method-assign]
    return sb, fails


def gintc_write(cycle: int, value: int) -> dict:
    return rec(cycle, 0x30_0000, 0x0400_0000 | 0x52 << 10, flags=trace.FLAG_CSR_WE, csr=0x52, csr_wdata=value)


def test_clearing_every_vip_line_on_one_ack_loses_the_other_injection():
    sb, fails = gintc_board()
    sb.write(batch(lie_write(1, 0b11 << 4), gintc_write(2, 0b11 << 2), irq_event(3, 0b11 << 4),
                   ERTN | {"cycle": 4}, take(8, 5), exit_rec(12, P, 0x002B_8000, 0x17),
                   gintc_write(20, 0), irq_event(21, 0)))
    assert fails == ["injected interrupt lost: HWI2 de-asserted at cycle 20 before the guest took it"]
    assert sb.latencies == [3]                                       # takeable from ertn + 1 = 5, taken at 8


def test_per_line_acks_lose_nothing_and_a_take_after_deassertion_is_a_duplicate():
    sb, fails = gintc_board()
    sb.write(batch(lie_write(1, 0b11 << 4), gintc_write(2, 0b11 << 2), irq_event(3, 0b11 << 4),
                   ERTN | {"cycle": 4}, take(8, 5), exit_rec(12, P, 0x002B_8000, 0x17), gintc_write(20, 0b01 << 2),
                   irq_event(21, 0b01 << 4), ERTN | {"cycle": 22}, take(26, 4), exit_rec(30, P, 0x002B_8000, 0x17),
                   gintc_write(40, 0), irq_event(41, 0)))
    assert fails == []
    sb.write(batch(ERTN | {"cycle": 50}, take(55, 4)))
    assert fails == ["injected interrupt taken twice: the guest took HWI2 again after it was de-asserted"]


# ---- pinned vCPU guest-timer rules --------------------------------------------------------------------
def timer_board(pinned: bool) -> tuple[GuestTimerScoreboard, list[str]]:
    sb = GuestTimerScoreboard.__new__(GuestTimerScoreboard)
    fails: list[str] = []
    sb.cfg, sb.cores, sb.cov, sb.pinned = FakeCfg(), [CoreTimerCheck()], Coverage(), pinned  # type: ignore[assignment]
    sb.failed, sb._batch, sb._idx, sb.last_cycle, sb.ti_errors, sb.delivery = 0, None, -1, 0, [], []
    sb.irq = GuestIrqTracker(1, 1 << 11, 80, sb._ti_taken, sb._ti_late)
    sb._fail = lambda core, cycle, summary, detail: fails.append(summary)  # type: ignore[method-assign]
    return sb, fails


def gcsr_write(cycle: int, csr: int, value: int, guest: bool) -> dict:
    return rec(cycle, P, (0x0400_0000 if guest else 0x0500_0000) | csr << 10, GUEST if guest else 0,
               flags=trace.FLAG_CSR_WE, flags2=trace.FLAG2_GCSR, csr=csr, csr_wdata=value)


def test_rewriting_a_running_guest_countdown_fails_only_for_a_pinned_vcpu():
    seq = (gcsr_write(10, 0x41, 1000 | 1, guest=True), gcsr_write(500, 0x41, 1000 | 1, guest=False))
    for pinned, expected in ((True, 1), (False, 0)):
        sb, fails = timer_board(pinned)
        sb.write(batch(*seq))
        assert len(fails) == expected
    sb, fails = timer_board(True)
    sb.write(batch(*seq))
    assert fails == ["guest timer interrupt never delivered: the exit path rewrote guest TCFG at cycle 500, "
                     "restarting the countdown"]


def test_a_root_estat_write_that_clears_a_pending_ti_drops_it():
    sb, fails = timer_board(True)
    sb.write(batch(gcsr_write(10, 0x41, 100 | 1, guest=True), irq_event(112, 1 << 11),
                   gcsr_write(300, 0x41, 100 | 1, guest=False),          # expired already: no countdown to restart
                   gcsr_write(301, 0x5, 0, guest=False), irq_event(302, 0)))
    assert fails == ["guest timer interrupt never delivered: the exit path dropped a pending guest timer interrupt "
                     "at cycle 301"]


def test_a_root_estat_write_that_keeps_is11_set_does_not_clear_the_guest_ti():
    """ESTAT.IS[11] is bit 11 of the written value (the guest TI is bit 27 only in the irq word)."""
    sb, fails = timer_board(False)
    sb.write(batch(gcsr_write(10, 0x41, 100 | 1, guest=True), irq_event(112, 1 << 11),
                   gcsr_write(300, 0x5, 1 << 11, guest=False), rec(400, P)))
    assert fails == [] and sb.cores[0].fall_due == []


# ---- guest acknowledge order (rcore-os/tgoskits PR 1360) -----------------------------------------------------
def test_a_guest_ticlr_after_re_arming_is_reported_as_a_guest_bug():
    """TI pending from the first expiry (112); the guest re-arms at 200 (expiry 302 merges into the pending TI)
    and acknowledges at 400: the new event is lost."""
    sb, fails = timer_board(False)
    sb.write(batch(gcsr_write(10, 0x41, 100 | 1, guest=True), irq_event(112, 1 << 11),
                   gcsr_write(200, 0x41, 100 | 1, guest=True), gcsr_write(400, 0x44, 1, guest=True),
                   irq_event(401, 0)))
    assert fails == ["guest bug: the guest acknowledged TI after re-arming its timer: the TICLR at cycle 400 clears "
                     "the expiry at cycle 302 of the countdown it armed at cycle 200"]


def test_a_guest_ticlr_before_re_arming_or_before_the_new_expiry_passes():
    ok_order = (gcsr_write(10, 0x41, 100 | 1, guest=True), irq_event(112, 1 << 11),
                gcsr_write(200, 0x44, 1, guest=True), irq_event(201, 0),          # ack, then re-arm
                gcsr_write(210, 0x41, 100 | 1, guest=True), irq_event(312, 1 << 11),
                gcsr_write(400, 0x44, 1, guest=True), irq_event(401, 0))
    early_ack = (gcsr_write(10, 0x41, 100 | 1, guest=True), irq_event(112, 1 << 11),
                 gcsr_write(200, 0x41, 100 | 1, guest=True),                        # re-arm, ack before it expires
                 gcsr_write(250, 0x44, 1, guest=True), irq_event(251, 0), irq_event(302, 1 << 11))
    for seq in (ok_order, early_ack):
        sb, fails = timer_board(False)
        sb.write(batch(*seq))
        assert fails == [], fails


# ---- the hypervisor's MMIO test device as the emulated_rd hook models it (lacosim.tests.hv) -------------------
def test_the_test_device_reads_back_what_was_stored_with_the_forms_extension():
    from lacosim.tests.hv import TestDevice  # noqa: PLC0415  (a test-class module: only this test needs it)

    def mmio(insn: int, gpa: int, gprs: dict[int, int]) -> int | None:
        regs = [0] * 32
        for n, v in gprs.items():
            regs[n] = v
        return dev.access(GuestExit(0, 0, 0, insn, "PIL", 1, 0, regs, gpa))

    dev = TestDevice()
    st_d, ld_w, ld_wu, ld_b = 0x29C0_0000 | 4, 0x2880_0000 | 5, 0x2A80_0000 | 5, 0x2800_0000 | 5
    ldx_hu = 0x7048 << 15 | 5
    assert mmio(st_d, 0x1000_0040 + 60, {4: 0x8877_6655_F433_2211}) is None     # offset 60: wraps to 0-3
    assert mmio(ld_w, 0x1000_0000 + 60, {}) == 0xFFFF_FFFF_F433_2211               # sign-extended
    assert mmio(ld_wu, 0x1000_0000 + 60, {}) == 0xF433_2211                        # zero-extended
    assert mmio(ld_b, 0x1000_0003, {}) == 0xFFFF_FFFF_FFFF_FF88                    # byte 3 of the wrapped store
    assert mmio(ldx_hu, 0x1000_0002, {}) == 0x8877
    assert mmio(0x0280_0000, 0x1000_0000, {}) is None                              # addi.w: no load/store form
