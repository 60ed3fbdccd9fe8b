"""Semantics of every LA64 base integer instruction, as a translator: (core, pc, decoded) -> closure.

The ISS decodes each instruction word at a pc once and caches a closure that executes it: the closure
reads and writes the core's register list, touches memory through the typed RAM views (only while the
core is in direct-address mode: `core.fast_ram_size` is 0 in PG mode) or the slow path (`core.data_load` /
`data_store`: alignment, address translation, devices, unmapped addresses), and returns the next pc.
Privileged instructions and the counter reads are in lacosim.iss.privileged. Register
numbers, immediates, the fall-through pc and branch targets are bound into the closure when it is built,
so executing it allocates nothing.

Most instructions are described by one Python expression in the tables below, over
  J, K, D  the values of rj, rk and (old) rd, unsigned 64-bit ints,
  PC       the instruction's address,
  decoded operand fields by name (si12, ui5, msbd, offs, ...), and values precomputed from them;
`_compile` turns each table entry into a closure factory once, at import time. Instructions that do not fit
the pattern (jumps, atomics, ll/sc, CSR access, traps) have hand-written factories at the bottom.

Conventions: registers hold values in [0, 2^64); r0 is never written (an instruction with rd = 0 that has
no other effect becomes a plain "next pc" closure); `.w` results are sign-extended from bit 31.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from lacosim import soc
from lacosim.iss.csr import cpucfg_word
from lacosim.iss.errors import (
    ECODE_ALE,
    ECODE_BCE,
    ECODE_BRK,
    ECODE_GSPR,
    ECODE_HVC,
    ECODE_INE,
    ECODE_SYS,
    PowerOff,
    Trap,
)
from lacosim.iss.hart import Factory, Handler, Hart
from lacosim.iss.memory import LL_LINE_SHIFT
from lacosim.iss.privileged import privileged_factories
from lacosim.iss.tlb import STORE

if TYPE_CHECKING:
    from lacosim.isa.decoder import Decoded

M64 = (1 << 64) - 1


# --- expression helpers (text macros used while building the tables) ------------------------------
def sx32(e: str) -> str:
    """The low 32 bits of e, sign-extended to an unsigned 64-bit value."""
    return f"((((({e}) & 0xFFFFFFFF) ^ 0x80000000) + 0xFFFFFFFF80000000) & 0xFFFFFFFFFFFFFFFF)"


def s32(e: str) -> str:
    """The low 32 bits of e as a signed Python int."""
    return f"(((({e}) & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000)"


def s64(e: str) -> str:
    """e (an unsigned 64-bit value) as a signed Python int."""
    return f"((({e}) ^ 0x8000000000000000) - 0x8000000000000000)"


def lt_signed(a: str, b: str) -> str:
    return f"(({a}) ^ 0x8000000000000000) < (({b}) ^ 0x8000000000000000)"


# --- rarely executed operations: plain functions called from the expressions -------------------------
def _to_signed(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _divmod_trunc(a: int, b: int) -> tuple[int, int]:
    """C-style signed division. b = 0 gives quotient = a, remainder = 0, and so does b = 1; b = -1 gives
    -a and 0, which wraps MIN / -1 to MIN once truncated to the operand width (what QEMU does)."""
    if b == 0:
        return a, 0
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return q, a - q * b


def div_w(j: int, k: int) -> int:
    return _sext32(_divmod_trunc(_to_signed(j, 32), _to_signed(k, 32))[0])


def mod_w(j: int, k: int) -> int:
    return _sext32(_divmod_trunc(_to_signed(j, 32), _to_signed(k, 32))[1])


def div_wu(j: int, k: int) -> int:
    a, b = j & 0xFFFFFFFF, k & 0xFFFFFFFF
    return _sext32(a // b if b else a)


def mod_wu(j: int, k: int) -> int:
    a, b = j & 0xFFFFFFFF, k & 0xFFFFFFFF
    return _sext32(a % b if b else 0)


def div_d(j: int, k: int) -> int:
    return _divmod_trunc(_to_signed(j, 64), _to_signed(k, 64))[0] & M64


def mod_d(j: int, k: int) -> int:
    return _divmod_trunc(_to_signed(j, 64), _to_signed(k, 64))[1] & M64


def div_du(j: int, k: int) -> int:
    return j // k if k else j


def mod_du(j: int, k: int) -> int:
    return j % k if k else 0


def _sext32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v | 0xFFFFFFFF00000000 if v >> 31 else v


def count_leading_zeros(v: int, bits: int) -> int:
    return bits - (v & ((1 << bits) - 1)).bit_length()


def count_trailing_zeros(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return (v & -v).bit_length() - 1 if v else bits


def reverse_bytes(v: int, nbytes: int) -> int:
    return int.from_bytes((v & ((1 << (8 * nbytes)) - 1)).to_bytes(nbytes, "little"), "big")


def reverse_bytes_in_units(v: int, unit_bytes: int, total_bytes: int) -> int:
    out = 0
    for lsb in range(0, 8 * total_bytes, 8 * unit_bytes):
        out |= reverse_bytes(v >> lsb, unit_bytes) << lsb
    return out


def reverse_halfwords_in_units(v: int, unit_bytes: int, total_bytes: int) -> int:
    out = 0
    for lsb in range(0, 8 * total_bytes, 8 * unit_bytes):
        unit = (v >> lsb) & ((1 << (8 * unit_bytes)) - 1)
        halves = [(unit >> s) & 0xFFFF for s in range(0, 8 * unit_bytes, 16)]
        for i, h in enumerate(reversed(halves)):
            out |= h << (lsb + 16 * i)
    return out


_BITREV8 = bytes(int(f"{b:08b}"[::-1], 2) for b in range(256))


def reverse_bits_in_bytes(v: int, nbytes: int) -> int:
    return int.from_bytes((v & ((1 << (8 * nbytes)) - 1)).to_bytes(nbytes, "little").translate(_BITREV8), "little")


def reverse_bits(v: int, bits: int) -> int:
    return int(f"{v & ((1 << bits) - 1):0{bits}b}"[::-1], 2)


def _crc_reflected(crc: int, data: int, nbytes: int, poly: int) -> int:
    crc &= 0xFFFFFFFF
    for byte in (data & ((1 << (8 * nbytes)) - 1)).to_bytes(nbytes, "little"):
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (poly if crc & 1 else 0)
    return crc


def crc32(crc: int, data: int, nbytes: int) -> int:
    """crc.w.*.w: CRC-32 (IEEE, reflected) of the low nbytes of data, starting from crc; no inversion."""
    return _sext32(_crc_reflected(crc, data, nbytes, 0xEDB88320))


def crc32c(crc: int, data: int, nbytes: int) -> int:
    """crcc.w.*.w: the same with the Castagnoli polynomial."""
    return _sext32(_crc_reflected(crc, data, nbytes, 0x82F63B78))


# --- the expression tables ---------------------------------------------------------------------------
class AluOp(NamedTuple):
    expr: str  # the new rd value
    pre: Mapping[str, str] = {}  # closure constants computed from fields at translation time
    illegal_if: str = ""  # translation-time condition (over fields) that makes the word INE, as QEMU


def _bstr_mask(msb: str, lsb: str) -> str:
    return f"((1 << ({msb} - {lsb} + 1)) - 1) << {lsb}"


ALU: dict[str, AluOp] = {
    # 3R arithmetic and logic
    "add.w": AluOp(sx32("J + K")),
    "add.d": AluOp("(J + K) & 0xFFFFFFFFFFFFFFFF"),
    "sub.w": AluOp(sx32("J - K")),
    "sub.d": AluOp("(J - K) & 0xFFFFFFFFFFFFFFFF"),
    "slt": AluOp(f"1 if {lt_signed('J', 'K')} else 0"),
    "sltu": AluOp("1 if J < K else 0"),
    "maskeqz": AluOp("0 if K == 0 else J"),
    "masknez": AluOp("J if K == 0 else 0"),
    "nor": AluOp("(J | K) ^ 0xFFFFFFFFFFFFFFFF"),
    "and": AluOp("J & K"),
    "or": AluOp("J | K"),
    "xor": AluOp("J ^ K"),
    "orn": AluOp("J | (K ^ 0xFFFFFFFFFFFFFFFF)"),
    "andn": AluOp("J & ~K"),
    "sll.w": AluOp(sx32("J << (K & 31)")),
    "srl.w": AluOp(sx32("(J & 0xFFFFFFFF) >> (K & 31)")),
    "sra.w": AluOp(f"({s32('J')} >> (K & 31)) & 0xFFFFFFFFFFFFFFFF"),
    "sll.d": AluOp("(J << (K & 63)) & 0xFFFFFFFFFFFFFFFF"),
    "srl.d": AluOp("J >> (K & 63)"),
    "sra.d": AluOp(f"({s64('J')} >> (K & 63)) & 0xFFFFFFFFFFFFFFFF"),
    "rotr.w": AluOp(sx32("((J & 0xFFFFFFFF) >> (K & 31)) | ((J & 0xFFFFFFFF) << (32 - (K & 31)))")),
    "rotr.d": AluOp("((J >> (K & 63)) | (J << (64 - (K & 63)))) & 0xFFFFFFFFFFFFFFFF"),
    "mul.w": AluOp(sx32("J * K")),
    "mulh.w": AluOp(f"({s32('J')} * {s32('K')} >> 32) & 0xFFFFFFFFFFFFFFFF"),
    "mulh.wu": AluOp(sx32("((J & 0xFFFFFFFF) * (K & 0xFFFFFFFF)) >> 32")),
    "mul.d": AluOp("(J * K) & 0xFFFFFFFFFFFFFFFF"),
    "mulh.d": AluOp(f"({s64('J')} * {s64('K')} >> 64) & 0xFFFFFFFFFFFFFFFF"),
    "mulh.du": AluOp("(J * K) >> 64"),
    "mulw.d.w": AluOp(f"({s32('J')} * {s32('K')}) & 0xFFFFFFFFFFFFFFFF"),
    "mulw.d.wu": AluOp("(J & 0xFFFFFFFF) * (K & 0xFFFFFFFF)"),
    "div.w": AluOp("div_w(J, K)"),
    "mod.w": AluOp("mod_w(J, K)"),
    "div.wu": AluOp("div_wu(J, K)"),
    "mod.wu": AluOp("mod_wu(J, K)"),
    "div.d": AluOp("div_d(J, K)"),
    "mod.d": AluOp("mod_d(J, K)"),
    "div.du": AluOp("div_du(J, K)"),
    "mod.du": AluOp("mod_du(J, K)"),
    "crc.w.b.w": AluOp("crc32(K, J, 1)"),
    "crc.w.h.w": AluOp("crc32(K, J, 2)"),
    "crc.w.w.w": AluOp("crc32(K, J, 4)"),
    "crc.w.d.w": AluOp("crc32(K, J, 8)"),
    "crcc.w.b.w": AluOp("crc32c(K, J, 1)"),
    "crcc.w.h.w": AluOp("crc32c(K, J, 2)"),
    "crcc.w.w.w": AluOp("crc32c(K, J, 4)"),
    "crcc.w.d.w": AluOp("crc32c(K, J, 8)"),
    "alsl.w": AluOp(sx32("(J << sa2) + K")),
    "alsl.wu": AluOp("((J << sa2) + K) & 0xFFFFFFFF"),
    "alsl.d": AluOp("((J << sa2) + K) & 0xFFFFFFFFFFFFFFFF"),
    "bytepick.w": AluOp(sx32("(K << BITS) | ((J & 0xFFFFFFFF) >> (32 - BITS))"), {"BITS": "8 * sa2"}),
    "bytepick.d": AluOp("((K << BITS) | (J >> (64 - BITS))) & 0xFFFFFFFFFFFFFFFF", {"BITS": "8 * sa3"}),
    # 2R
    "clo.w": AluOp("count_leading_zeros(~J, 32)"),
    "clz.w": AluOp("count_leading_zeros(J, 32)"),
    "cto.w": AluOp("count_trailing_zeros(~J, 32)"),
    "ctz.w": AluOp("count_trailing_zeros(J, 32)"),
    "clo.d": AluOp("count_leading_zeros(~J, 64)"),
    "clz.d": AluOp("count_leading_zeros(J, 64)"),
    "cto.d": AluOp("count_trailing_zeros(~J, 64)"),
    "ctz.d": AluOp("count_trailing_zeros(J, 64)"),
    "revb.2h": AluOp(sx32("reverse_bytes_in_units(J, 2, 4)")),
    "revb.4h": AluOp("reverse_bytes_in_units(J, 2, 8)"),
    "revb.2w": AluOp("reverse_bytes_in_units(J, 4, 8)"),
    "revb.d": AluOp("reverse_bytes(J, 8)"),
    "revh.2w": AluOp("reverse_halfwords_in_units(J, 4, 8)"),
    "revh.d": AluOp("reverse_halfwords_in_units(J, 8, 8)"),
    "bitrev.4b": AluOp(sx32("reverse_bits_in_bytes(J, 4)")),
    "bitrev.8b": AluOp("reverse_bits_in_bytes(J, 8)"),
    "bitrev.w": AluOp(sx32("reverse_bits(J, 32)")),
    "bitrev.d": AluOp("reverse_bits(J, 64)"),
    "ext.w.h": AluOp("(((J & 0xFFFF) ^ 0x8000) + 0xFFFFFFFFFFFF8000) & 0xFFFFFFFFFFFFFFFF"),
    "ext.w.b": AluOp("(((J & 0xFF) ^ 0x80) + 0xFFFFFFFFFFFFFF80) & 0xFFFFFFFFFFFFFFFF"),
    # shifts by immediate
    "slli.w": AluOp(sx32("J << ui5")),
    "srli.w": AluOp(sx32("(J & 0xFFFFFFFF) >> ui5")),
    "srai.w": AluOp(f"({s32('J')} >> ui5) & 0xFFFFFFFFFFFFFFFF"),
    "rotri.w": AluOp(sx32("((J & 0xFFFFFFFF) >> ui5) | ((J & 0xFFFFFFFF) << (32 - ui5))")),
    "slli.d": AluOp("(J << ui6) & 0xFFFFFFFFFFFFFFFF"),
    "srli.d": AluOp("J >> ui6"),
    "srai.d": AluOp(f"({s64('J')} >> ui6) & 0xFFFFFFFFFFFFFFFF"),
    "rotri.d": AluOp("((J >> ui6) | (J << (64 - ui6))) & 0xFFFFFFFFFFFFFFFF"),
    # bit fields (msb < lsb is INE, as in QEMU)
    "bstrins.w": AluOp(sx32("(D & ~MASK) | ((J << lsbw) & MASK)"), {"MASK": _bstr_mask("msbw", "lsbw")},
                       "msbw < lsbw"),
    "bstrpick.w": AluOp(sx32("(J & MASK) >> lsbw"), {"MASK": _bstr_mask("msbw", "lsbw")}, "msbw < lsbw"),
    "bstrins.d": AluOp("(D & ~MASK) | ((J << lsbd) & MASK)", {"MASK": _bstr_mask("msbd", "lsbd")}, "msbd < lsbd"),
    "bstrpick.d": AluOp("(J & MASK) >> lsbd", {"MASK": _bstr_mask("msbd", "lsbd")}, "msbd < lsbd"),
    # immediates
    "slti": AluOp("1 if (J ^ 0x8000000000000000) < IMM else 0",
                  {"IMM": "(si12 & 0xFFFFFFFFFFFFFFFF) ^ 0x8000000000000000"}),
    "sltui": AluOp("1 if J < IMM else 0", {"IMM": "si12 & 0xFFFFFFFFFFFFFFFF"}),
    "addi.w": AluOp(sx32("J + si12")),
    "addi.d": AluOp("(J + si12) & 0xFFFFFFFFFFFFFFFF"),
    "lu52i.d": AluOp("(J & 0xFFFFFFFFFFFFF) | IMM", {"IMM": "(si12 & 0xFFF) << 52"}),
    "andi": AluOp("J & ui12"),
    "ori": AluOp("J | ui12"),
    "xori": AluOp("J ^ ui12"),
    "addu16i.d": AluOp("(J + IMM) & 0xFFFFFFFFFFFFFFFF", {"IMM": "si16 << 16"}),
    "lu12i.w": AluOp("(si20 << 12) & 0xFFFFFFFFFFFFFFFF"),
    "lu32i.d": AluOp("(D & 0xFFFFFFFF) | IMM", {"IMM": "(si20 << 32) & 0xFFFFFFFFFFFFFFFF"}),
    "pcaddi": AluOp("(PC + (si20 << 2)) & 0xFFFFFFFFFFFFFFFF"),
    "pcalau12i": AluOp("((PC + (si20 << 12)) & 0xFFFFFFFFFFFFFFFF) & ~0xFFF"),
    "pcaddu12i": AluOp("(PC + (si20 << 12)) & 0xFFFFFFFFFFFFFFFF"),
    "pcaddu18i": AluOp("(PC + (si20 << 18)) & 0xFFFFFFFFFFFFFFFF"),
}


class MemOp(NamedTuple):
    size_log2: int
    signed: bool
    store: bool
    address: str  # "imm": rj + immediate field; "index": rj + rk
    imm_field: str = "si12"


MEM: dict[str, MemOp] = {}
for _suffix, _size in (("b", 0), ("h", 1), ("w", 2), ("d", 3)):
    MEM[f"ld.{_suffix}"] = MemOp(_size, _size < 3, False, "imm")
    MEM[f"st.{_suffix}"] = MemOp(_size, False, True, "imm")
    MEM[f"ldx.{_suffix}"] = MemOp(_size, _size < 3, False, "index")
    MEM[f"stx.{_suffix}"] = MemOp(_size, False, True, "index")
    if _size < 3:
        MEM[f"ld.{_suffix}u"] = MemOp(_size, False, False, "imm")
        MEM[f"ldx.{_suffix}u"] = MemOp(_size, False, False, "index")
for _suffix, _size in (("w", 2), ("d", 3)):
    MEM[f"ldptr.{_suffix}"] = MemOp(_size, _size < 3, False, "imm", "si14")
    MEM[f"stptr.{_suffix}"] = MemOp(_size, False, True, "imm", "si14")

# branch condition over J (rj) and D (rd)
BRANCH: dict[str, str] = {
    "beqz": "J == 0",
    "bnez": "J != 0",
    "beq": "J == D",
    "bne": "J != D",
    "blt": lt_signed("J", "D"),
    "bge": f"not ({lt_signed('J', 'D')})",
    "bltu": "J < D",
    "bgeu": "J >= D",
}


# --- compiling the tables into closure factories ------------------------------------------------------
_HELPERS = {name: obj for name, obj in globals().items()
            if name in {"div_w", "mod_w", "div_wu", "mod_wu", "div_d", "mod_d", "div_du", "mod_du", "crc32",
                        "crc32c", "count_leading_zeros", "count_trailing_zeros", "reverse_bytes",
                        "reverse_bytes_in_units", "reverse_halfwords_in_units", "reverse_bits_in_bytes",
                        "reverse_bits"}}
_IDENT_RE = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_REG_OPERANDS = {"J": "rj", "K": "rk", "D": "rd"}
RAM_BASE = soc.RAM_BASE


def _exec_factory(source: str, name: str) -> Factory:
    namespace: dict[str, object] = dict(_HELPERS)
    namespace.update(PowerOff=PowerOff, Trap=Trap, ECODE_INE=ECODE_INE)
    exec(compile(source, f"<lacosim.iss.semantics {name}>", "exec"), namespace)  # noqa: S102
    return namespace["factory"]  # type: ignore[return-value]


def _indent(lines: list[str], n: int) -> str:
    return "\n".join(" " * n + ln for block in lines for ln in block.split("\n"))


def _compile_alu(mnemonic: str, op: AluOp, field_names: tuple[str, ...]) -> Factory:
    idents = set(_IDENT_RE.findall(op.expr)) | {i for e in op.pre.values() for i in _IDENT_RE.findall(e)}
    used_fields = [f for f in field_names if f in idents and f != "rd"]
    regs = [r for r in ("J", "K", "D") if r in set(_IDENT_RE.findall(op.expr))]
    setup = ["r = core.regs", "rd = f['rd']", "PC = pc", "NEXT = (pc + 4) & 0xFFFFFFFFFFFFFFFF"]
    setup += [f"{name} = f['{name}']" for name in used_fields]
    setup += [f"{_REG_OPERANDS[r]} = f['{_REG_OPERANDS[r]}']" for r in regs if r != "D"]
    if op.illegal_if:
        setup += [f"if {op.illegal_if}:", f"    return core.trap_handler(Trap(ECODE_INE, why='{mnemonic}: "
                                                  f"{op.illegal_if}'))"]
    setup += [f"{name} = {expr}" for name, expr in op.pre.items()]
    setup += ["if rd == 0:", "    return core.next_pc_handler(NEXT)"]
    if regs:
        body = [f"{r} = r[{_REG_OPERANDS[r]}]" for r in regs] + [f"r[rd] = {op.expr}", "return NEXT"]
        setup += ["def h():", _indent(body, 4), "return h"]
    else:  # no register operand: the result is a translation-time constant
        setup += [f"value = {op.expr}", "def h():", "    r[rd] = value", "    return NEXT", "return h"]
    source = "def factory(core, pc, f):\n" + _indent(setup, 4) + "\n"
    return _exec_factory(source, mnemonic)


def _ram_check(size_log2: int) -> tuple[str, str]:
    """(line computing the RAM offset o of address a, condition sending the access to the slow path)"""
    offset = "a" if RAM_BASE == 0 else f"(a - {RAM_BASE})"
    conds = [f"o & {(1 << size_log2) - 1}"] if size_log2 else []
    conds.append("o >= size")
    if RAM_BASE != 0:
        conds.append("o < 0")
    return f"o = {offset}", " or ".join(conds)


def _compile_mem(mnemonic: str, op: MemOp) -> Factory:
    s = op.size_log2
    addr = f"(r[rj] + {op.imm_field}) & 0xFFFFFFFFFFFFFFFF" if op.address == "imm" else \
        "(r[rj] + r[rk]) & 0xFFFFFFFFFFFFFFFF"
    offset_line, bad = _ram_check(s)
    setup = ["r = core.regs", "mem = core.memory", "size = core.fast_ram_size", "rd = f['rd']", "rj = f['rj']",
             "NEXT = (pc + 4) & 0xFFFFFFFFFFFFFFFF"]
    setup.append(f"{op.imm_field} = f['{op.imm_field}']" if op.address == "imm" else "rk = f['rk']")
    if op.store:
        mask = "" if s == 3 else f" & {(1 << (8 << s)) - 1:#x}"
        setup += [f"view = mem.unsigned_views[{s}]", "slow = core.data_store", "flags = mem.code_flags",
                  "resv = mem.reservations", "after = mem.after_ram_store", "cid = core.core_id"]
        body = [f"a = {addr}", offset_line, f"if {bad}:", f"    slow(a, {s}, r[rd])", "else:",
                f"    view[o >> {s}] = r[rd]{mask}", "    if flags[o >> 3] or resv:", "        after(o, cid)",
                "return NEXT"]
        setup += ["def h():", _indent(body, 4), "return h"]
    else:
        views = "signed_views" if op.signed else "unsigned_views"
        fix = " & 0xFFFFFFFFFFFFFFFF" if op.signed else ""
        setup += [f"view = mem.{views}[{s}]", "slow = core.data_load"]
        load = [f"a = {addr}", offset_line, f"if {bad}:", f"    v = slow(a, {s}, {op.signed})", "else:",
                f"    v = view[o >> {s}]{fix}"]
        setup += ["if rd == 0:", "    def h():", _indent(load + ["return NEXT"], 8), "    return h",
                  "def h():", _indent(load + ["r[rd] = v", "return NEXT"], 4), "return h"]
    source = "def factory(core, pc, f):\n" + _indent(setup, 4) + "\n"
    return _exec_factory(source, mnemonic)


def _compile_branch(mnemonic: str, cond: str) -> Factory:
    regs = [r for r in ("J", "D") if r in set(_IDENT_RE.findall(cond))]
    setup = ["r = core.regs", "NEXT = (pc + 4) & 0xFFFFFFFFFFFFFFFF",
             "TARGET = (pc + f['offs']) & 0xFFFFFFFFFFFFFFFF"]
    setup += [f"{_REG_OPERANDS[r]} = f['{_REG_OPERANDS[r]}']" for r in regs]
    body = [f"{r} = r[{_REG_OPERANDS[r]}]" for r in regs] + [f"return TARGET if {cond} else NEXT"]
    setup += ["def h():", _indent(body, 4), "return h"]
    source = "def factory(core, pc, f):\n" + _indent(setup, 4) + "\n"
    return _exec_factory(source, mnemonic)


# --- hand-written factories ----------------------------------------------------------------------------
def _jirl(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    r, rd, rj, offs, nxt = core.regs, f["rd"], f["rj"], f["offs"], (pc + 4) & M64
    if rd == 0:
        return lambda: (r[rj] + offs) & M64

    def h() -> int:
        target = (r[rj] + offs) & M64
        r[rd] = nxt
        return target
    return h


def _b(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    target = (pc + f["offs"]) & M64
    return lambda: target


def _bl(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    r, target, nxt = core.regs, (pc + f["offs"]) & M64, (pc + 4) & M64

    def h() -> int:
        r[1] = nxt
        return target
    return h


def _nop(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    return core.next_pc_handler((pc + 4) & M64)


AMO_OPS: dict[str, Callable[[int, int, int], int]] = {  # (old, operand, bits) -> new, both unsigned
    "swap": lambda old, k, bits: k,
    "add": lambda old, k, bits: old + k,
    "and": lambda old, k, bits: old & k,
    "or": lambda old, k, bits: old | k,
    "xor": lambda old, k, bits: old ^ k,
    "max": lambda old, k, bits: max(_to_signed(old, bits), _to_signed(k, bits)),
    "min": lambda old, k, bits: min(_to_signed(old, bits), _to_signed(k, bits)),
    "maxu": lambda old, k, bits: max(old, k & ((1 << bits) - 1)),
    "minu": lambda old, k, bits: min(old, k & ((1 << bits) - 1)),
}


def _amo_factory(op_name: str, size_log2: int) -> Factory:
    combine = AMO_OPS[op_name]
    bits = 8 << size_log2
    width_mask = (1 << bits) - 1

    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        r, load, store, rd, rj, rk, nxt = core.regs, core.data_load, core.data_store, f["rd"], f["rj"], f["rk"], \
            (pc + 4) & M64
        if rd != 0 and rd in (rj, rk):  # spec 6.3: rd = rj is INE, rd = rk unpredictable; QEMU >= 8 traps both
            return core.trap_handler(Trap(ECODE_INE, why="am*: rd overlaps rj or rk"))

        def h() -> int:
            addr = r[rj]
            old = load(addr, size_log2, False, STORE)  # ALE when misaligned; translated as a store
            store(addr, size_log2, combine(old, r[rk], bits) & width_mask)
            if rd:
                r[rd] = _sext32(old) if size_log2 == 2 else old
            return nxt
        return h
    return factory


def _ll_factory(size_log2: int) -> Factory:
    align = (1 << size_log2) - 1

    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        r, mem, rd, rj, imm, nxt, cid = core.regs, core.memory, f["rd"], f["rj"], f["si14"], (pc + 4) & M64, \
            core.core_id
        load, data_pa = core.data_load, core.data_pa
        # the RAM fast path of a load (spinlocks live on ll/sc); size is 0 in PG mode: always the slow path
        view, resv, base, size = mem.signed_views[size_log2], mem.reservations, mem.ram_base, core.fast_ram_size

        def h() -> int:
            addr = (r[rj] + imm) & M64
            o = addr - base
            if o & align or not 0 <= o < size:
                value = load(addr, size_log2, True)
                mem.reserve(data_pa(addr), cid)
            else:
                value = view[o >> size_log2] & M64
                resv[cid] = addr >> LL_LINE_SHIFT
            if rd:
                r[rd] = value
            return nxt
        return h
    return factory


def _sc_factory(size_log2: int) -> Factory:
    align, width = (1 << size_log2) - 1, (1 << (8 << size_log2)) - 1

    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        r, rd, rj, imm, nxt, cid = core.regs, f["rd"], f["rj"], f["si14"], (pc + 4) & M64, core.core_id
        mem = core.memory
        resv, store, data_pa = mem.reservations, core.data_store, core.data_pa
        view, flags, after, base, size = (mem.unsigned_views[size_log2], mem.code_flags, mem.after_ram_store,
                                          mem.ram_base, core.fast_ram_size)

        def h() -> int:
            addr = (r[rj] + imm) & M64
            if addr & align:
                raise Trap(ECODE_ALE, 0, addr, f"sc to misaligned {addr:#x}")
            o = addr - base
            if 0 <= o < size:  # RAM in DA mode: no translation fault can come first
                ok = resv.pop(cid, None) is not None
                if ok:
                    view[o >> size_log2] = r[rd] & width
                    if flags[o >> 3] or resv:
                        after(o, cid)
            else:
                data_pa(addr, STORE)  # ADEM and the TLB faults before the reservation is consumed
                ok = resv.pop(cid, None) is not None
                if ok:
                    store(addr, size_log2, r[rd])
            if rd:
                r[rd] = 1 if ok else 0
            return nxt
        return h
    return factory


def _cpucfg(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    if core.vm:  # always emulated by the root (design.md 12.2)
        return core.trap_handler(Trap(ECODE_GSPR, why="guest cpucfg", to_root=True))
    r, rd, rj, nxt = core.regs, f["rd"], f["rj"], (pc + 4) & M64

    def h() -> int:
        value = cpucfg_word(r[rj])
        if rd:
            r[rd] = value
        return nxt
    return h


def _trap_factory(ecode: int, why: str) -> Factory:
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        return core.trap_handler(Trap(ecode, why=why))
    return factory


def _hvcl(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
    """hvcl: HVC to the root at any guest PLV; INE in root mode (no hypervisor above it; design.md 12.2)."""
    if core.vm:
        return core.trap_handler(Trap(ECODE_HVC, why=f"hvcl {f['code']:#x}", to_root=True))
    return core.trap_handler(Trap(ECODE_INE, why="hvcl in root mode"))


def _bound_check_factory(greater: bool) -> Factory:
    """asrtle.d (rj <= rk else BCE) and asrtgt.d (rj > rk else BCE), unsigned like the RTL and QEMU 7.2
    (helper_asrtle_d/asrtgt_d compare target_ulong; design.md 11.4)."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        r, rj, rk, nxt = core.regs, f["rj"], f["rk"], (pc + 4) & M64

        def h() -> int:
            a, b = r[rj], r[rk]
            if (a > b) != greater:
                raise Trap(ECODE_BCE, why=f"bound check {a} vs {b}")
            return nxt
        return h
    return factory


