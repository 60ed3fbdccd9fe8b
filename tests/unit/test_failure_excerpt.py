"""What a failing simulation test prints: the first failure report whole, then the end of the output."""

from __future__ import annotations

from sim.conftest import SimResult, first_failure_first


def _run(lines: list[str]) -> SimResult:
    return SimResult(1, "\n".join(lines), None)


def test_the_first_failure_survives_a_long_tail():
    out = ["noise"] * 100 + ["FAIL [lockstep] rd differs (cycle 1234, core 0)", "  detail"] + ["x" * 80] * 500
    text = first_failure_first("\n".join(out))
    assert text.index("FAIL [lockstep] rd differs") < 300
    assert text.endswith("x" * 80)                    # and the end of the run is still there
    assert "characters ...]" in text


def test_without_a_failure_the_tail_is_shown():
    assert first_failure_first("a\n" * 10 + "end").endswith("end")


def test_only_failure_accepts_one_check_and_rejects_a_second():
    _run(["FAIL [timer] TI late", "FAIL [timer] again", "FAIL [program] no PASS"]).assert_only_failure("timer")
    for lines in (["FAIL [timer] TI late", "FAIL [lockstep] x"], ["PASSED"], ["FAIL [program] x", "FAIL [timer] y"]):
        try:
            _run(lines).assert_only_failure("timer")
        except AssertionError:
            continue
        raise AssertionError(f"{lines} accepted")
