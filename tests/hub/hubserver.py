"""A real JupyterHub on 127.0.0.1 for tests and bench/hub.py, configured like deploy/jupyterhub/values.yaml.

JupyterHub (the 5.x line that Zero to JupyterHub 4.4 deploys) from PyPI, configurable-http-proxy from npm
(installed into ``.cache/npm`` of the checkout, never globally), the dummy authenticator and the simple local-process
spawner: every user's server is ``jupyterhub-singleuser`` of this environment with its own home folder. The
single-user settings come from the Helm values: ``singleuser.cmd``, ``singleuser.defaultUrl``,
``singleuser.extraEnv`` (with the database URL the test gives in place of the Kubernetes secret) and
``singleuser.extraFiles`` (written to a folder on ``JUPYTER_CONFIG_PATH`` instead of mounted).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
VALUES = ROOT / "deploy" / "jupyterhub" / "values.yaml"
#: configurable-http-proxy from npm by Node.js major version: 5.2 and later need Node 20; Debian 12's is 18.
CHP_VERSIONS = {20: "5.3.0", 18: "5.1.0"}
NPM_CACHE = ROOT / ".cache" / "npm"
PASSWORD = "aiskole-test"  # the dummy authenticator's one password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chp_version(node: str) -> str:
    """The configurable-http-proxy version for the Node.js at ``node``."""
    out = subprocess.run([node, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout
    major = int(out.strip().lstrip("v").split(".")[0])
    supported = [m for m in CHP_VERSIONS if m <= major]
    if not supported:
        raise RuntimeError(f"Node.js {out.strip()} is too old for configurable-http-proxy (18 or later)")
    return CHP_VERSIONS[max(supported)]


def ensure_chp(timeout: float = 300) -> Path:
    """The configurable-http-proxy command, installed from npm into ``.cache/npm/chp-<version>`` when missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise RuntimeError(
            "Node.js or npm is missing: run `make test-deps` (installs Debian's nodejs and npm)"
        )
    version = chp_version(node)
    prefix = NPM_CACHE / f"chp-{version}"
    command = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not command.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--loglevel=error",
             f"configurable-http-proxy@{version}"],
            check=True,
            timeout=timeout,
        )  # fmt: skip
    return command


def load_values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def singleuser_environment(values: dict, database_url: str) -> dict[str, str]:
    """``singleuser.extraEnv`` as the spawner's environment: plain values as they are, the secret-backed database
    URL replaced by ``database_url``. Any other secret reference is an error (the test would not know its value)."""
    env = {}
    for name, value in values["singleuser"]["extraEnv"].items():
        if isinstance(value, dict):
            if name != "AISKOLE_DATABASE_URL":
                raise ValueError(f"no local value for the secret-backed {name}")
            env[name] = database_url
        else:
            env[name] = str(value)
    return env


def write_extra_files(values: dict, config_dir: Path) -> None:
    """``singleuser.extraFiles`` with ``data``: JSON files, named as at their mountPath, in ``config_dir``."""
    config_dir.mkdir(parents=True, exist_ok=True)
    for spec in values["singleuser"].get("extraFiles", {}).values():
        target = config_dir / Path(spec["mountPath"]).name
        target.write_text(json.dumps(spec["data"], indent=1), encoding="utf-8")


@dataclass
class Hub:
    url: str
    root: Path
    log: Path
    process: subprocess.Popen = field(repr=False)
    marker: str = ""

    def home(self, user: str) -> Path:
        return self.root / "home" / user

    def user_url(self, user: str, path: str = "") -> str:
        return f"{self.url}user/{user}/{path}"

    def user_pids(self) -> list[int]:
        """Processes this hub's users run (their servers and kernels): the spawner puts a marker in their
        environment, which children inherit."""
        pids = []
        needle = f"AISKOLE_HUB_TEST={self.marker}".encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    pids.append(int(entry.name))
            except OSError:
                continue
        return pids

    def stop(self) -> None:
        """Stop the users' servers and kernels and the hub (which stops its proxy) at once; then kill what is left.

        Letting the hub stop each server in turn, and each server its kernels, took ~17 s for two users."""
        self._signal(self.user_pids(), signal.SIGTERM)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        deadline = time.time() + 10
        while self.user_pids() and time.time() < deadline:
            time.sleep(0.2)
        self._signal(self.user_pids(), signal.SIGKILL)

    @staticmethod
    def _signal(pids: list[int], sig: int) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)


