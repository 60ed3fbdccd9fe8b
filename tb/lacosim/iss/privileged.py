"""Semantics of the privileged instructions and the counter reads, as closure factories (see semantics.py).

Privileged instructions (csr*, iocsr*, tlb*, invtlb, cacop, lddir, ldpte, ertn, idle, dbcl) raise IPE
unless CRMD.PLV = 0 (spec-la64-lvz.md 2.3; the architecture traps every PLV != 0, QEMU only PLV3). The
check runs when the instruction executes, because one translation serves every PLV.

An instruction that changes what the run loop caches between instructions (interrupt enables, ESTAT,
the timer, the translation mode, the IPI lines) ends by raising `Resync(next_pc)` after its effects.
The core fills the lockstep record's CSR fields through `Iss.note_csr_write`, the rdtime second
write through `Iss.note_rd2`.

LVZ (design.md 12.2): a closure is built for the mode the core is in (guest code has its own translation
cache), so every root-mode closure is the same as without LVZ. `_by_mode` picks the guest factory for guest
mode: the guest's own IPE (guest CRMD.PLV) first, then the traps to the root (GSPR for what has no guest
copy or is trapped by GCFG.SIT/TIT or GTLBC.TOTI, GCSC for GCFG.TOP, GCHC for an ertn with GCFG.TOE), else
the same semantics on the guest bank (TLB instructions: the guest partition, bank 1, GID = GSTAT.GID).
Root TLB instructions use the GID `rgid` (GTLBC.TGID with USETGID, else GSTAT.GID with PVM, else 0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from lacosim.isa.decoder import decode
from lacosim.iss.csr import (
    ASID_ASID,
    CSR_ASID,
    CSR_CNTC,
    CSR_CRMD,
    CSR_DMW0,
    CSR_ECFG,
    CSR_ESTAT,
    CSR_GCFG,
    CSR_GCNTC,
    CSR_GTLBC,
    CSR_MISC,
    CSR_PWCH,
    CSR_PWCL,
    CSR_RVACFG,
    CSR_TCFG,
    CSR_TICLR,
    CSR_TID,
    CSR_TLBEHI,
    CSR_TLBELO0,
    CSR_TLBELO1,
    CSR_TLBIDX,
    CSR_TLBRBADV,
    CSR_TLBREHI,
    CSR_TLBRELO0,
    CSR_TLBRELO1,
    CSR_TLBRENTRY,
    CSR_TLBRERA,
    CSR_TLBRPRMD,
    CSR_TRGP,
    CSR_TVAL,
    DMW_COUNT,
    ESTAT_IS_LATCH,
    GCFG_GCI_SHIFT,
    GCFG_SIT,
    GCFG_TIT,
    GCFG_TOE,
    GCFG_TOP,
    GTLBC_GMTLBNUM,
    GTLBC_TOTI,
    GUEST_CSRS,
    INT_TI,
    MISC_DRDTL_SHIFT,
    PA_MASK,
    TLB_ENTRIES,
    TLBELO_G,
    TLBELO_MASK,
    TLBIDX_INDEX,
    TLBIDX_NE,
    TLBIDX_PS_SHIFT,
    TLBREHI_PS,
    TLBRERA_ISTLBR,
    TRGP_GTLB,
    TRGP_RID_SHIFT,
    sext32,
)
from lacosim.iss.errors import (
    ECODE_GCM,
    ECODE_GSPR,
    ECODE_INE,
    ECODE_IPE,
    ESUBCODE_GCHC,
    ESUBCODE_GCSC,
    Resync,
    Trap,
    UnimplementedInstruction,
)
from lacosim.iss.hart import Factory, Handler, Hart
from lacosim.iss.mmu import guest_gid
from lacosim.iss.tlb import INVTLB_MAX_OP, TlbEntry

M64 = (1 << 64) - 1
# CSR writes after which the run loop must look again at interrupts, the timer or the translation mode
RESYNC_CSRS = frozenset({CSR_CRMD, CSR_ECFG, CSR_ESTAT, CSR_TCFG, CSR_TICLR,
                         *range(CSR_DMW0, CSR_DMW0 + DMW_COUNT)})
# page-table entry bits lddir/ldpte look at (Linux/QEMU names)
PTE_HUGE = 1 << 6  # a huge-page entry in a directory (where a leaf has G)
PTE_HGLOBAL = 1 << 12  # G of a huge entry
PTE_LEVEL_SHIFT = 13
PTE_LEVEL = 3 << PTE_LEVEL_SHIFT  # the directory level lddir found a huge entry at
# guest csr* of these trap with GCFG.TIT / GTLBC.TOTI (design.md 12.2)
TIMER_CSRS = frozenset({CSR_TID, CSR_TCFG, CSR_TVAL, CSR_CNTC, CSR_TICLR})
TLB_CSRS = frozenset({*range(CSR_TLBIDX, CSR_TLBELO1 + 1), *range(CSR_ASID, CSR_RVACFG + 1),
                      *range(CSR_TLBRENTRY, CSR_TLBRPRMD + 1)})
TI_BIT = 1 << INT_TI


def _ipe(mnemonic: str) -> Trap:
    return Trap(ECODE_IPE, why=f"{mnemonic} at PLV != 0")


def _gspr(what: str) -> Trap:
    return Trap(ECODE_GSPR, why=f"guest {what}", to_root=True)


def _by_mode(root: Factory, guest: Factory) -> Factory:
    """The factory of the mode the core translates in (design.md 12.2)."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        return (guest if core.vm else root)(core, pc, f)
    return factory


