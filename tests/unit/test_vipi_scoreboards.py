"""The vipi scoreboards (design.md 13.11) on hand-made record arrays: each check of VipiChecker and
EventDrainChecker fails on the mutation it is for and passes the correct sequence."""

from __future__ import annotations

from lacosim import trace
from lacosim.env.event_drain_scoreboard import EventDrainChecker
from lacosim.env.vipi_scoreboard import VipiChecker, VipiModel
from records import batch, rec

GUEST, IOCSR_MODE = trace.MODE_GUEST, trace.MODE_IOCSR
P, H = 0x0100_0100, 0x20_0000
IOCSRRD_W = 0x0648_0800           # iocsrrd.w rd, rj: | rj << 5 | rd
IOCSRWR_W = 0x0648_1800
GSPR = 0x16 << trace.TRAP_ECODE_SHIFT
ERTN_INSN = 0x0648_3800
IRQ_GUEST_IS12 = 1 << (trace.IRQ_GUEST_SHIFT + 12)


def gpr(cycle: int, reg: int, value: int, mode: int = GUEST, core: int = 0) -> dict:
    return rec(cycle, P - 8, 0x02C0_0000 | reg, mode, core=core, flags=trace.FLAG_RD_WE, rd=reg, rd_wdata=value)


def iocsr_exit(cycle: int, insn: int, core: int = 0) -> dict:
    return rec(cycle, P, insn, GUEST, core=core, trap=trace.TRAP_VALID | GSPR, flags2=trace.FLAG2_EXIT)


def ertn(cycle: int, core: int = 0) -> dict:
    return rec(cycle, H + 0x100, ERTN_INSN, core=core, trap=trace.TRAP_ERTN)


def irq(cycle: int, word: int, core: int = 0) -> dict:
    return rec(cycle, kind=trace.KIND_IRQ, core=core, rd_wdata=word)


def root_iocsr_wr(cycle: int, addr: int, value: int, core: int = 0) -> dict:
    return rec(cycle, H, 0x0648_1800, IOCSR_MODE, core=core, flags=trace.FLAG_MEM_WE | 2 << trace.FLAG_MEM_SIZE_SHIFT,
               mem_addr=addr, mem_wdata=value)


def run_vipi(*records: dict, cores: int = 1) -> list[str]:
    fails: list[str] = []
    chk = VipiChecker(cores, lambda s, d, *a: fails.append(f"{s} | {d}"))
    chk.write(batch(*records))
    return fails


def self_send_then_read(is_after_send: int, read_value: int, passthrough: bool = False) -> list[dict]:
    """a0 = 0x1040, a1 = vector 3 to core 0: IPI_SEND exit, re-entry; then iocsrrd.w a2, STATUS."""
    send = [gpr(1, 4, 0x1040), gpr(2, 5, 3), iocsr_exit(3, IOCSRWR_W | 4 << 5 | 5)]
    if passthrough:
        send.append(root_iocsr_wr(10, 0x1040, 3))
    send += [irq(20, IRQ_GUEST_IS12 * is_after_send), ertn(30), rec(35, P + 4, 0, GUEST)]
    read = [gpr(40, 4, 0x1000), iocsr_exit(41, IOCSRRD_W | 4 << 5 | 6), gpr(50, 6, read_value, mode=0), ertn(60),
            rec(65, P + 4, 0, GUEST)]
    return send + read


def test_vipi_model_reads_sign_extend_and_mail_keep_mask() -> None:
    m = VipiModel(1)
    m.write(0, 0x04, 4, 0xFFFF_FFFF)
    assert m.read(0, 0x04, 4) == (1 << 64) - 1
    assert m.read(0, 0x04, 1) == 0                  # sub-word reads of the registers: 0
    m.write(0, 0x48, 8, 0x1122_3344 << 32 | 0 << 27 | 1 << 2)
    m.write(0, 0x48, 8, 0xAABB_CCDD << 32 | 0b0101 << 27 | 1 << 2)
    assert m.read(0, 0x24, 4) == 0xFFFF_FFFF_AA22_CC44   # bytes 1, 3 written, 0, 2 kept; sign-extended


def test_vipi_correct_sequence_passes() -> None:
    assert run_vipi(*self_send_then_read(1, 8)) == []


def test_vipi_is12_not_set_after_the_send_fails() -> None:
    fails = run_vipi(*self_send_then_read(0, 8))
    assert fails and "IS[12] = 0 at the first guest cycle after the IPI_SEND exit, expected 1" in fails[0]


def test_vipi_wrong_status_read_fails() -> None:
    fails = run_vipi(*self_send_then_read(1, 0))
    assert fails and "iocsrrd of its virtual STATUS returned the wrong value" in fails[0]


def test_vipi_zero_extended_read_is_named() -> None:
    recs = [gpr(1, 4, 0x1004), gpr(2, 5, 0xFFFF_FFFF), iocsr_exit(3, IOCSRWR_W | 4 << 5 | 5), ertn(10),
            rec(15, P + 4, 0, GUEST), gpr(20, 4, 0x1004), iocsr_exit(21, IOCSRRD_W | 4 << 5 | 6),
            gpr(30, 6, 0xFFFF_FFFF, mode=0), ertn(40), rec(45, P + 4, 0, GUEST)]
    fails = run_vipi(*recs)
    assert fails and "zero-extended" in fails[0]


