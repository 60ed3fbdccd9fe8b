"""Where the repository and its build directory are (every part that builds or runs something)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD_DIR = REPO / "build"
