"""The `make sim` knobs (TEST=, SEED=, WAVES=, ...) as the user typed them, checked in one place.

The Makefile passes every knob the user set as `NAME=value` (also when the value is empty or wrong), so a
bad value is reported with the knob's own name and the fix instead of being dropped on the floor
(`WAVES=yes` used to be ignored, `SEED=abc` was reported as an argparse `--seed` error, `MAX_CYCLES=-1`
switched the watchdog off). What needs the test class (its minimum core count) is checked by the runner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from lacosim.runner import SimRequest, UsageError

BOOLEAN = ("0", "1")


def _integer(knob: str, text: str, minimum: int, hint: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise UsageError(f"{knob}={text}: not an integer ({hint})") from None
    if value < minimum:
        raise UsageError(f"{knob}={text}: must be at least {minimum} ({hint})")
    return value


def _boolean(knob: str, text: str) -> bool:
    if text not in BOOLEAN:
        raise UsageError(f"{knob}={text}: must be 0 or 1 (e.g. {knob}=1)")
    return text == "1"


LOCKSTEP_MODES = ("inproc", "beside")


def _lockstep(req: SimRequest, knob: str, text: str) -> SimRequest:
    """LOCKSTEP=0 (off), 1 (on: beside the simulator where the machine has 2+ cores), inproc or beside."""
    if text in LOCKSTEP_MODES:
        return replace(req, lockstep=True, lockstep_mode=text)
    if text not in BOOLEAN:
        raise UsageError(f"{knob}={text}: must be 0, 1, inproc or beside (e.g. {knob}=inproc: the reference "
                         f"model in the simulator process)")
    return replace(req, lockstep=text == "1", lockstep_mode="")


# knob -> how its text becomes a SimRequest field
KNOBS: dict[str, Callable[[SimRequest, str, str], SimRequest]] = {
    "TEST": lambda r, k, v: replace(r, test=v),
    "ELF": lambda r, k, v: replace(r, elf=v),
    "SEED": lambda r, k, v: replace(r, seed=_integer(k, v, 0, "e.g. SEED=1")),
    "CORES": lambda r, k, v: replace(r, cores=_integer(k, v, 1, "the SoC has 1 to 4 cores, e.g. CORES=2")),
    "WAVES": lambda r, k, v: replace(r, waves=_boolean(k, v)),
    "WAVE_FROM": lambda r, k, v: replace(r, wave_from=_integer(k, v, 0, "a cycle number, e.g. WAVE_FROM=1000")),
    "WAVE_TO": lambda r, k, v: replace(r, wave_to=_integer(k, v, 0, "a cycle number, e.g. WAVE_TO=3000")),
    "TRACE": lambda r, k, v: replace(r, trace=_boolean(k, v)),
    "MAX_CYCLES": lambda r, k, v: replace(r, max_cycles=_integer(k, v, 1, "the watchdog in cycles, e.g. "
                                                                     "MAX_CYCLES=5000000")),
    "LOCKSTEP": lambda r, k, v: _lockstep(r, k, v),
    "BUG": lambda r, k, v: replace(r, bug=v),
    "SW_BUG": lambda r, k, v: replace(r, sw_bug=_boolean(k, v)),
    "STRICT": lambda r, k, v: replace(r, strict=_boolean(k, v)),
    "AUTO_WAVES": lambda r, k, v: replace(r, auto_waves=_boolean(k, v)),
    "MUTANT": lambda r, k, v: replace(r, mutant=v),
}


def parse_knobs(items: Iterable[str], req: SimRequest | None = None) -> SimRequest:
    """`NAME=value` strings (as the Makefile passes them) on top of `req`; UsageError names the bad knob."""
    req = req if req is not None else SimRequest()
    for item in items:
        knob, sep, value = item.partition("=")
        if not sep or knob not in KNOBS:
            raise UsageError(f"{item}: not a make sim knob; knobs: {', '.join(KNOBS)}")
        req = KNOBS[knob](req, knob, value)
    return check_request(req)


def check_request(req: SimRequest) -> SimRequest:
    """Consistency between knobs (whichever way they were given)."""
    from lacosim.build import PLANTED_BUGS  # noqa: PLC0415

    if req.bug and req.bug not in PLANTED_BUGS:
        raise UsageError(f"BUG={req.bug}: no such planted bug; planted bugs: {', '.join(PLANTED_BUGS)}")
    if req.mutant:
        from lacosim.mutate.catalogue import MutationError, by_id  # noqa: PLC0415
        try:
            by_id(req.mutant)
        except MutationError as e:
            raise UsageError(f"{e}; make mutate lists them") from None
    if req.max_cycles is not None and req.max_cycles < 1:
        raise UsageError(f"MAX_CYCLES={req.max_cycles}: must be at least 1 (the watchdog cannot be switched "
                         "off; give a large value instead)")
    for knob, value in (("SEED", req.seed), ("WAVE_FROM", req.wave_from), ("WAVE_TO", req.wave_to)):
        if value is not None and value < 0:
            raise UsageError(f"{knob}={value}: must not be negative")
    if (req.wave_from is not None or req.wave_to is not None) and not req.waves:
        given = " ".join(f"{k}={v}" for k, v in (("WAVE_FROM", req.wave_from), ("WAVE_TO", req.wave_to))
                         if v is not None)
        raise UsageError(f"{given} selects a wave window but waves are off: add WAVES=1")
    if req.wave_from is not None and req.wave_to is not None and req.wave_from > req.wave_to:
        raise UsageError(f"WAVE_FROM={req.wave_from} is after WAVE_TO={req.wave_to}: the window would be "
                         "empty; swap them")
    return req


__all__ = ["KNOBS", "check_request", "parse_knobs"]
