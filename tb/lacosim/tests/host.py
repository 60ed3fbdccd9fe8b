"""Host-level privileged tests (issue 4): exceptions, the stable timer, idle wake-up, IPIs and SMP boot.

Every test runs with lockstep and the scoreboards on; its parameters are constrained-random from SEED
and written into the program through ELF symbols (the program prints the values it used). Tests with
`has_sw_bug` also run their seed-bug software build with SW_BUG=1, which the scoreboards must fail.
"""

from __future__ import annotations

import logging
import random

import cocotb
from cocotb.triggers import Timer
from pyuvm import ConfigDB

from lacosim.elf import ElfImage
from lacosim.tests.base import LacosimTest


def _multiple_of_4(rng: random.Random, lo: int, hi: int) -> int:
    return rng.randrange(lo // 4, hi // 4 + 1) * 4


def _set(image: ElfImage, params: dict[str, int]) -> dict[str, int]:
    for name, value in params.items():
        image.set_param(name, value)
    return params


class ProgramSelfCheck(LacosimTest):
    """The program checks itself and prints PASS; the scoreboards check the hardware independently."""

    def verdict_name(self) -> str:
        """Who prints the verdict line "<name>: PASS" (a hypervisor test: the test, not its program)."""
        return self.program

    def check(self) -> None:
        text = bytes(self.env.uart.text)
        marker = f"{self.verdict_name()}: PASS".encode()
        if marker not in text:
            tail = text[-600:].decode(errors="replace")
            self.fail("the program did not report PASS", f"expected a line '{marker.decode()}'; the program's "
                      f"output ends with:\n{tail}", check="program")


class PrivExc(ProgramSelfCheck):
    name = "priv_exc"
    program = "priv_exc"
    expected_exceptions = frozenset({"SYS", "BRK", "INE", "IPE", "BCE"})


class PrivExcHw(ProgramSelfCheck):
    """What QEMU 7.2 does not model: ALE, ADEF, LLBCTL.KLO/WCLLB."""
    name = "priv_exc_hw"
    program = "priv_exc_hw"
    expected_exceptions = frozenset({"SYS", "BRK", "INE", "IPE", "ALE", "ADE"})


class HostTimerOneshot(ProgramSelfCheck):
    name = "host_timer_oneshot"
    program = "host_timer_oneshot"

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"timer_initval": _multiple_of_4(rng, 400, 40_000), "timer_count": rng.randint(2, 6)})


class HostTimerPeriodic(ProgramSelfCheck):
    name = "host_timer_periodic"
    program = "host_timer_periodic"

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"timer_period": _multiple_of_4(rng, 400, 20_000), "timer_ticks": rng.randint(3, 12)})


class TimerTiclrRace(ProgramSelfCheck):
    """design.md 7.3/7.4: a TICLR committing in the expiry cycle loses to the expiry (one-shot and periodic).
    The program sweeps the TICLR across the expiry cycle; the run fails unless the timer scoreboard saw
    the coincidence for both modes and the cycles on either side (planted bug ticlr_beats_expiry)."""
    name = "timer_ticlr_race"
    program = "timer_ticlr_race"
    COINCIDENCE_BINS = ("ticlr in expiry cycle (one-shot)", "ticlr in expiry cycle (periodic)",
                        "ticlr 1 cycle before expiry", "ticlr 1 cycle after expiry")

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"race_initval": _multiple_of_4(rng, 128, 1024), "race_window": rng.randint(2, 5)})

    def check(self) -> None:
        super().check()
        bins = self.coverage.groups.get("timer", {})
        missing = [b for b in self.COINCIDENCE_BINS if not bins.get(b)]
        if missing:
            self.fail("the TICLR never met the timer expiry as planned",
                      f"timer coverage bins not hit: {', '.join(missing)}; hit: {dict(bins)}", check="coverage")


