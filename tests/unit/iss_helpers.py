"""Small helpers the reference-model unit tests share (test_iss_priv, test_iss_tlb, test_iss_lvz): put words
into memory, step, read CSRs, build TLBELO values."""

from __future__ import annotations

from lacosim.iss import Iss, Memory
from lacosim.iss import csr as C

M64 = (1 << 64) - 1


def put(memory: Memory, addr: int, words: list[int]) -> None:
    memory.write(addr, b"".join(w.to_bytes(4, "little") for w in words))


def steps(iss: Iss, n: int) -> Iss:
    for _ in range(n):
        iss.step()
    return iss


def csr(iss: Iss, num: int) -> int:
    """A csrrd of the executing bank (hooks included)."""
    return iss.csr.read(num)


def lo(pa: int, *, v: int = 1, d: int = 1, plv: int = 0, g: int = 0, nr: int = 0, nx: int = 0,
       rplv: int = 0, mat: int = 1) -> int:
    """A TLBELO value."""
    return ((pa & C.TLBELO_PPN) | v | d << 1 | plv << 2 | mat << 4 | g << 6 | nr << 61 | nx << 62
            | rplv << 63)


def store_word(iss: Iss, pa: int, value: int, size: int = 8) -> None:
    iss.memory.write(pa, value.to_bytes(size, "little"))
