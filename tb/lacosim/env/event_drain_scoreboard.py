"""Event-drain scoreboard (T3 ipi_event_drain; docs/design.md 13.11), from the retirement trace alone.

The hypervisor's doorbell (sw/hv/irq.c): the sender stores {event, arg} into the target core's queue and sends
IPI vector DOORBELL_VECTOR; the target, in its INT exit (or the parked core's INT), clears IPI STATUS and then
pops until the queue is empty (R10). The queue's slots are memory the trace shows: a push is the sender's
4-byte store of the event id into `queues[t].ev[k]`, a pop the target's load of that slot. Checks (check
"event-drain"):
- every push is popped exactly once, by its target, in FIFO order, with the id pushed; none is left at the end;
- a popped VIRTIO_INJECT_IRQ / CLEAR_INJECT_IRQ is processed: a root GINTC write setting VIP[0] / clearing VIP
  before the next pop or the end of the episode;
- in an INT episode the first pop comes after the core's IPI_CLEAR write (clear before drain; hvisor #361's
  late clear drains first and can wipe the doorbell of an event queued meanwhile);
- at each re-entry no announced event (its doorbell IPI_SEND retired) is left in the core's queue with the
  doorbell bit clear in STATUS (stranded: no IPI will ever drain it), and at the end no doorbell is left in a
  STATUS with both queues empty. Physical STATUS follows lacosim.env.ipi_model.IpiModel.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.coverage import Coverage
from lacosim.env.failures import FailureLog
from lacosim.env.ipi_model import IpiModel

CHECK = "event-drain"
DOORBELL_VECTOR = 7
# struct event_queue (sw/hv/irq.c): u32 lock, head, tail, ev[16]; u64 arg[16]; the queue of core c at
# queues + c * stride (stride = the symbol's size / HV_MAX_CPUS)
QLEN, EV_OFFSET, HV_MAX_CPUS = 16, 12, 4
EV_VIRTIO_INJECT_IRQ, EV_CLEAR_INJECT_IRQ = 2, 4
EVENT_NAMES = {0: "WAKEUP", 1: "SHUTDOWN", 2: "VIRTIO_INJECT_IRQ", 4: "CLEAR_INJECT_IRQ", 0x68: "VIPI_KICK"}
CSR_GINTC = 0x52
IOCSR_IPI_CLEAR, IOCSR_IPI_SEND = 0x100C, 0x1040
RACE_BIN = "push while the target handles its doorbell"


@dataclass
class Push:
    cycle: int
    sender: int
    slot: int
    event: int
    announced: int | None = None     # the cycle of the sender's doorbell that follows


@dataclass
class CoreDrainState:
    queue: deque[Push] = field(default_factory=deque)
    episode: int | None = None        # cycle of the INT trap being handled (until the ertn)
    cleared: bool = False             # the episode's IPI_CLEAR retired
    popped_in_episode: int = 0
    effect_due: tuple[Push, int] | None = None   # a popped event whose GINTC write has not come (push, pop cycle)
    unannounced: list[tuple[int, Push]] = field(default_factory=list)   # (target, push) of this sender


class EventDrainChecker:
    def __init__(self, cores: int, queues: int, stride: int, fail: Callable[[str, str, int, int, int], None],
                 cov: Coverage | None = None) -> None:
        self.cores = [CoreDrainState() for _ in range(cores)]
        self.base, self.stride = queues, stride
        self.ipi = IpiModel(cores)
        self._fail = fail
        self.cov = cov
        self.pushes = self.pops = 0

    def _hit(self, name: str) -> None:
        if self.cov is not None:
            self.cov.hit(CHECK, name)

    def _slot(self, addr: int) -> tuple[int, int] | None:
        """(target core, slot) of an address inside a queue's ev[] array."""
        off = addr - self.base
        if not 0 <= off < self.stride * len(self.cores):
            return None
        t, o = divmod(off, self.stride)
        if not EV_OFFSET <= o < EV_OFFSET + 4 * QLEN or (o - EV_OFFSET) & 3:
            return None
        return t, (o - EV_OFFSET) // 4

    def write(self, batch: np.ndarray) -> None:
        retire = trace.retired(batch)
        flags, mode = trace.col(batch, "flags"), trace.col(batch, "mode")
        mem = retire & ((mode & (trace.MODE_GUEST | trace.MODE_IOCSR)) == 0) \
            & ((flags & (trace.FLAG_MEM_WE | trace.FLAG_MEM_RE)) != 0)
        addr = trace.col(batch, "mem_addr")
        mem &= (addr >= self.base) & (addr < self.base + self.stride * len(self.cores))
        iocsr = retire & ((mode & trace.MODE_IOCSR) != 0) & ((flags & trace.FLAG_MEM_WE) != 0) \
            & ((mode & trace.MODE_GUEST) == 0)
        gintc = retire & ((flags & trace.FLAG_CSR_WE) != 0) & (trace.col(batch, "csr") == CSR_GINTC) \
            & ((trace.col(batch, "flags2") & trace.FLAG2_GCSR) == 0)
        traps = retire & ((trace.col(batch, "trap") & (trace.TRAP_VALID | trace.TRAP_ERTN)) != 0)
        sel = np.flatnonzero(mem | iocsr | gintc | traps)
        names = ("cycle", "core", "pc", "flags", "flags2", "trap", "mode", "mem_addr", "mem_wdata", "rd_wdata", "csr",
                 "csr_wdata")
        cols = {k: batch[k][sel].tolist() for k in names}
        for i in range(len(sel)):
            self._record({k: v[i] for k, v in cols.items()})

    def _record(self, r: dict[str, int]) -> None:
        core, cycle, flags, trap = r["core"], r["cycle"], r["flags"], r["trap"]
        st = self.cores[core]
        if trap & trace.TRAP_VALID:
            intno = trace.trap_intno(trap) if trap & trace.TRAP_INT else None
            to_root = not r["mode"] & trace.MODE_GUEST or r["flags2"] & trace.FLAG2_EXIT
            if to_root and intno == 12:
                self._end_episode(core, st, cycle)
                st.episode, st.cleared, st.popped_in_episode = cycle, False, 0
            return
        if trap & trace.TRAP_ERTN and not r["mode"] & trace.MODE_GUEST:
            self._end_episode(core, st, cycle)
            self._stranded(core, st, cycle, r["pc"])
            return
        if r["mode"] & trace.MODE_IOCSR:
            addr, value = r["mem_addr"], r["mem_wdata"] & 0xFFFF_FFFF
            self.ipi.iocsr_write(cycle, core, addr, value)
            if addr == IOCSR_IPI_CLEAR and st.episode is not None:
                st.cleared = True
            if addr == IOCSR_IPI_SEND and value & 31 == DOORBELL_VECTOR:
                target = (value >> 16) & 0x3FF
                for _, push in [u for u in st.unannounced if u[0] == target]:
                    push.announced = cycle
                st.unannounced = [u for u in st.unannounced if u[0] != target]
            return
        if flags & trace.FLAG_CSR_WE:
            self._gintc(core, st, r)
            return
        where = self._slot(r["mem_addr"])
        if where is None or (flags >> trace.FLAG_MEM_SIZE_SHIFT) & 3 != 2:
            return                            # not a 4-byte access of an ev[] slot (the boot's .bss clear: st.d)
        target, slot = where
        if flags & trace.FLAG_MEM_WE:
            push = Push(cycle, core, slot, r["mem_wdata"] & 0xFFFF_FFFF)
            self.cores[target].queue.append(push)
            st.unannounced.append((target, push))
            self.pushes += 1
            self._hit(f"push {EVENT_NAMES.get(push.event, push.event)}")
            if self.cores[target].episode is not None:
                self._hit(RACE_BIN)         # T3's race: queued while the target handles its doorbell
        elif flags & trace.FLAG_MEM_RE:
            self._pop(core, target, slot, r)

    def _pop(self, core: int, target: int, slot: int, r: dict[str, int]) -> None:
        st, cycle, value = self.cores[core], r["cycle"], r["rd_wdata"] & 0xFFFF_FFFF
        if target != core:
            self._fail("a core popped another core's event queue", f"core {core} loaded slot {slot} of core {target}'s "
                       f"queue at cycle {cycle}", cycle, core, r["pc"])
            return
        self._effect_missing(core, st, cycle)
        if not st.queue or st.queue[0].slot != slot or st.queue[0].event != value:
            head = st.queue[0] if st.queue else None
            want = (f"slot {head.slot}: {EVENT_NAMES.get(head.event, head.event)} pushed by core {head.sender} at "
                    f"cycle {head.cycle}") if head else "nothing: every event pushed was already popped"
            self._fail("an event was processed twice, or one never queued (the queue popped out of order)",
                       f"core {core} popped slot {slot} = {EVENT_NAMES.get(value, value)} at cycle {cycle}; the next "
                       f"event due is {want}", cycle, core, r["pc"])
            return
        push = st.queue.popleft()
        self.pops += 1
        if st.episode is not None:
            self._hit("pop after the IPI_CLEAR" if st.cleared else "pop before the IPI_CLEAR")
            if st.popped_in_episode == 0 and not st.cleared:
                self._fail("the hypervisor drained the event queue before clearing IPI STATUS (hvisor #361's late "
                           "clear: a doorbell for an event queued after the last pop is wiped and the event is lost)",
                           f"core {core}'s INT at cycle {st.episode}: first pop ({EVENT_NAMES.get(value, value)}, slot "
                           f"{slot}) at cycle {cycle} with no IPI_CLEAR write before it in this episode (R10: clear "
                           f"STATUS, then drain until empty)", cycle, core, r["pc"])
            st.popped_in_episode += 1
            if st.popped_in_episode == 2:
                self._hit("two events drained in one episode")
        if push.event in (EV_VIRTIO_INJECT_IRQ, EV_CLEAR_INJECT_IRQ):
            st.effect_due = (push, cycle)

    def _gintc(self, core: int, st: CoreDrainState, r: dict[str, int]) -> None:
        if st.effect_due is None:
            return
        push, _ = st.effect_due
        vip = r["csr_wdata"] & 0xFF
        if (push.event == EV_VIRTIO_INJECT_IRQ and vip & 1) or (push.event == EV_CLEAR_INJECT_IRQ and vip == 0):
            st.effect_due = None
            self._hit(f"processed {EVENT_NAMES[push.event]}")

    def _effect_missing(self, core: int, st: CoreDrainState, cycle: int) -> None:
        if st.effect_due is None:
            return
        push, popped = st.effect_due
        st.effect_due = None
        want = "a GINTC write with VIP[0] = 1" if push.event == EV_VIRTIO_INJECT_IRQ else "a GINTC write with VIP = 0"
        self._fail(f"a popped {EVENT_NAMES[push.event]} was not processed",
                   f"core {core} popped it at cycle {popped} (pushed by core {push.sender} at cycle {push.cycle}) and "
                   f"made no {want} before cycle {cycle}", cycle, core, 0)

    def _end_episode(self, core: int, st: CoreDrainState, cycle: int) -> None:
        if st.episode is not None:
            self._effect_missing(core, st, cycle)
        st.episode = None

    def _stranded(self, core: int, st: CoreDrainState, cycle: int, pc: int) -> None:
        """At a root ertn: an announced event still queued needs the doorbell bit pending in STATUS."""
        waiting = [p for p in st.queue if p.announced is not None]
        if waiting and not self.ipi.cores[core].status >> DOORBELL_VECTOR & 1:
            p = waiting[0]
            self._fail("an event was lost: queued and doorbelled, but no IPI is left to drain it",
                       f"{EVENT_NAMES.get(p.event, p.event)} pushed to core {core} by core {p.sender} at cycle "
                       f"{p.cycle}, doorbell at cycle {p.announced}, still queued when core {core} returned (ertn at "
                       f"cycle {cycle}) with STATUS bit {DOORBELL_VECTOR} clear ({len(waiting)} event(s) stranded)",
                       cycle, core, pc)
            for q in waiting:
                q.announced = None               # report once

    def final(self, cycle: int) -> None:
        for core, st in enumerate(self.cores):
            for p in list(st.queue)[:3]:
                self._fail("a queued event was never processed",
                           f"{EVENT_NAMES.get(p.event, p.event)} pushed to core {core} by core {p.sender} at cycle "
                           f"{p.cycle} (slot {p.slot}) was never popped ({len(st.queue)} left)", cycle, core, 0)
        if all(not st.queue for st in self.cores):
            for core, c in enumerate(self.ipi.cores):
                if c.status >> DOORBELL_VECTOR & 1:
                    self._fail("an IPI is left in STATUS with both event queues empty",
                               f"core {core}'s IPI STATUS = {c.status:#x} at the end (doorbell bit {DOORBELL_VECTOR}); "
                               f"last writes: {'; '.join(c.history)}", cycle, core, 0)


class EventDrainScoreboard(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg = ConfigDB().get(self, "", "run_config")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        self.image = ConfigDB().get(self, "", "image")
        base, size = self.image.symbol("queues"), self.image.sizes.get("queues", 0)
        self.checker = EventDrainChecker(self.cfg.cores, base, size // HV_MAX_CPUS, self._fail,
                                         ConfigDB().get(self, "", "coverage"))
        self.last_cycle = 0
        self._batch: np.ndarray | None = None

    def write(self, batch: np.ndarray) -> None:
        self._batch = batch
        if len(batch):
            self.last_cycle = int(batch["cycle"][-1])
        self.checker.write(batch)

    def check_phase(self) -> None:
        self.checker.final(self.last_cycle)
        self.logger.info(f"event drain: {self.checker.pushes} event(s) pushed, {self.checker.pops} popped")

    def _fail(self, summary: str, detail: str, cycle: int, core: int, pc: int) -> None:
        retire = ConfigDB().get(self, "", "retire_monitor")
        self.failures.add(retire.failure(CHECK, summary, detail, cycle, core, self._batch, pc or None))
