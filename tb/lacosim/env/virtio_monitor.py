"""Virtio bridge monitor (check `virtio`; hypervisor-behaviour.md 1.10 and T19, docs/design.md 13.12), from the
retirement trace only (never the reference model).

The bridge page is hvisor-tool's `struct virtio_bridge` (include/hvisor.h, MAX_CPUS 4); the hypervisor (root mode,
on the driver's core) pushes requests, the daemon (guest mode, zone 0) consumes them and answers. Rules:
- publish order: the hypervisor's req_rear store publishing entry n retires after every field store of
  req_list[n % 32] (src_cpu .. need_interrupt, bytes 0-37), and nothing writes that entry again until the daemon
  has consumed it;
- consume order and visibility: the daemon loads an entry only after a load of req_rear that covers it, and
  each byte it loads is the byte the hypervisor published (cross-core store visibility, in order with `dbar`);
- the blocking read: a driver load from the virtio window re-enters the guest with rd = the daemon's last
  cfg_values[driver core] store, sign- or zero-extended per the load's form;
- exactly one guest HWI<irq-2> per completed notify (the daemon's res_rear store), none without one, none left
  undelivered at the end; the latency from the QueueNotify exit to the guest's interrupt entry is recorded;
- de-assertion: a root GINTC write that clears the virtio line's VIP bit on the driver's core comes after the
  guest's InterruptACK exit of that assertion, never on an InterruptStatus read alone (hvisor-tool #109), or
  while the daemon shuts the driver's zone down (its ZoneShutdown hypercall);
- restart: when the driver's zone enters its entry again after a ZoneShutdown, no VIP line of the old zone is
  still asserted (hvisor PR #365's review: a stale line or event reaches the restarted zone); completions of
  the old zone that were never delivered are dropped with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.failures import Failure
from lacosim.env.guest_exit_scoreboard import data_va, mmio_form

CHECK = "virtio"
CSR_GINTC = 0x52
ECODE_PIL, ECODE_PIS, ECODE_HVC = 0x1, 0x2, 0x17
HC_ZONE_SHUTDOWN = 3
QUEUE_NOTIFY, INTERRUPT_STATUS, INTERRUPT_ACK = 0x50, 0x60, 0x64
RING = 32
REQ_SIZE = 40
REQ_FIELDS = 38                 # src_cpu, address, size, value (8 each), src_zone (4), is_write, need_interrupt
OFF_REQ_FRONT, OFF_REQ_REAR, OFF_RES_REAR = 0, 4, 12
OFF_REQ_LIST, OFF_RES_LIST, OFF_CFG_FLAGS, OFF_CFG_VALUES = 16, 1296, 1552, 1584
BRIDGE_SIZE = 1616


@dataclass(frozen=True)
class VirtioLayout:
    """Where the test put things: the bridge's address (the daemon's symbol), the driver's virtio window, the
    cores, the device's interrupt (guest ESTAT.IS bit) and whether the legacy ClearInjectIrq path is in use."""
    bridge: int
    window: int
    window_size: int
    driver_core: int
    daemon_core: int
    irq: int = 4
    legacy: bool = False
    entry: int = 0x0100_0000     # the driver zone's first PC (its restart enters there again)


@dataclass
class Problem:
    summary: str
    detail: str
    cycle: int
    core: int
    pc: int
    index: int                  # the record's index in its batch


@dataclass
class _Exit:
    cycle: int
    offset: int
    rd: int
    size: int
    store: bool
    signed: bool
    restored: int | None = None  # the root's last write of rd before the re-entry


@dataclass
class _State:
    entry: dict[int, bytearray] = field(default_factory=dict)   # slot -> bytes the hypervisor stored
    written: dict[int, set[int]] = field(default_factory=dict)  # slot -> offsets stored since its last publish
    published: dict[int, int] = field(default_factory=dict)     # slot -> sequence number it holds (published)
    rear: int = 0                # req_rear as the hypervisor last published it
    consumed: int = 0            # req_front as the daemon last stored it
    rear_seen: int = 0           # req_rear as the daemon last loaded it
    cfg_value: int | None = None # the daemon's last cfg_values[driver core] store
    cfg_value_cycle: int = -1
    completions: int = 0         # the daemon's res_rear stores
    takes: int = 0
    notify_exits: list[int] = field(default_factory=list)   # cycles of QueueNotify exits not yet delivered
    vip: int = 0                 # the driver core's GINTC.VIP as last written
    asserted: int | None = None  # cycle the virtio line rose
    ack_cycle: int | None = None
    status_cycle: int | None = None
    pending_exit: _Exit | None = None
    gprs: list[int] = field(default_factory=lambda: [0] * 32)
    daemon_a0: int = 0           # the daemon core's last write of $a0 (its hypercall code)
    shutdown: int | None = None  # cycle of the daemon's ZoneShutdown exit, until the driver zone restarts
    restarts: int = 0