def _guest_check(core: Hart, mnemonic: str, *, tlb: bool = False, always: bool = False) -> Callable[[], None]:
    """A privileged instruction in guest mode: IPE at guest PLV != 0 (the guest's), then GSPR if it always
    traps or GCFG.SIT (or, for TLB instructions, GTLBC.TOTI) says so."""
    gvals, rvals = core.guest_csr.values, core.root_csr.values

    def check() -> None:
        if gvals[CSR_CRMD] & 3:
            raise _ipe(mnemonic)
        if always or rvals[CSR_GCFG] & GCFG_SIT or (tlb and rvals[CSR_GTLBC] & GTLBC_TOTI):
            raise _gspr(mnemonic)
    return check


def _guest_gated(root: Factory, mnemonic: str, *, tlb: bool = False, always: bool = False) -> Factory:
    """Guest mode: the check above, then the root's semantics on the guest bank (the core's `csr` is the
    guest bank while it translates guest code)."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        check = _guest_check(core, mnemonic, tlb=tlb, always=always)
        inner = root(core, pc, f)

        def h() -> int:
            check()
            return inner()
        return h
    return factory


def _guest_csr_factory(op: str) -> Factory:
    """Guest-mode csrrd/csrwr/csrxchg (design.md 12.2): IPE (guest PLV), GSPR (no guest copy; SIT; TIT for
    the timer CSRs; TOTI for the TLB CSRs), GCSC (TOP and a CRMD write that changes PLV), else the access
    on the guest bank (a write is recorded as a guest-bank write)."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        r, gcsr, gvals, rvals = core.regs, core.guest_csr, core.guest_csr.values, core.root_csr.values
        rd, rj, num, nxt = f["rd"], f.get("rj", 0), f["csr"], (pc + 4) & M64
        no_copy = num not in GUEST_CSRS
        traps = GCFG_SIT | (GCFG_TIT if num in TIMER_CSRS else 0)
        tlb_csr = num in TLB_CSRS
        resync = num in RESYNC_CSRS
        read = gcsr.read if rd or op == "csrrd" or num != CSR_TVAL else _reads_zero

        def h() -> int:
            if gvals[CSR_CRMD] & 3:
                raise _ipe(op)
            if no_copy or rvals[CSR_GCFG] & traps or (tlb_csr and rvals[CSR_GTLBC] & GTLBC_TOTI):
                raise _gspr(f"{op} of CSR {num:#x}")
            if op == "csrrd":
                if rd:
                    r[rd] = read(num)
                return nxt
            old = read(num)
            value = r[rd] if op == "csrwr" else (r[rd] & r[rj]) | (old & ~r[rj] & M64)
            if num == CSR_CRMD and rvals[CSR_GCFG] & GCFG_TOP and (value ^ gvals[CSR_CRMD]) & 3:
                raise Trap(ECODE_GCM, ESUBCODE_GCSC, why="guest changes CRMD.PLV with GCFG.TOP = 1", to_root=True)
            gcsr.write(num, value)
            if rd:
                r[rd] = old
            core.note_gcsr_write(num, value)
            if resync:
                core.request_service()
                raise Resync(nxt)
            return nxt
        return h
    return factory


