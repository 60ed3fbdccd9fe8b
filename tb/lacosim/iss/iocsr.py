"""The IOCSR space of the SoC as the reference model sees it: shared machine state, like `Memory`.

Every core reaches the same registers through `iocsrrd/iocsrwr` (spec-la64-lvz.md 4; architecture.md 3);
the IPI block is per core and every core sees its own at the same offsets. This mirrors rtl/soc/la_iocsr.sv
and rtl/soc/la_extioi.sv exactly, including their corner cases:
- chip words VERSION, FEATURES, VENDOR, CPUNAME answer only at their exact address, masked to the size;
- IPI EN/SET/CLEAR take the written data (zero-extended from the access size) as a 32-bit value; STATUS
  and EN read at their exact address; SEND sets bit [4:0] in core [25:16]'s STATUS; MAIL_SEND writes
  data [63:32] into core [25:16]'s mailbox [4:3], half [2], keeping the bytes whose [30:27] bit is set;
  a send to a core that does not exist is dropped;
- MBUF0-3 (0x1020-0x103F) read and write any naturally placed part of a mailbox;
- the EXTIOI subset (0x14C0-0x1C1F): EN (bit per source), ISR (read-only: lines & EN), IPMAP (byte per
  source: HWI pin in [2:0]), ROUTE (byte per source: bit c routes to core c), accessed byte by byte;
- anything else reads 0 and ignores writes.

Outputs: `ipi_level(core)` = (STATUS & EN) != 0 (drives ESTAT.IS[12]) and `hwi_levels(core)` (HWI0-7 ->
ESTAT.IS[9:2]). In a standalone run the cores register `line_sinks` and get their levels pushed after
every change; in lockstep the trace reports the lines instead and no sink is registered.
The device line levels that EXTIOI samples are an asynchronous input: `set_device_lines(levels)`.
"""

from __future__ import annotations

from collections.abc import Callable

from lacosim import soc

SIZE_MASKS = (0xFF, 0xFFFF, 0xFFFF_FFFF, (1 << 64) - 1)
CORE_FIELD_SHIFT = 16
CORE_FIELD_MASK = 0x3FF

# receives the ESTAT.IS bits this block drives for one core (IPI at bit 12, HWI0-7 at bits 9:2)
LineSink = Callable[[int], None]


class IpiBlock:
    """One core's IPI registers."""

    def __init__(self) -> None:
        self.status = 0
        self.en = 0
        self.mbuf = [0, 0, 0, 0]


class Extioi:
    """The EXTIOI subset of la_extioi: per-source enable, status, routing to a core's HWI pin."""

    def __init__(self, sources: int = soc.EXTIOI_SOURCES) -> None:
        self.sources = sources
        self.en = 0
        self.ipmap = [0] * sources
        self.route = [0] * sources
        self.lines = 0  # device line levels (asynchronous input)

    @property
    def pending(self) -> int:
        return self.lines & self.en

    def read_byte(self, addr: int) -> int:
        n = self.sources
        if soc.IOCSR_EXTIOI_EN <= addr < soc.IOCSR_EXTIOI_EN + n // 8:
            return (self.en >> (8 * (addr - soc.IOCSR_EXTIOI_EN))) & 0xFF
        if soc.IOCSR_EXTIOI_ISR <= addr < soc.IOCSR_EXTIOI_ISR + n // 8:
            return (self.pending >> (8 * (addr - soc.IOCSR_EXTIOI_ISR))) & 0xFF
        if soc.IOCSR_EXTIOI_IPMAP <= addr < soc.IOCSR_EXTIOI_IPMAP + n:
            return self.ipmap[addr - soc.IOCSR_EXTIOI_IPMAP]
        if soc.IOCSR_EXTIOI_ROUTE <= addr < soc.IOCSR_EXTIOI_ROUTE + n:
            return self.route[addr - soc.IOCSR_EXTIOI_ROUTE]
        return 0

    def write_byte(self, addr: int, byte: int) -> None:
        n = self.sources
        if soc.IOCSR_EXTIOI_EN <= addr < soc.IOCSR_EXTIOI_EN + n // 8:
            shift = 8 * (addr - soc.IOCSR_EXTIOI_EN)
            self.en = (self.en & ~(0xFF << shift)) | (byte << shift)
        elif soc.IOCSR_EXTIOI_IPMAP <= addr < soc.IOCSR_EXTIOI_IPMAP + n:
            self.ipmap[addr - soc.IOCSR_EXTIOI_IPMAP] = byte
        elif soc.IOCSR_EXTIOI_ROUTE <= addr < soc.IOCSR_EXTIOI_ROUTE + n:
            self.route[addr - soc.IOCSR_EXTIOI_ROUTE] = byte

    def hwi_levels(self, core: int) -> int:
        """HWI0-7 of one core as a bit mask (bit i = HWIi)."""
        levels = 0
        pending = self.pending
        for src in range(self.sources):
            if pending >> src & 1 and self.route[src] >> core & 1:
                levels |= 1 << (self.ipmap[src] & 7)
        return levels


