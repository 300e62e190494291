"""Binder's files. The repository served as Binder serves it, in Chromium: tests/browser/test_binder_server.py."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def test_binder_files():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert "set -e" in post_build.read_text()
    # repo2docker ignores root-level files when binder/ exists, and refuses both binder/ and .binder/
    assert not (ROOT / ".binder").exists()


def test_readme_badges_point_at_existing_paths():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"mybinder\.org/v2/gh/[^)]*\?urlpath=([^)\s]+)", readme)
    assert any(t.startswith("lab/tree/") for t in targets)
    assert any(t.startswith("voila/tree/") for t in targets)
    for target in targets:
        path = target.split("/tree/", 1)[1]
        assert (ROOT / path).exists(), target
