"""The report's plots, as inline SVG (matplotlib, Agg backend). Every plot is drawn from what the runs
recorded, never from made-up data: a plot whose data is missing is None, and the report says why.

Scoreboard distributions (interrupt/IPI latency, timer error, ...) are plotted from an optional
`"distributions"` object in a run's stats.json: `{"<name>": [numbers, ...], ...}`, e.g.
`{"ipi_latency_cycles": [12, 14], "timer_error_cycles": [0, 1]}`. The scoreboards do not write it yet; when
they do, the histograms appear with no change here (DISTRIBUTIONS_KEY is the hook)."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import datetime
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from lacosim.regress.history import Point  # noqa: E402
from lacosim.regress.outcome import Outcome, Status  # noqa: E402

DISTRIBUTIONS_KEY = "distributions"
COLOURS = {Status.PASSED: "tab:green", Status.FAILED: "tab:red", Status.ERROR: "tab:purple"}
MAX_LEGEND = 20


def to_svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _by_test(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.finished:
            groups[o.job.test].append(o)
    return dict(sorted(groups.items()))


def _strip_plot(groups: dict[str, list[tuple[float, Status]]], xlabel: str, title: str) -> str:
    """One row per test: a bar at the mean, a dot per run coloured by its result."""
    names = list(groups)
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.28 * len(names)))
    for row, name in enumerate(names):
        values = [v for v, _ in groups[name]]
        ax.barh(row, sum(values) / len(values), color="lightsteelblue", height=0.6)
        for value, status in groups[name]:
            ax.plot(value, row, "o", color=COLOURS.get(status, "black"), markersize=4)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return to_svg(fig)


def runtime_per_test(outcomes: list[Outcome]) -> str | None:
    groups = {t: [(o.seconds, o.status) for o in os] for t, os in _by_test(outcomes).items()}
    if not groups:
        return None
    return _strip_plot(groups, "wall-clock seconds per run (bar: mean; dot: a run; red: failed, purple: no result)",
                       "Runtime per test")


def _stat(o: Outcome, key: str) -> float | None:
    value = (o.stats or {}).get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def cycles_per_test(outcomes: list[Outcome]) -> str | None:
    """Simulated cycles per run, from each run's stats.json."""
    groups = {t: [(c, o.status) for o in os if (c := _stat(o, "cycles")) is not None]
              for t, os in _by_test(outcomes).items()}
    groups = {t: v for t, v in groups.items() if v}
    if not groups:
        return None
    return _strip_plot(groups, "simulated cycles per run (stats.json)", "Simulated cycles per test")


def speed_per_test(outcomes: list[Outcome]) -> str | None:
    """Simulation speed: simulated cycles per second of simulation (stats.json: cycles / seconds)."""
    groups: dict[str, list[tuple[float, Status]]] = {}
    for t, os in _by_test(outcomes).items():
        points = [(c / s / 1000, o.status) for o in os
                  if (c := _stat(o, "cycles")) is not None and (s := _stat(o, "seconds"))]
        if points:
            groups[t] = points
    if not groups:
        return None
    return _strip_plot(groups, "thousand simulated cycles per second (stats.json)", "Simulation speed per test")


def distributions(outcomes: list[Outcome]) -> dict[str, str]:
    """A histogram per distribution the scoreboards recorded (stats.json "distributions"), merged over runs."""
    merged: dict[str, list[float]] = defaultdict(list)
    for o in outcomes:
        dists = (o.stats or {}).get(DISTRIBUTIONS_KEY)
        if not isinstance(dists, dict):
            continue
        for name, values in dists.items():
            if isinstance(values, list):
                merged[name] += [float(v) for v in values if isinstance(v, int | float)]
    svgs = {}
    for name, values in sorted(merged.items()):
        if not values:
            continue
        fig, ax = plt.subplots(figsize=(6, 2.8))
        ax.hist(values, bins=min(40, max(5, len(set(values)))), color="tab:blue")
        ax.set_title(f"{name} ({len(values)} samples, min {min(values):g}, max {max(values):g})", fontsize=10)
        ax.set_ylabel("count")
        svgs[name] = to_svg(fig)
    return svgs


def _when(regression: str) -> datetime:
    return datetime.fromisoformat(regression)


def _history_plot(series: dict[str, list[Point]], value: Any, ylabel: str, title: str) -> str | None:
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for name, points in sorted(series.items()):
        ax.plot([_when(p.regression) for p in points], [value(p) for p in points], "o-", markersize=3,
                linewidth=1, label=name)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    if len(series) <= MAX_LEGEND:
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return to_svg(fig)


def history_pass_rate(series: dict[str, list[Point]]) -> str | None:
    return _history_plot(series, lambda p: 100 * p.pass_rate, "pass rate (%)", "Pass rate per test over time")


def history_runtime(series: dict[str, list[Point]]) -> str | None:
    return _history_plot(series, lambda p: p.mean_seconds, "mean seconds per run", "Runtime per test over time")
