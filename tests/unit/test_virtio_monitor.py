"""The virtio bridge monitor (tb/lacosim/env/virtio_monitor.py) on hand-made records: each rule passes the
correct sequence and names the broken one (the sim tests' bug builds cover the publish order, the #109
de-assert and the stale line at a restart; these cover every rule)."""

from __future__ import annotations

from lacosim import trace
from lacosim.env.virtio_monitor import (
    CSR_GINTC,
    ECODE_HVC,
    ECODE_PIL,
    ECODE_PIS,
    OFF_CFG_VALUES,
    OFF_REQ_FRONT,
    OFF_REQ_LIST,
    OFF_REQ_REAR,
    OFF_RES_REAR,
    VirtioChecker,
    VirtioLayout,
)
from records import batch

BRIDGE, WINDOW, ENTRY = 0x0100_2000, 0x3000_0000, 0x0100_0000
LAYOUT = VirtioLayout(bridge=BRIDGE, window=WINDOW, window_size=0x4000, driver_core=1, daemon_core=0)
GUEST = trace.MODE_GUEST
LD_W_A1_A1 = 0x2880_00A5           # ld.w $a1, $a1, 0
ST_W_A2_A1 = 0x2980_00A6           # st.w $a2, $a1, 0
SIZE = {1: 0, 2: 1, 4: 2, 8: 3}


def store(core: int, addr: int, value: int, size: int, mode: int = 0) -> dict:
    return dict(core=core, mode=mode, mem_addr=addr, mem_wdata=value,
                flags=trace.FLAG_MEM_WE | SIZE[size] << trace.FLAG_MEM_SIZE_SHIFT)


def load(core: int, addr: int, value: int, size: int, mode: int = GUEST) -> dict:
    return dict(core=core, mode=mode, mem_addr=addr, rd=12, rd_wdata=value,
                flags=trace.FLAG_MEM_RE | trace.FLAG_RD_WE | SIZE[size] << trace.FLAG_MEM_SIZE_SHIFT)


def entry_stores(slot: int = 0) -> list[dict]:
    base = BRIDGE + OFF_REQ_LIST + 40 * slot
    return [store(1, base + off, 0x11 * (k + 1), size)
            for k, (off, size) in enumerate([(0, 8), (8, 8), (16, 8), (24, 8), (32, 4), (36, 1), (37, 1)])]


def publish(n: int = 1) -> dict:
    return store(1, BRIDGE + OFF_REQ_REAR, n, 4)


def gpr(core: int, reg: int, value: int, mode: int = GUEST) -> dict:
    return dict(core=core, mode=mode, rd=reg, rd_wdata=value, flags=trace.FLAG_RD_WE)


def exit_rec(core: int, insn: int, ecode: int) -> dict:
    return dict(core=core, mode=GUEST, insn=insn, flags2=trace.FLAG2_EXIT,
                trap=trace.TRAP_VALID | ecode << trace.TRAP_ECODE_SHIFT)


def gintc(vip: int) -> dict:
    return dict(core=1, flags=trace.FLAG_CSR_WE, csr=CSR_GINTC, csr_wdata=vip)


def take(line: int = 4) -> dict:
    return dict(core=1, mode=GUEST, trap=trace.TRAP_VALID | trace.TRAP_INT | line << trace.TRAP_INTNO_SHIFT)


def guest(core: int = 1, pc: int = 0x0100_0100) -> dict:
    return dict(core=core, mode=GUEST, pc=pc)


def run(recs: list[dict]) -> tuple[VirtioChecker, list[str]]:
    out = batch(*({"cycle": 100 + 10 * i} | r for i, r in enumerate(recs)))
    chk = VirtioChecker(LAYOUT)
    return chk, [p.summary for p in chk.write(out)] + chk.finish()


def test_publish_order():
    assert run([*entry_stores(), publish()])[1] == []
    assert run([publish(), *entry_stores()])[1] == [
        "request published before its entry: the req_rear store retired before the entry's stores",
        *["the hypervisor wrote a request entry after publishing it"] * 7]
    assert "request published before its entry" in run([*entry_stores()[:-1], publish()])[1][0]