class VirtioChecker:
    """The rules above over batches of trace records; `write` returns the problems found in a batch."""

    def __init__(self, layout: VirtioLayout) -> None:
        self.lay = layout
        self.st = _State()
        self.latencies: list[int] = []
        self.reads_checked = 0
        self.deasserts_checked = 0

    # -------------------------------------------------------------- helpers
    def _bridge_off(self, addr: int) -> int | None:
        off = addr - self.lay.bridge
        return off if 0 <= off < BRIDGE_SIZE else None

    @staticmethod
    def _size(rec: np.void) -> int:
        return 1 << ((int(rec["flags"]) >> trace.FLAG_MEM_SIZE_SHIFT) & 3)

    # -------------------------------------------------------------- the batch
    def write(self, batch: np.ndarray) -> list[Problem]:
        out: list[Problem] = []
        lay = self.lay
        kinds, cores = trace.col(batch, "kind"), trace.col(batch, "core")
        mem = (trace.col(batch, "flags") & (trace.FLAG_MEM_RE | trace.FLAG_MEM_WE)) != 0
        csr = ((trace.col(batch, "flags") & trace.FLAG_CSR_WE) != 0) & (trace.col(batch, "csr") == CSR_GINTC)
        driver = (cores == lay.driver_core) | (cores == lay.daemon_core)
        sel = (kinds == trace.KIND_RETIRE) & (mem | csr | driver)
        for i in np.flatnonzero(sel):
            rec = batch[i]
            core = int(rec["core"])
            if core == lay.driver_core:
                self._driver(rec, int(i), out)
            elif core == lay.daemon_core:
                self._daemon(rec)
            if rec["flags"] & (trace.FLAG_MEM_RE | trace.FLAG_MEM_WE):
                off = self._bridge_off(int(rec["mem_addr"]))
                if off is not None:
                    self._bridge(rec, int(i), off, out)
        return out

    def _problem(self, out: list[Problem], rec: np.void, i: int, summary: str, detail: str) -> None:
        out.append(Problem(summary, detail, int(rec["cycle"]), int(rec["core"]), int(rec["pc"]), i))

    # -------------------------------------------------------------- bridge accesses
    def _bridge(self, rec: np.void, i: int, off: int, out: list[Problem]) -> None:
        st, lay = self.st, self.lay
        guest = bool(rec["mode"] & trace.MODE_GUEST)
        store = bool(rec["flags"] & trace.FLAG_MEM_WE)
        size, cycle = self._size(rec), int(rec["cycle"])
        if store:
            data = int(rec["mem_wdata"]) & ((1 << (8 * size)) - 1)
        else:
            data = int(rec["rd_wdata"]) & ((1 << (8 * size)) - 1)
        if OFF_REQ_LIST <= off < OFF_RES_LIST:
            slot, byte = divmod(off - OFF_REQ_LIST, REQ_SIZE)
            if store and not guest:               # the hypervisor fills the entry
                if slot in st.published and st.published[slot] >= st.consumed:
                    self._problem(out, rec, i, "the hypervisor wrote a request entry after publishing it",
                                  f"store of {size} byte(s) at req_list[{slot}] + {byte} at cycle {cycle}: the entry "
                                  f"holds request {st.published[slot]}, published by req_rear = "
                                  f"{st.published[slot] + 1} and not yet consumed (the daemon's req_front = "
                                  f"{st.consumed}): the daemon may read it half-written")
                ent = st.entry.setdefault(slot, bytearray(REQ_SIZE))
                for b in range(size):
                    if byte + b < REQ_SIZE:
                        ent[byte + b] = (data >> (8 * b)) & 0xFF
                        st.written.setdefault(slot, set()).add(byte + b)
            elif not store and guest and int(rec["core"]) == lay.daemon_core:
                self._daemon_entry_load(rec, i, slot, byte, size, data, out)
            return
        if off == OFF_REQ_REAR and store and not guest:
            n = st.rear                           # the entry this store publishes
            slot = n % RING
            missing = [f for f in range(REQ_FIELDS) if f not in st.written.get(slot, set())]
            if data != n + 1:
                self._problem(out, rec, i, "req_rear did not advance by one",
                              f"req_rear = {data} stored at cycle {cycle}, the previous was {n}")
            elif missing:
                self._problem(out, rec, i, "request published before its entry: the req_rear store retired before "
                              "the entry's stores",
                              f"req_rear = {data} at cycle {cycle} publishes req_list[{slot}], but bytes "
                              f"{_ranges(missing)} of it (src_cpu 0-7, address 8-15, size 16-23, value 24-31, "
                              f"src_zone 32-35, is_write 36, need_interrupt 37) were not stored since its previous "
                              f"use: the daemon may read a stale request (the entry, dbar, then req_rear)")
            st.rear = data
            st.published[slot] = n
            st.written[slot] = set()
            return
        if off == OFF_REQ_REAR and not store and guest and int(rec["core"]) == lay.daemon_core:
            st.rear_seen = data
            return
        if off == OFF_REQ_FRONT and store and guest:
            st.consumed = data
            return
        if off == OFF_RES_REAR and store and guest:
            st.completions += 1
            return
        if off == OFF_CFG_VALUES + 8 * lay.driver_core and store and guest:
            st.cfg_value, st.cfg_value_cycle = data, cycle

    def _daemon_entry_load(self, rec: np.void, i: int, slot: int, byte: int, size: int, data: int,
                           out: list[Problem]) -> None:
        st = self.st
        n = st.consumed
        if slot != n % RING or st.rear_seen <= n:
            self._problem(out, rec, i, "the daemon read a request entry before a req_rear load covering it",
                          f"load of req_list[{slot}] + {byte} at cycle {int(rec['cycle'])}: the next request is "
                          f"{n} (slot {n % RING}), the daemon's last req_rear load returned {st.rear_seen}")
            return
        ent = st.entry.get(slot, bytearray(REQ_SIZE))
        want = sum(ent[byte + b] << (8 * b) for b in range(size) if byte + b < REQ_SIZE)
        if want != data:
            self._problem(out, rec, i, "the daemon read stale request data (cross-core store visibility)",
                          f"load of {size} byte(s) at req_list[{slot}] + {byte} at cycle {int(rec['cycle'])} "
                          f"returned {data:#x}; the hypervisor stored {want:#x} there before publishing request {n}")

    # -------------------------------------------------------------- the daemon's hypercalls
    def _daemon(self, rec: np.void) -> None:
        st, trap = self.st, int(rec["trap"])
        if rec["flags2"] & trace.FLAG2_EXIT and trap & trace.TRAP_VALID and trace.trap_ecode(trap) == ECODE_HVC \
                and st.daemon_a0 == HC_ZONE_SHUTDOWN:
            st.shutdown = int(rec["cycle"])
        if rec["flags"] & trace.FLAG_RD_WE and rec["rd"] == 4:
            st.daemon_a0 = int(rec["rd_wdata"])

    # -------------------------------------------------------------- the driver's core
    def _driver(self, rec: np.void, i: int, out: list[Problem]) -> None:
        st, lay = self.st, self.lay
        cycle, trap, flags = int(rec["cycle"]), int(rec["trap"]), int(rec["flags"])
        guest = bool(rec["mode"] & trace.MODE_GUEST)
        exit_rec = bool(rec["flags2"] & trace.FLAG2_EXIT)
        if guest and not exit_rec and st.shutdown is not None and int(rec["pc"]) == lay.entry:
            self._restarted(rec, i, out)
        if guest and not exit_rec and st.pending_exit is not None:
            self._reentered(rec, i, st.pending_exit, out)
            st.pending_exit = None
        if exit_rec and trap & trace.TRAP_VALID and trace.trap_ecode(trap) in (ECODE_PIL, ECODE_PIS):
            self._exit(rec, cycle)
        elif guest and trap & trace.TRAP_VALID and trap & trace.TRAP_INT and not exit_rec \
                and trace.trap_intno(trap) == lay.irq:
            self._take(rec, i, cycle, out)
        if flags & trace.FLAG_CSR_WE and int(rec["csr"]) == CSR_GINTC and not rec["flags2"] & trace.FLAG2_GCSR:
            self._gintc(rec, i, int(rec["csr_wdata"]) & 0xFF, out)
        # the GPR shadow (root and guest share the file): the exit's address, the re-entry's restored rd
        if flags & trace.FLAG_RD_WE and rec["rd"]:
            st.gprs[int(rec["rd"])] = int(rec["rd_wdata"])
            if st.pending_exit is not None and not guest and int(rec["rd"]) == st.pending_exit.rd:
                st.pending_exit.restored = int(rec["rd_wdata"])
        if flags & trace.FLAG_RD2_WE and rec["rd2"]:
            st.gprs[int(rec["rd2"])] = int(rec["rd2_wdata"])

    def _exit(self, rec: np.void, cycle: int) -> None:
        st, lay = self.st, self.lay
        insn = int(rec["insn"])
        form, gpa = mmio_form(insn), data_va(insn, st.gprs)
        if form is None or gpa is None or not lay.window <= gpa < lay.window + lay.window_size:
            return
        size, store, signed = form
        off = gpa - lay.window
        if store and off == QUEUE_NOTIFY:
            st.notify_exits.append(cycle)
        elif store and off == INTERRUPT_ACK and st.asserted is not None and st.ack_cycle is None:
            st.ack_cycle = cycle
        elif not store and off == INTERRUPT_STATUS and st.asserted is not None and st.status_cycle is None:
            st.status_cycle = cycle
        if not store:
            st.pending_exit = _Exit(cycle, off, insn & 31, size, store, signed)

    def _reentered(self, rec: np.void, i: int, ex: _Exit, out: list[Problem]) -> None:
        st = self.st
        if ex.rd == 0 or ex.restored is None or st.cfg_value is None:
            return
        value = st.cfg_value & ((1 << (8 * ex.size)) - 1)
        if ex.signed and ex.size < 8 and value >> (8 * ex.size - 1) & 1:
            value -= 1 << (8 * ex.size)
        value &= (1 << 64) - 1
        self.reads_checked += 1
        if st.cfg_value_cycle < ex.cycle:
            self._problem(out, rec, i, "the blocking virtio read returned before the daemon answered it",
                          f"load of window + {ex.offset:#x} exited at cycle {ex.cycle}; the guest re-entered at cycle "
                          f"{int(rec['cycle'])} with $r{ex.rd} = {ex.restored:#x}, but the daemon's last cfg_values "
                          f"store is from cycle {st.cfg_value_cycle}")
        elif ex.restored != value:
            self._problem(out, rec, i, "the blocking virtio read did not return the daemon's value",
                          f"load of window + {ex.offset:#x} ({ex.size} byte(s), {'sign' if ex.signed else 'zero'}-"
                          f"extended) exited at cycle {ex.cycle}; re-entered at cycle {int(rec['cycle'])} with "
                          f"$r{ex.rd} = {ex.restored:#x}, expected {value:#x} (the daemon stored "
                          f"cfg_values = {st.cfg_value:#x} at cycle {st.cfg_value_cycle})")

    def _restarted(self, rec: np.void, i: int, out: list[Problem]) -> None:
        st, n = self.st, self.lay.irq - 2
        if st.vip & (1 << n):
            self._problem(out, rec, i, f"a stale HWI{n} survives the zone's restart (hvisor PR #365's review)",
                          f"the daemon shut the driver's zone down at cycle {st.shutdown}; its restart enters the "
                          f"zone at cycle {int(rec['cycle'])} with GINTC.VIP = {st.vip:#04x}: VIP[{n}], asserted at "
                          f"cycle {st.asserted} for the old zone, was never de-asserted")
        st.takes = st.completions          # the old zone's undelivered completions went with it
        st.notify_exits.clear()
        st.pending_exit = None
        st.shutdown = None
        st.restarts += 1

    def _take(self, rec: np.void, i: int, cycle: int, out: list[Problem]) -> None:
        st = self.st
        st.takes += 1
        if st.takes > st.completions:
            self._problem(out, rec, i, f"guest HWI{self.lay.irq - 2} taken without a completed notify (a stale or "
                          "duplicated virtio interrupt)",
                          f"take {st.takes} at cycle {cycle}, but the daemon completed {st.completions} notify(s) "
                          f"(res_rear stores)")
        elif st.notify_exits:
            self.latencies.append(cycle - st.notify_exits.pop(0))

    def _gintc(self, rec: np.void, i: int, vip: int, out: list[Problem]) -> None:
        st, bit = self.st, 1 << (self.lay.irq - 2)
        cycle = int(rec["cycle"])
        if vip & bit and not st.vip & bit:
            st.asserted, st.ack_cycle, st.status_cycle = cycle, None, None
        elif st.vip & bit and not vip & bit:
            self.deasserts_checked += 1
            line = f"HWI{self.lay.irq - 2}"
            if st.shutdown is not None:
                pass                        # the zone is being shut down: its lines go with it
            elif st.ack_cycle is None and st.status_cycle is not None:
                self._problem(out, rec, i, f"{line} de-asserted on the InterruptStatus read, before the guest wrote "
                              "InterruptACK (hvisor-tool #109)",
                              f"VIP[{self.lay.irq - 2}] asserted at cycle {st.asserted}, the guest read "
                              f"InterruptStatus (exit at cycle {st.status_cycle}) and the root cleared the line at "
                              f"cycle {cycle} with no InterruptACK write since: the interrupt is gone before the "
                              f"driver acknowledged it")
            elif st.ack_cycle is None:
                self._problem(out, rec, i, f"{line} de-asserted without an InterruptACK",
                              f"VIP[{self.lay.irq - 2}] asserted at cycle {st.asserted}, cleared at cycle {cycle}; "
                              f"the guest never wrote InterruptACK in between")
            st.asserted = None
        st.vip = vip

    def finish(self) -> list[str]:
        """End-of-run problems: completed notifies never delivered."""
        st = self.st
        if st.takes < st.completions:
            return [f"{st.completions - st.takes} completed notify(s) never delivered: the daemon completed "
                    f"{st.completions} (res_rear stores), the guest took HWI{self.lay.irq - 2} {st.takes} time(s)"]
        return []


