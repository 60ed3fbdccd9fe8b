"""Python end of the DPI trace ring (tb/dpi/lacosim_ring.h): numpy view, drain, record constants.

The C ring lives in the simulator process; the Verilated executable is linked with -rdynamic, so its
symbols are reachable through ctypes.CDLL(None). A drain copies the pending records out in at most two
slices (wrap-around) and advances the consumer index: no per-record Python work happens here.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable

import numpy as np

RECORD_DTYPE = np.dtype([
    ("cycle", "<u8"), ("pc", "<u8"), ("rd_wdata", "<u8"), ("mem_addr", "<u8"), ("mem_wdata", "<u8"),
    ("csr_wdata", "<u8"), ("rd2_wdata", "<u8"), ("mem_pa", "<u8"), ("insn", "<u4"), ("kind", "u1"),
    ("core", "u1"), ("rd", "u1"), ("flags", "u1"), ("trap", "<u4"), ("csr", "<u2"), ("mode", "u1"),
    ("rd2", "u1"), ("irq", "<u4"), ("tlb_idx", "<u2"), ("flags2", "u1"), ("pad", "u1"), ("pc_pa", "<u8"),
])
assert RECORD_DTYPE.itemsize == 96
# The same 96 bytes as one opaque item: numpy copies and indexes these about 20x faster than records of
# RECORD_DTYPE (which it copies field by field), so every bulk copy of records goes through this view.
RECORD_BYTES = np.dtype((np.void, RECORD_DTYPE.itemsize))

# Records per batch: the ring wakes Python (toggles trace_wm) every WATERMARK records. Each wake-up costs
# a fixed amount (cocotb's trigger round trip, a full VPI time step, caches refilled after Python ran);
# larger batches amortise it. On the C workload without lockstep (quiet machine, medians of 3) 8 Ki records
# ran at 0.76x the plain C++ main, 16 Ki at 0.80x, 32 Ki at 0.83x; half the ring is the most that is safe
# (Python drains at every watermark within the same time step). LACOSIM_RING_WATERMARK=<records> overrides.
WATERMARK = 1 << 15
WATERMARK_ENV = "LACOSIM_RING_WATERMARK"

KIND_RETIRE = 0
KIND_UART_TX = 1
KIND_POWEROFF = 2
KIND_TIMEOUT = 3

FLAG_RD_WE = 1 << 0
FLAG_MEM_RE = 1 << 1
FLAG_MEM_WE = 1 << 2
FLAG_MEM_SIZE_SHIFT = 3
FLAG_ILLEGAL = 1 << 5
FLAG_CSR_WE = 1 << 6
FLAG_RD2_WE = 1 << 7

# flags2 (design.md 9.5; v4 LVZ bits, design.md 12.7)
FLAG2_TLB_WE = 1 << 0  # a committed tlbwr/tlbfill wrote entry tlb_idx
FLAG2_GCSR = 1 << 1    # the CSR fields describe a guest-bank access (design.md 12.7)
FLAG2_EXIT = 1 << 2    # a trap record taken to the root from guest mode

# KIND_IRQ: a core's irq word changed (design.md 7.2, v4 12.7): rd_wdata = the new word, root ESTAT.IS in
# [12:0] and the guest ESTAT.IS in [28:16] (0 until the RTL implements LVZ)
KIND_IRQ = 4
IRQ_ROOT_IS = 0x1FFF
IRQ_GUEST_SHIFT = 16

# trap field (design.md 7.2)
TRAP_VALID = 1 << 0
TRAP_INT = 1 << 1
TRAP_ERTN = 1 << 2
TRAP_ECODE_SHIFT = 3          # [8:3]
TRAP_ESUBCODE_SHIFT = 9       # [17:9]
TRAP_INTNO_SHIFT = 18         # [21:18]
TRAP_ECODE_TLBR = 0x3F        # a TLB refill (design.md 9.3): not an ESTAT code, QEMU's internal EXCCODE_TLBR

# mode field
MODE_PLV_MASK = 0x3
MODE_IE = 1 << 2
MODE_GUEST = 1 << 3
MODE_IOCSR = 1 << 4

# CSR numbers the scoreboards follow: the architecture's numbers live in one place, lacosim.iss.csr
from lacosim.iss.csr import CSR_CRMD, CSR_ECFG, CSR_ESTAT, CSR_TCFG, CSR_TICLR, CSR_TVAL  # noqa: E402

__all__ = ["CSR_CRMD", "CSR_ECFG", "CSR_ESTAT", "CSR_TCFG", "CSR_TICLR", "CSR_TVAL", "RECORD_DTYPE",
           "RECORD_BYTES", "TraceRing", "col", "csr_insn_num", "in_guest", "retired", "take", "trap_ecode",
           "trap_intno"]


MAX_CORES_KEYS = 256 * 32  # (core, GPR) keys of last_gpr_writes: the record's core is one byte


_shared: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []   # the published batches and their columns


def share_columns(*batches: np.ndarray) -> None:
    """The trace monitor publishes these batches (and no longer the previous ones): their columns are shared."""
    _shared[:] = [(b, {}) for b in batches]


def _cached(batch: np.ndarray, key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
    for b, cols in _shared:
        if b is batch:
            c = cols.get(key)
            if c is None:
                c = cols[key] = make()
                c.flags.writeable = False   # shared: nobody may change it in place
            return c
    return make()


def col(batch: np.ndarray, name: str) -> np.ndarray:
    """batch[name] as a contiguous array. A pass over one field of the 96-byte records is strided, ten times
    the cost of a contiguous pass, and a dozen checkers make a few passes each over every batch: for a batch the
    trace monitor published (share_columns), each field is copied out once and shared by every checker. Other
    arrays get a fresh copy."""
    return _cached(batch, name, lambda: np.ascontiguousarray(batch[name]))


def retired(batch: np.ndarray) -> np.ndarray:
    """The mask of retirement records (shared like col)."""
    return _cached(batch, "@retired", lambda: col(batch, "kind") == KIND_RETIRE)


def in_guest(batch: np.ndarray) -> np.ndarray:
    """The mask of guest-mode records (shared like col)."""
    return _cached(batch, "@guest", lambda: (col(batch, "mode") & MODE_GUEST) != 0)


def take(batch: np.ndarray, which: np.ndarray) -> np.ndarray:
    """batch[which] (a boolean mask or indices) as a new record array, copied as opaque 96-byte items."""
    return batch.view(RECORD_BYTES)[which].view(RECORD_DTYPE)


def last_gpr_writes(batch: np.ndarray, written: np.ndarray, reg: str = "rd") -> np.ndarray:
    """Of the records `written` (indices, ascending) that write GPR batch[reg], the last one per (core, GPR), in
    trace order: what a GPR shadow folds a batch into. No sort: a maximum per key (np.maximum.at is defined
    for repeated keys, unlike a fancy assignment), 30x cheaper than np.unique on a 32k-record batch."""
    keys = col(batch, "core")[written].astype(np.int64) * 32 + col(batch, reg)[written]
    last = np.full(MAX_CORES_KEYS, -1, dtype=np.int64)
    np.maximum.at(last, keys, np.arange(len(written)))
    return written[np.sort(last[last >= 0])]


def trap_ecode(trap: int) -> int:
    return (trap >> TRAP_ECODE_SHIFT) & 0x3F


def trap_intno(trap: int) -> int:
    return (trap >> TRAP_INTNO_SHIFT) & 0xF


def csr_insn_num(insn: int) -> int | None:
    """The CSR a csrrd/csrwr/csrxchg word addresses, or None for any other instruction."""
    return (insn >> 10) & 0x3FFF if insn & 0xFF00_0000 == 0x0400_0000 else None


class TraceRing:
    """Consumer of the ring inside the running simulator."""

    def __init__(self, lib: ctypes.CDLL | None = None) -> None:
        lib = lib if lib is not None else ctypes.CDLL(None)
        try:
            base_fn = lib.lacosim_ring_base
        except AttributeError:
            raise RuntimeError("the simulator has no lacosim trace ring: was it built by "
                               "lacosim.build (links tb/dpi/lacosim_ring.cc with -rdynamic)?") from None
        base_fn.restype = ctypes.POINTER(ctypes.c_uint8)
        for name in ("capacity", "head", "tail", "overflows"):
            getattr(lib, f"lacosim_ring_{name}").restype = ctypes.c_uint64
        lib.lacosim_ring_set_tail.argtypes = [ctypes.c_uint64]
        self._lib = lib
        self.capacity = int(lib.lacosim_ring_capacity())
        raw = np.ctypeslib.as_array(base_fn(), shape=(self.capacity * RECORD_DTYPE.itemsize,))
        self._ring = raw.view(RECORD_BYTES)
        self._head = lib.lacosim_ring_head
        self._tail = lib.lacosim_ring_tail
        self.watermark = int(os.environ.get(WATERMARK_ENV, WATERMARK))
        if not 1 <= self.watermark <= self.capacity // 2:
            raise RuntimeError(f"{WATERMARK_ENV}={self.watermark}: must be 1 to {self.capacity // 2} records "
                               f"(half the ring: Python drains at every watermark)")
        lib.lacosim_ring_set_watermark.argtypes = [ctypes.c_uint64]
        lib.lacosim_ring_set_watermark(self.watermark)

    @property
    def overflows(self) -> int:
        return int(self._lib.lacosim_ring_overflows())

    def drain(self) -> np.ndarray:
        """All records pushed since the last drain, oldest first (a copy)."""
        head, tail = int(self._head()), int(self._tail())
        if head == tail:
            return self._ring[:0].copy().view(RECORD_DTYPE)
        lo, hi = tail % self.capacity, head % self.capacity
        if lo < hi:
            out = self._ring[lo:hi].copy()
        else:
            out = np.concatenate((self._ring[lo:], self._ring[:hi]))
        self._lib.lacosim_ring_set_tail(head)
        return out.view(RECORD_DTYPE)