TEMPLATES = ROOT / "deploy" / "jupyterhub" / "templates"


def hub_templates(values: dict) -> dict[str, Path]:
    """``hub.extraFiles`` that are JupyterHub templates (mounted in one of ``hub.config.JupyterHub.template_paths``),
    by key: the file in deploy/jupyterhub/templates/ that ``helm --set-file`` gives each of them."""
    paths = values["hub"]["config"]["JupyterHub"].get("template_paths", [])
    return {
        key: TEMPLATES / Path(spec["mountPath"]).name
        for key, spec in values["hub"].get("extraFiles", {}).items()
        if str(Path(spec["mountPath"]).parent) in paths
    }


def hub_config(root: Path, *, port: int, database_url: str, values: dict, marker: str) -> str:
    """The jupyterhub_config.py text: minimal hub settings, the hub's templates and the single-user settings from
    the Helm values."""
    singleuser = values["singleuser"]
    templates = root / "hub-templates"
    templates.mkdir(parents=True, exist_ok=True)
    for source in hub_templates(values).values():
        shutil.copy(source, templates / source.name)
    bindir = Path(sys.executable).parent
    config_dir = root / "etc-jupyter"
    write_extra_files(values, config_dir)
    env = {
        **singleuser_environment(values, database_url),
        "JUPYTER_CONFIG_PATH": str(config_dir),
        "AISKOLE_HUB_TEST": marker,
    }
    cmd = singleuser["cmd"]
    cmd = [cmd] if isinstance(cmd, str) else list(cmd)
    cmd[0] = str(bindir / cmd[0])
    args = ["--allow-root"] if os.geteuid() == 0 else []  # jupyter_server refuses root without it
    settings = {
        "JupyterHub.ip": "127.0.0.1",
        "JupyterHub.port": port,
        "JupyterHub.hub_ip": "127.0.0.1",
        "JupyterHub.hub_port": free_port(),
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
        "ConfigurableHTTPProxy.command": [str(ensure_chp())],
        "JupyterHub.db_url": f"sqlite:///{root / 'jupyterhub.sqlite'}",
        "JupyterHub.cookie_secret_file": str(root / "jupyterhub_cookie_secret"),
        "JupyterHub.pid_file": str(root / "jupyterhub.pid"),
        "JupyterHub.template_paths": [str(templates)],
        "JupyterHub.authenticator_class": "dummy",
        "DummyAuthenticator.password": PASSWORD,
        "Authenticator.allow_all": True,  # JupyterHub 5 refuses to start without an allow rule
        "JupyterHub.spawner_class": "simple",
        "SimpleLocalProcessSpawner.home_dir_template": str(root / "home" / "{username}"),
        "Spawner.cmd": cmd,
        "Spawner.args": args,
        "Spawner.default_url": singleuser["defaultUrl"],
        "Spawner.environment": env,
        "Spawner.start_timeout": 120,
        "Spawner.http_timeout": 120,
    }
    lines = ["# written by tests/hub/hubserver.py", "c = get_config()  # noqa: F821"]
    lines += [f"c.{key} = {value!r}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def start_hub(root: Path, database_url: str, *, timeout: float = 90) -> Hub:
    """Start JupyterHub in ``root`` (its database, log and the users' homes live there); wait until healthy."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    marker = uuid.uuid4().hex
    (root / "jupyterhub_config.py").write_text(
        hub_config(root, port=port, database_url=database_url, values=load_values(), marker=marker),
        encoding="utf-8",
    )
    log = root / "jupyterhub.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AISKOLE_", "JUPYTER"))}
    # the proxy is a node program; the hub finds `node` on PATH
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(root / "jupyterhub_config.py")],
        cwd=root,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    hub = Hub(url=f"http://127.0.0.1:{port}/", root=root, log=log, process=process, marker=marker)
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(hub.url + "hub/health", timeout=2) as response:
                if response.status == 200:
                    return hub
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            hub.stop()
            raise RuntimeError(f"JupyterHub did not start:\n{log.read_text()[-4000:]}")
        time.sleep(0.25)


def pss_kib(pid: int) -> int:
    """Proportional set size of one process in KiB (shared pages split between the processes sharing them)."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def process_user(pid: int) -> str | None:
    """The hub user a process belongs to (its ``JUPYTERHUB_USER``)."""
    try:
        for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
            if item.startswith(b"JUPYTERHUB_USER="):
                return item.split(b"=", 1)[1].decode()
    except OSError:
        pass
    return None