def test_vipi_passthrough_write_fails_isolation() -> None:
    fails = run_vipi(*self_send_then_read(1, 8, passthrough=True))
    assert fails and "reached the physical IPI block (hvisor #202" in fails[0]


def test_vipi_remote_send_needs_a_doorbell_and_is12_there() -> None:
    setup = [rec(0, P, 0, GUEST, core=1)]                            # core 1 runs a vCPU
    send = [gpr(1, 4, 0x1040), gpr(2, 5, 1 << 16 | 3), iocsr_exit(3, IOCSRWR_W | 4 << 5 | 5)]
    done = [ertn(30), rec(35, P + 4, 0, GUEST)]
    assert "was not doorbelled" in run_vipi(*setup, *send, *done, cores=2)[0]
    bell = root_iocsr_wr(10, 0x1040, 1 << 16 | 7)
    int_exit = rec(20, P, 0, GUEST, core=1, trap=trace.TRAP_VALID | trace.TRAP_INT | 12 << trace.TRAP_INTNO_SHIFT,
                   flags2=trace.FLAG2_EXIT)
    ok = [irq(40, IRQ_GUEST_IS12, core=1), ertn(50, core=1), rec(55, P, 0, GUEST, core=1)]
    assert run_vipi(*setup, *send, bell, int_exit, *done, *ok, cores=2) == []
    late = [ertn(50, core=1), rec(55, P, 0, GUEST, core=1)]
    assert "IS[12] = 0 after the doorbell" in run_vipi(*setup, *send, bell, int_exit, *done, *late, cores=2)[0]


# -- event drain --------------------------------------------------------------------------------------------
Q, STRIDE = 0x20_5000, 208
INT12 = trace.TRAP_VALID | trace.TRAP_INT | 12 << trace.TRAP_INTNO_SHIFT
W4 = 2 << trace.FLAG_MEM_SIZE_SHIFT


def push(cycle: int, slot: int, event: int, target: int = 1) -> dict:
    return rec(cycle, H, 0x2980_0000, core=0, flags=trace.FLAG_MEM_WE | W4,
               mem_addr=Q + target * STRIDE + 12 + 4 * slot, mem_wdata=event)


def pop(cycle: int, slot: int, event: int, core: int = 1) -> dict:
    return rec(cycle, H, 0x3808_0000, core=core, flags=trace.FLAG_MEM_RE | trace.FLAG_RD_WE | W4,
               mem_addr=Q + core * STRIDE + 12 + 4 * slot, rd_wdata=event)


def gintc(cycle: int, value: int, core: int = 1) -> dict:
    return rec(cycle, H, 0x0400_0000, core=core, flags=trace.FLAG_CSR_WE, csr=0x52, csr_wdata=value)


def run_drain(*records: dict) -> list[str]:
    fails: list[str] = []
    chk = EventDrainChecker(2, Q, STRIDE, lambda s, d, *a: fails.append(f"{s} | {d}"))
    chk.write(batch(*records))
    chk.final(1000)
    return fails


def pair(clear_first: bool, second_popped: bool = True) -> list[dict]:
    head = [push(1, 0, 2), root_iocsr_wr(2, 0x1040, 1 << 16 | 7), push(3, 1, 4),
            rec(10, P, 0, GUEST, core=1, trap=INT12, flags2=trace.FLAG2_EXIT)]
    clear = [root_iocsr_wr(12, 0x100C, 0x80, core=1)]
    body = [pop(14, 0, 2), gintc(15, 1)] + ([pop(16, 1, 4), gintc(17, 0)] if second_popped else [])
    tail = [root_iocsr_wr(18, 0x1040, 1 << 16 | 7)] if not second_popped else []
    late = [root_iocsr_wr(19, 0x100C, 0xFFFF_FFFF, core=1)] if not clear_first else []
    return head + (clear if clear_first else []) + body + tail + late + [ertn(20, core=1)]


def test_drain_correct_sequence_passes() -> None:
    assert run_drain(*pair(True)) == []


def test_drain_late_clear_fails_first_at_the_pop() -> None:
    fails = run_drain(*pair(False))
    assert fails and "drained the event queue before clearing IPI STATUS (hvisor #361" in fails[0]


def test_drain_stranded_event_is_lost() -> None:
    """late clear wiping the second event's doorbell: stranded at the ertn, never processed at the end"""
    fails = run_drain(*pair(False, second_popped=False))
    assert any("an event was lost: queued and doorbelled" in f for f in fails)
    assert any("a queued event was never processed" in f for f in fails)


def test_drain_double_pop_and_missing_effect_fail() -> None:
    fails = run_drain(*pair(True)[:-1], pop(18, 1, 4), ertn(20, core=1))
    assert any("processed twice" in f for f in fails)
    no_effect = [r for r in pair(True) if not (r.get("csr") == 0x52 and r["cycle"] == 15)]
    assert "a popped VIRTIO_INJECT_IRQ was not processed" in run_drain(*no_effect)[0]


def test_drain_ipi_left_with_empty_queues_fails() -> None:
    fails = run_drain(*pair(True), root_iocsr_wr(30, 0x1040, 1 << 16 | 7))
    assert fails and "an IPI is left in STATUS with both event queues empty" in fails[0]
