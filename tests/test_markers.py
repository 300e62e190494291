"""The test markers: the fast suite runs without Chromium and without PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def collected(*args: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args, "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if "::" in line]


def needs_chromium_or_postgresql(test_id: str) -> bool:
    """By its place or its name: a browser test, a test run on PostgreSQL (``[postgresql]``), a ``pg_`` test."""
    name = test_id.rsplit("::", 1)[-1]
    return (
        test_id.startswith("tests/browser/") or "[postgresql" in name or name.startswith(("test_pg_", "pg_"))
    )


def test_the_fast_suite_leaves_out_every_browser_and_postgresql_test():
    """Does `-m "not browser and not postgres"` drop exactly the tests that need Chromium or PostgreSQL?"""
    everything = collected()
    fast = collected("-m", "not browser and not postgres")
    dropped = set(everything) - set(fast)
    assert fast and dropped
    assert not [t for t in fast if needs_chromium_or_postgresql(t)]
    assert any(t.startswith("tests/browser/") for t in dropped)
    assert any("[postgresql]" in t for t in dropped)
    postgres_only = collected("-m", "postgres")
    assert postgres_only and all(t in dropped for t in postgres_only)
