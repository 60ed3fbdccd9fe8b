"""The reference model alone (`python -m lacosim.iss`) against QEMU (`qemu-system-loongarch64 -M virt`), the
oracle nobody here wrote:
- every program built from sw/ prints byte-identical UART output, with the core count `make -C sw cores`
  gives it, except the ones listed in QEMU_DIFFERS, where QEMU 7.2 is known not to behave like the hardware
  (those must pass their own checks on the model instead);
- small privileged programs kept here (exceptions and ertn, vectored entry, timer interrupt counts, IPI and
  mailboxes between two cores, idle woken by an IPI) print the same on both; they cover only what QEMU 7.2
  models like the hardware (not: software interrupts, which it never delivers; ADEF on a misaligned jump;
  LLBCTL.KLO; TVAL after a one-shot expiry; VERSION).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lacosim.qemu import qemu_available, run_qemu

from sim.conftest import REPO, SW_BUILD, first_failure_first

pytestmark = pytest.mark.no_rtl

BROKEN = {"bad_hang", "bad_no_handler", "bad_double_fault", "bad_stack_overflow"}  # programs that must fail
# program -> why QEMU 7.2 prints something else; the model must print the program's own PASS line instead
QEMU_DIFFERS = {
    "bad_illegal": "fadd.d is INE on this core (architecture.md 4.10); QEMU raises FPD",
    "priv_exc_hw": "QEMU 7.2 allows unaligned ld/st (no ALE), has no ADEF on a misaligned jump, no KLO/WCLLB",
    "ipi_ecfg": "QEMU 7.2 takes the IPI only at the next timer tick",
    "idle_masked_pending": "QEMU 7.2 wires the UART interrupt to its PCH-PIC (no HWI line for variant D) and "
                           "times core 1's IPI on host time",
    "timer_ticlr_race": "cycle-exact: the TICLR must commit in the expiry cycle; QEMU 7.2's timer runs on host time",
    "irq_storm": "QEMU 7.2 never delivers software interrupts; its HWI sources are lines only the testbench drives",
    "ipi_multi_vector": "QEMU 7.2 (hw/intc/loongarch_ipi.c) does not re-evaluate the IPI line on an IPI_EN write and "
                        "lowers it on IPI_CLEAR only when STATUS becomes 0, so a pending vector with EN clear "
                        "interrupts forever (the run hangs)",
    "mmu_faults_hw": "QEMU 7.2 loops delivering PNX and a PLV3 fetch PPI (it reads BADI from the faulting "
                     "page); it checks only VA[63:48] for a canonical address",
    "mmu_walk_hw": "QEMU 7.2's ldpte drops NR/NX/RPLV, lddir does not record a huge page's level, HGLOBAL "
                   "stays in the PPN, G comes from TLBELO0 only, and MISC (DWPL) raises INE",
    "lvz_smoke": "LVZ: QEMU's TCG has no LVZ (the RTL runs it: tests/sim/test_programs.py HW_ONLY)",
    **{p: "LVZ: QEMU's TCG has no LVZ (the RTL runs it: tests/sim/test_lvz.py)"
       for p in ("lvz_exits", "lvz_guest_timer", "lvz_gintc", "lvz_stage2", "lvz_hv_timer")},
}
# the test hypervisor and its guests run only together (multi-ELF images; the model runs them in lockstep in
# tests/sim/test_hv.py): neither is a program on its own. The LVZ programs' broken-root-software builds
# (lvz_<x>_bug) exist to fail the hypervisor-level scoreboards (tests/sim/test_lvz.py), with no QEMU to compare.
PROGRAMS = sorted(p for p in SW_BUILD.glob("*.elf")
                  if p.stem not in BROKEN and not p.stem.startswith(("hv_", "guest_"))
                  and not (p.stem.startswith("lvz_") and p.stem.endswith("_bug")))
CC = [sys.executable, "-m", "ziglang", "cc", "-target", "loongarch64-freestanding-none", "-mcpu=generic_la64-d-f",
      "-mabi=lp64s", "-nostdlib", "-static"]
needs_qemu = pytest.mark.skipif(not qemu_available(), reason="qemu-system-loongarch64 not installed (make setup)")


def run_iss(elf: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "lacosim.iss", str(elf), *args], capture_output=True,
                          timeout=timeout, cwd=REPO, check=False)


def first_difference(expected: bytes, observed: bytes) -> str:
    exp_lines, obs_lines = expected.splitlines(), observed.splitlines()
    first = next((i for i, (a, b) in enumerate(zip(exp_lines, obs_lines, strict=False)) if a != b),
                 min(len(exp_lines), len(obs_lines)))
    return (f"line {first + 1}:\n  QEMU: {exp_lines[first] if first < len(exp_lines) else b'<end>'!r}\n"
            f"  ISS:  {obs_lines[first] if first < len(obs_lines) else b'<end>'!r}")


def program_cores() -> dict[str, int]:
    """`make -C sw cores`: "<program> <cores>" per line (programs that need more than one core)."""
    res = subprocess.run(["make", "-s", "-C", str(REPO / "sw"), "cores"], capture_output=True, text=True,
                         check=False)
    cores = {}
    for line in res.stdout.splitlines() if res.returncode == 0 else []:
        name, _, n = line.partition(" ")
        if n.strip().isdigit():
            cores[name] = int(n)
    return cores


CORES = program_cores()


def compare(elf: Path, cores: int) -> None:
    expected = run_qemu(elf, cores=cores)
    res = run_iss(elf, "--cores", str(cores))
    stderr = res.stderr.decode(errors="replace")
    assert res.returncode == 0, f"python -m lacosim.iss {elf} failed:\n{first_failure_first(stderr)}"
    assert res.stdout == expected, f"{elf.stem}: UART output differs from QEMU at " \
                                   f"{first_difference(expected, res.stdout)}\nreproduce: make iss ELF={elf}"


def test_programs_are_built():
    assert PROGRAMS, f"no programs in {SW_BUILD}: 'make test' builds them first (make sw)"


@needs_qemu
@pytest.mark.parametrize("elf", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_iss_matches_qemu(elf):
    cores = CORES.get(elf.stem, 1)
    if elf.stem not in QEMU_DIFFERS:
        compare(elf, cores)
        return
    res = run_iss(elf, "--cores", str(cores))
    out = res.stdout.decode(errors="replace")
    assert res.returncode == 0, first_failure_first(res.stderr.decode(errors="replace"))
    if elf.stem == "bad_illegal":
        assert "ESTAT.Ecode 0d" in out, out  # INE entered the program's handler
    else:
        assert f"{elf.stem}: PASS" in out, f"{elf.stem} (QEMU differs: {QEMU_DIFFERS[elf.stem]}):\n{out[-3000:]}"


def test_illegal_instruction_without_a_handler_is_reported(tmp_path):
    """EENTRY = 0 (no handler installed): the model stops with IllegalInstruction instead of jumping to 0."""
    source, link = tmp_path / "ine.S", tmp_path / "link.ld"
    source.write_text(".section .text.start, \"ax\"\n.globl _start\n_start:\n    .word 0xffffffff\n")
    link.write_text(LINK_LD)
    elf = tmp_path / "ine.elf"
    subprocess.run([*CC, "-T", str(link), str(source), "-o", str(elf)], check=True, capture_output=True)
    res = run_iss(elf)
    stderr = res.stderr.decode(errors="replace")
    assert res.returncode == 1
    assert "IllegalInstruction" in stderr and "pc 0x200000" in stderr


def test_hang_is_reported_with_history():
    elf = SW_BUILD / "bad_hang.elf"
    if not elf.exists():
        pytest.skip("build/sw/bad_hang.elf not built (make sw)")
    res = run_iss(elf, "--max-insns", "20000")
    stderr = res.stderr.decode(errors="replace")
    assert res.returncode == 1
    assert "no power-off within 20000 instructions" in stderr
    assert stderr.count("  pc 0x") == 16


def test_missing_elf_is_a_usage_error(tmp_path):
    res = run_iss(tmp_path / "nope.elf")
    assert res.returncode == 2
    assert b"no such file" in res.stderr


# --- privileged programs kept here: (cores, body); each is PRELUDE + body, linked at 0x200000 --------------
LINK_LD = r"""OUTPUT_ARCH(loongarch)
ENTRY(_start)
SECTIONS
{
    . = 0x00200000;
    .text : { KEEP(*(.text.start)) *(.text .text.*) }
    .rodata : ALIGN(8) { *(.rodata .rodata.*) }
    .data : ALIGN(8) { *(.data .data.*) }
    .bss : ALIGN(4096) { *(.bss .bss.*) }
    /DISCARD/ : { *(.note .note.* .comment .eh_frame) }
}
"""

PRELUDE = r"""/* Shared prelude: per-core stack, main on core 0, secondary on the others, UART helpers, power-off. */
#define UART 0x1fe001e0
.macro SAY text
    la.pcrel $a0, .Lsay\@
    bl      puts
    .pushsection .rodata
