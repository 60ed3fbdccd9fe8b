"""Tests of the test hypervisor (issue 9; sw/hv, docs/design.md 13): the hypervisor ELF `hv_<test>` with its
zone table, and the guest kernel ELFs it runs, loaded into one image (identity stage 2: GPA = HPA).

Each guest checks what it can see itself and ends with the report hypercall; the hypervisor prints the
verdict line "<test>: PASS|FAIL" and powers off. Lockstep and every scoreboard run on root and guest alike.
Parameters are constrained-random from SEED, written into the guest ELF through its `g_` symbols."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import cocotb
import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.elf import ElfImage
from lacosim.env.failures import Failure
from lacosim.env.guest_exit_scoreboard import data_va, mmio_form
from lacosim.tests.host import ProgramSelfCheck, _multiple_of_4, _set, pulse_ext_irq
from lacosim.tests.lvz import LVZ_EXCEPTIONS

if TYPE_CHECKING:
    from lacosim.env.guest_exit_scoreboard import GuestExit

CPUCFG2_LVZ_MASK = 0xF << 10  # LVZ [10] | LVZVER [13:11]: hidden from guests (sw/hv/cpucfg.c)
CPUCFG_MATCH = 0x0000_6C00     # cpucfg rd, rj (insn & 0xFFFFFC00)
HC_ECHO = 0x7E                 # the hypervisor's test echo code (a0), result a1 + a2
HC_ZONE_START = 2


class TestDevice:
    """The hypervisor's MMIO test device (design.md 13.4), modelled for the guest-exit scoreboard: 64 bytes of
    little-endian registers behind every emulated window (offset = GPA mod 64, wrapping), reading back what was
    written; loads sign- (b/h/w, ldptr) or zero-extend (bu/hu/wu) into rd. One device per hypervisor: every
    zone's exits go through it, in the order the hypervisor handles them (the trace's order of re-entries)."""

    def __init__(self) -> None:
        self.regs = bytearray(64)

    def access(self, exit: GuestExit) -> int | None:
        """Apply a PIL/PIS exit; the value the load's rd must hold (None for a store or another form)."""
        form = mmio_form(exit.insn)
        if form is None:
            return None
        size, store, signed = form
        gpa = exit.gpa if exit.gpa is not None else data_va(exit.insn, exit.gprs)
        if gpa is None:
            return None
        off = gpa & 63
        if store:
            value = exit.gprs[exit.insn & 31]
            for i in range(size):
                self.regs[(off + i) & 63] = (value >> (8 * i)) & 0xFF
            return None
        value = sum(self.regs[(off + i) & 63] << (8 * i) for i in range(size))
        if signed and size < 8 and value >> (8 * size - 1) & 1:
            value -= 1 << (8 * size)
        return value & ((1 << 64) - 1)


class HvTest(ProgramSelfCheck):
    """The verdict line is the hypervisor's "<test>: PASS" (the test name, not the program's). Every vCPU is
    pinned to its core (R4): the guest-timer scoreboard fails an exit path that rewrites the guest timer, and
    the guest-exit scoreboard checks each hypercall's a0 against the hypervisor's ABI (design.md 13)."""
    expected_exceptions = LVZ_EXCEPTIONS | frozenset({"INT"})
    verdict: ClassVar[str] = ""
    pinned_vcpu = True

    def emulated_rd(self, exit: GuestExit) -> int | None:
        """design.md 13.4/13.5: cpucfg from the host's table with the LVZ bits hidden (0 from index 21 on);
        the echo hypercall returns a1 + a2; an emulated load what the test device holds (every PIL/PIS exit
        resumed at PC + 4 passes through here, stores too, in the order the hypervisor handled them)."""
        insn = exit.insn
        if exit.cause in ("PIL", "PIS"):
            if not hasattr(self, "testdev"):
                self.testdev = TestDevice()
            return self.testdev.access(exit)
        if exit.cause == "GSPR" and insn & 0xFFFF_FC00 == CPUCFG_MATCH:
            from lacosim.iss.csr import cpucfg_word  # noqa: PLC0415  (the model's table, as for prepare)
            idx = exit.gprs[(insn >> 5) & 31]
            return cpucfg_word(idx) & ~(CPUCFG2_LVZ_MASK if idx == 2 else 0) if idx < 21 else 0
        if exit.cause == "HVC" and exit.gprs[4] == HC_ECHO:
            return (exit.gprs[5] + exit.gprs[6]) & ((1 << 64) - 1)
        return None

    def verdict_name(self) -> str:
        return self.verdict or self.name


