"""The numpy record dtype and the C struct of the DPI ring must agree field by field."""

from __future__ import annotations

import subprocess

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
