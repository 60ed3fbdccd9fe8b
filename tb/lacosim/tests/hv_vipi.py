"""Tests of the virtual IPI block and the doorbell drain (helper vipi; docs/design.md 13.11): T8
iocsr_guest_ipi_virt (one core, and a 2-core variant where zone 0 IPIs zone 1) and T3 ipi_event_drain."""

from __future__ import annotations

import random

from lacosim.elf import ElfImage
from lacosim.env.event_drain_scoreboard import CHECK as DRAIN_CHECK
from lacosim.env.event_drain_scoreboard import RACE_BIN, EventDrainScoreboard
from lacosim.env.vipi_scoreboard import VipiScoreboard
from lacosim.tests.host import _set
from lacosim.tests.hv import HvTest


class IocsrGuestIpiVirt(HvTest):
    """T8: the guest's IPI registers are its vCPU's virtual block (sw/hv/vipi.c): EN written and read back
    (sign-extended), self-IPIs via IPI_SEND (vector 3, then seeded vectors) taken with STATUS read and CLEAR
    written, a MAIL_SEND with a byte keep-mask. VipiScoreboard checks every emulated read, guest IS[12] at each
    re-entry, the take within L_EXC and that guest IOCSR traffic never reaches the physical IPI block. SW_BUG=1:
    hvisor's pass-through emulation (#202): the guest's accesses land on the real registers."""
    name = "iocsr_guest_ipi_virt"
    program = "hv_iocsr_guest_ipi_virt"
    guests = ("guest_iocsr_guest_ipi_virt",)
    has_sw_bug = True
    max_cycles = 2_000_000
    PEER = 0

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_rounds": rng.randint(3, 8), "g_seed": rng.getrandbits(63) | 1, "g_peer": cls.PEER})

    def build_phase(self) -> None:
        super().build_phase()
        self.vipi = VipiScoreboard.create("vipi", self)

    def connect_phase(self) -> None:
        self.env.trace.trace_ap.connect(self.vipi.analysis_export)


class IocsrGuestIpiVirt2Core(IocsrGuestIpiVirt):
    """T8 across cores: zone 0 (core 0) also sends IPIs to zone 1 (core 1) through the virtual blocks; the
    hypervisor ORs into core 1's virtual STATUS and doorbells core 1, which syncs its guest IS[12]. SW_BUG=1: a
    mutation without that doorbell (KVM's kick): core 1 sees the IPI only at some later exit."""
    name = "iocsr_guest_ipi_virt_2core"
    program = "hv_iocsr_guest_ipi_virt_2core"
    cores = 2
    min_cores = 2
    PEER = 1


class IpiEventDrain(HvTest):
    """T3: zone 0 asks the hypervisor for g_pairs event pairs (VIRTIO_INJECT_IRQ, 0-200 ticks, CLEAR_INJECT_IRQ)
    to core 1, with seeded gaps. EventDrainScoreboard follows every push and pop of the queues in the trace:
    each event processed once, STATUS cleared before the drain, nothing stranded or left in STATUS. SW_BUG=1:
    the clear after the drain (hvisor #361)."""
    name = "ipi_event_drain"
    program = "hv_ipi_event_drain"
    guests = ("guest_ipi_event_drain",)
    cores = 2
    min_cores = 2
    has_sw_bug = True
    max_cycles = 6_000_000
    PAIRS = 1000   # hypervisor-behaviour.md T3

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_pairs": cls.PAIRS, "g_seed": rng.getrandbits(63) | 1})

    def build_phase(self) -> None:
        super().build_phase()
        self.drain = EventDrainScoreboard.create("event_drain", self)

    def connect_phase(self) -> None:
        self.env.trace.trace_ap.connect(self.drain.analysis_export)

    def check(self) -> None:
        super().check()
        hits = self.coverage.groups.get(DRAIN_CHECK, {})
        for name in (RACE_BIN, "two events drained in one episode"):
            if not hits.get(name):
                self.fail(f"coverage bin '{name}' never hit", "the seeded spacing never made the second event of a "
                          "pair arrive while core 1 handled the first: the race T3 is about was not exercised",
                          check="coverage")