.Lsay\@:  .asciz  "\text"
    .popsection
.endm
.macro HEX reg
    move    $a0, \reg
    bl      puthex
.endm
.macro SAVE_REGS
    addi.d  $sp, $sp, -64
    st.d    $ra, $sp, 0
    st.d    $a0, $sp, 8
    st.d    $t0, $sp, 16
    st.d    $t1, $sp, 24
    st.d    $t2, $sp, 32
    st.d    $t3, $sp, 40
    st.d    $t4, $sp, 48
.endm
.macro RESTORE_REGS
    ld.d    $ra, $sp, 0
    ld.d    $a0, $sp, 8
    ld.d    $t0, $sp, 16
    ld.d    $t1, $sp, 24
    ld.d    $t2, $sp, 32
    ld.d    $t3, $sp, 40
    ld.d    $t4, $sp, 48
    addi.d  $sp, $sp, 64
.endm

    .section .text.start, "ax"
    .globl _start
_start:
    csrrd   $t0, 0x20
    andi    $t0, $t0, 0x1ff
    la.pcrel $t1, stacks
    addi.d  $t2, $t0, 1
    slli.d  $t2, $t2, 13
    add.d   $sp, $t1, $t2
    bnez    $t0, 1f
    b       main
1:  la.pcrel $t0, secondary         /* weak: 0 when the program has no secondary */
    beqz    $t0, 2f
    jr      $t0
