"""GNU-style LoongArch64 disassembly: `add.w $a0, $a1, $a2`, `ld.d $ra, $sp, 8`, `bl 0x2001c <main>`.

Conventions (as GNU objdump): ABI register names; signed immediates in decimal, unsigned ones (ui*, csr,
code, hint, msb/lsb, shift amounts) in hex; branch and call targets as absolute addresses followed by
`<symbol+off>` when a symbolizer (e.g. `ElfImage.symbolize`) names them; the aliases nop, move, ret, jr.
Undefined words print as `.word 0x........`.
"""

from __future__ import annotations

from collections.abc import Callable

from lacosim.isa.decoder import Decoded, decode

Symbolizer = Callable[[int], str]

GPR_NAMES = ("$zero", "$ra", "$tp", "$sp", *(f"$a{i}" for i in range(8)), *(f"$t{i}" for i in range(9)),
             "$r21", "$fp", *(f"$s{i}" for i in range(9)))
FPR_NAMES = (*(f"$fa{i}" for i in range(8)), *(f"$ft{i}" for i in range(16)), *(f"$fs{i}" for i in range(8)))
FCMP_CONDS = {0x0: "caf", 0x1: "saf", 0x2: "clt", 0x3: "slt", 0x4: "ceq", 0x5: "seq", 0x6: "cle", 0x7: "sle",
              0x8: "cun", 0x9: "sun", 0xA: "cult", 0xB: "sult", 0xC: "cueq", 0xD: "sueq", 0xE: "cule",
              0xF: "sule", 0x10: "cne", 0x11: "sne", 0x14: "cor", 0x15: "sor", 0x18: "cune", 0x19: "sune"}

GPR_OPERANDS = frozenset({"rd", "rj", "rk", "ra"})
FPR_OPERANDS = frozenset({"fd", "fj", "fk", "fa"})
FCC_OPERANDS = frozenset({"cd", "cj", "ca"})
MASK64 = (1 << 64) - 1


def gpr_name(n: int) -> str:
    return GPR_NAMES[n]


def _target(pc: int, offset: int, symbolize: Symbolizer | None) -> str:
    target = (pc + offset) & MASK64
    sym = symbolize(target) if symbolize else ""
    return f"{target:#x} <{sym}>" if sym else f"{target:#x}"


def _operand(name: str, d: Decoded, pc: int, symbolize: Symbolizer | None) -> str:
    value = d.fields[name]
    if name in GPR_OPERANDS:
        return GPR_NAMES[value]
    if name in FPR_OPERANDS:
        return FPR_NAMES[value]
    if name in FCC_OPERANDS:
        return f"$fcc{value}"
    if name == "fcsr":
        return f"$fcsr{value}"
    if name == "offs":
        if d.mnemonic == "jirl":  # register-relative: a plain byte offset
            return str(value)
        return _target(pc, value, symbolize)
    if name.startswith("si"):
        return str(value)
    return f"{value:#x}"


def _alias(d: Decoded) -> str | None:
    m, f = d.mnemonic, d.fields
    if m == "andi" and d.word == 0x03400000:
        return "nop"
    if m == "or" and f["rk"] == 0:
        return f"move {GPR_NAMES[f['rd']]}, {GPR_NAMES[f['rj']]}"
    if m == "jirl" and f["rd"] == 0 and f["offs"] == 0:
        return "ret" if f["rj"] == 1 else f"jr {GPR_NAMES[f['rj']]}"
    return None


def _mnemonic(d: Decoded) -> str:
    if d.mnemonic.startswith("fcmp.cond."):
        cond = FCMP_CONDS.get(d.fields["cond"], f"cond{d.fields['cond']:#x}")
        return d.mnemonic.replace("cond", cond)
    return d.mnemonic


def format_decoded(d: Decoded, pc: int = 0, symbolize: Symbolizer | None = None, aliases: bool = True) -> str:
    if aliases:
        alias = _alias(d)
        if alias is not None:
            return alias
    ops = ", ".join(_operand(o, d, pc, symbolize) for o in d.spec.operands)
    return f"{_mnemonic(d)} {ops}" if ops else _mnemonic(d)


def disassemble(word: int, pc: int = 0, symbolize: Symbolizer | None = None, aliases: bool = True) -> str:
    """One instruction word at `pc` as GNU-style assembly text."""
    d = decode(word)
    if d is None:
        return f".word {word:#010x}"
    return format_decoded(d, pc, symbolize, aliases)
