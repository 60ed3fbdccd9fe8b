"""The control and status registers of one core: the one place CSR state lives.

For the base ISA only CPUID (0x20, read-only: the core index) and SAVE0-15 (0x30-0x3F, read/write) exist;
every other CSR reads 0 and ignores writes, as the manual says for an undefined CSR (spec-la64-lvz.md 1).
The privileged issue adds registers to `_registers` and special cases to `read`/`write`; LVZ adds a second
`CsrFile` as the guest bank.
"""

from __future__ import annotations

CSR_CPUID = 0x20
CSR_SAVE0 = 0x30
SAVE_COUNT = 16
MASK64 = (1 << 64) - 1

# CPUCFG words (spec-la64-lvz.md 1, "CPUCFG words"): LA64, paging, IOCSR, PALEN = VALEN = 48, CRC32.
CPUCFG_WORDS = {
    0x0: 0x0014_C010,  # PRID as QEMU's la464
    0x1: 0x2 | (1 << 2) | (1 << 3) | (47 << 4) | (47 << 12) | (1 << 25),
}


class CsrFile:
    def __init__(self, core_id: int = 0) -> None:
        self.core_id = core_id
        # number -> (value, writable mask)
        self._registers: dict[int, list[int]] = {CSR_SAVE0 + i: [0, MASK64] for i in range(SAVE_COUNT)}

    def read(self, num: int) -> int:
        if num == CSR_CPUID:
            return self.core_id
        reg = self._registers.get(num)
        return reg[0] if reg is not None else 0

    def write(self, num: int, value: int) -> None:
        reg = self._registers.get(num)
        if reg is not None:
            reg[0] = (reg[0] & ~reg[1]) | (value & reg[1])

    def exchange(self, num: int, value: int, write_mask: int) -> int:
        """csrxchg: CSR <- (value & mask) | (old & ~mask); returns the old value."""
        old = self.read(num)
        self.write(num, ((value & write_mask) | (old & ~write_mask)) & MASK64)
        return old


def cpucfg_word(index: int) -> int:
    return CPUCFG_WORDS.get(index, 0)
