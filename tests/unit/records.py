"""Hand-made trace records for the checker unit tests: a record as a dict of fields, a batch as the trace's
numpy layout (trace.RECORD_DTYPE), the fields not given zero."""

from __future__ import annotations

import numpy as np
from lacosim import trace


def rec(cycle: int, pc: int = 0, insn: int = 0, mode: int = 0, kind: int = trace.KIND_RETIRE, core: int = 0,
        **kw: int) -> dict:
    return {"cycle": cycle, "pc": pc, "insn": insn, "mode": mode, "kind": kind, "core": core, **kw}


def batch(*records: dict) -> np.ndarray:
    out = np.zeros(len(records), dtype=trace.RECORD_DTYPE)
    for i, r in enumerate(records):
        for k, v in r.items():
            out[i][k] = v
    return out