def _bounded_mem_factory(size_log2: int, greater: bool, store: bool) -> Factory:
    """ldgt/ldle/stgt/stle: access at rj only if rj > rk (gt) / rj <= rk (le), unsigned, else BCE."""
    def factory(core: Hart, pc: int, f: Mapping[str, int]) -> Handler:
        r, rd, rj, rk, nxt = core.regs, f["rd"], f["rj"], f["rk"], (pc + 4) & M64
        load, data_store = core.data_load, core.data_store

        def h() -> int:
            addr = r[rj]
            if (addr > r[rk]) != greater:
                raise Trap(ECODE_BCE, 0, addr, "bound check failed")
            if store:
                data_store(addr, size_log2, r[rd])
            else:
                value = load(addr, size_log2, True)
                if rd:
                    r[rd] = value
            return nxt
        return h
    return factory


def _build_factories() -> dict[str, Factory]:
    from lacosim.isa.decoder import spec_of  # noqa: PLC0415

    table: dict[str, Factory] = privileged_factories()
    for mnemonic, op in ALU.items():
        table[mnemonic] = _compile_alu(mnemonic, op, spec_of(mnemonic).field_names)
    for mnemonic, mop in MEM.items():
        table[mnemonic] = _compile_mem(mnemonic, mop)
    for mnemonic, cond in BRANCH.items():
        table[mnemonic] = _compile_branch(mnemonic, cond)
    table.update({"jirl": _jirl, "b": _b, "bl": _bl, "dbar": _nop, "ibar": _nop, "preld": _nop, "preldx": _nop,
                  "cpucfg": _cpucfg, "hvcl": _hvcl,
                  "syscall": _trap_factory(ECODE_SYS, "syscall"), "break": _trap_factory(ECODE_BRK, "break"),
                  "asrtle.d": _bound_check_factory(False), "asrtgt.d": _bound_check_factory(True)})
    for size_name, size_log2 in (("w", 2), ("d", 3)):
        table[f"ll.{size_name}"] = _ll_factory(size_log2)
        table[f"sc.{size_name}"] = _sc_factory(size_log2)
        for op_name in AMO_OPS:
            suffix = size_name + ("u" if op_name.endswith("u") else "")
            base = op_name.rstrip("u") if op_name in ("maxu", "minu") else op_name
            table[f"am{base}.{suffix}"] = _amo_factory(op_name, size_log2)
            table[f"am{base}_db.{suffix}"] = _amo_factory(op_name, size_log2)
    for size_name, size_log2 in (("b", 0), ("h", 1), ("w", 2), ("d", 3)):
        for kind, greater in (("gt", True), ("le", False)):
            table[f"ld{kind}.{size_name}"] = _bounded_mem_factory(size_log2, greater, False)
            table[f"st{kind}.{size_name}"] = _bounded_mem_factory(size_log2, greater, True)
    return table


