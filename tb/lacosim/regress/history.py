"""The regression history: one SQLite file (build/regress/history.sqlite unless REGRESS_HISTORY= says
otherwise) with a row per finished run of every regression: when, which commit (and whether the tree was
dirty), which test and seed, the result and the runtime. The report plots pass rate and runtime per test
over time from it; anyone can query it (`sqlite3 build/regress/history.sqlite 'select ...'`)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from lacosim.regress.outcome import Outcome

SCHEMA = """
create table if not exists runs (
    regression text not null,   -- ISO 8601 UTC start of the regression: identifies one invocation
    git_commit text not null,
    dirty integer not null,     -- 1: the work tree had uncommitted changes
    job text not null,
    test text not null,
    seed integer,
    status text not null,       -- passed, failed, error
    passed integer not null,
    seconds real not null
);
create index if not exists runs_by_test on runs (test, regression);
"""


@dataclass(frozen=True)
class Point:
    regression: str
    runs: int
    passed: int
    mean_seconds: float

    @property
    def pass_rate(self) -> float:
        return self.passed / self.runs if self.runs else 0.0


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    return db


def record(path: Path, regression: str, commit: str, dirty: bool, outcomes: list[Outcome]) -> int:
    """Adds this regression's finished runs; returns how many."""
    rows = [(regression, commit, int(dirty), o.job.name, o.job.test, o.seed, str(o.status), int(o.passed),
             o.seconds) for o in outcomes if o.finished]
    with _connect(path) as db:
        db.executemany("insert into runs values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()
    return len(rows)


def per_test(path: Path) -> dict[str, list[Point]]:
    """For each test, one point per regression (oldest first): runs, passes, mean runtime."""
    if not path.exists():
        return {}
    with _connect(path) as db:
        rows = db.execute("select test, regression, count(*), sum(passed), avg(seconds) from runs "
                          "group by test, regression order by regression").fetchall()
    db.close()
    series: dict[str, list[Point]] = defaultdict(list)
    for test, regression, runs, passed, seconds in rows:
        series[test].append(Point(regression, runs, passed, seconds))
    return dict(series)


def regressions(path: Path) -> list[tuple[str, str, int, int]]:
    """(regression, commit, runs, passed) per regression, oldest first."""
    if not path.exists():
        return []
    with _connect(path) as db:
        rows = db.execute("select regression, min(git_commit), count(*), sum(passed) from runs "
                          "group by regression order by regression").fetchall()
    db.close()
    return [(r, c, n, p) for r, c, n, p in rows]
