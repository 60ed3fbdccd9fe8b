"""LVZ directed tests (issue 8; docs/design.md 12): each runs one sw/lvz program, a minimal root stub and
its guest, with lockstep and every scoreboard on (the guest-timer and GINTC scoreboards among them). The
program checks itself and prints PASS; the parameters are constrained-random from SEED."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import cocotb

from lacosim.elf import ElfImage
from lacosim.tests.host import ProgramSelfCheck, _multiple_of_4, _set, pulse_ext_irq

if TYPE_CHECKING:
    from lacosim.env.guest_exit_scoreboard import GuestExit

# every exit cause and the guest's own exceptions these programs raise on purpose
LVZ_EXCEPTIONS = frozenset({"GSPR", "HVC", "GCM", "TLBR", "PIL", "PIS", "PIF", "PME", "SYS", "IPE"})


class LvzTest(ProgramSelfCheck):
    expected_exceptions = LVZ_EXCEPTIONS


class LvzExits(LvzTest):
    """Which guest instructions exit (GSPR, HVC, GCSC, GCHC per GCFG/GTLBC) and which stay in the guest.
    SW_BUG=1: the stub resumes the first emulated cpucfg at ERA instead of ERA + 4 (guest-exit scoreboard)."""
    name = "lvz_exits"
    program = "lvz_exits"
    has_sw_bug = True
    EMULATED = 0x1234   # what sw/lvz/lvz_exits.c's root returns for an emulated csrrd / iocsrrd.w

    def emulated_rd(self, exit: GuestExit) -> int | None:
        """The root's emulation table (lvz_exits.c lvz_on_exit and the stub's hypercalls)."""
        insn = exit.insn
        if exit.cause == "GSPR" and insn >> 24 == 0x04 and (insn >> 5) & 31 == 0:
            return self.EMULATED                       # csrrd of a CSR the guest bank lacks, or trapped
        if exit.cause == "GSPR" and insn & 0xFFFF_FC00 == 0x0648_0800:
            return self.EMULATED                       # iocsrrd.w
        if exit.cause == "HVC" and insn & 0x7FFF == 1:
            return exit.gprs[4] + 1                    # LVZ_HC_ECHO
        return None


class LvzGuestTimer(LvzTest):
    """The guest timer counts in both modes, TVAL = 0 fires, a root TICLR leaves it alone, GCNTC/CNTC."""
    name = "lvz_guest_timer"
    program = "lvz_guest_timer"

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_initval": _multiple_of_4(rng, 1000, 8000), "g_period": _multiple_of_4(rng, 800, 4000),
                            "g_ticks": rng.randint(2, 6), "g_cntc_offset": rng.randrange(1 << 20, 1 << 44)})


class LvzGintc(LvzTest):
    """GINTC.VIP into the guest, root-set SWI/IPI, LIE gating, root interrupts exit first, and PIP passing
    a physical line the testbench pulses (part F) through to the guest."""
    name = "lvz_gintc"
    program = "lvz_gintc"
    has_sw_bug = True   # SW_BUG=1: one acknowledge clears every VIP line (hvisor's clear-all): part G loses one
    START_CYCLES = 45_000   # parts A-E take about 30 000 cycles; F then waits for the pulses

    @staticmethod
    def plan(rng: random.Random) -> dict[str, int]:
        return {"g_line": rng.randrange(8), "g_source": rng.choice([s for s in range(32) if s != 2]),
                "g_pulses": rng.randint(2, 4), "pulse_width": rng.randrange(200, 800),
                "pulse_gap": rng.randrange(3000, 8000)}

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        plan = cls.plan(rng)
        return _set(image, {k: plan[k] for k in ("g_line", "g_source", "g_pulses")} | {"g_wait": 400_000})

    async def run_phase(self) -> None:
        plan = self.plan(random.Random(self.cfg.seed))
        cocotb.start_soon(pulse_ext_irq(self.logger, plan["g_source"], plan["g_pulses"], plan["pulse_width"],
                                        plan["pulse_gap"], self.START_CYCLES))
        await super().run_phase()


class LvzStage2(LvzTest):
    """Two-stage translation: stage-2 faults with BADV = GPA, the guest's TLB partition, invtlb by GID."""
    name = "lvz_stage2"
    program = "lvz_stage2"
    has_sw_bug = True   # SW_BUG=1: the MMIO load emulation also writes a scratch guest GPR back


class LvzHvTimer(LvzTest):
    """The guest timer across the exits of a pinned vCPU (hypervisor-behaviour.md R4, T9, T12): a TI that fires
    during an exit is taken after the re-entry; idle exits do not keep the one-shot from firing. SW_BUG=1 writes
    guest TCFG and ESTAT back on every exit, as hvisor did before 754838b."""
    name = "lvz_hv_timer"
    program = "lvz_hv_timer"
    has_sw_bug = True
    pinned_vcpu = True

    @classmethod
    def prepare(cls, image: ElfImage, rng: random.Random) -> dict[str, int]:
        return _set(image, {"g_initval": _multiple_of_4(rng, 1200, 4000), "g_rounds": rng.randint(2, 4)})
