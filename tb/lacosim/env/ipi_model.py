"""Prediction model of the IOCSR IPI path (spec-la64-lvz.md 4.2, design.md 7.3), independent of the
reference model: every IPI_SEND/SET/CLEAR/EN write, the target's STATUS and line, the interrupt it may
cause, and when. The IPI scoreboard feeds it from the trace; each method returns the problems it sees
as strings (empty when all is well), so the model is testable with hand-made events.

Rules checked (the block's register rules, spec-la64-lvz.md 4.2 and design.md "IPI block rules"):
- IPI_SET and IPI_SEND OR into STATUS, IPI_CLEAR clears exactly the bits written, IPI_EN replaces EN; every
  `iocsrrd` of STATUS or EN returns the value these rules give, with the writes of every core applied in
  trace order (a read sees the same-cycle writes of lower-numbered cores, as la_iocsr serialises them);
- the target's ESTAT.IS[12] follows (STATUS & EN) != 0 exactly L_IPI = 1 cycle after the write's
  retirement (design.md 7.3: a write retiring in cycle c shows in irq_is from c+1; the lines pass
  la_soc's IRQ_SYNC_STAGES = 2 flops), neither earlier nor later;
- an IPI interrupt is taken only while IS[12] = 1, ECFG.LIE[12] = 1 and CRMD.IE = 1;
- with `require_delivery`, a send must be taken as an IPI interrupt by its target within
  L_IPI + L_EXC cycles (a parked core that only notices IPIs at timer ticks fails this).
"""

from __future__ import annotations

from dataclasses import dataclass, field

IOCSR_IPI_STATUS = 0x1000
IOCSR_IPI_EN = 0x1004
IOCSR_IPI_SET = 0x1008
IOCSR_IPI_CLEAR = 0x100C
IOCSR_IPI_SEND = 0x1040
IS_IPI = 12
IS_TI = 11
L_IPI = 1      # cycles from the write's retirement to the target's IS[12] change, exactly (design.md 7.3)
L_EXC = 80     # cycles from "takeable" to the interrupt record, covering a divide in flight
HISTORY = 4    # writes per core remembered for a report
REG_NAMES = {IOCSR_IPI_STATUS: "STATUS", IOCSR_IPI_EN: "EN", IOCSR_IPI_SET: "IPI_SET", IOCSR_IPI_CLEAR: "IPI_CLEAR",
             IOCSR_IPI_SEND: "IPI_SEND"}
SIZE_MASKS = (0xFF, 0xFFFF, 0xFFFF_FFFF, (1 << 64) - 1)


@dataclass
class Send:
    cycle: int           # retirement cycle of the write
    source: int
    target: int
    vector: int
    delivered: int | None = None   # cycle of the IPI interrupt record on the target


@dataclass
class CoreIpiState:
    status: int = 0
    en: int = 0
    lie: int = 0                      # ECFG.LIE as last written
    line: bool = False                # observed IS[12]
    line_expected: bool = False
    line_change_due: int | None = None  # the cycle the observed line must change to line_expected
    pending_sends: list[Send] = field(default_factory=list)
    history: list[str] = field(default_factory=list)  # the last writes to STATUS/EN, for reports


