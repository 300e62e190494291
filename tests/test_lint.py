"""ruff passes on the package, the tests and the benchmarks (the same check pre-commit runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_check():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "aiskole", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
