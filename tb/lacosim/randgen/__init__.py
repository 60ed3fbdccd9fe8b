"""Constrained-random differential test programs: seeded LoongArch64 instruction sequences built into
bare-metal ELFs that end by printing a register/memory signature, so QEMU and the RTL can be compared on
their UART output. `generator` owns the instruction classes and constraints, `program` the assembly and
the build, `paging` the page table of paging-mode programs (loads and stores through the TLB), `__main__`
the command line."""

from lacosim.randgen.generator import INSTRUCTION_CLASSES, PAGING_CLASSES, GeneratorConfig, generate_body
from lacosim.randgen.paging import PagingLayout, build_layout, paging_from_seed
from lacosim.randgen.program import BuildError, RandomProgram, build_elf, build_program, program_name

__all__ = ["INSTRUCTION_CLASSES", "PAGING_CLASSES", "BuildError", "GeneratorConfig", "PagingLayout", "RandomProgram",
           "build_elf", "build_layout", "build_program", "generate_body", "paging_from_seed", "program_name"]