FACTORIES: dict[str, Factory] = _build_factories()


def factory_for(decoded: Decoded | None) -> Factory:
    """The closure factory for a decoded word; INE for undefined words and for what this core lacks (FP,
    LSX, amcas, am*.b/.h, sc.q, llacq/screl: architecture.md 4.10)."""
    if decoded is None:
        return _trap_factory(ECODE_INE, "not an instruction")
    factory = FACTORIES.get(decoded.mnemonic)
    if factory is not None:
        return factory
    return _trap_factory(ECODE_INE, f"{decoded.mnemonic} is not implemented by this core")


# --- what `Iss.step` records: destination register and memory access of each instruction ------------------
MEM_NONE, MEM_LOAD, MEM_STORE, MEM_AMO, MEM_LL, MEM_SC, MEM_IOCSR_LOAD, MEM_IOCSR_STORE = range(8)
MEM_PHYS_LOAD = 8  # lddir/ldpte: an 8-byte physical read the instruction itself reports (or none)

NO_RD_WRITE_PREFIXES = ("st.", "stx.", "stptr.", "stgt.", "stle.", "iocsrwr.")
NO_RD_WRITE = frozenset({"beq", "bne", "blt", "bge", "bltu", "bgeu"})


class AccessInfo(NamedTuple):
    kind: int  # MEM_*
    size_log2: int
    base: int  # register holding the base address
    index: int  # register added to it, or -1
    imm: int  # immediate added when index < 0
    data: int  # register holding the store / AMO operand, or -1


