"""The external oracle: run a bare-metal ELF on `qemu-system-loongarch64 -M virt` and capture its UART."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

QEMU = "qemu-system-loongarch64"


class QemuError(Exception):
    pass


def qemu_available() -> bool:
    return shutil.which(QEMU) is not None


def run_qemu(elf: str | Path, timeout_s: float = 60.0, cores: int = 1) -> bytes:
    """UART0 output of the program, up to its power-off. Raises QemuError if it never powers off."""
    if not qemu_available():
        raise QemuError(f"{QEMU} not found: run 'make setup' (installs Debian's qemu-system-misc)")
    # One core: -icount makes QEMU's timer count executed instructions (1 ns each) instead of host
    # wall-clock time, so a timer-driven program prints the same however loaded the machine is (issue 13:
    # a busy host once let 6 periodic ticks through where the program counted 5). Several cores: QEMU
    # 7.2 under -icount never wakes an idle vCPU by IPI (ipi_ecfg, host_idle_wake hang), so SMP programs
    # run on wall-clock time and leave margins of milliseconds wherever two cores race (design.md 11).
    cmd = [QEMU, "-M", "virt", "-m", "2G", "-smp", str(cores), "-kernel", str(elf), "-display", "none",
           "-monitor", "none", "-serial", "stdio", "-no-reboot"]
    if cores == 1:
        cmd += ["-icount", "shift=0,sleep=off"]
    try:
        res = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as e:
        raise QemuError(f"QEMU did not power off within {timeout_s}s running {elf}; output so far: "
                        f"{(e.stdout or b'')[-500:]!r}") from None
    if res.returncode != 0:
        raise QemuError(f"QEMU exited {res.returncode} on {elf}: {res.stderr.decode(errors='replace')}")
    return res.stdout