2:  b       2b

    .text
poweroff:
    li.w    $t0, 0x100e001c
    li.w    $t1, 0x34
    st.b    $t1, $t0, 0
1:  b       1b

    .weak secondary

puts:                       /* a0 = NUL-terminated string; clobbers t0, t1, a0 */
    li.w    $t0, UART
1:  ld.bu   $t1, $a0, 0
    beqz    $t1, 2f
    st.b    $t1, $t0, 0
    addi.d  $a0, $a0, 1
    b       1b
2:  jr      $ra

puthex:                     /* a0 = value: 16 hex digits and a space; clobbers t0-t3 */
    li.w    $t0, UART
    li.w    $t2, 60
1:  srl.d   $t1, $a0, $t2
    andi    $t1, $t1, 15
    sltui   $t3, $t1, 10
    addi.w  $t1, $t1, 48
    bnez    $t3, 2f
    addi.w  $t1, $t1, 39
2:  st.b    $t1, $t0, 0
    addi.w  $t2, $t2, -4
    bge     $t2, $zero, 1b
    li.w    $t1, 32
    st.b    $t1, $t0, 0
    jr      $ra

    .section .bss
    .balign 16
stacks: .space 8192 * 4
    .text
"""

EXC = r"""/* Exceptions and ertn: SYS, BRK, INE, IPE (from PLV3); ertn clears the LLbit; vectored entry (QEMU 7.2 has no
 * ADEF on a misaligned jump and no LLBCTL.KLO: unit tests cover those). */