def _gcsr_factory(op: str) -> Factory:
    """Root gcsrrd/gcsrwr/gcsrxchg (design.md 12.2-12.4): IPE at PLV != 0; the guest bank (a CSR without a
    guest copy reads 0 and ignores writes); a write of guest ESTAT also sets bit 12 (the latch) and bit 11
    (the guest TI, standalone: in lockstep the trace reports TI), one of guest TVAL loads the guest timer."""
    mnemonic = "g" + op

    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        r, gcsr, gvals, rvals = core.regs, core.guest_csr, core.guest_csr.values, core.root_csr.values
        rd, rj, num, nxt = f["rd"], f.get("rj", 0), f["csr"], (pc + 4) & M64
        copy = num in GUEST_CSRS
        read = gcsr.read if copy and (rd or op == "csrrd" or num != CSR_TVAL) else _reads_zero

        def h() -> int:
            if rvals[CSR_CRMD] & 3:
                raise _ipe(mnemonic)
            if op == "csrrd":
                if rd:
                    r[rd] = read(num)
                return nxt
            old = read(num)
            value = r[rd] if op == "csrwr" else (r[rd] & r[rj]) | (old & ~r[rj] & M64)
            if num == CSR_TVAL:
                if not core.lockstep:
                    core.guest_timer.load(value, gvals[CSR_TCFG], core.counter_now())
            elif copy:
                gcsr.write(num, value)
                if num == CSR_ESTAT:
                    gvals[CSR_ESTAT] = (gvals[CSR_ESTAT] & ~ESTAT_IS_LATCH) | (value & ESTAT_IS_LATCH)
                    if not core.lockstep:
                        gvals[CSR_ESTAT] = (gvals[CSR_ESTAT] & ~TI_BIT) | (value & TI_BIT)
            if rd:
                r[rd] = old
            core.note_gcsr_write(num, value)
            core.request_service()  # the guest timer or guest lines may have changed
            raise Resync(nxt)
        return h
    return factory


