"""LoongArch64 instruction set data shared by the ISS, trace logs and waveform tools.

`decoder` turns a 32-bit word into a mnemonic and operand values (table-driven from `encodings.tsv`);
`disasm` prints GNU-style assembly.
"""

from lacosim.isa.decoder import Decoded, InsnSpec, decode, encode
from lacosim.isa.disasm import disassemble

__all__ = ["Decoded", "InsnSpec", "decode", "disassemble", "encode"]
