"""Plain Jupyter servers for the tests: one served the way Binder serves the repository, one started by
``aiskole lab`` (what ``make lab`` runs).

Binder: repo2docker cannot build here (it needs Docker's buildx and registry), so :func:`binder_environment` does what
its Python build pack does: a fresh environment, ``pip install -r binder/requirements.txt``, then ``binder/postBuild``
from the repository root with a fresh home. :func:`start_jupyter` then runs ``jupyter server`` (the Voilà and
JupyterLab extensions load as on Binder) with the repository as its root. The environment is kept in
``.cache/binder`` between runs, keyed by everything that goes into it but the kit's code; ``postBuild``, which installs
the kit (not editable), runs every time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.hub.hubserver import free_port

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
CACHE = ROOT / ".cache" / "binder"


def clean_env(home: Path, bindir: Path | None = None) -> dict[str, str]:
    """A user's environment with a fresh home and nothing of the test session's (``bindir`` first on PATH)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AISKOLE_", "JUPYTER", "VIRTUAL_ENV", "PYTHON", "PIP_"))
    }
    env.update(HOME=str(home), PIP_DISABLE_PIP_VERSION_CHECK="1")
    if bindir is not None:
        env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(bindir.parent)
    return env


def _environment_key() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in ("binder/requirements.txt", "binder/runtime.txt", "binder/postBuild", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def repository_copy(dest: Path) -> Path:
    """The repository's files as Binder gets them (tracked, and new ones git does not ignore), without local
    environments or results; the served lessons can be saved (JupyterLab autosaves) without touching the checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def binder_environment(home: Path, repo: Path) -> Path:
    """Build (or reuse) the Binder environment and run ``repo``'s ``binder/postBuild`` in it; returns the
    environment."""
    venv = CACHE / _environment_key()
    env = clean_env(home, venv / "bin")
    if not (venv / ".complete").exists():
        shutil.rmtree(CACHE, ignore_errors=True)  # environments for older keys go too
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "-r",
                str(BINDER / "requirements.txt"),
            ],
            check=True,
            env=env,
            timeout=900,
        )
    subprocess.run([str(repo / "binder" / "postBuild")], cwd=repo, check=True, env=env, timeout=900)
    (venv / ".complete").touch()
    return venv


@dataclass
class JupyterServer:
    url: str
    token: str
    home: Path
    log: Path
    process: subprocess.Popen = field(repr=False)

    def get(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        with urllib.request.urlopen(f"{self.url}{path}{sep}token={self.token}", timeout=120) as response:
            return response.read().decode("utf-8")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_jupyter(argv: list[str], *, home: Path, env: dict[str, str], port: int, timeout: float = 90):
    """Run a Jupyter server command (``argv``, listening on ``port`` of 127.0.0.1) with a token of its own; wait until
    its REST API answers."""
    token = uuid.uuid4().hex
    env = {**env, "JUPYTER_TOKEN": token}
    log = home / "jupyter-server.log"
    process = subprocess.Popen(
        argv, cwd=home, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    server = JupyterServer(url=f"http://127.0.0.1:{port}/", token=token, home=home, log=log, process=process)
    deadline = time.time() + timeout
    while True:
        try:
            server.get("api/status")
            return server
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            server.stop()
            raise RuntimeError(f"{argv[0]} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.25)


def start_binder_server(tmp: Path) -> JupyterServer:
    """Copy the repository into ``tmp/repo``, build the environment, serve the copy from a home in ``tmp/home``."""
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    repo = repository_copy(tmp / "repo")
    venv = binder_environment(home, repo)
    port = free_port()
    argv = [str(venv / "bin" / "jupyter"), "server", "--no-browser", "--ServerApp.ip=127.0.0.1"]
    argv += [f"--port={port}", f"--ServerApp.root_dir={repo}"]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    server = start_jupyter(argv, home=home, env=clean_env(home, venv / "bin"), port=port)
    server.venv = venv
    return server


def start_make_lab(home: Path) -> JupyterServer:
    """What ``make lab`` runs (``aiskole lab``), without opening a browser, as a user with a fresh home."""
    port = free_port()
    bindir = Path(sys.executable).parent
    # In a checkout `aiskole lab` serves the lessons themselves: no autosave, so a slow run never rewrites them.
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    argv = [str(bindir / "aiskole"), "lab", f"--port={port}"]
    return start_jupyter(argv, home=home, env=clean_env(home, bindir), port=port)