class IpiModel:
    def __init__(self, cores: int, require_delivery: bool = False) -> None:
        self.cores = [CoreIpiState() for _ in range(cores)]
        self.require_delivery = require_delivery
        self.sends: list[Send] = []

    def latencies(self) -> list[int]:
        """Cycles from each delivered send (its IPI_SEND/IPI_SET write retiring) to the IPI being taken."""
        return [s.delivered - s.cycle for s in self.sends if s.delivered is not None]

    # -- inputs ------------------------------------------------------------------------------
    def iocsr_write(self, cycle: int, core: int, addr: int, value: int) -> list[str]:
        st = self.cores[core]
        touched: list[int] = []
        if addr == IOCSR_IPI_SEND:
            target, vector = (value >> 16) & 0x3FF, value & 0x1F
            if target < len(self.cores):
                send = Send(cycle, core, target, vector)
                self.sends.append(send)
                self.cores[target].pending_sends.append(send)
                self.cores[target].status |= 1 << vector
                touched.append(target)
        elif addr == IOCSR_IPI_SET:
            st.status |= value & 0xFFFF_FFFF
            touched.append(core)
        elif addr == IOCSR_IPI_CLEAR:
            st.status &= ~value & 0xFFFF_FFFF
            touched.append(core)
        elif addr == IOCSR_IPI_EN:
            st.en = value & 0xFFFF_FFFF
            touched.append(core)
        for c in touched:
            t = self.cores[c]
            t.history = [*t.history[-(HISTORY - 1):], f"cycle {cycle}: core {core} {REG_NAMES[addr]} {value:#x} -> "
                         f"STATUS {t.status:#010x} EN {t.en:#010x}"]
            expected = (t.status & t.en) != 0
            if expected != t.line_expected:
                t.line_expected = expected
                t.line_change_due = cycle + L_IPI
        return []

    def iocsr_read(self, cycle: int, core: int, addr: int, size_log2: int, value: int) -> list[str]:
        """An iocsrrd of STATUS or EN retired with `value` (right-aligned, zero-extended to the access size)."""
        if addr not in (IOCSR_IPI_STATUS, IOCSR_IPI_EN):
            return []
        st = self.cores[core]
        expected = (st.status if addr == IOCSR_IPI_STATUS else st.en) & SIZE_MASKS[size_log2]
        value &= SIZE_MASKS[size_log2]
        if value == expected:
            return []
        name = REG_NAMES[addr]
        lost, extra = expected & ~value, value & ~expected
        why = []
        if lost:
            why.append(f"bits {lost:#x} missing (an IPI_SET/SEND must OR into STATUS, an IPI_CLEAR clears only "
                       f"the bits written)" if addr == IOCSR_IPI_STATUS else f"bits {lost:#x} missing")
        if extra:
            why.append(f"bits {extra:#x} set that no write set (or an IPI_CLEAR should have cleared)")
        hist = "; ".join(st.history) or "no write to this block yet"
        return [f"IPI {name} read wrong: core {core} read {name} = {value:#x} at cycle {cycle}, expected "
                f"{expected:#x}: {', '.join(why)}. Last writes to core {core}'s block: {hist}"]

    def ecfg_write(self, core: int, value: int) -> None:
        self.cores[core].lie = value & 0x1FFF

    def line_change(self, cycle: int, core: int, level: bool) -> list[str]:
        st = self.cores[core]
        st.line = level
        if level != st.line_expected:
            why = "no IPI_SEND/SET left STATUS & EN non-zero" if level else \
                  "STATUS & EN is still non-zero (no CLEAR/EN write emptied it)"
            return [f"IPI line changed without a cause: core {core} ESTAT.IS[12] became {int(level)} at cycle "
                    f"{cycle} but {why}"]
        due, st.line_change_due = st.line_change_due, None
        if due is not None and cycle != due:
            return [f"IPI line latency wrong: core {core} ESTAT.IS[12] became {int(level)} at cycle {cycle}, expected "
                    f"exactly cycle {due} (the write that changed STATUS & EN retired at cycle {due - L_IPI}; "
                    f"design.md 7.3: visible from the next cycle, la_soc's IRQ_SYNC_STAGES = 2). Last writes to "
                    f"core {core}'s block: {'; '.join(st.history)}"]
        return []

    def interrupt_taken(self, cycle: int, core: int, intno: int, ie_before: bool) -> list[str]:
        st = self.cores[core]
        problems = []
        if intno == IS_IPI:
            if not st.line:
                problems.append(f"IPI interrupt taken while not pending: core {core} at cycle {cycle} with "
                                f"ESTAT.IS[12] = 0")
            if not (st.lie >> IS_IPI) & 1:
                problems.append(f"IPI interrupt taken while not enabled: core {core} at cycle {cycle} with "
                                f"ECFG.LIE[12] = 0 (LIE = {st.lie:#06x})")
            if not ie_before:
                problems.append(f"IPI interrupt taken with interrupts off: core {core} at cycle {cycle} with "
                                f"CRMD.IE = 0")
            for send in st.pending_sends:
                send.delivered = cycle
            st.pending_sends.clear()
        return problems

    def tick(self, cycle: int) -> list[str]:
        """Checks that become due as time passes (called with the cycle of each record)."""
        problems = []
        for core, st in enumerate(self.cores):
            if st.line_change_due is not None and cycle > st.line_change_due and st.line != st.line_expected:
                problems.append(f"IPI line too slow: core {core} ESTAT.IS[12] should be "
                                f"{int(st.line_expected)} from cycle {st.line_change_due} (exactly L_IPI = {L_IPI} "
                                f"after the write, design.md 7.3) but is still {int(st.line)} at cycle {cycle}")
                st.line_change_due = None
            if self.require_delivery:
                for send in st.pending_sends:
                    if cycle > send.cycle + L_IPI + L_EXC and send.delivered is None:
                        problems.append(self._late(send, core, st, cycle))
                        send.delivered = -1  # report once
        return problems

    def _late(self, send: Send, core: int, st: CoreIpiState, cycle: int) -> str:
        cause = "ECFG.LIE lacks the IPI bit (12)" if not (st.lie >> IS_IPI) & 1 else \
            "the target never took the pending, enabled IPI (CRMD.IE = 0 for too long, or the core is stuck)"
        return (f"IPI not taken in time: vector {send.vector} from core {send.source} to core {core} sent at cycle "
                f"{send.cycle} was not taken within L_IPI + L_EXC = {L_IPI + L_EXC} cycles (still pending at cycle "
                f"{cycle}); {cause}; LIE = {st.lie:#06x}. Symptom of the seed's bug: IPIs noticed only "
                f"at the next timer tick")