main:
    la.pcrel $t0, handler
    csrwr   $t0, 0xc
    move    $s1, $zero
    syscall 0x12
    break   5
    .word   0xffffffff
    /* IPE: ertn to PLV3, csrrd there; the handler resumes at s1 in PLV0 */
    la.pcrel $s1, after_ipe
    li.w    $t0, 3
    csrwr   $t0, 0x1
    la.pcrel $t0, user
    csrwr   $t0, 0x6
    ertn
user:
    csrrd   $t1, 0x5
after_ipe:
    SAY     "plv after ipe "
    csrrd   $t0, 0x0
    andi    $t0, $t0, 7
    HEX     $t0
    SAY     "\n"
    move    $s1, $zero
    /* ertn clears the LLbit unless KLO */
    la.pcrel $s3, cell
    ll.w    $t0, $s3, 0
    syscall 1
    sc.w    $s4, $s3, 0
    SAY     "sc after ertn "
    HEX     $s4
    SAY     "\n"
    /* vectored entry: VS = 3, 32 bytes per slot */
    la.pcrel $t0, vectors
    csrwr   $t0, 0xc
    li.w    $t0, 3 << 16
    csrwr   $t0, 0x4
    syscall 3
    .word   0xffffffff
    b       poweroff

    .balign 4096
handler:
    SAVE_REGS
    SAY     "exc ecode "
    csrrd   $t4, 0x5
    srli.d  $a0, $t4, 16
    andi    $a0, $a0, 0x3f
    bl      puthex
    SAY     "esub "
    srli.d  $a0, $t4, 22
    andi    $a0, $a0, 0x1ff
    bl      puthex
    SAY     "era "
    csrrd   $a0, 0x6
    bl      puthex
    SAY     "prmd "
    csrrd   $a0, 0x1
    andi    $a0, $a0, 7
    bl      puthex
    SAY     "crmd "
    csrrd   $a0, 0x0
    andi    $a0, $a0, 7
    bl      puthex
    srli.d  $t4, $t4, 16
    andi    $t4, $t4, 0x3f
    li.w    $t0, 8
    bne     $t4, $t0, 1f
    SAY     "badv "
    csrrd   $a0, 0x7
    bl      puthex
    b       2f
1:  SAY     "badi "
    csrrd   $a0, 0x8
    bstrpick.d $a0, $a0, 31, 0
    bl      puthex
2:  SAY     "\n"
    beqz    $s1, 3f
    csrwr   $s1, 0x6
    csrwr   $zero, 0x1
    b       4f
3:  csrrd   $t0, 0x6
    addi.d  $t0, $t0, 4
    csrwr   $t0, 0x6
4:  RESTORE_REGS
    ertn

vec_common:
    SAVE_REGS
    SAY     "vector slot "
    HEX     $s2
    RESTORE_REGS
    b       handler

    .balign 4096
vectors:
    .set    slot, 0
    .rept   80
    .balign 32
    li.w    $s2, slot
    b       vec_common
    .set    slot, slot + 1
    .endr

    .data
    .balign 64
cell: .dword 0
"""

IRQ = r"""/* Interrupts (QEMU 7.2 does not deliver SWI0/1): vectored interrupt entry, periodic and one-shot timer
 * counts, TCFG writes keep a pending TI, TICLR clears it. */
main:
    la.pcrel $t0, handler
    csrwr   $t0, 0xc
    /* vectored (VS = 1, 8 bytes per slot): one one-shot timer interrupt enters slot 64 + 11 */
    la.pcrel $t0, vectors
    csrwr   $t0, 0xc
    li.w    $t0, (1 << 16) | (1 << 11)
    csrwr   $t0, 0x4
    move    $s6, $zero
    li.w    $t0, 0x400 | 1
    csrwr   $t0, 0x41
    li.w    $t0, 4
    csrxchg $t0, $t0, 0x0
