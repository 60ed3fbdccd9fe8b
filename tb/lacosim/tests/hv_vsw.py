"""Several vCPUs per core (issue 10, helper vsw; docs/design.md 13.10): the context-switching hypervisor build
(-DHV_VCPU_SWITCH: sw/hv/sched.c, sw/hv/timer_ctx.c) with two vCPUs on core 0. The guest timer's save/restore
follows KVM's reference order (hypervisor-behaviour.md 1.6), checked by TimerRestoreScoreboard
(env/timer_restore_scoreboard.py); the guest-timer scoreboard keeps its cycle-exact TI prediction but not its
pinned-vCPU rules (a switch writes the guest timer on purpose)."""

from __future__ import annotations

import random
from typing import ClassVar

from pyuvm import ConfigDB

from lacosim.elf import ElfImage
from lacosim.env.s2_gid_scoreboard import S2GidScoreboard
from lacosim.env.timer_restore_scoreboard import TimerRestoreScoreboard
from lacosim.tests.host import _multiple_of_4, _set
from lacosim.tests.hv import HvTest


class VswTest(HvTest):
    """A test of the context-switching build: the timer-restore scoreboard on, pinned-vCPU rules off; the vCPUs
    are told apart by the struct vcpu the hypervisor's entry writes to SAVE0 (hv_vsw_vcpu0/1)."""
    pinned_vcpu = False
    VCPU_SYMBOLS: ClassVar[tuple[str, ...]] = ("hv_vsw_vcpu0", "hv_vsw_vcpu1")
    # the TIs the guest must take per restore case (None: not counted)
    max_cycles = 1_000_000

    def configure(self, db: ConfigDB) -> None:
        super().configure(db)
        db.set(None, "*", "vsw_vcpus", {self.image.symbol(s): i for i, s in enumerate(self.VCPU_SYMBOLS)})

    def build_phase(self) -> None:
        super().build_phase()
        self.timer_restore = TimerRestoreScoreboard.create("timer_restore", self)

    def connect_phase(self) -> None:
        super().connect_phase()
        self.env.trace.trace_ap.connect(self.timer_restore.analysis_export)


class TvalOneshotRestore(VswTest):
    """T10: zone 0's one-shot across switch-outs, cases A (fired while out: one TI at re-entry), B (already
    acked: none), C (not yet fired: one TI at InitVal of wall time). SW_BUG=1: hvisor 754838b's restore with
    its two inverted conditions."""
    name = "tval_oneshot_restore"
    program = "hv_tval_oneshot_restore"
    guests = ("guest_tval_oneshot_restore",)
    has_sw_bug = True

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        a = _multiple_of_4(rng, 4000, 6000)
        c = _multiple_of_4(rng, 4000, 6000)
        return _set(image, {"g_a_initval": a, "g_a_out": rng.randrange(800, 1200), "g_a_back": a + rng.randrange(
            3000, 5000), "g_b_initval": _multiple_of_4(rng, 300, 800), "g_b_sleep": rng.randrange(1500, 2500),
            "g_c_initval": c, "g_c_out": rng.randrange(800, 1200), "g_c_back": rng.randrange(2500, 3200)})


class TvalPeriodicRestore(VswTest):
    """T11: a periodic timer of g_initval switched out for g_sleep ticks: the missed expiries collapse into one
    queued TI at re-entry, TVAL resumes at period - (elapsed mod period), the TI count is the undisturbed one
    minus the missed plus one (+-1), in-guest TIs one period apart."""
    name = "tval_periodic_restore"
    program = "hv_tval_periodic_restore"
    guests = ("guest_tval_periodic_restore",)

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        p = _multiple_of_4(rng, 3000, 5000)
        return _set(image, {"g_initval": p, "g_out": p + rng.randrange(p // 4, 3 * p // 4),
                            "g_sleep": 2 * p + rng.randrange(p // 4, 3 * p // 4), "g_total": 10 * p})


class TimerInjectedOnce(VswTest):
    """After an idle wake the guest timer interrupt is delivered exactly once: the idle blocks the vCPU (switched
    out until its one-shot expires), the restore fires the TI at re-entry (case A of the timer-restore
    scoreboard: exactly one take within L_ERTN + L_EXC). SW_BUG=1: the restore writes TVAL before TCFG, whose
    write reloads TVAL = InitVal: the TI comes a whole InitVal after the re-entry."""
    name = "timer_injected_once"
    program = "hv_timer_injected_once"
    guests = ("guest_timer_injected_once",)
    has_sw_bug = True

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_initval": _multiple_of_4(rng, 2000, 5000), "g_rounds": rng.randint(3, 5)})


S2_GPA = 0x1000_0000
S2_HPA = {0: 0x0140_0000, 1: 0x0140_4000}       # sw/hv/zones/s2_tlb_gid.c hv_s2_remaps


class S2TlbGid(VswTest):
    """T17: zones 0 and 1 (GID 2 and 3) in turn on core 0, the same GPA 0x1000_0000 on different HPAs; each reads
    its own value; zone 0's invtlb by zone 1's GID flushes zone 1's entry only. S2GidScoreboard checks each
    access's HPA and the refills per zone (zone 0 once, zone 1 twice). SW_BUG=1: the switch leaves GSTAT.GID and
    GTLBC.TGID alone."""
    name = "s2_tlb_gid"
    program = "hv_s2_tlb_gid"
    guests = ("guest_s2_tlb_gid",)
    has_sw_bug = True
    REFILLS: ClassVar[dict[int, int]] = {0: 1, 1: 2}

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        v0 = rng.getrandbits(63) | 1
        return _set(image, {"g_val0": v0, "g_val1": v0 ^ (rng.getrandbits(62) | 2), "g_sleep": rng.randrange(
            6000, 9000)})

    def configure(self, db: ConfigDB) -> None:
        super().configure(db)
        db.set(None, "*", "s2_gid_pages", {S2_GPA: S2_HPA})
        db.set(None, "*", "s2_gid_refills", self.REFILLS)

    def build_phase(self) -> None:
        super().build_phase()
        self.s2_gid = S2GidScoreboard.create("s2_gid", self)

    def connect_phase(self) -> None:
        super().connect_phase()
        self.env.trace.trace_ap.connect(self.s2_gid.analysis_export)


class S2TlbGidInvtlb(S2TlbGid):
    """T17 again (the same zones and guest) for its second mutation: SW_BUG=1 runs the invtlb by GID without
    setting GTLBC.TGID, so zone 0 flushes its own entries and zone 1's survive. The guest reads the right values
    all along; only the s2-gid scoreboard's refill count sees it (zone 0 refills the page again)."""
    name = "s2_tlb_gid_invtlb"
    program = "hv_s2_tlb_gid_invtlb"
