"""Functional coverage: hits, the missing-bins report, and merging runs."""

from __future__ import annotations

from lacosim.env.coverage import Coverage, merge_files


def test_merge_adds_counts_and_report_lists_missing_bins(tmp_path):
    a, b = Coverage(), Coverage()
    a.hit("timer", "tcfg one-shot")
    b.hit("timer", "tcfg one-shot", 2)
    b.hit("ipi", "send")
    (tmp_path / "a.json").write_text(a.to_json())
    (tmp_path / "b.json").write_text(b.to_json())
    merged = merge_files([tmp_path / "a.json", tmp_path / "b.json"])
    assert merged.groups["timer"]["tcfg one-shot"] == 3
    report = merged.report()
    assert "tcfg one-shot=3" in report
    assert "missing:" in report and "tcfg periodic" in report