class HostIdleWake(ProgramSelfCheck):
    name = "host_idle_wake"
    program = "host_idle_wake"
    cores = 2
    min_cores = 2

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"idle_timer_initval": _multiple_of_4(rng, 1000, 30_000),
                            "ipi_delay": rng.randrange(100, 5000)})


class IdleMaskedPending(ProgramSelfCheck):
    """architecture.md 4.6 / design.md 7.4: a line pending but not enabled in ECFG.LIE (TI, HWI, SWI) must
    not end idle; core 1's IPI, well after the masked line rose, must. Lockstep fails an idle that ends
    with ESTAT.IS & ECFG.LIE = 0 (planted bug idle_wake_ignores_lie)."""
    name = "idle_masked_pending"
    program = "idle_masked_pending"
    cores = 2
    min_cores = 2

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"idle_timer_initval": _multiple_of_4(rng, 1000, 8000),
                            "ipi_after": rng.randrange(300, 3000), "hwi_pin": rng.randrange(8),
                            "swi_bit": rng.randrange(2), "strict": 1})


class IpiEcfg(ProgramSelfCheck):
    """Scenario T2 at host level: a parked core must take a doorbell IPI promptly, which needs
    ECFG.LIE[12]. SW_BUG=1: the parked core enables only the timer, as hvisor did before 304e710."""
    name = "ipi_ecfg"
    program = "ipi_ecfg"
    cores = 2
    min_cores = 2
    has_sw_bug = True

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        period = _multiple_of_4(rng, 20_000, 60_000)
        return _set(image, {"root_timer_period": period, "ipi_vector": rng.randrange(32),
                            "ipi_send_delay": rng.randrange(period // 4, 3 * period)})

    def configure(self, db: ConfigDB) -> None:
        db.set(None, "*", "ipi_require_delivery", True)


CLOCK_NS = 10  # la_tb_top: always #5 clk = ~clk


async def pulse_ext_irq(logger: logging.Logger, source: int, count: int, width: int, gap: int, start: int) -> None:
    """A device on la_tb_top.ext_irq[source]: `count` pulses of `width` cycles, `gap` cycles apart, from cycle
    `start`. Sparse: it waits on timers between pulses, never on clock edges."""
    line = cocotb.top.ext_irq
    logger.info(f"device driver: {count} pulses of {width} cycles on ext_irq[{source}], {gap} cycles apart, "
                f"from cycle {start}")
    await Timer(start * CLOCK_NS, "ns")
    for _ in range(count):
        line.value = 1 << source
        await Timer(width * CLOCK_NS, "ns")
        line.value = 0
        await Timer(gap * CLOCK_NS, "ns")


class HostHwi(ProgramSelfCheck):
    """Device interrupts: the test drives la_tb_top.ext_irq[source] with seeded pulses; the program
    routes the source through the EXTIOI-style controller to each HWI pin of core 0 in turn (from a
    seeded first pin), so one run takes HWI0-7 once each."""
    name = "host_hwi"
    program = "host_hwi"
    START_CYCLES = 30_000    # the program has routed the source and is waiting by then

    @classmethod
    def plan(cls, rng: random.Random) -> dict[str, int]:
        width = rng.randrange(50, 1000)
        return {"hwi_source": rng.choice([s for s in range(32) if s != 2]), "hwi_pin": rng.randrange(8),
                "hwi_count": 8 * cls.cores, "hwi_quiet": width + 200, "hwi_cores": cls.cores,
                "pulse_width": width, "pulse_gap": rng.randrange(4000, 12_000)}

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        plan = cls.plan(rng)
        return _set(image, {k: plan[k] for k in ("hwi_source", "hwi_pin", "hwi_count", "hwi_quiet", "hwi_cores")})

    async def run_phase(self) -> None:
        cocotb.start_soon(self.drive_pulses(self.plan(random.Random(self.cfg.seed))))
        await super().run_phase()

    async def drive_pulses(self, plan: dict[str, int]) -> None:
        await pulse_ext_irq(self.logger, plan["hwi_source"], plan["hwi_count"], plan["pulse_width"],
                            plan["pulse_gap"] + plan["hwi_quiet"], self.START_CYCLES)


class HostHwi2(HostHwi):
    """The same on 2 cores taking turns (every core every pin): each pulse is routed to one core alone, so
    a controller that routes by another core's ROUTE bit leaves the owner asleep or interrupts the other."""
    name = "host_hwi_2"
    cores = 2
    min_cores = 2


class HostUartIrq(ProgramSelfCheck):
    """UART0's THRE interrupt through the EXTIOI-style controller (source 2) to a seeded HWI pin."""
    name = "host_uart_irq"
    program = "host_uart_irq"

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"uart_pin": rng.randrange(8)})


class SmpBssLock(ProgramSelfCheck):
    """Scenario T1: 4 cores, ll.d/sc.d spinlock, `increments` each. SW_BUG=1: every core clears .bss, as
    hvisor did before 5bf45f5; the SMP boot scoreboard must catch the secondaries wiping .bss."""
    name = "smp_bss_lock"
    program = "smp_bss_lock"
    cores = 4
    min_cores = 4
    has_sw_bug = True
    max_cycles = 60_000_000

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"increments": 10_000})

    def build_phase(self) -> None:
        super().build_phase()
        from lacosim.env.bss_scoreboard import BssScoreboard  # noqa: PLC0415  (simulator only, see base.py)
        self.bss = BssScoreboard.create("bss", self)

    def connect_phase(self) -> None:
        self.env.trace.retire_ap.connect(self.bss.analysis_export)


