"""Binder and JupyterHub: Voilà as a Jupyter server extension with the kit's configuration."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_binder_files():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert "set -e" in post_build.read_text()


def test_readme_badges_point_at_existing_paths():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"mybinder\.org/v2/gh/[^)]*\?urlpath=([^)\s]+)", readme)
    assert any(t.startswith("lab/tree/") for t in targets)
    assert any(t.startswith("voila/tree/") for t in targets)
    for target in targets:
        path = target.split("/tree/", 1)[1]
        assert (ROOT / path).exists(), target


@pytest.fixture
def jupyter_server(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        # what `pip install .` does through shared-data in pyproject.toml
        "JUPYTER_PATH": str(ROOT / "aiskole" / "share" / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "AISKOLE_DATA_DIR": str(tmp_path / "data"),
    }
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "jupyter_server_config.json").write_text(
        (ROOT / "binder" / "jupyter_server_config.json").read_text()
    )
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            f"--port={port}",
            "--IdentityProvider.token=",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.root_dir={ROOT}",
            "--ServerApp.disable_check_xsrf=True",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "api/status", timeout=2)
            break
        except OSError:
            time.sleep(0.25)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read().decode("utf-8")


def test_voila_extension_uses_the_kit_template(jupyter_server):
    """On Binder, does /voila/tree show the Danish landing page, and does the app render without CDNs?"""
    tree = get(jupyter_server + "voila/tree/notebooks/apps")
    assert '<html lang="da">' in tree and "aiskole – øvelser" in tree
    assert "voila/render/notebooks/apps/mini-dpia.ipynb" in tree
    app = get(jupyter_server + "voila/render/notebooks/apps/mini-dpia.ipynb")
    assert "Øvelsen indlæses" in app
    # no stylesheet or script from outside (MathJax's URL sits unused in the page config: the app has no LaTeX)
    assert not re.search(r"<(link|script)[^>]+(href|src)=\"https?://", app)
    assert "cdn.jsdelivr.net" not in app
    assert "from aiskole" not in app  # sources stripped
