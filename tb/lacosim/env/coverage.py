"""Functional coverage: named groups of bins that the scoreboards and monitors hit, printed at the end
of a run with the bins still missing, saved as JSON in the run directory, and mergeable across runs
(`python -m lacosim.env.coverage build/run/*/coverage.json`, used by `make regress`).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from lacosim.iss.tlb import page_size_name

ECODES = {0x01: "PIL", 0x02: "PIS", 0x03: "PIF", 0x04: "PME", 0x05: "PNR", 0x06: "PNX", 0x07: "PPI",
          0x08: "ADE", 0x09: "ALE", 0x0A: "BCE", 0x0B: "SYS", 0x0C: "BRK", 0x0D: "INE", 0x0E: "IPE",
          0x0F: "FPD", 0x16: "GSPR", 0x17: "HVC", 0x18: "GCM", 0x3F: "TLBR"}  # 0x3F: TLB refill (design.md 9.3)
TLB_EXCEPTIONS = ["TLBR", "PIL", "PIS", "PIF", "PME", "PNR", "PNX", "PPI"]
# planned page sizes: PS = log2 of one half (the entry maps twice that); 20 = a 2 MiB huge page of 4 KiB tables
TLB_PLANNED_PAGE_SIZES = (12, 14, 20, 21, 24)
INTERRUPTS = {0: "SWI0", 1: "SWI1", **{n: f"HWI{n - 2}" for n in range(2, 10)}, 10: "PMI", 11: "TI", 12: "IPI"}
IRQ_SOURCES = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12)  # interrupt numbers the "irq" group follows (no PMI)
SWI = (0, 1)


def irq_rise_bin(intno: int, lie: bool, ie: bool, idle: bool) -> str:
    """Group "irq": the state of the core the moment `intno` became pending (lacosim.env.trap_monitor.IrqCoverage)."""
    return f"{INTERRUPTS[intno]} rise LIE={int(lie)} IE={int(ie)} idle={int(idle)}"


# A core cannot raise its own SWI while it sleeps in idle: those rise bins (and "SWI woke from idle") are
# unreachable and not planned.
IRQ_PLAN = ([irq_rise_bin(n, lie, ie, idle) for n in IRQ_SOURCES for lie in (False, True) for ie in (False, True)
             for idle in (False, True) if not (idle and n in SWI)]
            + [f"{INTERRUPTS[n]} pending but masked" for n in IRQ_SOURCES]
            + [f"{INTERRUPTS[n]} taken" for n in IRQ_SOURCES]
            + [f"{INTERRUPTS[n]} woke from idle" for n in IRQ_SOURCES if n not in SWI]
            + ["woke from idle with IE=0"])

# The bins a host-level run can reach; a merged report lists the ones never hit.
PLAN: dict[str, list[str]] = {
    "interrupt taken": [INTERRUPTS[n] for n in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12)],
    "exception": ["SYS", "BRK", "INE", "IPE", "ALE", "ADE"],
    "timer": ["tcfg one-shot", "tcfg periodic", "tcfg disable", "tcfg written while TI pending", "ticlr",
              "TI rise", "tval read", "tval read after expiry",
              # TICLR against an expiry (timer_ticlr_race; lacosim.env.timer_scoreboard)
              "ticlr in expiry cycle (one-shot)", "ticlr in expiry cycle (periodic)", "ticlr 1 cycle before expiry",
              "ticlr 1 cycle after expiry"],
    "ipi": ["send", "vector 0", "vector 31", "to core 0", "to core 1", "to core 2", "to core 3", "taken"],
    # lacosim.env.trap_monitor.TlbCoverage: exceptions, invtlb ops, page sizes tlbwr/tlbfill wrote (bins named
    # "page <size of one half>", lacosim.iss.tlb.page_size_name), refills by the PLV they interrupted
    "tlb": [*TLB_EXCEPTIONS, *(f"invtlb op {op}" for op in range(7)),
            *(f"page {page_size_name(ps)}" for ps in TLB_PLANNED_PAGE_SIZES),
            "refill from PLV0", "refill from PLV3"],
    "irq": IRQ_PLAN,
    # LVZ (design.md 12): the guest timer scoreboard, the GINTC scoreboard
    "guest-timer": ["tcfg one-shot", "tcfg periodic", "tcfg disable", "ticlr", "TI rise", "tval read",
                    "tval written", "tval written 0 (fire)", "TI set by the root", "TI cleared by the root"],
    "gintc": [*(f"VIP{n}" for n in range(8)), *(f"PIP{n}" for n in range(8)), "guest line asserted",
              "physical HWI high, PIP set", "physical HWI high, PIP clear"],
    # lacosim.env.trap_monitor: exits by cause (design.md 12.2), stage-2 faults by kind (12.6), guest CSRs
    "lvz": [*(f"exit {c}" for c in ("GSPR", "HVC", "GCSC", "GCHC")), "exit by a root interrupt",
            *(f"stage-2 {k}" for k in ("TLBR", "PIL", "PIS", "PIF", "PME", "PNR", "PNX")),
            *(f"guest {n} written" for n in ("CRMD", "PRMD", "ECFG", "ESTAT", "ERA", "EENTRY", "TCFG", "TVAL",
                                             "TICLR", "CNTC", "TID"))],
}


class Coverage:
    def __init__(self) -> None:
        self.groups: dict[str, Counter[str]] = {}

    def hit(self, group: str, bin_name: str, n: int = 1) -> None:
        self.groups.setdefault(group, Counter())[bin_name] += n

    def merge(self, other: Coverage) -> None:
        for group, bins in other.groups.items():
            self.groups.setdefault(group, Counter()).update(bins)

    def to_json(self) -> str:
        return json.dumps({g: dict(b) for g, b in self.groups.items()}, indent=1, sort_keys=True)

    @staticmethod
    def from_json(text: str) -> Coverage:
        cov = Coverage()
        for group, bins in json.loads(text).items():
            cov.groups[group] = Counter(bins)
        return cov

    def report(self) -> str:
        lines = []
        for group in sorted(set(self.groups) | set(PLAN)):
            bins = self.groups.get(group, Counter())
            planned = PLAN.get(group, [])
            reached = [b for b in planned if bins.get(b)]
            head = f"  {group}: " + (f"{len(reached)}/{len(planned)} planned bins" if planned else "")
            lines.append(head)
            hits = ", ".join(f"{b}={n}" for b, n in sorted(bins.items()))
            if hits:
                lines.append(f"    hit: {hits}")
            missing = [b for b in planned if not bins.get(b)]
            if missing:
                lines.append(f"    missing: {', '.join(missing)}")
        return "\n".join(lines)


def merge_files(paths: list[Path]) -> Coverage:
    total = Coverage()
    for p in paths:
        total.merge(Coverage.from_json(p.read_text()))
    return total


if __name__ == "__main__":
    files = [Path(p) for p in sys.argv[1:] if Path(p).exists()]
    print(f"coverage merged over {len(files)} run(s):\n{merge_files(files).report()}")