1:  beqz    $s6, 1b
    li.w    $t0, 0
    li.w    $t1, 4
    csrxchg $t0, $t1, 0x0
    SAY     "\n"
    la.pcrel $t0, handler
    csrwr   $t0, 0xc
    /* periodic timer: count 5 interrupts, idling in between */
    move    $s6, $zero
    li.w    $t0, 1 << 11
    csrwr   $t0, 0x4                /* LIE = TI */
    li.w    $t0, 0x1000 | 3
    csrwr   $t0, 0x41
    li.w    $t0, 4
    csrxchg $t0, $t0, 0x0
1:  idle    0
    li.w    $t0, 5
    blt     $s6, $t0, 1b
    li.w    $t0, 0
    li.w    $t1, 4
    csrxchg $t0, $t1, 0x0
    SAY     "periodic count "
    HEX     $s6
    SAY     "\n"
    /* one-shot: one interrupt, then nothing more */
    move    $s6, $zero
    li.w    $t0, 0x800 | 1
    csrwr   $t0, 0x41
    li.w    $t0, 4
    csrxchg $t0, $t0, 0x0
    idle    0
    li.w    $t1, 200000
2:  addi.w  $t1, $t1, -1
    bnez    $t1, 2b
    li.w    $t0, 0
    li.w    $t1, 4
    csrxchg $t0, $t1, 0x0
    SAY     "one-shot count "
    HEX     $s6
    SAY     "\n"
    /* TI stays pending across a TCFG write; TICLR clears it (IE = 0, LIE = 0) */
    csrwr   $zero, 0x4
    li.w    $t0, 0x100 | 1
    csrwr   $t0, 0x41
3:  csrrd   $t0, 0x5
    srli.d  $t0, $t0, 11
    andi    $t0, $t0, 1
    beqz    $t0, 3b
    li.w    $t0, 0x100000 | 1
    csrwr   $t0, 0x41
    csrrd   $s4, 0x5
    srli.d  $s4, $s4, 11
    andi    $s4, $s4, 1
    SAY     "ti after tcfg write "
    HEX     $s4
    li.w    $t0, 1
    csrwr   $t0, 0x44
    csrrd   $s4, 0x5
    srli.d  $s4, $s4, 11
    andi    $s4, $s4, 1
    SAY     "ti after ticlr "
    HEX     $s4
    csrrd   $s4, 0x44
    SAY     "ticlr reads "
    HEX     $s4
    SAY     "\n"
    csrwr   $zero, 0x41
    b       poweroff

    .balign 4096
handler:
    SAVE_REGS
    csrrd   $t4, 0x5
    csrrd   $t0, 0x4
    and     $t4, $t4, $t0
    bstrpick.d $t4, $t4, 12, 0  /* pending & enabled */
    srli.d  $t0, $t4, 11
    andi    $t0, $t0, 1
    beqz    $t0, 1f
    addi.w  $s6, $s6, 1
    li.w    $t0, 5
    bne     $s6, $t0, 3f
    csrwr   $zero, 0x41             /* the 5th tick stops the timer here, not in main: no 6th on a slow host */
3:  li.w    $t0, 1
    csrwr   $t0, 0x44               /* TICLR, after the stop: a tick that rose meanwhile is cleared too */
    b       9f
1:  SAY     "swi is&lie "
    HEX     $t4
    SAY     "ecode "
    csrrd   $a0, 0x5
    srli.d  $a0, $a0, 16
    andi    $a0, $a0, 0x3f
    bl      puthex
    SAY     "\n"
    andi    $t0, $t4, 2
    beqz    $t0, 2f
    li.w    $t0, 0
    li.w    $t1, 2
    csrxchg $t0, $t1, 0x5           /* clear SWI1 */
    b       9f