class IdleTimer(HvTest):
    """T9: the guest idles until its one-shot TI; each `idle` exits (GSPR) and the hypervisor resumes it at
    once (hvisor). SW_BUG=1: the exit path writes the saved guest TCFG/TVAL/ESTAT back on every entry (hvisor
    before 754838b), restarting the countdown: the TI never comes and the watchdog (10x the longest
    expected run) ends the run."""
    name = "idle_timer"
    program = "hv_idle_timer"
    guests = ("guest_idle_timer",)
    has_sw_bug = True
    INITVAL = (2000, 6000)
    REPS = (5, 12)
    # boot and printing ~45k cycles, then reps x (InitVal + a few exit round trips of ~230 cycles); x10
    max_cycles = 10 * (50_000 + 12 * (6000 + 500))

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_initval": _multiple_of_4(rng, *cls.INITVAL), "g_reps": rng.randint(*cls.REPS),
                            "g_slack": 4000})


class IdleTimerKvm(IdleTimer):
    """T9 under KVM's idle policy: the hypervisor blocks in a root `idle 0` (its own one-shot armed to end
    just after the guest's) until the guest has a pending enabled interrupt."""
    name = "idle_timer_kvm"
    program = "hv_idle_timer_kvm"




class CpucfgEmul(HvTest):
    """T6: every guest cpucfg exits (GSPR) and resumes at PC + 4 with rd from the hypervisor's table; the guest
    checks every rd/rj pair of {r4, r12, r31}, the out-of-range indices, the LVZ mask, and one seeded index
    against the reference model's CPUCFG word."""
    name = "cpucfg_emul"
    program = "hv_cpucfg_emul"
    guests = ("guest_cpucfg_emul",)
    max_cycles = 2_000_000   # ~190k cycles

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        from lacosim.iss.csr import cpucfg_word  # noqa: PLC0415  (the model's table: only this test needs it)
        idx = rng.choice([rng.randrange(0, 21), rng.randrange(21, 1 << 32)])
        word = cpucfg_word(idx) & ~(CPUCFG2_LVZ_MASK if idx == 2 else 0) if idx < 21 else 0
        return _set(image, {"g_cfg_idx": idx, "g_cfg_val": word, "g_sentinel": rng.getrandbits(64)})


class HvclHypercall(HvTest):
    """T7 (with T4's ZoneStart and R12's park): the hypercall ABI from a root zone on core 0 and a non-root
    zone on core 1 (-EPERM for the root-only codes); an unknown code returns 0 (hvisor's policy)."""
    name = "hvcl_hypercall"
    program = "hv_hvcl_hypercall"
    guests = ("guest_hvcl_hypercall",)
    cores = 2
    min_cores = 2
    max_cycles = 3_000_000
    has_sw_bug = True   # SW_BUG=1: a mutation without the -EPERM check of the root-only codes
    UNKNOWN_RESULT = 0

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        unknown = rng.choice([rng.randrange(7, 20), rng.randrange(21, 0x70), rng.randrange(0x80, 1 << 16)])
        return _set(image, {"g_a1": rng.getrandbits(64), "g_a2": rng.getrandbits(64), "g_unknown_code": unknown,
                            "g_unknown": cls.UNKNOWN_RESULT})


class HvclHypercallKvm(HvclHypercall):
    """T7 under KVM's result for an unknown code: -1."""
    name = "hvcl_hypercall_kvm"
    program = "hv_hvcl_hypercall_kvm"
    has_sw_bug = False
    UNKNOWN_RESULT = (1 << 64) - 1


