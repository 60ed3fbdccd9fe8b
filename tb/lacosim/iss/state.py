"""Architectural state of one core: GPRs, pc and the CSR file (the one place CSRs live).

Memory is not here: cores share one `Memory` (RAM, devices, LL reservations).
"""

from __future__ import annotations

from lacosim.iss.csr import CsrFile

NUM_GPRS = 32


class CoreState:
    def __init__(self, core_id: int = 0, pc: int = 0) -> None:
        self.core_id = core_id
        self.regs: list[int] = [0] * NUM_GPRS  # unsigned 64-bit values; regs[0] stays 0
        self.pc = pc
        self.csr = CsrFile(core_id)

    def reg(self, n: int) -> int:
        return self.regs[n]

    def set_reg(self, n: int, value: int) -> None:
        if n:
            self.regs[n] = value & ((1 << 64) - 1)
