"""IPI scoreboard: follows every IPI_SEND/SET/CLEAR/EN write through STATUS to the target's ESTAT.IS[12]
and the interrupt it causes (lacosim.env.ipi_model), independent of the reference model, and checks every
`iocsrrd` of STATUS and EN against the block's rules.

Tests that require every send to be delivered promptly (the seed's "IPIs noticed only at timer ticks"
bug) set ConfigDB "ipi_require_delivery" = True.
"""

from __future__ import annotations

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.config import RunConfig
from lacosim.env.coverage import Coverage
from lacosim.env.failures import FailureLog
from lacosim.env.ipi_model import IS_IPI, IpiModel

IPI_REGS = (0x1004, 0x1008, 0x100C, 0x1040)
IPI_READ_REGS = (0x1000, 0x1004)  # STATUS, EN


class IpiScoreboard(uvm_subscriber):
    def build_phase(self) -> None:
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.failures: FailureLog = ConfigDB().get(self, "", "failures")
        try:
            require = bool(ConfigDB().get(self, "", "ipi_require_delivery"))
        except Exception:  # noqa: BLE001  (pyuvm raises UVMConfigItemNotFound)
            require = False
        self.model = IpiModel(self.cfg.cores, require_delivery=require)
        self.cov: Coverage = ConfigDB().get(self, "", "coverage")
        self.line = [False] * self.cfg.cores
        self.image = ConfigDB().get(self, "", "image")
        self._batch: np.ndarray | None = None
        self._idx = -1
        self._pc: int | None = None  # the retirement record being checked (None: an IRQ event or a tick)

    def end_of_elaboration_phase(self) -> None:
        self.logger.info(f"IPI scoreboard: {self.cfg.cores} core(s); delivery required: "
                         f"{self.model.require_delivery}")

    def write(self, batch: np.ndarray) -> None:
        kinds, flags, mode = trace.col(batch, "kind"), trace.col(batch, "flags"), trace.col(batch, "mode")
        retire = kinds == trace.KIND_RETIRE
        iocsr_w = retire & ((mode & trace.MODE_IOCSR) != 0) & ((flags & trace.FLAG_MEM_WE) != 0)
        if iocsr_w.any():  # rare: compare addresses only then
            iocsr_w &= np.isin(trace.col(batch, "mem_addr"), IPI_REGS)
        # reads whose value the trace shows (rd written)
        iocsr_r = retire & ((mode & trace.MODE_IOCSR) != 0) & ((flags & trace.FLAG_MEM_RE) != 0) & \
            ((flags & trace.FLAG_RD_WE) != 0)
        if iocsr_r.any():
            iocsr_r &= np.isin(trace.col(batch, "mem_addr"), IPI_READ_REGS)
        # the physical IPI block is the root's: the guest bank's ECFG and the interrupts the guest takes
        # itself (design.md 12.3) are not its business; an exit by a root interrupt is
        root_bank = (trace.col(batch, "flags2") & trace.FLAG2_GCSR) == 0
        to_root = ((mode & trace.MODE_GUEST) == 0) | ((trace.col(batch, "flags2") & trace.FLAG2_EXIT) != 0)
        ecfg_w = retire & ((flags & trace.FLAG_CSR_WE) != 0) & (trace.col(batch, "csr") == trace.CSR_ECFG) & root_bank
        taken = trace.TRAP_VALID | trace.TRAP_INT
        intr = retire & ((trace.col(batch, "trap") & taken) == taken) & to_root

        irq = kinds == trace.KIND_IRQ
        self._batch = batch
        for i in np.flatnonzero(iocsr_w | iocsr_r | ecfg_w | intr | irq):
            self._idx = int(i)
            self._record(batch[i])
        self._idx, self._pc = len(batch) - 1, None
        self._report(self.model.tick(int(batch["cycle"][-1])), None, int(batch["cycle"][-1]))

    def _record(self, rec: np.void) -> None:
        core, cycle = int(rec["core"]), int(rec["cycle"])
        self._pc = None
        self._report(self.model.tick(cycle), core, cycle)
        if rec["kind"] == trace.KIND_IRQ:
            level = bool((int(rec["rd_wdata"]) >> IS_IPI) & 1)
            if level != self.line[core]:
                self.line[core] = level
                self._report(self.model.line_change(cycle, core, level), core, cycle)
            return
        self._pc = int(rec["pc"])
        trap = int(rec["trap"])
        if trap & trace.TRAP_VALID and trap & trace.TRAP_INT:
            intno = trace.trap_intno(trap)
            if intno == IS_IPI:
                self.cov.hit("ipi", "taken")
            # an exit's record carries the guest's CRMD (design.md 12.8), not the root IE that let the root
            # interrupt in (PRMD.PIE of the entering ertn): lockstep checks that one
            exit_ = bool(int(rec["flags2"]) & trace.FLAG2_EXIT)
            self._report(self.model.interrupt_taken(cycle, core, intno,
                                                    exit_ or bool(int(rec["mode"]) & trace.MODE_IE)), core, cycle)
        elif int(rec["flags"]) & trace.FLAG_CSR_WE:
            self.model.ecfg_write(core, int(rec["csr_wdata"]))
        elif int(rec["flags"]) & trace.FLAG_MEM_RE:
            size = (int(rec["flags"]) >> trace.FLAG_MEM_SIZE_SHIFT) & 3
            addr = int(rec["mem_addr"])
            self.cov.hit("ipi", f"read {'STATUS' if addr == 0x1000 else 'EN'}")
            self._report(self.model.iocsr_read(cycle, core, addr, size, int(rec["rd_wdata"])), core, cycle)
        else:
            size = (int(rec["flags"]) >> trace.FLAG_MEM_SIZE_SHIFT) & 3
            addr, value = int(rec["mem_addr"]), int(rec["mem_wdata"]) & ((1 << (8 << size)) - 1)
            if addr == 0x1040:
                self.cov.hit("ipi", "send")
                self.cov.hit("ipi", f"vector {value & 0x1F}")
                self.cov.hit("ipi", f"to core {(value >> 16) & 0x3FF}")
            self._report(self.model.iocsr_write(cycle, core, addr, value), core, cycle)

    def _report(self, problems: list[str], core: int | None, cycle: int) -> None:
        retire = ConfigDB().get(self, "", "retire_monitor")
        for p in problems:
            summary, _, detail = p.partition(": ")
            self.failures.add(retire.failure("ipi", summary, detail, cycle, core, self._batch, self._pc))

