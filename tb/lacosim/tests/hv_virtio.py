"""The hvisor-tool virtio bridge end to end (issue 10, helper virtio; hypervisor-behaviour.md 1.9, 1.10, T19;
docs/design.md 13.12): zone 0 runs the virtio daemon guest, zone 1 the driver; the hypervisor forwards the
driver's virtio-window exits through the bridge page. VirtioMonitor (lacosim.env.virtio_monitor) checks the
bridge protocol from the trace."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, ClassVar

from pyuvm import ConfigDB

from lacosim.elf import ElfImage
from lacosim.env.guest_exit_scoreboard import data_va, mmio_form
from lacosim.env.virtio_monitor import VirtioLayout, VirtioMonitor
from lacosim.tests.host import _set
from lacosim.tests.hv import HvTest

if TYPE_CHECKING:
    from lacosim.env.guest_exit_scoreboard import GuestExit

VIRTIO_GPA = 0x3000_0000      # sw/hv/zones/virtio_mmio_forward.c: zone 1's virtio window (16 KiB)
VIRTIO_SIZE = 0x4000
VIRTIO_MAGIC = 0x7472_6976
HC_VIRTIO_INIT, HC_VIRTIO_INJECT_IRQ, HC_ZONE_START, HC_ZONE_SHUTDOWN, HC_CLEAR_INJECT_IRQ = 0, 1, 2, 3, 20


class VirtioMmioForward(HvTest):
    """T19 (2 cores): the driver's DeviceID read blocks until the daemon answers through cfg_values/cfg_flags;
    each QueueNotify is completed by the daemon (res {zone 1, irq 4}, VirtioInjectIrq) and taken as HWI2 by the
    driver, whose handler reads InterruptStatus and writes InterruptACK; the hypervisor de-asserts HWI2 on the
    ACK. SW_BUG=1: it de-asserts on the InterruptStatus read (hvisor-tool #109): VirtioMonitor fails first."""
    name = "virtio_mmio_forward"
    program = "hv_virtio_mmio_forward"
    guests = ("guest_virtio_daemon",)
    cores = 2
    min_cores = 2
    has_sw_bug = True
    max_cycles = 3_000_000
    LEGACY = 0
    NOTIFIES = (2, 5)

    RESTART = 0

    @classmethod
    def params(cls, rng: random.Random) -> dict[str, int]:
        return {"g_device_id": rng.choice([1, 2, 3, 4, 9, 16, 18, 26]), "g_vendor_id": rng.getrandbits(31),
                "g_notifies": rng.randint(*cls.NOTIFIES), "g_legacy": cls.LEGACY, "g_restart": cls.RESTART,
                "g_down_ticks": rng.randrange(500, 5000)}

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, cls.params(rng))

    def _table(self) -> dict[int, int]:
        """The daemon's register table (sw/guests/virtio_daemon.c cfg_read) for this run's parameters."""
        p = self.cfg.params
        return {0x00: VIRTIO_MAGIC, 0x04: 2, 0x08: p["g_device_id"], 0x0C: p["g_vendor_id"], 0x60: 1}

    def emulated_rd(self, exit: GuestExit) -> int | None:
        """A load from the virtio window returns the daemon's table value (InterruptStatus 1: the driver reads it
        only in its HWI2 handler); the root-only hypercalls of the daemon succeed."""
        if exit.cause in ("PIL", "PIS"):
            gpa = exit.gpa if exit.gpa is not None else data_va(exit.insn, exit.gprs)
            form = mmio_form(exit.insn)
            if gpa is not None and form is not None and VIRTIO_GPA <= gpa < VIRTIO_GPA + VIRTIO_SIZE:
                size, store, signed = form
                if store:
                    return None
                value = self._table().get(gpa - VIRTIO_GPA, 0) & ((1 << (8 * size)) - 1)
                if signed and size < 8 and value >> (8 * size - 1) & 1:
                    value -= 1 << (8 * size)
                return value & ((1 << 64) - 1)
        if exit.cause == "HVC" and exit.gprs[4] in (HC_VIRTIO_INIT, HC_VIRTIO_INJECT_IRQ, HC_ZONE_START,
                                                     HC_ZONE_SHUTDOWN, HC_CLEAR_INJECT_IRQ):
            return 0
        return super().emulated_rd(exit)

    def configure(self, db: ConfigDB) -> None:
        db.set(None, "*", "virtio_layout", VirtioLayout(
            bridge=self.image.symbol("virtio_bridge"), window=VIRTIO_GPA, window_size=VIRTIO_SIZE, driver_core=1,
            daemon_core=0, irq=4, legacy=bool(self.LEGACY)))

    def build_phase(self) -> None:
        super().build_phase()
        self.virtio = VirtioMonitor.create("virtio", self)

    def connect_phase(self) -> None:
        self.env.trace.trace_ap.connect(self.virtio.analysis_export)

    def distributions(self) -> dict[str, list[int]]:
        return {"virtio end to end: QueueNotify exit to the guest's HWI2 entry (cycles)": self.virtio.checker.latencies}


class VirtioMmioForwardLegacy(VirtioMmioForward):
    """T19's legacy variant: the daemon calls ClearInjectIrq (20) on the guest's InterruptACK and every other
    powered-on core clears all its VIP lines (hvisor's path); the hypervisor does not de-assert by itself.
    SW_BUG=1 is a mutation of the request publish order (req_rear stored before the entry): VirtioMonitor's
    publish-order rule fails first."""
    name = "virtio_mmio_forward_legacy"
    program = "hv_virtio_mmio_forward_legacy"
    LEGACY = 1


class VirtioCfgRead(VirtioMmioForward):
    """T19 again, for the blocking config read's bug build: SW_BUG=1 is a mutation that takes cfg_values before
    waiting for cfg_flags, so each blocking read returns the previous answer; VirtioMonitor names the value."""
    name = "virtio_cfg_read"
    program = "hv_virtio_cfg_read"


class ZoneRestartIrqInFlight(VirtioMmioForward):
    """Zone shutdown and restart with a virtio completion in flight (2 cores): the driver's first life notifies
    with interrupts masked; the daemon completes it (HWI2 injection event queued to core 1) and at once shuts
    zone 1 down (SHUTDOWN queued behind it: the zone is freed, its GID's TLB entries invalidated, VIP
    de-asserted, power_on cleared), waits, and starts it again. The restarted driver runs T19's sequence and
    must take exactly its own interrupts. SW_BUG=1: a mutation that leaves VIP across the park and the zone
    start (hvisor PR #365's review): VirtioMonitor names the stale line at the restarted zone's entry."""
    name = "zone_restart_irq_in_flight"
    program = "hv_zone_restart_irq_in_flight"
    RESTART = 1
    NOTIFIES = (1, 3)
    zone_restart_entries: ClassVar[dict[int, int] | None] = {1: 0x0100_0000}   # zone 1's entry on core 1