2:  li.w    $t0, 0
    li.w    $t1, 1
    csrxchg $t0, $t1, 0x5           /* clear SWI0 */
9:  RESTORE_REGS
    ertn

vec_common:
    SAVE_REGS
    SAY     "vector slot "
    HEX     $s2
    RESTORE_REGS
    b       handler

    .balign 4096
vectors:
    .set    slot, 0
    .rept   80
    .balign 8
    li.w    $s2, slot
    b       vec_common
    .set    slot, slot + 1
    .endr
"""

IPI = r"""/* Two cores: mailboxes (MAIL_SEND with a byte mask), IPI_SEND, idle woken by an IPI with IE = 0 and with
 * IE = 1 (ERA = idle + 4), IPI STATUS/CLEAR, chip words (not VERSION: QEMU 7.2 reads 0). Core 1 waits;
 * core 0 drives and prints. */
#define IPI_STATUS 0x1000
#define IPI_EN     0x1004
#define IPI_SET    0x1008
#define IPI_CLEAR  0x100c
#define MBUF0      0x1020
#define MBUF1      0x1028
#define IPI_SEND   0x1040
#define MAIL_SEND  0x1048

main:
    la.pcrel $s0, shared
1:  ld.w    $t0, $s0, 0             /* core 1 ready */
    beqz    $t0, 1b
    /* mailbox 0 of core 1: low word, then the high word keeping byte 0 */
    li.d    $t0, (0x89abcdef << 32) | (1 << 16) | (0 << 2)
    li.w    $t1, MAIL_SEND
    iocsrwr.d $t0, $t1
    li.d    $t0, (0x01234567 << 32) | (1 << 27) | (1 << 16) | (1 << 2)
    iocsrwr.d $t0, $t1
    li.d    $t0, (0x55aa55aa << 32) | (1 << 16) | (3 << 2)   /* mailbox 1, high word */
    iocsrwr.d $t0, $t1
    li.w    $t0, (1 << 16) | 3
    li.w    $t1, IPI_SEND
    iocsrwr.w $t0, $t1
2:  ld.w    $t0, $s0, 4             /* core 1 done with phase 1 */
    beqz    $t0, 2b
    SAY     "core1 woke from idle (IE=0): status "
    ld.d    $s4, $s0, 8
    HEX     $s4
    SAY     "mbuf0 "
    ld.d    $s4, $s0, 16
    HEX     $s4
    SAY     "mbuf1 "
    ld.d    $s4, $s0, 24
    HEX     $s4
    SAY     "status after clear "
    ld.d    $s4, $s0, 32
    HEX     $s4
    SAY     "\n"
    /* phase 2: core 1 idles with IE = 1 */
3:  ld.w    $t0, $s0, 40
    beqz    $t0, 3b
    li.w    $t1, 2000000            /* ms of margin: QEMU runs SMP on wall-clock time (lacosim/qemu.py) */
4:  addi.w  $t1, $t1, -1
    bnez    $t1, 4b
    li.w    $t0, (1 << 16) | 5
    li.w    $t1, IPI_SEND
    iocsrwr.w $t0, $t1
5:  ld.w    $t0, $s0, 44
    beqz    $t0, 5b
    SAY     "core1 interrupt: era - idle "
    ld.d    $s4, $s0, 48
    HEX     $s4
    SAY     "status "
    ld.d    $s4, $s0, 56
    HEX     $s4
    SAY     "ecode "
    ld.d    $s4, $s0, 64
    HEX     $s4
    SAY     "\n"
    /* own block: SET / CLEAR / EN read back */
    li.w    $t1, IPI_SET
    li.w    $t0, 0x5
    iocsrwr.w $t0, $t1
    li.w    $t1, IPI_STATUS
    iocsrrd.w $s4, $t1
    SAY     "own status after set "
    HEX     $s4
    li.w    $t1, IPI_CLEAR
    li.w    $t0, 0x5
    iocsrwr.w $t0, $t1
    li.w    $t1, IPI_STATUS
    iocsrrd.w $s4, $t1
    SAY     "after clear "
    HEX     $s4
    li.w    $t1, IPI_EN
    li.w    $t0, 0x30
    iocsrwr.w $t0, $t1
    iocsrrd.w $s4, $t1
    SAY     "en "
    HEX     $s4
    SAY     "\n"
    li.w    $t1, 0x10
    iocsrrd.d $s4, $t1
    SAY     "vendor "
    HEX     $s4
    li.w    $t1, 0x20
    iocsrrd.d $s4, $t1
    SAY     "cpuname "
    HEX     $s4
    SAY     "\n"
    b       poweroff