def test_daemon_reads_rear_then_the_entry_and_sees_the_published_bytes():
    rear = load(0, BRIDGE + OFF_REQ_REAR, 1, 4)
    first = load(0, BRIDGE + OFF_REQ_LIST, 0x11, 8)
    assert run([*entry_stores(), publish(), rear, first])[1] == []
    assert run([*entry_stores(), publish(), first])[1] == [
        "the daemon read a request entry before a req_rear load covering it"]
    stale = load(0, BRIDGE + OFF_REQ_LIST + 8, 0x99, 8)
    assert run([*entry_stores(), publish(), rear, stale])[1] == [
        "the daemon read stale request data (cross-core store visibility)"]
    consumed = store(0, BRIDGE + OFF_REQ_FRONT, 1, 4, GUEST)
    assert run([*entry_stores(), publish(), rear, first, consumed])[1] == []


def blocking_read(answer: int, restored: int) -> list[dict]:
    return [gpr(1, 5, WINDOW + 8), exit_rec(1, LD_W_A1_A1, ECODE_PIL),
            store(0, BRIDGE + OFF_CFG_VALUES + 8, answer, 8, GUEST), gpr(1, 5, restored, mode=0), guest()]


def test_the_blocking_read_returns_the_daemons_value():
    chk, found = run(blocking_read(0x2, 0x2))
    assert found == [] and chk.reads_checked == 1
    assert run(blocking_read(0x2, 0x3))[1] == ["the blocking virtio read did not return the daemon's value"]
    # ld.w sign-extends the daemon's 32-bit value
    assert run(blocking_read(0x8000_0000, 0xFFFF_FFFF_8000_0000))[1] == []
    assert run(blocking_read(0x8000_0000, 0x8000_0000))[1] == [
        "the blocking virtio read did not return the daemon's value"]


def test_exactly_one_interrupt_per_completed_notify():
    notify = [gpr(1, 5, WINDOW + 0x50), exit_rec(1, ST_W_A2_A1, ECODE_PIS)]
    done = store(0, BRIDGE + OFF_RES_REAR, 1, 4, GUEST)
    chk, found = run([*notify, done, take()])
    assert found == [] and len(chk.latencies) == 1
    assert run([*notify, done, take(), take()])[1] == [
        "guest HWI2 taken without a completed notify (a stale or duplicated virtio interrupt)"]
    assert "1 completed notify(s) never delivered" in run([*notify, done])[1][0]


def test_deassert_on_ack_not_on_status_read():
    status = [gpr(1, 5, WINDOW + 0x60), exit_rec(1, LD_W_A1_A1, ECODE_PIL), guest()]
    ack = [gpr(1, 5, WINDOW + 0x64), exit_rec(1, ST_W_A2_A1, ECODE_PIS), guest()]
    assert run([gintc(0x4), *status, *ack, gintc(0)])[1] == []
    assert run([gintc(0x4), *status, gintc(0)])[1] == [
        "HWI2 de-asserted on the InterruptStatus read, before the guest wrote InterruptACK (hvisor-tool #109)"]
    assert run([gintc(0x4), gintc(0)])[1] == ["HWI2 de-asserted without an InterruptACK"]
    assert run([gintc(0x4), gintc(0x5)])[1] == []       # another line: not the virtio one


def shutdown() -> list[dict]:
    return [gpr(0, 4, 3), exit_rec(0, 0x002B_8000, ECODE_HVC)]


def test_a_restart_drops_the_old_zone_and_no_line_survives_it():
    done = store(0, BRIDGE + OFF_RES_REAR, 1, 4, GUEST)
    chk, found = run([gintc(0x4), done, *shutdown(), gintc(0), guest(pc=ENTRY)])
    assert found == [] and chk.st.restarts == 1          # de-asserted by the shutdown, completion dropped
    assert run([gintc(0x4), done, *shutdown(), guest(pc=ENTRY), take()])[1] == [
        "a stale HWI2 survives the zone's restart (hvisor PR #365's review)",
        "guest HWI2 taken without a completed notify (a stale or duplicated virtio interrupt)"]
    # an entry PC without a shutdown is not a restart
    assert run([gintc(0x4), done, guest(pc=ENTRY), take()])[1] == []