class Stage2MmioEmul(HvTest):
    """T16: every load/store form on an emulated window exits (PIL/PIS, BADV = GPA) and is emulated: values,
    sign/zero extension, store widths, the device's record of the access, ERA + 4."""
    name = "stage2_mmio_emul"
    program = "hv_stage2_mmio_emul"
    guests = ("guest_stage2_mmio_emul",)
    max_cycles = 2_000_000
    has_sw_bug = True   # SW_BUG=1: the emulated loads zero-extend (hvisor PR #304's missing sign extension)

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_pattern": rng.getrandbits(64), "g_off": rng.randrange(8)})


class RdtimeGcntc(HvTest):
    """T18: guest rdtime = root rdtime + GCNTC (GCNTC = -K), bracketed exactly around each exit; monotonic."""
    name = "rdtime_gcntc"
    program = "hv_rdtime_gcntc"
    guests = ("guest_rdtime_gcntc",)
    max_cycles = 2_000_000

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_k": rng.randrange(1 << 16, 1 << 40), "g_reads": rng.randint(50, 150)})


class TimerRootIsolation(HvTest):
    """T12: a guest TI that expires while the root spins in a hypercall causes no exit, latches into the guest
    ESTAT and is taken in the guest at re-entry."""
    name = "timer_root_isolation"
    program = "hv_timer_root_isolation"
    guests = ("guest_timer_root_isolation",)
    max_cycles = 2_000_000

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_initval": _multiple_of_4(rng, 1000, 8000)})


class GcsrContextRoundtrip(HvTest):
    """T5: guest CSRs and GPRs survive exits of every kind (hvcl, cpucfg, emulated MMIO) unchanged."""
    name = "gcsr_context_roundtrip"
    program = "hv_gcsr_context_roundtrip"
    guests = ("guest_gcsr_context_roundtrip",)
    max_cycles = 2_000_000
    has_sw_bug = True   # SW_BUG=1: a mutation whose exit path leaves s0-s8/fp to the C ABI (never returns)

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_seed": rng.getrandbits(63), "g_rounds": rng.randint(10, 20)})


class OneshotAckOrder(HvTest):
    """The guest-side variant of T9: a TI handler that acknowledges before re-arming its one-shot receives every
    event although its work outlasts the period. SW_BUG=1: the guest acknowledges after re-arming (told so by
    the hypervisor build, HC_TEST_GUEST_BUG): the new expiry is cleared by the late TICLR and the next event is
    lost (rcore-os/tgoskits#1360)."""
    name = "oneshot_ack_order"
    program = "hv_oneshot_ack_order"
    guests = ("guest_oneshot_ack_order",)
    has_sw_bug = True
    max_cycles = 2_000_000

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        initval = _multiple_of_4(rng, 400, 2000)
        return _set(image, {"g_initval": initval, "g_work": initval + rng.randrange(200, 1000),
                            "g_events": rng.randint(4, 10)})


class GintcInject(HvTest):
    """T13 (single core): seeded subsets of HWI0-7 asserted on GINTC.VIP, each taken once by the guest and acked
    per line through an emulated MMIO register. SW_BUG=1: one de-assert clears every line (hvisor's
    clear_hwi_injected_irq), so lines are lost."""
    name = "gintc_inject"
    program = "hv_gintc_inject"
    guests = ("guest_gintc_inject",)
    has_sw_bug = True
    max_cycles = 3_000_000

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_rounds": rng.randint(15, 30), "g_seed": rng.getrandbits(63) | 1})


class EstatInjectNoClobber(HvTest):
    """T15: a guest TI raised during an exit and SWI0/IPI injected by the root all reach the guest. SW_BUG=1:
    the exit path writes the saved guest ESTAT back and drops them."""
    name = "estat_inject_no_clobber"
    program = "hv_estat_inject_no_clobber"
    guests = ("guest_estat_inject_no_clobber",)
    has_sw_bug = True
    max_cycles = 2_000_000

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_initval": _multiple_of_4(rng, 500, 3000), "g_rounds": rng.randint(4, 8),
                            "g_seed": rng.getrandbits(63) | 1})


