"""Where a regression ran: when, on which git commit, and whether the work tree was dirty (a report of a
dirty tree does not describe the commit it names)."""

from __future__ import annotations

import socket
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Provenance:
    started: datetime        # UTC
    commit: str              # full hash, or "unknown" outside a git work tree
    subject: str             # the commit's first line
    dirty: bool              # tracked files differ from the commit
    host: str

    @property
    def regression_id(self) -> str:
        return self.started.isoformat(timespec="seconds")

    @property
    def short(self) -> str:
        return self.commit[:12] + ("-dirty" if self.dirty else "")


def _git(repo: Path, *args: str) -> str | None:
    try:
        res = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return res.stdout.strip() if res.returncode == 0 else None


def collect(repo: Path, started: datetime | None = None) -> Provenance:
    commit = _git(repo, "rev-parse", "HEAD") or "unknown"
    subject = _git(repo, "log", "-1", "--format=%s") or ""
    status = _git(repo, "status", "--porcelain", "--untracked-files=no")
    return Provenance(started or datetime.now(UTC), commit, subject, bool(status), socket.gethostname())
