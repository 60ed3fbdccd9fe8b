"""The SoC devices the reference model needs (architecture.md section 3): UART0 and the GED power-off."""

from __future__ import annotations

from collections.abc import Callable

from lacosim import soc
from lacosim.iss.errors import PowerOff


class Device:
    """A memory-mapped device: `base`/`size` in the physical map, accesses by offset and log2 size."""

    name = "device"
    base = 0
    size = 0

    def load(self, offset: int, size_log2: int) -> int:
        raise NotImplementedError

    def store(self, offset: int, size_log2: int, value: int) -> None:
        raise NotImplementedError


class Uart16550(Device):
    """NS16550 subset: THR transmits at once, so LSR always reads idle; no receiver. Interrupt: THRE only,
    as rtl/soc/la_uart.sv: pending after each THR write and when IER.ETBEI is written 1, cleared by reading
    IIR (which reports it) or writing ETBEI 0; the line is pending & ETBEI."""

    name = "uart0"

    def __init__(self, base: int = soc.UART0_BASE, sink: Callable[[bytes], object] | None = None) -> None:
        self.base = base
        self.size = soc.UART0_SIZE
        self.output = bytearray()
        self.sink = sink  # called with each transmitted byte (e.g. to stream to stdout)
        self.regs = {soc.UART_IER: 0, soc.UART_LCR: 0, soc.UART_MCR: 0, soc.UART_SCR: 0}
        self.thre_pending = False

    @property
    def irq(self) -> bool:
        return self.thre_pending and bool(self.regs[soc.UART_IER] & soc.UART_IER_ETBEI)

    def load(self, offset: int, size_log2: int) -> int:
        if offset == soc.UART_THR:
            return 0  # RBR: nothing ever received
        if offset == soc.UART_IIR:
            iir = soc.UART_IIR_THRE if self.irq else soc.UART_IIR_NONE
            self.thre_pending = False
            return iir
        if offset == soc.UART_LSR:
            return soc.UART_LSR_IDLE
        return self.regs.get(offset, 0)  # MSR reads 0

    def store(self, offset: int, size_log2: int, value: int) -> None:
        byte = value & 0xFF
        if offset == soc.UART_THR:
            self.output.append(byte)
            self.thre_pending = True
            if self.sink is not None:
                self.sink(bytes((byte,)))
        elif offset in self.regs:
            self.regs[offset] = byte
            if offset == soc.UART_IER:
                self.thre_pending = bool(byte & soc.UART_IER_ETBEI)
        # FCR (offset 2), LSR and MSR writes are ignored


class GedPowerOff(Device):
    """ACPI GED sleep control as on QEMU virt: a byte write of 0x34 powers the machine off."""

    name = "ged"

    def __init__(self) -> None:
        self.base = soc.GED_SLEEP_CTL
        self.size = 1
        self.powered_off = False

    def load(self, offset: int, size_log2: int) -> int:
        return 0

    def store(self, offset: int, size_log2: int, value: int) -> None:
        if size_log2 == 0 and value & 0xFF == soc.GED_POWEROFF_VALUE:
            self.powered_off = True
            raise PowerOff()