secondary:
    la.pcrel $s0, shared
    la.pcrel $t0, handler1
    csrwr   $t0, 0xc
    li.w    $t1, IPI_EN
    li.w    $t0, -1
    iocsrwr.w $t0, $t1
    li.w    $t0, 1 << 12
    csrwr   $t0, 0x4                /* LIE = IPI, IE stays 0 */
    li.w    $t0, 1
    st.w    $t0, $s0, 0
    idle    0
    li.w    $t1, IPI_STATUS
    iocsrrd.w $t0, $t1
    st.d    $t0, $s0, 8
    li.w    $t1, IPI_CLEAR
    iocsrwr.w $t0, $t1
    li.w    $t1, MBUF0
    iocsrrd.d $t0, $t1
    st.d    $t0, $s0, 16
    li.w    $t1, MBUF1
    iocsrrd.d $t0, $t1
    st.d    $t0, $s0, 24
    li.w    $t1, IPI_STATUS
    iocsrrd.w $t0, $t1
    st.d    $t0, $s0, 32
    dbar    0
    li.w    $t0, 1
    st.w    $t0, $s0, 4
    /* phase 2 */
    li.w    $t0, 4
    csrxchg $t0, $t0, 0x0           /* IE = 1 */
    li.w    $t0, 1
    st.w    $t0, $s0, 40
idle2:
    idle    0
1:  b       1b

    .balign 4096
handler1:
    csrrd   $t0, 0x6
    la.pcrel $t1, idle2
    sub.d   $t0, $t0, $t1
    st.d    $t0, $s0, 48
    li.w    $t1, IPI_STATUS
    iocsrrd.w $t0, $t1
    st.d    $t0, $s0, 56
    li.w    $t1, IPI_CLEAR
    iocsrwr.w $t0, $t1
    csrrd   $t0, 0x5
    srli.d  $t0, $t0, 16
    andi    $t0, $t0, 0x3f
    st.d    $t0, $s0, 64
    dbar    0
    li.w    $t0, 1
    st.w    $t0, $s0, 44
    li.w    $t0, 0
    csrwr   $t0, 0x1                /* return with IE = 0 */
    ertn

    .data
    .balign 64
shared: .space 128
"""


PRIV_PROGRAMS = {"exc": (1, EXC), "irq": (1, IRQ), "ipi": (2, IPI)}


@pytest.fixture(scope="module")
def priv_elfs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("priv")
    (out / "prelude.S").write_text(PRELUDE)
    (out / "link.ld").write_text(LINK_LD)
    elfs = {}
    for name, (_, body) in PRIV_PROGRAMS.items():
        (out / f"{name}.S").write_text('#include "prelude.S"\n' + body)
        elf = out / f"{name}.elf"
        res = subprocess.run([*CC, "-T", str(out / "link.ld"), str(out / f"{name}.S"), "-o", str(elf)],
                             capture_output=True, text=True, check=False)
        assert res.returncode == 0, res.stderr
        elfs[name] = elf
    return elfs


@needs_qemu
@pytest.mark.parametrize("name", sorted(PRIV_PROGRAMS))
def test_privileged_program_matches_qemu(priv_elfs, name):
    compare(priv_elfs[name], PRIV_PROGRAMS[name][0])