NO_ACCESS = AccessInfo(MEM_NONE, 0, 0, -1, 0, -1)


def destination_register(decoded: Decoded | None) -> int:
    """The GPR an instruction writes (0 for none: r0 is never written)."""
    if decoded is None:
        return 0
    m = decoded.mnemonic
    if m == "bl":
        return 1
    if m in NO_RD_WRITE or m.startswith(NO_RD_WRITE_PREFIXES) or decoded.mnemonic not in FACTORIES:
        return 0
    return decoded.fields.get("rd", 0)


def access_info(decoded: Decoded | None) -> AccessInfo:
    if decoded is None:
        return NO_ACCESS
    m, f = decoded.mnemonic, decoded.fields
    mop = MEM.get(m)
    if mop is not None:
        kind = MEM_STORE if mop.store else MEM_LOAD
        index = f["rk"] if mop.address == "index" else -1
        imm = f[mop.imm_field] if mop.address == "imm" else 0
        return AccessInfo(kind, mop.size_log2, f["rj"], index, imm, f["rd"] if mop.store else -1)
    size_log2 = 3 if m.endswith((".d", ".du")) else 2
    if m.startswith("am") and m in FACTORIES:
        return AccessInfo(MEM_AMO, size_log2, f["rj"], -1, 0, f["rk"])
    if m.startswith(("ll.", "sc.")) and m in FACTORIES:
        return AccessInfo(MEM_LL if m.startswith("ll.") else MEM_SC, size_log2, f["rj"], -1, f["si14"], f["rd"])
    if m.startswith(("iocsrrd.", "iocsrwr.")):
        store = m.startswith("iocsrwr.")
        return AccessInfo(MEM_IOCSR_STORE if store else MEM_IOCSR_LOAD, "bhwd".index(m[-1]), f["rj"], -1, 0,
                          f["rd"] if store else -1)
    if m in ("lddir", "ldpte"):
        return AccessInfo(MEM_PHYS_LOAD, 3, 0, -1, 0, -1)
    if m.startswith(("ldgt.", "ldle.", "stgt.", "stle.")):
        size_log2 = "bhwd".index(m[-1])
        store = m.startswith("st")
        return AccessInfo(MEM_STORE if store else MEM_LOAD, size_log2, f["rj"], -1, 0, f["rd"] if store else -1)
    return NO_ACCESS
