"""A generated body turned into a bare-metal program: assembly text (prologue, body, epilogue, data) and
its build with zig.

Program layout (link.ld, from 0x200000):
- `_start` (prologue): $sp = top of a small stack, $r31 = rand_scratch + WINDOW_BIAS, then r1..r30
  (including $sp, which the body treats as any other register) get seeded values of mixed classes.
- `rand_body` .. `rand_body_end`: the random instructions.
- epilogue: store r1..r31 to rand_save[1..31] with `stptr.d` off $r31 (nothing is disturbed before it is
  saved), reset $sp, jump to `rand_signature_dump` (signature.S), which prints the signature and powers off.
- `.data.rand_window`: rand_scratch (WINDOW_BYTES, 4 KiB aligned, seeded pattern) immediately followed by
  rand_save; `.rodata`: rand_scratch_init (a copy of the pattern), the signature header line and the region
  descriptors `rand_sig_regions` the signature dump walks (signature.S).

Paging programs (lacosim.randgen.paging; `GeneratorConfig.paging`) differ: the prologue calls
`rand_paging_setup` (paging.S, linked in), jumps to the DMW0 alias of the code and turns paging on; $r31 is
the window's VA; the window's memory and the far pages' hot spots are physical regions the setup fills from
.rodata; the epilogue saves the registers through DMW0 and returns to direct-address mode and the physical
alias before the dump, which prints the regions and the refill/PIL/PIS counters too.
"""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lacosim.randgen import paging as pg
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
PAGING_SOURCE = PACKAGE_DIR / "paging.S"
GUEST_ROOT_SOURCE = PACKAGE_DIR / "guest_root.S"  # runs the program as an LVZ guest (build_guest_program)
GUEST_LINK_SCRIPT = PACKAGE_DIR / "guest_link.ld"
PAGING_MARKER = "rand_paging_table:"  # a program that defines it links paging.S
CRMD_PG_MODE = 0xB0  # PG = 1, DATF = DATM = 1 (CC), PLV0, IE = 0
CRMD_DA_MODE = 0x08
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
        paging = self.config.paging
        self.paging: bool = pg.paging_from_seed(self.seed, self.index) if paging is None else paging
        self.layout: pg.PagingLayout | None = None
        if self.paging:
            self.layout = pg.build_layout(random.Random(f"lacosim.randgen:v{GENERATOR_VERSION}:paging:"
                                                        f"{self.seed}:{self.index}"), self.config.tlb_mode)
        self.groups: list[Group] = generate_body(rng, self.config, self.layout)
        if self.layout and not self.config.paging_faults:
            pg.without_faults(self.layout)  # after the body: the same body as with faults

    @property
    def name(self) -> str:
        return program_name(self.seed, self.index)

    @property
    def body_insn_count(self) -> int:
        return sum(g.insn_count for g in self.groups)

    @property
    def header_line(self) -> str:
        paging = ""
        if self.layout:
            paging = f" paging={self.layout.mode}" + ("" if self.config.paging_faults else " faults=off")
        return (f"RANDSIG seed={self.seed} index={self.index} length={self.config.length} "
                f"generator=v{GENERATOR_VERSION}{paging}")

    @property
    def regenerate_flags(self) -> str:
        flags = f"--length {self.config.length}"
        if self.layout:
            flags += f" --paging on --tlb-mode {self.layout.mode}"
            flags += "" if self.config.paging_faults else " --no-faults"
        return flags

    @cached_property
    def text(self) -> str:
        if self.layout:
            parts = [*self._header(), *self._paging_prologue(), *self._body(), *self._paging_epilogue(),
                     *self._paging_data()]
        else:
            parts = [*self._header(), *self._prologue(), *self._body(), *self._epilogue(), *self._data()]
        return "\n".join(parts) + "\n"

    def _header(self) -> list[str]:
        lines = [
            f"/* {self.name}: lacosim.randgen program, seed={self.seed} index={self.index} "
            f"length={self.config.length} generator=v{GENERATOR_VERSION}",
            f" * {self.body_insn_count} body instructions in {len(self.groups)} groups.",
            f" * regenerate: python -m lacosim.randgen --seed {self.seed} --count {self.index + 1} "
            f"{self.regenerate_flags} --out DIR  (this is {self.name}.S)",
        ]
        if self.layout:
            lines += self._layout_comment()
        return [*lines, " */"]

    def _layout_comment(self) -> list[str]:
        assert self.layout is not None
        lay = self.layout
        lines = [f" * paging: refill handler mode {lay.mode}, ASIDs {lay.asids} (starts with {lay.asids[0]}), "
                 f"window va {lay.window_va:#x}",
                 " * table (index: pair va, page size, asid/G, halves used/V/pa, pre-installed):"]
        for e in lay.entries:
            halves = ", ".join(
                (f"{n}: pa {h.pa:#x}{'' if h.valid else ' V=0'}"
                 + ("" if e.window else f" hot +{h.hot_offset:#x}/{h.hot_bytes}")) if h.used else f"{n}: unused"
                for n, h in enumerate(e.halves))
            lines.append(f" *   e{e.index}: {e.vbase:#018x} 2^{e.ps} {'G' if e.g else f'asid {e.asid}'}"
                         f"{' window' if e.window else ''}{' pre' if e.preinstalled else ''} [{halves}]")
        return lines

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
        regions = _region("rand_scratch", "rand_scratch_init", WINDOW_BYTES, 0, ".Lname_m", 3, copy=False)
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
            "    .globl rand_sig_regions",
            "rand_sig_regions:",
            *regions,
            "    .dword 0, 0, 0, 0, 0, 0",
            "rand_sig_header:",
            f'    .asciz "{self.header_line}\\n"',
            '.Lname_m:',
            '    .asciz "m"',
        ]

    # -- paging mode ----------------------------------------------------------------------------------------
    def _paging_prologue(self) -> list[str]:
        assert self.layout is not None
        lines = ['    .section .text.start, "ax"', "    .globl _start", "_start:",
                 "    la.local $sp, rand_stack_top",
                 f"    invtlb {self.layout.flush_op}, $zero, $zero             // empty the TLB",
                 "    bl rand_paging_setup                // paging.S: regions, CSRs, pre-installed entries",
                 "    la.local $t0, .Lrand_paged          // continue in the DMW0 alias, then turn paging on",
                 f"    li.d $t1, {pg.DMW_BASE:#x}",
                 "    or $t0, $t0, $t1",
                 "    jirl $zero, $t0, 0",
                 ".Lrand_paged:",
                 f"    li.w $t0, {CRMD_PG_MODE:#x}",
                 "    csrwr $t0, 0x0",
                 f"    li.d {reg(WINDOW_BASE_REG)}, {(self.layout.window_va + WINDOW_BIAS) & pg.MASK64:#018x}"
                 "  // the window's virtual address + bias",
                 "    // names for the DMW0 aliases the code runs at (traces symbolize pcs with them)",
                 *[f"    .set {name}_dmw0, {name} + {pg.DMW_BASE:#x}"
                   for name in ("_start", "rand_body", "rand_body_end")]]
        lines += [f"    li.d {reg(r)}, {value:#018x}" for r, value in sorted(self.initial_values.items())]
        lines += ["    .globl rand_body", "rand_body:"]
        return lines

    def _paging_epilogue(self) -> list[str]:
        lines = ["    .globl rand_body_end", "rand_body_end:",
                 "    csrwr $r1, 0x30                     // SAVE0 <- r1; then r1 = rand_save through DMW0",
                 "    la.local $r1, rand_save"]
        lines += [f"    stptr.d {reg(r)}, $r1, {8 * r}" for r in range(2, 32)]
        lines += ["    csrrd $r2, 0x30",
                  "    stptr.d $r2, $r1, 8",
                  f"    li.w $t0, {CRMD_DA_MODE:#x}                   // direct-address mode, then the physical alias",
                  "    csrwr $t0, 0x0",
                  "    la.local $t0, .Lrand_physical",
                  "    bstrpick.d $t0, $t0, 47, 0",
                  "    jirl $zero, $t0, 0",
                  ".Lrand_physical:",
                  "    la.local $sp, rand_stack_top",
                  "    b rand_signature_dump"]
        return lines

    def _paging_data(self) -> list[str]:
        lay = self.layout
        assert lay is not None
        words = [f"{w:#018x}" for w in self.window_pattern]
        window_init = [f"    .dword {', '.join(words[i:i + 4])}" for i in range(0, len(words), 4)]
        regions: list[str] = []
        for offset, pa, nbytes in lay.window_pieces:
            regions += _region(f"{pa:#x}", f"rand_scratch_init + {offset:#x}", nbytes, offset, ".Lname_m", 3,
                               copy=True)
        hot_init: list[str] = []
        names: list[str] = ['.Lname_m:', '    .asciz "m"']
        for i, spot in enumerate(lay.hotspots):
            regions += _region(f"{spot.pa:#x}", f"rand_hot_init{i}", spot.nbytes, 0, f".Lname_{spot.name}", 3,
                               copy=True)
            spot_words = [f"{w:#018x}" for w in spot.init]
            hot_init += [f"rand_hot_init{i}:  // {spot.name}: va {spot.va:#x} pa {spot.pa:#x}",
                         *[f"    .dword {', '.join(spot_words[j:j + 4])}" for j in range(0, len(spot_words), 4)]]
            names += [f".Lname_{spot.name}:", f'    .asciz "{spot.name}"']
        counters = ["pil", "pis", "touched"] if lay.mode == "fill" else ["tlbr", "pil", "pis", "touched"]
        for name in counters:
            regions += _region(f"rand_cnt_{name}", "0", 8, 0, f".Lname_{name}", 0, copy=False)
            names += [f".Lname_{name}:", f'    .asciz "{name}"']
        table: list[str] = []
        for e in lay.entries:
            table += [f"    // e{e.index}",
                      f"    .dword {e.vbase:#018x}, {e.vmask:#018x}, {e.lo(0):#018x}, {e.lo(1):#018x}",
                      f"    .dword {e.fix(0):#x}, {e.fix(1):#x}, {lay.touch_bit(e):#x}, 0",
                      f"    .word {e.asid}, {int(e.g)}, {e.ps}, {pg.MTLB_INDEX_BASE + e.index:#x}, "
                      f"{int(e.preinstalled)}, 0, 0, 0"]
        return [
            '    .section .data.rand_window, "aw"',
            "    .balign 4096",
            "    .globl rand_save, rand_paging_table, rand_paging_count, rand_paging_mode, rand_paging_asid0",
            "    .globl rand_cnt_tlbr, rand_cnt_pil, rand_cnt_pis, rand_cnt_touched",
            "rand_save:",
            "    .space 256",
            "    .balign 8",
            "rand_cnt_tlbr:  .dword 0",
            "rand_cnt_pil:  .dword 0",
            "rand_cnt_pis:  .dword 0",
            "rand_cnt_touched:  .dword 0",
            f"rand_paging_count:  .word {len(lay.entries)}",
            f"rand_paging_mode:  .word {0 if lay.mode == 'wr' else 1}  // {lay.mode}",
            f"rand_paging_asid0:  .word {lay.asids[0]}",
            "    .balign 8",
            f"{PAGING_MARKER}  // {pg.ENTRY_BYTES} bytes an entry (paging.ENTRY_FIELDS)",
            *table,
            "    .section .rodata",
            "    .balign 8",
            "    .globl rand_scratch_init, rand_sig_header, rand_sig_regions",
            "rand_scratch_init:",
            *window_init,
            *hot_init,
            "rand_sig_regions:",
            *regions,
            "    .dword 0, 0, 0, 0, 0, 0",
            "rand_sig_header:",
            f'    .asciz "{self.header_line}\\n"',
            *names,
        ]

    def write(self, out_dir: Path) -> Path:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{self.name}.S"
        path.write_text(self.text)
        return path


