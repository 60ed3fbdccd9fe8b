"""The SoC the software sees (architecture.md section 3): one place for every address and constant.

The RTL (`rtl/soc/`), the reference model and the testbench all take the memory map from here or from
`rtl/core/la_pkg.sv`; `tests/unit/test_soc_map.py` checks the two agree.
"""

RAM_BASE = 0x0000_0000
RAM_SIZE_DEFAULT = 32 << 20  # bytes; small enough for a fast model start, large enough for every sw/ image

UART0_BASE = 0x1FE0_01E0
UART0_SIZE = 8
# NS16550 subset register offsets
UART_THR = 0  # write: transmit; read: RBR (no receiver: reads 0)
UART_IER = 1
UART_IIR = 2  # read: interrupt identification; write: FCR (ignored)
UART_LCR = 3
UART_MCR = 4
UART_LSR = 5  # THRE | TEMT always: the model transmits instantly
UART_MSR = 6
UART_SCR = 7
UART_LSR_IDLE = 0x60
UART_IIR_NONE = 0x01

GED_SLEEP_CTL = 0x100E_001C  # ACPI GED sleep control, as QEMU virt
GED_POWEROFF_VALUE = 0x34  # SLP_EN | SLP_TYP=5

MAX_CORES = 4
