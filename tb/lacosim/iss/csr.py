"""The control and status registers of one core: the one place CSR state lives.

Every CSR of the host privileged architecture (spec-la64-lvz.md 1) is a `CsrDef`: its reset value and the
mask of bits software can write (read-only fields ignore writes, architecture.md 4.9 for reset values).
`CsrFile.values` holds the current value of each; a CSR number not defined here reads 0 and ignores writes.

Registers whose value is not plain storage get hooks from the core that owns the file (lacosim.iss.core):
- read hooks: TVAL (the timer, or the trace's value in lockstep), LLBCTL (ROLLB is the shared LLbit),
  PGD (PGDL or PGDH chosen by the bad VA);
- write hooks (called after the masked store with the value software wrote): TCFG (restarts the timer),
  TICLR (CLR clears TI), LLBCTL (WCLLB clears the LLbit), CRMD and DMW0-3 (the translation mode), ASID
  (code fetched through the TLB is retranslated).
32-bit CSRs are sign-extended from bit 31 when written, so a read returns what `csrrd` puts in rd on LA64;
TLBEHI's bits [63:48] follow bit 47 (VALEN = PALEN = 48).
ESTAT.IS[12:2] are hardware levels: only the core changes them (`set_irq_lines`, the timer, the IPI block).

LVZ (design.md 12.1): the same class instantiated again with `guest=True` is the guest bank: it holds only
the guest-copy list (every CSR above but SAVE8-15), with the root's reset values; the core gives it its own
hooks (its own timer). The root bank (`guest=False`) also holds the root-only LVZ CSRs (GSTAT, GCFG, GINTC,
GCNTC, GTLBC, TRGP): a separate table, `_lvz_definitions`, never part of the guest bank (the RTL keeps them
in a module beside la_csr).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

MASK64 = (1 << 64) - 1
MASK32 = 0xFFFF_FFFF
PALEN = 48
PA_MASK = (1 << PALEN) - 1
TIMER_BITS = 48  # PRCFG1.TimerBits + 1 (architecture.md 3)

# --- CSR numbers -------------------------------------------------------------------------------------
CSR_CRMD, CSR_PRMD, CSR_EUEN, CSR_MISC, CSR_ECFG, CSR_ESTAT, CSR_ERA, CSR_BADV, CSR_BADI = range(9)
CSR_EENTRY = 0x0C
CSR_TLBIDX, CSR_TLBEHI, CSR_TLBELO0, CSR_TLBELO1 = 0x10, 0x11, 0x12, 0x13
CSR_ASID, CSR_PGDL, CSR_PGDH, CSR_PGD, CSR_PWCL, CSR_PWCH, CSR_STLBPS, CSR_RVACFG = range(0x18, 0x20)
CSR_CPUID, CSR_PRCFG1, CSR_PRCFG2, CSR_PRCFG3 = 0x20, 0x21, 0x22, 0x23
CSR_SAVE0 = 0x30
SAVE_COUNT = 16
CSR_TID, CSR_TCFG, CSR_TVAL, CSR_CNTC, CSR_TICLR = 0x40, 0x41, 0x42, 0x43, 0x44
CSR_LLBCTL = 0x60
CSR_TLBRENTRY, CSR_TLBRBADV, CSR_TLBRERA, CSR_TLBRSAVE = 0x88, 0x89, 0x8A, 0x8B
CSR_TLBRELO0, CSR_TLBRELO1, CSR_TLBREHI, CSR_TLBRPRMD = 0x8C, 0x8D, 0x8E, 0x8F
CSR_DMW0 = 0x180
DMW_COUNT = 4
# root-only LVZ CSRs (design.md 12.1, spec-la64-lvz.md 5.1)
CSR_GTLBC, CSR_TRGP = 0x15, 0x16
CSR_GSTAT, CSR_GCFG, CSR_GINTC, CSR_GCNTC = 0x50, 0x51, 0x52, 0x53
GUEST_SAVE_COUNT = 8  # the guest bank has SAVE0-7 only

# --- fields ------------------------------------------------------------------------------------------
CRMD_PLV = 0x3
CRMD_IE = 1 << 2
CRMD_DA = 1 << 3
CRMD_PG = 1 << 4
CRMD_WE = 1 << 9
PRMD_PIE = 1 << 2
PRMD_PWE = 1 << 3
TLBRPRMD_PWE = 1 << 4
TLBRPRMD_PGM = 1 << 3  # LVZ: the refill was taken from guest mode (design.md 12.5)
ECFG_LIE = 0x1FFF
ECFG_VS_SHIFT = 16
ESTAT_IS = 0x1FFF
ESTAT_IS_SOFT = 0x3  # SWI0, SWI1: the only software-writable ESTAT bits
ESTAT_IS_HARD = 0x1FFC  # HWI0-7 [9:2], PMI [10], TI [11], IPI [12]
ESTAT_ECODE_SHIFT = 16
ESTAT_ESUBCODE_SHIFT = 22
ESTAT_CAUSE = (0x3F << ESTAT_ECODE_SHIFT) | (0x1FF << ESTAT_ESUBCODE_SHIFT)
INT_TI = 11
INT_IPI = 12
TCFG_EN = 1
TCFG_PERIODIC = 2
TCFG_INITVAL = ((1 << TIMER_BITS) - 1) & ~3
TICLR_CLR = 1
LLBCTL_ROLLB = 1
LLBCTL_WCLLB = 2
LLBCTL_KLO = 4
TLBRERA_ISTLBR = 1
DMW_PLV_MASK = 0xF
DMW_VSEG_SHIFT = 60
MISC_DRDTL_SHIFT = 4  # DRDTLn is bit 4 + n (n = 1..3)
MISC_ALCL = 0xF << 12

INTERRUPT_NAMES = ("SWI0", "SWI1", "HWI0", "HWI1", "HWI2", "HWI3", "HWI4", "HWI5", "HWI6", "HWI7", "PMI", "TI",
                   "IPI")

# Configuration words (read-only, as rtl/core/la_pkg.sv PRCFG*_VAL). PRCFG1.SAVENum reads 8 as QEMU reports
# it: SAVE0-15 all exist (as in QEMU), but the 4-bit field cannot say 16.
PRCFG1_VALUE = 8 | ((TIMER_BITS - 1) << 4) | (7 << 12)  # SAVENum, TimerBits = 47, VSMax = 7
PRCFG2_VALUE = 0x3FFF_F000  # page sizes 4 KiB .. 512 MiB
TLB_ENTRIES = 32  # la_pkg::TLB_ENTRIES: one fully associative MTLB, no STLB (design.md 9.1)
PRCFG3_VALUE = 1 | ((TLB_ENTRIES - 1) << 4)  # TLBType 1 (MTLB only), MTLB entries - 1; STLB fields 0
ASID_RESET = 0x000A_0000  # ASIDBITS = 10

TLBELO_MASK = 0x7F | ((PA_MASK >> 12) << 12) | (7 << 61)  # V D PLV MAT G, PPN, NR NX RPLV
TLBELO_V = 1 << 0
TLBELO_D = 1 << 1
TLBELO_PLV_SHIFT = 2
TLBELO_G = 1 << 6
TLBELO_PPN = PA_MASK & ~0xFFF  # PA[47:12] in place
TLBELO_NR = 1 << 61
TLBELO_NX = 1 << 62
TLBELO_RPLV = 1 << 63
VPPN_MASK = PA_MASK & ~0x1FFF  # [47:13]
TLBIDX_INDEX = 0xFFF  # 12 writable bits; the TLB uses Index mod TLB_ENTRIES
TLBIDX_PS_SHIFT = 24
TLBIDX_NE = 1 << 31
TLBREHI_PS = 0x3F
ASID_ASID = 0x3FF
MISC_DWPL_SHIFT = 16  # DWPLn is bit 16 + n (n = 0..2)
PWCL_PTEWIDTH_SHIFT = 30

# LVZ fields (design.md 12.1)
GSTAT_VM = 1 << 0
GSTAT_PVM = 1 << 1
GSTAT_GIDBITS = 8
GSTAT_GID_SHIFT = 16
GSTAT_GID = 0xFF << GSTAT_GID_SHIFT
GSTAT_RESET = GSTAT_GIDBITS << 4
GCFG_SIT = 1 << 7
GCFG_TIT = 1 << 9
GCFG_TOE = 1 << 11
GCFG_TOP = 1 << 13
GCFG_TORU = 1 << 15
GCFG_GCI_SHIFT = 20
GCFG_RESET = 0b0011 | 1 << 6 | 1 << 8 | 1 << 10 | 1 << 12 | 1 << 14 | 0b0111 << 16  # the RO capability bits
GCFG_WRITABLE = 0x3 << 4 | GCFG_SIT | GCFG_TIT | GCFG_TOE | GCFG_TOP | GCFG_TORU | 0x3 << GCFG_GCI_SHIFT
GINTC_VIP = 0xFF
GINTC_PIP_SHIFT = 8
GTLBC_GMTLBNUM = 0x3F
GTLBC_USETGID = 1 << 12
GTLBC_TOTI = 1 << 13
GTLBC_TGID_SHIFT = 16
GTLBC_RESET = 0  # no guest partition until the root sets one: a root-only program keeps 32
TRGP_GTLB = 1 << 0
TRGP_RID_SHIFT = 16
ESTAT_IS_HWI = 0x3FC  # HWI0-7 [9:2]: in the guest bank VIP | (PIP & physical HWI) (design.md 12.3)
ESTAT_IS_LATCH = 1 << 12  # guest IS[12]: a latch only the root sets or clears


class CsrDef(NamedTuple):
    name: str
    reset: int
    write_mask: int
    is32: bool = False  # 32-bit CSR: sign-extended from bit 31
    sext_va: bool = False  # [63:VALEN] read as the sign-extension of bit VALEN-1 (TLBEHI)


def _definitions(core_id: int) -> dict[int, CsrDef]:
    """The CSRs of the host privileged architecture, their manual reset values and writable bits."""
    defs = {
        CSR_CRMD: CsrDef("CRMD", CRMD_DA, 0x3FF, True),
        CSR_PRMD: CsrDef("PRMD", 0, 0xF, True),
        CSR_EUEN: CsrDef("EUEN", 0, 0xF, True),
        # VA32L1-3 [3:1], DRDTL1-3 [7:5], RPCNTL1-3 [11:9], DWPL0-2 [18:16]; ALCL0-3 [15:12] read 1: this
        # core has no unaligned access, so the alignment check is always on
        CSR_MISC: CsrDef("MISC", MISC_ALCL, 0x7_0EEE, True),
        CSR_ECFG: CsrDef("ECFG", 0, ECFG_LIE | (7 << ECFG_VS_SHIFT), True),
        CSR_ESTAT: CsrDef("ESTAT", 0, ESTAT_IS_SOFT, True),
        CSR_ERA: CsrDef("ERA", 0, MASK64),
        CSR_BADV: CsrDef("BADV", 0, MASK64),
        CSR_BADI: CsrDef("BADI", 0, 0, True),
        CSR_EENTRY: CsrDef("EENTRY", 0, MASK64 & ~0xFFF),
        CSR_TLBIDX: CsrDef("TLBIDX", 0, 0xFFF | (0x3F << 24) | (1 << 31), True),
        CSR_TLBEHI: CsrDef("TLBEHI", 0, VPPN_MASK, sext_va=True),
        CSR_TLBELO0: CsrDef("TLBELO0", 0, TLBELO_MASK),
        CSR_TLBELO1: CsrDef("TLBELO1", 0, TLBELO_MASK),
        CSR_ASID: CsrDef("ASID", ASID_RESET, 0x3FF, True),
        CSR_PGDL: CsrDef("PGDL", 0, MASK64 & ~0xFFF),
        CSR_PGDH: CsrDef("PGDH", 0, MASK64 & ~0xFFF),
        CSR_PGD: CsrDef("PGD", 0, 0),
        CSR_PWCL: CsrDef("PWCL", 0, MASK32, True),
        CSR_PWCH: CsrDef("PWCH", 0, 0xFF_FFFF, True),
        CSR_STLBPS: CsrDef("STLBPS", 0, 0x3F, True),
        CSR_RVACFG: CsrDef("RVACFG", 0, 0xF, True),
        CSR_CPUID: CsrDef("CPUID", core_id, 0, True),
        CSR_PRCFG1: CsrDef("PRCFG1", PRCFG1_VALUE, 0, True),
        CSR_PRCFG2: CsrDef("PRCFG2", PRCFG2_VALUE, 0, True),
        CSR_PRCFG3: CsrDef("PRCFG3", PRCFG3_VALUE, 0, True),
        CSR_TID: CsrDef("TID", core_id, MASK32, True),
        CSR_TCFG: CsrDef("TCFG", 0, (1 << TIMER_BITS) - 1),
        CSR_TVAL: CsrDef("TVAL", 0, 0),
        CSR_CNTC: CsrDef("CNTC", 0, MASK64),
        CSR_TICLR: CsrDef("TICLR", 0, 0, True),
        CSR_LLBCTL: CsrDef("LLBCTL", 0, LLBCTL_KLO, True),
        CSR_TLBRENTRY: CsrDef("TLBRENTRY", 0, PA_MASK & ~0xFFF),
        CSR_TLBRBADV: CsrDef("TLBRBADV", 0, MASK64),
        CSR_TLBRERA: CsrDef("TLBRERA", 0, MASK64 & ~0x2),
        CSR_TLBRSAVE: CsrDef("TLBRSAVE", 0, MASK64),
        CSR_TLBRELO0: CsrDef("TLBRELO0", 0, TLBELO_MASK),
        CSR_TLBRELO1: CsrDef("TLBRELO1", 0, TLBELO_MASK),
        CSR_TLBREHI: CsrDef("TLBREHI", 0, 0x3F | VPPN_MASK),
        CSR_TLBRPRMD: CsrDef("TLBRPRMD", 0, 0x17, True),
    }
    for i in range(SAVE_COUNT):
        defs[CSR_SAVE0 + i] = CsrDef(f"SAVE{i}", 0, MASK64)
    for i in range(DMW_COUNT):
        defs[CSR_DMW0 + i] = CsrDef(f"DMW{i}", 0, 0x3F | (0xF << DMW_VSEG_SHIFT))
    return defs


def _lvz_definitions() -> dict[int, CsrDef]:
    """The root-only LVZ CSRs (design.md 12.1). GTLBC.GMTLBNum above 32 is clamped by the core's hook."""
    return {
        CSR_GSTAT: CsrDef("GSTAT", GSTAT_RESET, GSTAT_PVM | GSTAT_GID, True),
        CSR_GCFG: CsrDef("GCFG", GCFG_RESET, GCFG_WRITABLE, True),
        CSR_GINTC: CsrDef("GINTC", 0, 0xFF_FFFF, True),
        CSR_GCNTC: CsrDef("GCNTC", 0, MASK64),
        CSR_GTLBC: CsrDef("GTLBC", GTLBC_RESET, GTLBC_GMTLBNUM | GTLBC_USETGID | GTLBC_TOTI | 0xFF << GTLBC_TGID_SHIFT,
                          True),
        CSR_TRGP: CsrDef("TRGP", 0, 0, True),
    }