class GintcPassthrough(HvTest):
    """T14: a device line the testbench pulses (EXTIOI source g_source, routed by the hypervisor to HWI g_line of
    core 0; the root's LIE has no HWI) reaches the guest through GINTC.PIP: with PIP = 1 the guest takes each of
    the first g_on pulses, with PIP = 0 it never sees the other g_off. The GINTC scoreboard checks guest IS[9:2] =
    VIP | PIP & the physical lines at every change (coverage: "physical HWI high, PIP set / clear"); lockstep
    checks that the root never takes the line."""
    name = "gintc_passthrough"
    program = "hv_gintc_passthrough"
    guests = ("guest_gintc_passthrough",)
    max_cycles = 2_000_000
    START_CYCLES = 70_000    # boot ~37k cycles, then the guest routes the line and sets PIP

    @staticmethod
    def plan(rng: random.Random) -> dict[str, int]:
        width, gap = rng.randrange(200, 800), rng.randrange(4000, 8000)
        on, off = rng.randint(2, 4), rng.randint(1, 3)
        return {"g_source": rng.choice([s for s in range(32) if s != 2]), "g_line": rng.randrange(8), "g_on": on,
                "g_off": off, "g_window": off * (width + gap) + gap, "pulse_width": width, "pulse_gap": gap}

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        plan = cls.plan(rng)
        return _set(image, {k: plan[k] for k in ("g_source", "g_line", "g_on", "g_off", "g_window")})

    async def run_phase(self) -> None:
        plan = self.plan(random.Random(self.cfg.seed))
        cocotb.start_soon(pulse_ext_irq(self.logger, plan["g_source"], plan["g_on"] + plan["g_off"],
                                        plan["pulse_width"], plan["pulse_gap"], self.START_CYCLES))
        await super().run_phase()

    def check(self) -> None:
        super().check()
        hits = self.coverage.groups.get("gintc", {})
        for pip in ("set", "clear"):
            if not hits.get(f"physical HWI high, PIP {pip}"):
                self.fail(f"the device line was never high with PIP {pip}", "the test exercised only one PIP "
                          "setting: the pulses and the guest's phases did not line up", check="coverage")

# ------------------------------------------------------------------------------------------------------------
# T4: a zone's first guest instruction (hypervisor-behaviour.md 3 T4; design.md 13.9)
CSR_GTLBC, CSR_GSTAT, CSR_GCFG, CSR_GINTC = 0x15, 0x50, 0x51, 0x52
ZONE_ROOT_CSRS = (CSR_GTLBC, CSR_GSTAT, CSR_GCFG, CSR_GINTC)
GCFG_TRAPS = (1 << 7) | (1 << 9) | (1 << 11) | (1 << 13) | (1 << 15)   # SIT TIT TOE TOP TORU
GCFG_GCI_SECURE, GCFG_MATC_ROOT = 2 << 20, 1 << 4
GCFG_EXPECTED_MASK = GCFG_TRAPS | (3 << 20) | (3 << 4)
GTLBC_USETGID = 1 << 12
# cycles from the entering ertn's record to the first guest record (the redirect and the entry's fetch): 5 measured
# on both cores of zone_start_wakeup (core 1's first fetch there); the bound leaves room for a cache miss
L_ERTN = 16
ZONE_CHECK = "zone-start"


@dataclass(frozen=True)
class ZoneEntry:
    """What the zone table (sw/hv/zones/<test>.c) gives the zone that starts on a core."""
    entry: int
    gid: int
    pip: int


@dataclass
class _CoreEntryState:
    gprs: list[int] = field(default_factory=lambda: [0] * 32)
    csrs: dict[int, int] = field(default_factory=dict)   # the root's last csr write of GSTAT/GTLBC/GCFG/GINTC
    ertn_cycle: int | None = None
    guest_crmd_written: int | None = None                # cycle of a root gcsr write of guest CRMD before entry
    done: bool = False