def _guest_ertn(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    """Guest ertn: IPE, GSPR with SIT, GCHC with TOE (design.md 12.2), else it returns inside the guest."""
    check, rvals = _guest_check(core, "ertn"), core.root_csr.values

    def h() -> int:
        check()
        if rvals[CSR_GCFG] & GCFG_TOE:
            raise Trap(ECODE_GCM, ESUBCODE_GCHC, why="guest ertn with GCFG.TOE = 1", to_root=True)
        raise Resync(core.exception_return())
    return h


def _guest_cacop(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    """Guest cacop: IPE, GSPR with SIT, then GSPR unless GCFG.GCI exempts its kind (code[4:3]): GCI 1 lets
    Hit ops (2) run, GCI 2 Hit and Index-Invalidate-Writeback (1); GCI 0 and 3 trap every cacop."""
    check, rvals, kind, nxt = _guest_check(core, "cacop"), core.root_csr.values, (f["code"] >> 3) & 3, (pc + 4) & M64

    def h() -> int:
        check()
        gci = (rvals[CSR_GCFG] >> GCFG_GCI_SHIFT) & 3
        if not ((gci == 1 and kind == 2) or (gci == 2 and kind in (1, 2))):
            raise _gspr(f"cacop (code {f['code']:#x}, GCFG.GCI {gci})")
        return nxt
    return h


def _csrrd(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    r, vals, read, rd, num, nxt = core.regs, core.csr.values, core.csr.read, f["rd"], f["csr"], (pc + 4) & M64

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("csrrd")
        if rd:  # (a read into r0 has no effect: TVAL then needs no value from the trace)
            r[rd] = read(num)
        return nxt
    return h


def _csrwr(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
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


def _csrxchg(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
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

    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
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
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
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


def _ertn(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    vals = core.csr.values

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("ertn")
        raise Resync(core.exception_return())
    return h


def _idle(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    vals, nxt = core.csr.values, (pc + 4) & M64

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("idle")
        core.enter_idle()
        raise Resync(nxt)
    return h


def _privileged_nop(mnemonic: str) -> Factory:
    """cacop: nothing to do at PLV0 (no cache model)."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        vals, nxt = core.csr.values, (pc + 4) & M64

        def h() -> int:
            if vals[CSR_CRMD] & 3:
                raise _ipe(mnemonic)
            return nxt
        return h
    return factory


# --- the TLB instructions (design.md 9.4): privileged, and each ends the run-loop chunk (they serialise) ---
def _tlb_source(vals: Mapping[int, int]) -> tuple[int, int, int, int, bool]:
    """(VPPN as an address, PS, TLBELO0, TLBELO1, E) that tlbsrch/tlbwr/tlbfill use: the refill registers
    inside a TLB refill (TLBRERA.IsTLBR = 1; E = 1), else TLBEHI, TLBIDX.PS, TLBELO0/1 (E = !TLBIDX.NE)."""
    if vals[CSR_TLBRERA] & TLBRERA_ISTLBR:
        return vals[CSR_TLBREHI], vals[CSR_TLBREHI] & TLBREHI_PS, vals[CSR_TLBRELO0], vals[CSR_TLBRELO1], True
    idx = vals[CSR_TLBIDX]
    return (vals[CSR_TLBEHI], (idx >> TLBIDX_PS_SHIFT) & 0x3F, vals[CSR_TLBELO0], vals[CSR_TLBELO1],
            not idx & TLBIDX_NE)


def _partition(core: Hart) -> tuple[int, int]:
    """(first entry, GMTLBNum) of the guest partition: the top GTLBC.GMTLBNum entries (design.md 12.6)."""
    count = min(core.root_csr.values[CSR_GTLBC] & GTLBC_GMTLBNUM, TLB_ENTRIES)
    return TLB_ENTRIES - count, count


def _tlbsrch(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    """tlbsrch; root: bank 0 with GID rgid; guest: its own entries (bank 1, GSTAT.GID) in its partition,
    the index relative to the partition."""
    vals, csr, tlb, nxt, guest = core.csr.values, core.csr, core.tlb, (pc + 4) & M64, core.vm
    check = _guest_check(core, "tlbsrch", tlb=True) if guest else None

    def h() -> int:
        if check is not None:
            check()
            first, _ = _partition(core)
            index = tlb.search(_tlb_source(vals)[0], vals[CSR_ASID] & ASID_ASID, guest_gid(core.root_csr.values),
                               1, first)
            index = index - first if index >= 0 else -1
        else:
            if vals[CSR_CRMD] & 3:
                raise _ipe("tlbsrch")
            index = tlb.search(_tlb_source(vals)[0], vals[CSR_ASID] & ASID_ASID, core.rgid())
        idx = vals[CSR_TLBIDX]
        csr.write(CSR_TLBIDX, idx | TLBIDX_NE if index < 0 else (idx & ~(TLBIDX_NE | TLBIDX_INDEX)) | index)
        raise Resync(nxt)
    return h


def _tlbrd(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    """tlbrd; root: any entry as it is, and TRGP says whose it is; guest: entry first + (Index mod
    GMTLBNum) of its partition, which reads empty unless it is the guest's own (bank 1, GSTAT.GID)."""
    vals, csr, tlb, nxt, guest = core.csr.values, core.csr, core.tlb, (pc + 4) & M64, core.vm
    rvals = core.root_csr.values
    check = _guest_check(core, "tlbrd", tlb=True) if guest else None

    def h() -> int:
        idx = vals[CSR_TLBIDX]
        entry: TlbEntry | None
        if check is not None:
            check()
            first, count = _partition(core)
            entry = tlb.entries[first + (idx & TLBIDX_INDEX) % count] if count else None
            if entry is not None and not (entry.bank == 1 and entry.gid == guest_gid(rvals)):
                entry = None
        else:
            if vals[CSR_CRMD] & 3:
                raise _ipe("tlbrd")
            entry = tlb.entries[(idx & TLBIDX_INDEX) % TLB_ENTRIES]
            rvals[CSR_TRGP] = (TRGP_GTLB if entry.bank or entry.gid else 0) | entry.gid << TRGP_RID_SHIFT
        ps_field = 0x3F << TLBIDX_PS_SHIFT
        if entry is not None and entry.e:
            g = TLBELO_G if entry.g else 0
            csr.write(CSR_TLBEHI, entry.vppn)
            csr.write(CSR_TLBELO0, entry.halves[0] | g)
            csr.write(CSR_TLBELO1, entry.halves[1] | g)
            csr.write(CSR_TLBIDX, (idx & ~(ps_field | TLBIDX_NE)) | (entry.ps << TLBIDX_PS_SHIFT))
            asid = entry.asid
        else:  # QEMU: an empty entry reads as zeros, NE = 1 and ASID 0
            for num in (CSR_TLBEHI, CSR_TLBELO0, CSR_TLBELO1):
                csr.write(num, 0)
            csr.write(CSR_TLBIDX, (idx & ~ps_field) | TLBIDX_NE)
            asid = 0
        csr.write(CSR_ASID, (vals[CSR_ASID] & ~ASID_ASID) | asid)
        raise Resync(nxt)
    return h


def _tlbwr_factory(fill: bool) -> Factory:
    """tlbwr/tlbfill; root: any of the 32 entries, bank 0 with GID rgid; guest: its partition, bank 1 with
    GSTAT.GID (GMTLBNum = 0: nothing is written)."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        vals, tlb, nxt, guest = core.csr.values, core.tlb, (pc + 4) & M64, core.vm
        mnemonic = "tlbfill" if fill else "tlbwr"
        check = _guest_check(core, mnemonic, tlb=True) if guest else None

        def h() -> int:
            if check is not None:
                check()
                first, count = _partition(core)
                if not count:
                    raise Resync(nxt)
                gid, bank = guest_gid(core.root_csr.values), 1
            else:
                if vals[CSR_CRMD] & 3:
                    raise _ipe(mnemonic)
                # the root fills below the guest partition (all 32 entries for writes by index)
                first, count, gid, bank = 0, TLB_ENTRIES, core.rgid(), 0
                if fill:
                    count -= _partition(core)[1]
                    count = count or TLB_ENTRIES
            vppn, ps, lo0, lo1, valid = _tlb_source(vals)
            index = core.tlbfill_index(first, count) if fill else first + (vals[CSR_TLBIDX] & TLBIDX_INDEX) % count
            changed = tlb.write(index, vppn, ps, lo0, lo1, vals[CSR_ASID] & ASID_ASID, valid, gid, bank)
            core.note_tlb_write(index, changed)
            raise Resync(nxt)
        return h
    return factory


def _tlbclr_factory(flush: bool) -> Factory:
    """tlbclr/tlbflush on the entries of bank 0 with GID rgid (root) or of the guest's own (guest)."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        vals, tlb, nxt, guest = core.csr.values, core.tlb, (pc + 4) & M64, core.vm
        mnemonic = "tlbflush" if flush else "tlbclr"
        check = _guest_check(core, mnemonic, tlb=True) if guest else None

        def h() -> int:
            if check is not None:
                check()
                gid, bank = guest_gid(core.root_csr.values), 1
            else:
                if vals[CSR_CRMD] & 3:
                    raise _ipe(mnemonic)
                gid, bank = core.rgid(), 0
            core.tlb_changed(tlb.flush(gid, bank) if flush else tlb.clear(vals[CSR_ASID] & ASID_ASID, gid, bank))
            raise Resync(nxt)
        return h
    return factory


def _invtlb(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    """invtlb; root: entries of either bank with GID rgid; guest: its own (IPE, INE, then GSPR)."""
    r, vals, tlb, op, rj, rk, nxt = core.regs, core.csr.values, core.tlb, f["op"], f["rj"], f["rk"], \
        (pc + 4) & M64
    guest, rvals = core.vm, core.root_csr.values

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("invtlb")
        if op > INVTLB_MAX_OP:
            raise Trap(ECODE_INE, why=f"invtlb op {op}")
        if guest:
            if rvals[CSR_GCFG] & GCFG_SIT or rvals[CSR_GTLBC] & GTLBC_TOTI:
                raise _gspr("invtlb")
            gid, banks = guest_gid(rvals), (1,)
        else:
            gid, banks = core.rgid(), (0, 1)
        core.tlb_changed(tlb.invalidate(op, r[rj], r[rk], gid, banks))
        raise Resync(nxt)
    return h


def _gtlbflush(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    """Root gtlbflush: every guest-bank entry with GID = rgid (design.md 12.2)."""
    vals, tlb, nxt = core.csr.values, core.tlb, (pc + 4) & M64

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("gtlbflush")
        core.tlb_changed(tlb.flush(core.rgid(), 1))
        raise Resync(nxt)
    return h


# --- software page walking (design.md 9.4): physical reads of the page tables ---------------------------
def _dir_level(vals: Mapping[int, int], level: int) -> tuple[int, int]:
    """(base, width) of directory level 1-4 from PWCL/PWCH; level 0: the page table (PTbase, PTwidth)."""
    pwcl, pwch = vals[CSR_PWCL], vals[CSR_PWCH]
    if level == 0:
        return pwcl & 0x1F, (pwcl >> 5) & 0x1F
    if level <= 2:
        shift = 10 + 10 * (level - 1)
        return (pwcl >> shift) & 0x1F, (pwcl >> (shift + 5)) & 0x1F
    shift = 12 * (level - 3)
    return (pwch >> shift) & 0x3F, (pwch >> (shift + 6)) & 0x3F


def _lddir(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    r, vals, rd, rj, level, nxt = core.regs, core.csr.values, f["rd"], f["rj"], f["level"], (pc + 4) & M64

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("lddir")
        core._phys_access = -1
        base = r[rj]
        if level == 0 or level > 4:
            value = base
        elif base & PTE_HUGE:  # QEMU: remember the level for ldpte, unless one is there already
            value = base | (level << PTE_LEVEL_SHIFT) if not base & PTE_LEVEL and level < 4 else base
        else:
            dir_base, dir_width = _dir_level(vals, level)
            index = (vals[CSR_TLBRBADV] >> dir_base) & ((1 << dir_width) - 1)
            value = core.phys_load(((base & PA_MASK) | (index << 3)) & ~7) & PA_MASK
        if rd:
            r[rd] = value
        return nxt
    return h


def _ldpte(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    r, vals, csr, rj, odd, nxt = core.regs, core.csr.values, core.csr, f["rj"], int(f["seq"] != 0), \
        (pc + 4) & M64

    def h() -> int:
        if vals[CSR_CRMD] & 3:
            raise _ipe("ldpte")
        core._phys_access = -1
        base = r[rj]
        if base & PTE_HUGE:  # a huge page split into two halves of 2^PS
            dir_base, dir_width = _dir_level(vals, (base & PTE_LEVEL) >> PTE_LEVEL_SHIFT)
            ps = dir_base + dir_width - 1
            entry = base & ~(PTE_HUGE | PTE_LEVEL)
            if entry & PTE_HGLOBAL:
                entry = (entry & ~PTE_HGLOBAL) | TLBELO_G
            if odd:
                entry += 1 << ps
        else:  # PWCL.PTEWidth is taken as 0: 64-bit entries
            ps, pt_width = _dir_level(vals, 0)
            index = ((vals[CSR_TLBRBADV] >> ps) & ((1 << pt_width) - 1)) & ~1
            entry = core.phys_load(((base & PA_MASK) | ((index + odd) << 3)) & ~7)
        csr.write(CSR_TLBRELO1 if odd else CSR_TLBRELO0, entry & TLBELO_MASK)
        csr.write(CSR_TLBREHI, (vals[CSR_TLBREHI] & ~TLBREHI_PS) | (ps & TLBREHI_PS))
        return nxt
    return h


def _privileged_unimplemented(mnemonic: str) -> Factory:
    """IPE at PLV != 0; at PLV0 the model stops: it has no debug mode."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        vals = core.csr.values

        def h() -> int:
            if vals[CSR_CRMD] & 3:
                raise _ipe(mnemonic)
            raise UnimplementedInstruction(f"{mnemonic}: the reference model has no debug mode")
        return h
    return factory


def _rdtime_factory(part: str) -> Factory:
    """rdtime{l.w,h.w,.d} rd, rj: rd <- (stable counter + CNTC) or its low/high word; rj <- TID. IPE when
    MISC.DRDTLn is set for the current PLV n. In lockstep the rd value comes from the trace."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        r, vals, rd, rj, nxt = core.regs, core.csr.values, f["rd"], f["rj"], (pc + 4) & M64
        guest, rvals = core.vm, core.root_csr.values  # guest: GSPR with GCFG.TIT; counter + GCNTC + CNTC

        def h() -> int:
            plv = vals[CSR_CRMD] & 3
            if plv and vals[CSR_MISC] >> (MISC_DRDTL_SHIFT + plv) & 1:
                raise Trap(ECODE_IPE, why=f"rdtime at PLV{plv} with MISC.DRDTL{plv} = 1")
            if guest and rvals[CSR_GCFG] & GCFG_TIT:
                raise _gspr("rdtime with GCFG.TIT = 1")
            value = core.take_async_value(part == "d") if rd else 0
            if value is None:
                count = (core.stable_counter() + vals[CSR_CNTC] + (rvals[CSR_GCNTC] if guest else 0)) & M64
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
    `Iss.set_async_value` (the record's rd value): rdtime* with rd != r0, csr* of TVAL with rd != r0 (the
    guest's TVAL in guest mode), gcsr* of TVAL with rd != r0 (the guest's TVAL)."""
    decoded = decode(word)
    if decoded is None or not decoded.fields.get("rd"):
        return False
    return decoded.mnemonic.startswith("rdtime") or (decoded.mnemonic.startswith(("csr", "gcsr"))
                                                     and decoded.fields["csr"] == CSR_TVAL)


def privileged_factories() -> dict[str, Factory]:
    table: dict[str, Factory] = {"csrrd": _csrrd, "csrwr": _csrwr, "csrxchg": _csrxchg, "ertn": _ertn,
                                 "idle": _idle, "invtlb": _invtlb, "tlbsrch": _tlbsrch, "tlbrd": _tlbrd,
                                 "tlbwr": _tlbwr_factory(False), "tlbfill": _tlbwr_factory(True),
                                 "tlbclr": _tlbclr_factory(False), "tlbflush": _tlbclr_factory(True),
                                 "lddir": _lddir, "ldpte": _ldpte,
                                 "rdtimel.w": _rdtime_factory("l"), "rdtimeh.w": _rdtime_factory("h"),
                                 "rdtime.d": _rdtime_factory("d")}
    for suffix, size_log2 in (("b", 0), ("h", 1), ("w", 2), ("d", 3)):
        table[f"iocsrrd.{suffix}"] = _iocsrrd_factory(size_log2)
        table[f"iocsrwr.{suffix}"] = _iocsrwr_factory(size_log2)
    table["cacop"] = _privileged_nop("cacop")
    table["dbcl"] = _privileged_unimplemented("dbcl")
    table.update({"gcsrrd": _gcsr_factory("csrrd"), "gcsrwr": _gcsr_factory("csrwr"),
                  "gcsrxchg": _gcsr_factory("csrxchg"), "gtlbflush": _gtlbflush})
    # guest mode (design.md 12.2); tlb*, invtlb and rdtime* pick their mode themselves
    guest: dict[str, Factory] = {m: _guest_csr_factory(m) for m in ("csrrd", "csrwr", "csrxchg")}
    guest.update({"ertn": _guest_ertn, "cacop": _guest_cacop,
                  "lddir": _guest_gated(_lddir, "lddir", tlb=True), "ldpte": _guest_gated(_ldpte, "ldpte", tlb=True),
                  "dbcl": _guest_gated(table["dbcl"], "dbcl")})
    for m in ("idle", "gcsrrd", "gcsrwr", "gcsrxchg", "gtlbflush", *(m for m in table if m.startswith("iocsr"))):
        guest[m] = _guest_gated(table[m], m, always=True)
    for m, factory in guest.items():
        table[m] = _by_mode(table[m], factory)
    return table


__all__ = ["RESYNC_CSRS", "is_async_read", "privileged_factories"]
