"""A generated body turned into a bare-metal program: assembly text (prologue, body, epilogue, data) and
its build with zig.

Program layout (link.ld, from 0x200000):
- `_start` (prologue): $sp = top of a small stack, $r31 = rand_scratch + WINDOW_BIAS, then r1..r30
  (including $sp, which the body treats as any other register) get seeded values of mixed classes.
- `rand_body` .. `rand_body_end`: the random instructions.
- epilogue: store r1..r31 to rand_save[1..31] with `stptr.d` off $r31 (nothing is disturbed before it is
  saved), reset $sp, jump to `rand_signature_dump` (signature.S), which prints the signature and powers off.
- `.data.rand_window`: rand_scratch (WINDOW_BYTES, 4 KiB aligned, seeded pattern) immediately followed by
  rand_save; `.rodata`: rand_scratch_init (a copy of the pattern) and the signature header line.
"""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lacosim.randgen.generator import (
    GENERATOR_VERSION,
    WINDOW_BASE_REG,
    WINDOW_BIAS,
    WINDOW_BYTES,
    GeneratorConfig,
    Group,
    Label,
    generate_body,
    pick_gpr_value,
    reg,
)

PACKAGE_DIR = Path(__file__).resolve().parent
LINK_SCRIPT = PACKAGE_DIR / "link.ld"
SIGNATURE_SOURCE = PACKAGE_DIR / "signature.S"
LINK_ADDRESS = 0x20_0000
SAVE_AREA_OFFSET = WINDOW_BYTES - WINDOW_BIAS  # rand_save relative to $r31
ZIG_FLAGS = ("-target", "loongarch64-freestanding-none", "-mcpu=generic_la64-d-f", "-mabi=lp64s",
             "-mno-relax", "-nostdlib", "-static")


class BuildError(Exception):
    pass


def program_rng(seed: int, index: int) -> random.Random:
    """The RNG of program `index` of a run with `seed` (string seeding is stable across Python runs)."""
    return random.Random(f"lacosim.randgen:v{GENERATOR_VERSION}:{seed}:{index}")


def program_name(seed: int, index: int) -> str:
    return f"rand_{seed}_{index}"


@dataclass
class RandomProgram:
    seed: int
    index: int
    config: GeneratorConfig = field(default_factory=GeneratorConfig)

    def __post_init__(self) -> None:
        rng = program_rng(self.seed, self.index)
        self.initial_values: dict[int, int] = {r: pick_gpr_value(rng) for r in range(1, 32)
                                               if r != WINDOW_BASE_REG}
        self.window_pattern: list[int] = [pick_gpr_value(rng) for _ in range(WINDOW_BYTES // 8)]
        self.groups: list[Group] = generate_body(rng, self.config)

    @property
    def name(self) -> str:
        return program_name(self.seed, self.index)

    @property
    def body_insn_count(self) -> int:
        return sum(g.insn_count for g in self.groups)

    @property
    def header_line(self) -> str:
        return (f"RANDSIG seed={self.seed} index={self.index} length={self.config.length} "
                f"generator=v{GENERATOR_VERSION}")

    @cached_property
    def text(self) -> str:
        return "\n".join([*self._header(), *self._prologue(), *self._body(), *self._epilogue(),
                          *self._data()]) + "\n"

    def _header(self) -> list[str]:
        return [
            f"/* {self.name}: lacosim.randgen program, seed={self.seed} index={self.index} "
            f"length={self.config.length} generator=v{GENERATOR_VERSION}",
            f" * {self.body_insn_count} body instructions in {len(self.groups)} groups.",
            f" * regenerate: python -m lacosim.randgen --seed {self.seed} --count {self.index + 1} "
            f"--length {self.config.length} --out DIR  (this is {self.name}.S)",
            " */",
        ]

    def _prologue(self) -> list[str]:
        lines = ['    .section .text.start, "ax"', "    .globl _start", "_start:",
                 "    la.local $sp, rand_stack_top",
                 f"    la.local {reg(WINDOW_BASE_REG)}, rand_scratch + {WINDOW_BIAS}"]
        lines += [f"    li.d {reg(r)}, {value:#018x}" for r, value in sorted(self.initial_values.items())]
        lines += ["    .globl rand_body", "rand_body:"]
        return lines

    def _body(self) -> list[str]:
        out: list[str] = []
        for group in self.groups:
            for line in group.lines:
                out.append(str(line) if isinstance(line, Label) else f"    {line}")
        return out

    def _epilogue(self) -> list[str]:
        lines = ["    .globl rand_body_end", "rand_body_end:"]
        lines += [f"    stptr.d {reg(r)}, {reg(WINDOW_BASE_REG)}, {SAVE_AREA_OFFSET + 8 * r}" for r in range(1, 32)]
        lines += ["    la.local $sp, rand_stack_top", "    b rand_signature_dump"]
        return lines

    def _data(self) -> list[str]:
        words = [f"{w:#018x}" for w in self.window_pattern]
        table = [f"    .dword {', '.join(words[i:i + 4])}" for i in range(0, len(words), 4)]
        return [
            '    .section .data.rand_window, "aw"',
            "    .balign 4096",
            "    .globl rand_scratch, rand_save",
            "rand_scratch:",
            *table,
            "rand_save:  /* must follow rand_scratch: the epilogue reaches it from $r31 */",
            "    .space 256",
            "    .section .rodata",
            "    .balign 8",
            "    .globl rand_scratch_init, rand_sig_header",
            "rand_scratch_init:",
            *table,
            "rand_sig_header:",
            f'    .asciz "{self.header_line}\\n"',
        ]

    def write(self, out_dir: Path) -> Path:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{self.name}.S"
        path.write_text(self.text)
        return path


def zig_command(sources: list[Path], elf: Path) -> list[str]:
    return [sys.executable, "-m", "ziglang", "cc", *ZIG_FLAGS, "-T", str(LINK_SCRIPT), *map(str, sources),
            "-o", str(elf)]


def build_elf(asm: Path, elf: Path | None = None) -> Path:
    """Assemble and link one generated `.S` with the signature routine; returns the ELF path."""
    elf = elf or asm.with_suffix(".elf")
    proc = subprocess.run(zig_command([asm, SIGNATURE_SOURCE], elf), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BuildError(f"building {asm} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return elf


def build_program(program: RandomProgram, out_dir: Path) -> Path:
    return build_elf(program.write(out_dir))