class FirstEntryChecker:
    """From the trace only (independent of the model): on each watched core's first guest-mode record, the
    state the hypervisor set up for the zone: PC = entry, GSTAT.GID / GTLBC.TGID = GID with USETGID, GCFG traps
    off with GCI = SECURE and MATC = ROOT (design.md 13.1), GINTC.PIP = the zone's mask (VIP 0), guest CRMD at
    its reset value (PLV 0, IE 0; no root write of it), every GPR 0 (a shadow of every rd/rd2 write: root and
    guest share the GPRs), and at most L_ERTN cycles after the ertn. `problems(core)` yields the differences."""

    def __init__(self, zones: dict[int, ZoneEntry]) -> None:
        self.zones = zones
        self.cores = {c: _CoreEntryState() for c in zones}
        self.latencies: list[int] = []

    def pending(self) -> list[int]:
        return [c for c, st in self.cores.items() if not st.done]

    def write(self, batch: np.ndarray) -> list[tuple[int, int, list[str]]]:
        """Fold a batch; returns (core, batch index, problems) for each first guest record in it."""
        found = []
        watched = self.pending()
        if not watched:
            return found
        for i in np.flatnonzero((batch["kind"] == trace.KIND_RETIRE) & np.isin(batch["core"], watched)):
            rec = batch[i]
            core = int(rec["core"])
            st = self.cores[core]
            if st.done:
                continue
            if rec["mode"] & trace.MODE_GUEST:
                st.done = True
                found.append((core, int(i), self._check(core, st, rec)))
                continue
            flags, flags2 = int(rec["flags"]), int(rec["flags2"])
            if flags & trace.FLAG_RD_WE and rec["rd"]:
                st.gprs[int(rec["rd"])] = int(rec["rd_wdata"])
            if flags & trace.FLAG_RD2_WE and rec["rd2"]:
                st.gprs[int(rec["rd2"])] = int(rec["rd2_wdata"])
            if flags & trace.FLAG_CSR_WE:
                if flags2 & trace.FLAG2_GCSR:
                    if int(rec["csr"]) == trace.CSR_CRMD:
                        st.guest_crmd_written = int(rec["cycle"])
                elif int(rec["csr"]) in ZONE_ROOT_CSRS:
                    st.csrs[int(rec["csr"])] = int(rec["csr_wdata"])
            if int(rec["trap"]) & trace.TRAP_ERTN:
                st.ertn_cycle = int(rec["cycle"])
        return found

    def _check(self, core: int, st: _CoreEntryState, rec: np.void) -> list[str]:
        zone, out = self.zones[core], []
        pc, cycle = int(rec["pc"]), int(rec["cycle"])
        if pc != zone.entry:
            out.append(f"PC {pc:#x}, expected the zone's entry {zone.entry:#x}")
        gstat, gtlbc = st.csrs.get(CSR_GSTAT, 0), st.csrs.get(CSR_GTLBC, 0)
        gcfg, gintc = st.csrs.get(CSR_GCFG, 0), st.csrs.get(CSR_GINTC, 0)
        if (gstat >> 16) & 0xFF != zone.gid:
            out.append(f"GSTAT.GID {(gstat >> 16) & 0xFF}, expected the zone's GID {zone.gid} (GSTAT {gstat:#x})")
        if (gtlbc >> 16) & 0xFF != zone.gid or not gtlbc & GTLBC_USETGID:
            out.append(f"GTLBC {gtlbc:#x}: TGID {(gtlbc >> 16) & 0xFF} USETGID {(gtlbc >> 12) & 1}, expected "
                       f"TGID {zone.gid} USETGID 1")
        if gcfg & GCFG_EXPECTED_MASK != GCFG_GCI_SECURE | GCFG_MATC_ROOT:
            out.append(f"GCFG {gcfg:#x}, expected SIT = TIT = TOE = TOP = TORU = 0, GCI = 2 (SECURE), MATC = 1 "
                       f"(ROOT)")
        if gintc & 0xFFFF != zone.pip << 8:
            out.append(f"GINTC {gintc:#x}: PIP {(gintc >> 8) & 0xFF:#04x} VIP {gintc & 0xFF:#04x}, expected PIP "
                       f"{zone.pip:#04x} (the zone table) and VIP 0")
        mode = int(rec["mode"])
        if mode & (trace.MODE_PLV_MASK | trace.MODE_IE):
            out.append(f"guest CRMD PLV {mode & trace.MODE_PLV_MASK} IE {(mode >> 2) & 1}, expected the reset "
                       f"value (DA, PLV 0, IE 0)")
        if st.guest_crmd_written is not None:
            out.append(f"the root wrote guest CRMD at cycle {st.guest_crmd_written}: it must start at its reset "
                       f"value (DA = 1, IE = 0)")
        nonzero = [(r, v) for r, v in enumerate(st.gprs) if v]
        if nonzero:
            regs = ", ".join(f"r{r} = {v:#x}" for r, v in nonzero[:8]) + (" ..." if len(nonzero) > 8 else "")
            out.append(f"{len(nonzero)} GPR(s) not 0 at the zone's first instruction: {regs} (the hypervisor "
                       f"entered the zone with stale root registers; hvisor d83315e zeroes them)")
        if st.ertn_cycle is None:
            out.append("no ertn of this core before its first guest instruction")
        else:
            self.latencies.append(cycle - st.ertn_cycle)
            if cycle - st.ertn_cycle > L_ERTN:
                out.append(f"first guest instruction {cycle - st.ertn_cycle} cycles after the ertn at cycle "
                           f"{st.ertn_cycle}, bound L_ERTN = {L_ERTN}")
        return out


