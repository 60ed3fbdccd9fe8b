"""Constrained-random differential test programs: seeded LoongArch64 instruction sequences built into
bare-metal ELFs that end by printing a register/memory signature, so QEMU and the RTL can be compared on
their UART output. `generator` owns the instruction classes and constraints, `program` the assembly and
the build, `__main__` the command line."""

from lacosim.randgen.generator import INSTRUCTION_CLASSES, GeneratorConfig, generate_body
from lacosim.randgen.program import BuildError, RandomProgram, build_elf, build_program, program_name

__all__ = ["INSTRUCTION_CLASSES", "BuildError", "GeneratorConfig", "RandomProgram", "build_elf",
           "build_program", "generate_body", "program_name"]