class IocsrSpace:
    def __init__(self, cores: int = 1) -> None:
        self.ipi: list[IpiBlock] = []
        self.extioi = Extioi()
        self.line_sinks: dict[int, LineSink] = {}
        self.ensure_cores(cores)

    @property
    def cores(self) -> int:
        return len(self.ipi)

    def ensure_cores(self, cores: int) -> None:
        """The SoC has at least `cores` cores (each `Iss` attached to a memory announces itself)."""
        while len(self.ipi) < cores:
            self.ipi.append(IpiBlock())

    # --- accesses ----------------------------------------------------------------------------------
    def load(self, core: int, addr: int, size_log2: int) -> int:
        """iocsrrd: the value right-aligned and zero-extended (the core sign-extends)."""
        addr &= 0xFFFF_FFFF
        mask = SIZE_MASKS[size_log2]
        if soc.IOCSR_EXTIOI_BASE <= addr < soc.IOCSR_EXTIOI_END:
            return sum(self.extioi.read_byte(addr + b) << (8 * b) for b in range(1 << size_log2))
        blk = self.ipi[core]
        if soc.IOCSR_IPI_MBUF0 <= addr < soc.IOCSR_IPI_MBUF_END:
            return (blk.mbuf[(addr >> 3) & 3] >> (8 * (addr & 7))) & mask
        return _CHIP_WORDS.get(addr, _reads_zero)(blk) & mask

    def store(self, core: int, addr: int, size_log2: int, value: int) -> None:
        addr &= 0xFFFF_FFFF
        data = value & SIZE_MASKS[size_log2]
        if soc.IOCSR_EXTIOI_BASE <= addr < soc.IOCSR_EXTIOI_END:
            for b in range(1 << size_log2):
                self.extioi.write_byte(addr + b, (data >> (8 * b)) & 0xFF)
            self._push_lines()
            return
        if soc.IOCSR_IPI_MBUF0 <= addr < soc.IOCSR_IPI_MBUF_END:
            self._write_mbuf(self.ipi[core], addr, size_log2, data)
            return
        action = _IPI_WRITES.get(addr)
        if action is not None:
            action(self, core, data)
            self._push_lines()

    @staticmethod
    def _write_mbuf(blk: IpiBlock, addr: int, size_log2: int, data: int) -> None:
        shift = 8 * (addr & 7)
        lane = (SIZE_MASKS[size_log2] << shift) & SIZE_MASKS[3]
        box = (addr >> 3) & 3
        blk.mbuf[box] = (blk.mbuf[box] & ~lane) | ((data << shift) & lane)

    def _set_en(self, core: int, data: int) -> None:
        self.ipi[core].en = data & 0xFFFF_FFFF

    def _set(self, core: int, data: int) -> None:
        self.ipi[core].status |= data & 0xFFFF_FFFF

    def _clear(self, core: int, data: int) -> None:
        self.ipi[core].status &= ~data & 0xFFFF_FFFF

    def _send(self, core: int, data: int) -> None:
        target = (data >> CORE_FIELD_SHIFT) & CORE_FIELD_MASK
        if target < self.cores:
            self.ipi[target].status |= 1 << (data & 0x1F)

    def _mail_send(self, core: int, data: int) -> None:
        target = (data >> CORE_FIELD_SHIFT) & CORE_FIELD_MASK
        if target >= self.cores:
            return
        blk = self.ipi[target]
        box, high, keep = (data >> 3) & 3, (data >> 2) & 1, (data >> 27) & 0xF
        word = (blk.mbuf[box] >> (32 * high)) & 0xFFFF_FFFF
        new = data >> 32
        for b in range(4):
            if not keep >> b & 1:
                word = (word & ~(0xFF << (8 * b))) | (new & (0xFF << (8 * b)))
        blk.mbuf[box] = (blk.mbuf[box] & ~(0xFFFF_FFFF << (32 * high))) | (word << (32 * high))

    # --- interrupt outputs -------------------------------------------------------------------------
    def ipi_level(self, core: int) -> bool:
        blk = self.ipi[core]
        return (blk.status & blk.en) != 0

    def hwi_levels(self, core: int) -> int:
        return self.extioi.hwi_levels(core)

    def hard_is_bits(self, core: int) -> int:
        """The ESTAT.IS bits this block drives for `core`: IPI at bit 12, HWI0-7 at bits 9:2."""
        return (int(self.ipi_level(core)) << 12) | (self.hwi_levels(core) << 2)

    def set_device_lines(self, levels: int) -> None:
        """Asynchronous input: the levels of the device interrupt lines EXTIOI samples (bit i = source i)."""
        self.extioi.lines = levels & ((1 << self.extioi.sources) - 1)
        self._push_lines()

    def _push_lines(self) -> None:
        for core, sink in self.line_sinks.items():
            sink(self.hard_is_bits(core))


def _reads_zero(blk: IpiBlock) -> int:
    return 0


_CHIP_WORDS: dict[int, Callable[[IpiBlock], int]] = {
    soc.IOCSR_VERSION: lambda b: soc.IOCSR_VERSION_VALUE,
    soc.IOCSR_FEATURES: lambda b: soc.IOCSR_FEATURES_VALUE,
    soc.IOCSR_VENDOR: lambda b: soc.IOCSR_VENDOR_VALUE,
    soc.IOCSR_CPUNAME: lambda b: soc.IOCSR_CPUNAME_VALUE,
    soc.IOCSR_IPI_STATUS: lambda b: b.status,
    soc.IOCSR_IPI_EN: lambda b: b.en,
}

_IPI_WRITES: dict[int, Callable[[IocsrSpace, int, int], None]] = {
    soc.IOCSR_IPI_EN: IocsrSpace._set_en,
    soc.IOCSR_IPI_SET: IocsrSpace._set,
    soc.IOCSR_IPI_CLEAR: IocsrSpace._clear,
    soc.IOCSR_IPI_SEND: IocsrSpace._send,
    soc.IOCSR_MAIL_SEND: IocsrSpace._mail_send,
}