class FirstEntryScoreboard(uvm_subscriber):
    """The pyuvm end of FirstEntryChecker: check `zone-start`, coverage "zone-start"."""

    def build_phase(self) -> None:
        self.cfg = ConfigDB().get(self, "", "run_config")
        self.failures = ConfigDB().get(self, "", "failures")
        self.image = ConfigDB().get(self, "", "image")
        self.cov = ConfigDB().get(self, "", "coverage")
        self.checker = FirstEntryChecker(ConfigDB().get(self, "", "zone_entries"))

    def write(self, batch: np.ndarray) -> None:
        for core, i, problems in self.checker.write(batch):
            rec = batch[i]
            cycle = int(rec["cycle"])
            self.cov.hit(ZONE_CHECK, f"core {core}: first guest instruction checked")
            lat = self.checker.latencies[-1] if self.checker.latencies else None
            self.logger.info(f"zone start: core {core} entered its zone at cycle {cycle}, {lat} cycles after the "
                             f"ertn (L_ERTN = {L_ERTN}); {len(problems)} problem(s)")
            if not problems:
                continue
            retire = ConfigDB().get(self, "", "retire_monitor")
            self.failures.add(retire.failure_at(
                ZONE_CHECK, "the zone's first guest instruction does not see the state its start must set up",
                "\n".join(problems), batch, i))

    def check_phase(self) -> None:
        for core in self.checker.pending():
            self.failures.add(Failure(ZONE_CHECK, f"core {core} never entered its zone (no guest-mode record)",
                                      repro=self.cfg.repro_with_waves(None)))


class ZoneStartWakeup(HvTest):
    """T4: zone 0 (core 0) starts zone 1 on core 1 with ZoneStart (a0 = 0 back, checked by the guest-exit
    scoreboard); core 1, parked, is woken by the doorbell and enters the zone. FirstEntryScoreboard checks
    each core's first guest instruction. SW_BUG=1: a mutation that does not zero the GPRs on a zone's first
    entry (hvisor before d83315e): zone 1 starts with the park loop's registers."""
    name = "zone_start_wakeup"
    program = "hv_zone_start_wakeup"
    guests = ("guest_zone_start_wakeup",)
    cores = 2
    min_cores = 2
    has_sw_bug = True
    max_cycles = 2_000_000
    # sw/hv/zones/zone_start_wakeup.c: zone 0 (GID 1, PIP 0) on core 0, zone 1 (GID 2, PIP 0x81) on core 1
    ZONES: ClassVar[dict[int, ZoneEntry]] = {0: ZoneEntry(0x0100_0000, 1, 0), 1: ZoneEntry(0x0100_0000, 2, 0x81)}

    def emulated_rd(self, exit: GuestExit) -> int | None:
        if exit.cause == "HVC" and exit.gprs[4] == HC_ZONE_START:
            return 0     # zone 0 starts zone 1: the hypercall succeeds
        return super().emulated_rd(exit)

    def configure(self, db: ConfigDB) -> None:
        db.set(None, "*", "zone_entries", self.ZONES)

    def build_phase(self) -> None:
        super().build_phase()
        self.first_entry = FirstEntryScoreboard.create("first_entry", self)

    def connect_phase(self) -> None:
        self.env.trace.trace_ap.connect(self.first_entry.analysis_export)
