"""Stage-2 isolation by GID across vCPU switches (hypervisor-behaviour.md T17; docs/design.md 13.10), from the
retirement trace only. The running vCPU is the struct vcpu the hypervisor's entry writes to root SAVE0
(ConfigDB "vsw_vcpus"), vCPU i running zone i. For each watched guest-physical page (ConfigDB "s2_gid_pages":
GPA page -> {zone: HPA page}) it checks:
- every guest access to the page lands on the running zone's own HPA ("zone 1 reached HPA ... (zone 0's page)":
  a stage-2 entry of another GID hit, e.g. a switch that does not set GSTAT.GID);
- the stage-2 refills of the page per zone (a guest TLBR exit whose re-executed instruction accesses the page)
  equal the test's expectation (ConfigDB "s2_gid_refills": zone -> count): an invtlb by one zone's GID must
  flush that zone's entry only, so the other zone never refills again (one refill too many fails at once;
  too few at the end).
Coverage group "s2-gid": "zone z refilled the page", "zone z hit its own entry"."""

from __future__ import annotations

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.failures import Failure

CHECK = "s2-gid"
CSR_SAVE0 = 0x30
PAGE = 1 << 14          # the hypervisor's stage-2 page size (sw/hv/stage2.c)


class S2GidScoreboard(uvm_subscriber):
    def build_phase(self) -> None:
        db = ConfigDB()
        self.cfg = db.get(self, "", "run_config")
        self.failures = db.get(self, "", "failures")
        self.image = db.get(self, "", "image")
        self.cov = db.get(self, "", "coverage")
        self.vcpus: dict[int, int] = db.get(self, "", "vsw_vcpus")
        self.pages: dict[int, dict[int, int]] = db.get(self, "", "s2_gid_pages")
        self.expected: dict[int, int] = db.get(self, "", "s2_gid_refills")
        self.zone: list[int | None] = [None] * self.cfg.cores
        self.refill_pc: list[int | None] = [None] * self.cfg.cores
        self.refills: dict[int, list[int]] = {}       # zone -> cycles of its refills of a watched page

    def write(self, batch: np.ndarray) -> None:
        retire = trace.retired(batch)
        guest = trace.in_guest(batch)
        flags, flags2 = trace.col(batch, "flags"), trace.col(batch, "flags2")
        save0 = retire & ~guest & ((flags & trace.FLAG_CSR_WE) != 0) & ((flags2 & trace.FLAG2_GCSR) == 0) \
            & (trace.col(batch, "csr") == CSR_SAVE0)
        mem = retire & guest & ((flags & (trace.FLAG_MEM_RE | trace.FLAG_MEM_WE)) != 0) \
            & np.isin(trace.col(batch, "mem_addr") & ~np.uint64(PAGE - 1), np.array(list(self.pages), dtype=np.uint64))
        trap = trace.col(batch, "trap")
        tlbr = retire & guest & ((flags2 & trace.FLAG2_EXIT) != 0) & ((trap & trace.TRAP_VALID) != 0) \
            & (((trap >> trace.TRAP_ECODE_SHIFT) & 0x3F) == trace.TRAP_ECODE_TLBR)
        for i in np.flatnonzero(save0 | mem | tlbr).tolist():
            rec = batch[i]
            core = int(rec["core"])
            if save0[i]:
                self.zone[core] = self.vcpus.get(int(rec["csr_wdata"]), self.zone[core])
            elif tlbr[i]:
                self.refill_pc[core] = int(rec["pc"])
            else:
                self._access(batch, i, rec, core)

    def _access(self, batch: np.ndarray, i: int, rec: np.void, core: int) -> None:
        zone, cycle = self.zone[core], int(rec["cycle"])
        gpa, hpa = int(rec["mem_addr"]), int(rec["mem_pa"])
        page = gpa & ~(PAGE - 1)
        if zone is None:
            return
        if self.refill_pc[core] == int(rec["pc"]):
            done = self.refills.setdefault(zone, [])
            done.append(cycle)
            self.cov.hit(CHECK, f"zone {zone} refilled the page")
            want = self.expected.get(zone)
            if want is not None and len(done) > want:
                self._fail(batch, i, f"zone {zone} refilled GPA page {page:#x} again at cycle {cycle}: its stage-2 "
                           f"entry did not survive ({len(done)} refills, expected {want})",
                           f"refill cycles {done}; an invtlb by another zone's GID (GTLBC.TGID = that GID, design.md "
                           f"12.6) must leave this zone's entries alone")
        else:
            self.cov.hit(CHECK, f"zone {zone} hit its own entry")
        self.refill_pc[core] = None
        want = self.pages[page].get(zone)
        if want is not None and hpa & ~(PAGE - 1) != want:
            owner = next((z for z, h in self.pages[page].items() if h == hpa & ~(PAGE - 1)), None)
            whose = f"zone {owner}'s page" if owner is not None else "no zone's page"
            self._fail(batch, i, f"zone {zone} reached HPA {hpa:#x} ({whose}) for GPA {gpa:#x}: a stage-2 entry of "
                       f"another GID hit",
                       f"zone {zone}'s stage 2 maps GPA page {page:#x} to HPA {want:#x}; the access retired at cycle "
                       f"{cycle} translated to {hpa:#x}. Guest stage-2 lookups match entries of GSTAT.GID only "
                       f"(design.md 12.6): the switch to zone {zone} must set its GID (GSTAT.GID and GTLBC.TGID)")

    def _fail(self, batch: np.ndarray | None, i: int, summary: str, detail: str, cycle: int | None = None) -> None:
        if batch is None:
            self.failures.add(Failure(CHECK, summary, detail, repro=self.cfg.repro_with_waves(None)))
            return
        self.failures.add(ConfigDB().get(self, "", "retire_monitor").failure_at(CHECK, summary, detail, batch, i))

    def check_phase(self) -> None:
        counts = {z: len(self.refills.get(z, [])) for z in self.expected}
        self.logger.info(f"s2-gid: refills of the watched page per zone {counts} (expected {self.expected})")
        for zone, want in self.expected.items():
            if counts[zone] != want:
                self._fail(None, 0, f"zone {zone} refilled the watched page {counts[zone]} time(s), expected {want}",
                           f"refill cycles {self.refills.get(zone, [])}; each zone refills once on its first access "
                           f"and only the zone whose GID the invtlb named refills again (design.md 12.6: invtlb 0 "
                           f"with USETGID acts on GID = TGID only)")
