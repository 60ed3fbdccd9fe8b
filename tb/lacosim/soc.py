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
UART_IIR_THRE = 0x02   # transmitter-holding-register-empty interrupt pending
UART_IER_ETBEI = 0x02  # IER: enable the THRE interrupt

GED_SLEEP_CTL = 0x100E_001C  # ACPI GED sleep control, as QEMU virt
GED_POWEROFF_VALUE = 0x34  # SLP_EN | SLP_TYP=5

MAX_CORES = 4

# IOCSR space (spec-la64-lvz.md 4; rtl/core/la_pkg.sv IOCSR_*; the RTL is rtl/soc/la_iocsr.sv, la_extioi.sv)
IOCSR_VERSION = 0x0000
IOCSR_FEATURES = 0x0008
IOCSR_VENDOR = 0x0010
IOCSR_CPUNAME = 0x0020
IOCSR_IPI_STATUS = 0x1000
IOCSR_IPI_EN = 0x1004
IOCSR_IPI_SET = 0x1008
IOCSR_IPI_CLEAR = 0x100C
IOCSR_IPI_MBUF0 = 0x1020  # MBUF0-3 at 0x1020, 0x1028, 0x1030, 0x1038
IOCSR_IPI_MBUF_END = 0x1040
IOCSR_IPI_SEND = 0x1040
IOCSR_MAIL_SEND = 0x1048
IOCSR_VERSION_VALUE = 0x11  # what QEMU virt returns
IOCSR_FEATURES_VALUE = 0x1C  # MSI | EXTIOI | CSRIPI (QEMU virt)
IOCSR_VENDOR_VALUE = 0x6E6F_7367_6E6F_6F4C  # "Loongson"
IOCSR_CPUNAME_VALUE = 0x0000_3030_3035_4133  # "3A5000"
# EXTIOI subset (la_extioi): EXTIOI_SOURCES device lines
EXTIOI_SOURCES = 32
IOCSR_EXTIOI_IPMAP = 0x14C0  # byte per source: HWI pin in [2:0]
IOCSR_EXTIOI_EN = 0x1600  # bit per source
IOCSR_EXTIOI_ISR = 0x1800  # read-only: asserted and enabled sources
IOCSR_EXTIOI_ROUTE = 0x1C00  # byte per source: bit c routes it to core c
IOCSR_EXTIOI_BASE = IOCSR_EXTIOI_IPMAP
IOCSR_EXTIOI_END = IOCSR_EXTIOI_ROUTE + EXTIOI_SOURCES