class IpiMultiVector(ProgramSelfCheck):
    """The IPI block's rules (issue 13): IPI_SET/IPI_SEND OR into STATUS, IPI_CLEAR of subsets, EN masks with
    bits clear, several vectors pending at once, a handler that clears only what it took, and MAIL_SEND
    keep-masks. Lockstep checks every STATUS/MBUF read, the IPI scoreboard every STATUS/EN read, line and
    interrupt."""
    name = "ipi_multi_vector"
    program = "ipi_multi_vector"
    cores = 2
    min_cores = 2

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"ipi_cores": cls.cores, "ipi_seed": rng.getrandbits(32),
                            "ipi_target": rng.randrange(cls.cores), "ipi_rounds": rng.randint(8, 20),
                            "mail_rounds": rng.randint(6, 12)})


class IpiMultiVector4(IpiMultiVector):
    """The same on 4 cores: three senders to one target."""
    name = "ipi_multi_vector_4"
    cores = 4
    min_cores = 4


class IpiSameCycle(ProgramSelfCheck):
    """IPI_SEND and MAIL_SEND landing in the very cycle the target core reads its STATUS or mailbox, between
    every ordered pair of cores: a read sees a lower-numbered core's same-cycle write and not a higher one's.
    Lockstep checks every read (the collisions are the point; the program's own check is the end value)."""
    name = "ipi_same_cycle"
    program = "ipi_same_cycle"
    cores = 2
    min_cores = 2

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"sc_cores": cls.cores, "sc_seed": rng.getrandbits(32), "sc_rounds": rng.randint(40, 64)})


class IpiSameCycle4(IpiSameCycle):
    """The same on 4 cores: all 12 ordered pairs, two cores idle in each round."""
    name = "ipi_same_cycle_4"
    cores = 4
    min_cores = 4


class IocsrLoadUse(ProgramSelfCheck):
    """iocsrrd.{w,d} whose result the next instruction uses (ALU, address, store data, IOCSR address, branch,
    jirl, rd-port operand): the IOCSR load-use interlock, checked by lockstep."""
    name = "iocsr_load_use"
    program = "iocsr_load_use"

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"lu_seed": rng.getrandbits(32)})
