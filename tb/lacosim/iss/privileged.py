"""Semantics of the privileged instructions and the counter reads, as closure factories (see semantics.py).

Privileged instructions (csr*, iocsr*, tlb*, invtlb, cacop, lddir, ldpte, ertn, idle, dbcl) raise IPE
unless CRMD.PLV = 0 (spec-la64-lvz.md 2.3; the architecture traps every PLV != 0, QEMU only PLV3). The
check runs when the instruction executes, because one translation serves every PLV.

An instruction that changes what the run loop caches between instructions (interrupt enables, ESTAT,
the timer, the translation mode, the IPI lines) ends by raising `Resync(next_pc)` after its effects.
The core fills the lockstep record's CSR fields through `Iss.note_csr_write`, the rdtime second
write through `Iss.note_rd2`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from lacosim.isa.decoder import decode
from lacosim.iss.csr import (
    CSR_CNTC,
    CSR_CRMD,
    CSR_DMW0,
    CSR_ECFG,
    CSR_ESTAT,
    CSR_MISC,
    CSR_TCFG,
    CSR_TICLR,
    CSR_TID,
    CSR_TVAL,
    DMW_COUNT,
    MISC_DRDTL_SHIFT,
    sext32,
)
from lacosim.iss.errors import ECODE_INE, ECODE_IPE, Resync, Trap, UnimplementedInstruction

if TYPE_CHECKING:
    from lacosim.iss.core import Iss
    from lacosim.iss.semantics import Factory, Handler

M64 = (1 << 64) - 1
# CSR writes after which the run loop must look again at interrupts, the timer or the translation mode
RESYNC_CSRS = frozenset({CSR_CRMD, CSR_ECFG, CSR_ESTAT, CSR_TCFG, CSR_TICLR,
                         *range(CSR_DMW0, CSR_DMW0 + DMW_COUNT)})
INVTLB_MAX_OP = 6


def _ipe(mnemonic: str) -> Trap:
    return Trap(ECODE_IPE, why=f"{mnemonic} at PLV != 0")


def _csrrd(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
    r, vals, read, rd, num, nxt = core.regs, core.csr.values, core.csr.read, f["rd"], f["csr"], (pc + 4) & M64

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("csrrd")
        if rd:  # (a read into r0 has no effect: TVAL then needs no value from the trace)
            r[rd] = read(num)
        return nxt
    return h


def _csrwr(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
    r, csr, vals, rd, num, nxt = core.regs, core.csr, core.csr.values, f["rd"], f["csr"], (pc + 4) & M64
    resync = num in RESYNC_CSRS

    read = csr.read if rd or num != CSR_TVAL else _reads_zero  # TVAL is read-only: into r0, nothing to read

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("csrwr")
        old = read(num)
        value = r[rd]
        csr.write(num, value)
        if rd:
            r[rd] = old
        core.note_csr_write(num, value)
        if resync:
            core.request_service()
            raise Resync(nxt)
        return nxt
    return h


def _csrxchg(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
    r, csr, vals, rd, rj, num, nxt = core.regs, core.csr, core.csr.values, f["rd"], f["rj"], f["csr"], \
        (pc + 4) & M64
    resync = num in RESYNC_CSRS

    if num == CSR_TVAL and not rd:
        return _csrwr(core, pc, f)  # read-only: the same as a csrwr into r0

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("csrxchg")
        value, mask = r[rd], r[rj]
        old = csr.exchange(num, value, mask)
        if rd:
            r[rd] = old
        core.note_csr_write(num, (value & mask) | (old & ~mask & M64))
        if resync:
            core.request_service()
            raise Resync(nxt)
        return nxt
    return h


def _iocsrrd_factory(size_log2: int) -> Factory:
    sign = 1 << ((8 << size_log2) - 1)
    extend = M64 ^ ((1 << (8 << size_log2)) - 1)

    def factory(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
        r, vals, io, cid, rd, rj, nxt = core.regs, core.csr.values, core.memory.iocsr, core.core_id, f["rd"], \
            f["rj"], (pc + 4) & M64

        def h() -> int:
            if vals[CSR_CRMD] & 3:
                raise _ipe("iocsrrd")
            value = io.load(cid, r[rj], size_log2)
            if rd:
                r[rd] = value | extend if value & sign else value
            return nxt
        return h
    return factory


def _iocsrwr_factory(size_log2: int) -> Factory:
    def factory(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
        r, vals, io, cid, rd, rj, nxt = core.regs, core.csr.values, core.memory.iocsr, core.core_id, f["rd"], \
            f["rj"], (pc + 4) & M64

        def h() -> int:
            if vals[CSR_CRMD] & 3:
                raise _ipe("iocsrwr")
            io.store(cid, r[rj], size_log2, r[rd])
            core.request_service()  # an IPI to this core itself
            raise Resync(nxt)
        return h
    return factory


def _ertn(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
    vals = core.csr.values

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("ertn")
        raise Resync(core.exception_return())
    return h


def _idle(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
    vals, nxt = core.csr.values, (pc + 4) & M64

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("idle")
        core.enter_idle()
        raise Resync(nxt)
    return h


def _privileged_nop(mnemonic: str) -> Factory:
    """cacop, tlbclr, tlbflush: nothing to do at PLV0 (no cache model, no TLB entries yet)."""
    def factory(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
        vals, nxt = core.csr.values, (pc + 4) & M64

        def h() -> int:
            if vals[CSR_CRMD] & 3:
                raise _ipe(mnemonic)
            return nxt
        return h
    return factory


def _invtlb(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
    vals, op, nxt = core.csr.values, f["op"], (pc + 4) & M64

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("invtlb")
        if op > INVTLB_MAX_OP:
            raise Trap(ECODE_INE, why=f"invtlb op {op}")
        return nxt  # no TLB entries to invalidate yet
    return h


def _privileged_unimplemented(mnemonic: str) -> Factory:
    """IPE at PLV != 0; at PLV0 the model stops: it has no TLB or debug mode yet."""
    def factory(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
        vals = core.csr.values

        def h() -> int:
            if vals[CSR_CRMD] & 3:
                raise _ipe(mnemonic)
            raise UnimplementedInstruction(f"{mnemonic}: the reference model has no TLB / debug mode yet")
        return h
    return factory


def _rdtime_factory(part: str) -> Factory:
    """rdtime{l.w,h.w,.d} rd, rj: rd <- (stable counter + CNTC) or its low/high word; rj <- TID. IPE when
    MISC.DRDTLn is set for the current PLV n. In lockstep the rd value comes from the trace."""
    def factory(core: Iss, pc: int, f: Mapping[str, int]) -> Handler:
        r, vals, rd, rj, nxt = core.regs, core.csr.values, f["rd"], f["rj"], (pc + 4) & M64

        def h() -> int:
            plv = vals[CSR_CRMD] & 3
            if plv and vals[CSR_MISC] >> (MISC_DRDTL_SHIFT + plv) & 1:
                raise Trap(ECODE_IPE, why=f"rdtime at PLV{plv} with MISC.DRDTL{plv} = 1")
            value = core.take_async_value(part == "d") if rd else 0
            if value is None:
                count = (core.stable_counter() + vals[CSR_CNTC]) & M64
                value = count if part == "d" else sext32(count if part == "l" else count >> 32)
            tid = vals[CSR_TID]
            if rd:
                r[rd] = value & M64
            if rj:
                r[rj] = tid
                core.note_rd2(rj, tid)
            return nxt
        return h
    return factory


def _reads_zero(num: int) -> int:
    return 0


@cache
def is_async_read(word: int) -> bool:
    """Lockstep: True if the instruction word reads an asynchronous value the scoreboard must supply with
    `Iss.set_async_value` (the record's rd value): rdtime* with rd != r0, csr* of TVAL with rd != r0."""
    decoded = decode(word)
    if decoded is None or not decoded.fields.get("rd"):
        return False
    return decoded.mnemonic.startswith("rdtime") or (decoded.mnemonic.startswith("csr")
                                                     and decoded.fields["csr"] == CSR_TVAL)


def privileged_factories() -> dict[str, Factory]:
    table: dict[str, Factory] = {"csrrd": _csrrd, "csrwr": _csrwr, "csrxchg": _csrxchg, "ertn": _ertn,
                                 "idle": _idle, "invtlb": _invtlb,
                                 "rdtimel.w": _rdtime_factory("l"), "rdtimeh.w": _rdtime_factory("h"),
                                 "rdtime.d": _rdtime_factory("d")}
    for suffix, size_log2 in (("b", 0), ("h", 1), ("w", 2), ("d", 3)):
        table[f"iocsrrd.{suffix}"] = _iocsrrd_factory(size_log2)
        table[f"iocsrwr.{suffix}"] = _iocsrwr_factory(size_log2)
    for mnemonic in ("cacop", "tlbclr", "tlbflush"):
        table[mnemonic] = _privileged_nop(mnemonic)
    for mnemonic in ("tlbsrch", "tlbrd", "tlbwr", "tlbfill", "lddir", "ldpte", "dbcl"):
        table[mnemonic] = _privileged_unimplemented(mnemonic)
    return table


__all__ = ["RESYNC_CSRS", "is_async_read", "privileged_factories"]