def _region(address: str, init: str, nbytes: int, display_base: int, name: str, digits: int, *,
            copy: bool) -> list[str]:
    """One `rand_sig_regions` descriptor (signature.S)."""
    return [f"    .dword {address}, {init}, {nbytes:#x}, {display_base:#x}, {name}",
            f"    .word {digits}, {int(copy)}"]


def zig_command(sources: list[Path], elf: Path) -> list[str]:
    return [sys.executable, "-m", "ziglang", "cc", *ZIG_FLAGS, "-T", str(LINK_SCRIPT), *map(str, sources),
            "-o", str(elf)]


def build_elf(asm: Path, elf: Path | None = None) -> Path:
    """Assemble and link one generated `.S` with the signature routine (and the paging support if the program
    defines a page table); returns the ELF path."""
    elf = elf or asm.with_suffix(".elf")
    sources = [asm, SIGNATURE_SOURCE]
    if PAGING_MARKER in asm.read_text():
        sources.append(PAGING_SOURCE)
    proc = subprocess.run(zig_command(sources, elf), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BuildError(f"building {asm} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return elf


def build_program(program: RandomProgram, out_dir: Path) -> Path:
    return build_elf(program.write(out_dir))


def build_guest_program(program: RandomProgram, out_dir: Path, s2_offset: int = 0) -> Path:
    """The same program run as an LVZ guest by guest_root.S (issue 8's random differential): stage 2 maps its
    image at GPA + s2_offset (identity for 0). Its signature must equal the root-mode program's, byte for
    byte; QEMU runs only the latter (TCG has no LVZ). Non-paging programs only (the guest partition has 16
    entries and the paging programs' handlers assume the whole MTLB)."""
    if program.paging:
        raise BuildError("a paging program cannot run as a guest (build_guest_program)")
    asm = program.write(out_dir)
    text = asm.read_text()
    entry = "    .globl _start\n_start:"
    if entry not in text:
        raise BuildError(f"{asm}: no _start to turn into the guest's entry")
    guest_asm = asm.with_name(f"{asm.stem}-guest-{s2_offset:x}.S")
    guest_asm.write_text(text.replace(entry, "    .globl rand_guest_start\nrand_guest_start:"))
    elf = guest_asm.with_suffix(".elf")
    cmd = zig_command([guest_asm, SIGNATURE_SOURCE, GUEST_ROOT_SOURCE], elf)
    cmd[cmd.index("-T") + 1] = str(GUEST_LINK_SCRIPT)
    cmd.insert(cmd.index("-T"), f"-DRAND_S2_OFFSET={s2_offset:#x}")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BuildError(f"building {guest_asm} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return elf