def _bank_definitions(core_id: int, guest: bool) -> dict[int, CsrDef]:
    """Root bank: the host CSRs and the LVZ CSRs. Guest bank: the guest-copy list, i.e. the host CSRs
    without SAVE8-15 (design.md 12.1). TLBRPRMD[3] stays read-only to csr* in both: only a stage-2 refill
    sets it (design.md 12.5)."""
    defs = _definitions(core_id)
    if guest:
        for i in range(GUEST_SAVE_COUNT, SAVE_COUNT):
            del defs[CSR_SAVE0 + i]
        return defs
    return defs | _lvz_definitions()


CSR_NAMES: dict[int, str] = {num: d.name for num, d in _bank_definitions(0, False).items()}
# the CSRs a guest reaches with csr* (and the root with gcsr*)
GUEST_CSRS: frozenset[int] = frozenset(_bank_definitions(0, True))


def csr_name(num: int) -> str:
    return CSR_NAMES.get(num, f"CSR {num:#x}")


def sext32(value: int) -> int:
    value &= MASK32
    return value | (MASK64 ^ MASK32) if value >> 31 else value


ReadHook = Callable[[], int]
WriteHook = Callable[[int], None]


class CsrFile:
    def __init__(self, core_id: int = 0, guest: bool = False) -> None:
        self.core_id = core_id
        self.guest = guest
        defs = _bank_definitions(core_id, guest)
        self.values: dict[int, int] = {num: d.reset for num, d in defs.items()}
        self.write_masks: dict[int, int] = {num: d.write_mask for num, d in defs.items()}
        self.is32: frozenset[int] = frozenset(num for num, d in defs.items() if d.is32)
        self.sext_va: frozenset[int] = frozenset(num for num, d in defs.items() if d.sext_va)
        self.read_hooks: dict[int, ReadHook] = {}
        self.write_hooks: dict[int, WriteHook] = {}

    def read(self, num: int) -> int:
        hook = self.read_hooks.get(num)
        if hook is not None:
            return hook()
        return self.values.get(num, 0)

    def write(self, num: int, value: int) -> None:
        """A csrwr: writable fields take `value`, read-only ones keep their value; then the hook acts."""
        mask = self.write_masks.get(num)
        if mask is None:
            return  # undefined CSR: writes have no effect
        new = (self.values[num] & ~mask) | (value & mask)
        if num in self.is32:
            new = sext32(new)
        elif num in self.sext_va:
            new = new | (MASK64 ^ PA_MASK) if new >> (PALEN - 1) & 1 else new & PA_MASK
        self.values[num] = new
        hook = self.write_hooks.get(num)
        if hook is not None:
            hook(value & MASK64)

    def exchange(self, num: int, value: int, write_mask: int) -> int:
        """csrxchg: CSR <- (value & mask) | (old & ~mask); returns the old value."""
        old = self.read(num)
        self.write(num, ((value & write_mask) | (old & ~write_mask)) & MASK64)
        return old

    def defined(self, num: int) -> bool:
        return num in self.write_masks


# CPUCFG words (spec-la64-lvz.md 1, "CPUCFG words"; the same as rtl/core/la_pkg.sv CPUCFG*): LA64, PAGING,
# IOCSR, PALEN = VALEN = 48, no UAL, RI, EP, RPLV, HP, CRC32 (as QEMU's la464); no FP; the constant timer
# (LLFTP v1); a 100 MHz counter (x 1 / 1).
CPUCFG2_LVZ = (1 << 10) | (1 << 11)  # LVZ present, LVZVER = 1
CPUCFG_WORDS = {
    0x0: 0x0014_C010,  # PRID as QEMU's la464
    0x1: 0x2 | (1 << 2) | (1 << 3) | (47 << 4) | (47 << 12) | (0xF << 21) | (1 << 25),
    0x2: CPUCFG2_LVZ | (1 << 14) | (1 << 15),  # LVZ, LVZVER 1 (design.md 12.1); LLFTP v1
    0x4: 100_000_000,
    0x5: 0x0001_0001,
}


def cpucfg_word(index: int) -> int:
    return CPUCFG_WORDS.get(index, 0)
