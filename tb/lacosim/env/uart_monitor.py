"""UART monitor: echoes what the software prints to stdout as it arrives and records it per core."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from pyuvm import ConfigDB, uvm_subscriber

from lacosim import trace
from lacosim.env.config import RunConfig


class UartMonitor(uvm_subscriber):
    def build_phase(self) -> None:
        self.text = bytearray()                       # everything, in order
        self.per_core: dict[int, bytearray] = {}
        self.cfg: RunConfig = ConfigDB().get(self, "", "run_config")
        self.echo = self.cfg.echo_uart

    def final_phase(self) -> None:
        # The exact bytes, for comparison against the QEMU oracle (tests/sim).
        (Path(self.cfg.run_dir) / "uart.bin").write_bytes(bytes(self.text))

    def write(self, events: np.ndarray) -> None:
        tx = events[events["kind"] == trace.KIND_UART_TX]
        if len(tx) == 0:
            return
        data = tx["rd_wdata"].astype(np.uint8).tobytes()
        self.text += data
        for core in np.flatnonzero(np.bincount(tx["core"])):  # the cores that printed, ascending
            self.per_core.setdefault(int(core), bytearray()).extend(
                tx["rd_wdata"][tx["core"] == core].astype(np.uint8).tobytes())
        if self.echo:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