def _ranges(offsets: list[int]) -> str:
    out, start = [], offsets[0]
    for a, b in zip(offsets, [*offsets[1:], None], strict=True):
        if b != a + 1:
            out.append(f"{start}" if start == a else f"{start}-{a}")
            if b is not None:
                start = b
    return ", ".join(out)


class VirtioMonitor(uvm_subscriber):
    """The pyuvm end of VirtioChecker (check `virtio`, coverage group `virtio`)."""

    def build_phase(self) -> None:
        self.cfg = ConfigDB().get(self, "", "run_config")
        self.failures = ConfigDB().get(self, "", "failures")
        self.image = ConfigDB().get(self, "", "image")
        self.cov = ConfigDB().get(self, "", "coverage")
        self.checker = VirtioChecker(ConfigDB().get(self, "", "virtio_layout"))

    def write(self, batch: np.ndarray) -> None:
        retire = ConfigDB().get(self, "", "retire_monitor")
        for p in self.checker.write(batch):
            self.failures.add(retire.failure_at(CHECK, p.summary, p.detail, batch, p.index))

    def check_phase(self) -> None:
        c = self.checker
        for problem in c.finish():
            self.failures.add(Failure(CHECK, "virtio interrupt lost", problem, repro=self.cfg.repro_with_waves(None)))
        st = c.st
        self.cov.hit(CHECK, "request published", st.rear)
        self.cov.hit(CHECK, "blocking read checked", c.reads_checked)
        self.cov.hit(CHECK, "notify completed", st.completions)
        self.cov.hit(CHECK, "HWI de-assert checked", c.deasserts_checked)
        if st.restarts:
            self.cov.hit(CHECK, "driver zone restarted", st.restarts)
        lat = c.latencies
        if lat:
            print(f"lacosim: virtio end-to-end latency (QueueNotify exit -> guest HWI{c.lay.irq - 2} entry): "
                  f"{len(lat)} sample(s), min {min(lat)} max {max(lat)} mean {sum(lat) / len(lat):.0f} cycles",
                  flush=True)
