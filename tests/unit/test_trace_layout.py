"""The numpy record dtype and the C struct of the DPI ring must agree field by field."""

from __future__ import annotations

import subprocess

import numpy as np
from lacosim import trace
from lacosim.build import REPO


def test_numpy_dtype_matches_c_struct(tmp_path):
    fields = list(trace.RECORD_DTYPE.names)
    src = tmp_path / "layout.cc"
    prints = "\n".join(
        f'  std::printf("{f} %zu %zu\\n", offsetof(lacosim_rec_t, {f}), sizeof(((lacosim_rec_t*)0)->{f}));'
        for f in fields)
    src.write_text(f'#include <cstdio>\n#include <cstddef>\n#include "lacosim_ring.h"\nint main() {{\n'
                   f'  std::printf("size %zu 0\\n", sizeof(lacosim_rec_t));\n{prints}\n}}\n')
    exe = tmp_path / "layout"
    subprocess.run(["g++", "-I", str(REPO / "tb" / "dpi"), str(src), "-o", str(exe)], check=True)
    out = dict((ln.split()[0], (int(ln.split()[1]), int(ln.split()[2])))
               for ln in subprocess.run([str(exe)], capture_output=True, text=True, check=True)
               .stdout.splitlines())
    assert out["size"][0] == trace.RECORD_DTYPE.itemsize
    for f in fields:
        off = trace.RECORD_DTYPE.fields[f][1]
        size = trace.RECORD_DTYPE.fields[f][0].itemsize
        assert out[f] == (off, size), f"field {f}: C {out[f]} vs numpy {(off, size)}"


def test_ring_kinds_match_c_enum():
    header = (REPO / "tb" / "dpi" / "lacosim_ring.h").read_text()
    assert "LACOSIM_KIND_RETIRE = 0" in header and trace.KIND_RETIRE == 0
    assert f"LACOSIM_KIND_UART_TX = {trace.KIND_UART_TX}" in header
    assert f"LACOSIM_KIND_POWEROFF = {trace.KIND_POWEROFF}" in header
    assert f"LACOSIM_KIND_TIMEOUT = {trace.KIND_TIMEOUT}" in header


def test_last_gpr_writes_is_the_last_write_per_core_and_register_in_trace_order():
    import numpy as np  # noqa: PLC0415
    rng = np.random.default_rng(7)
    batch = np.zeros(5000, dtype=trace.RECORD_DTYPE)
    batch["core"] = rng.integers(0, 4, len(batch))
    batch["rd"] = rng.integers(0, 32, len(batch))
    batch["rd2"] = rng.integers(0, 32, len(batch))
    written = np.flatnonzero(rng.random(len(batch)) < 0.6)
    for reg in ("rd", "rd2"):
        last: dict[tuple[int, int], int] = {}
        for i in written.tolist():  # the obvious fold: later writes replace earlier ones
            last[int(batch["core"][i]), int(batch[reg][i])] = i
        assert trace.last_gpr_writes(batch, written, reg).tolist() == sorted(last.values())
    assert trace.last_gpr_writes(batch, written[:0]).tolist() == []


def test_published_batches_share_read_only_columns() -> None:
    """trace.col: one contiguous copy per field of a published batch, shared and read-only; any other array
    gets a fresh copy that follows its current contents."""
    batch = np.zeros(8, dtype=trace.RECORD_DTYPE)
    batch["kind"][3] = trace.KIND_IRQ
    mine = trace.col(batch, "kind")
    assert mine.flags.c_contiguous and mine.flags.writeable and trace.col(batch, "kind") is not mine
    batch.flags.writeable = False
    trace.share_columns(batch)
    shared = trace.col(batch, "kind")
    assert trace.col(batch, "kind") is shared and not shared.flags.writeable
    assert trace.retired(batch).tolist() == [True] * 3 + [False] + [True] * 4
    assert trace.retired(batch) is trace.retired(batch)
    other = batch.copy()
    other["kind"][3] = trace.KIND_RETIRE
    assert trace.retired(other).all()            # not published: its own contents
    trace.share_columns(other)
    assert trace.col(batch, "kind") is not shared   # no longer published: a fresh copy
