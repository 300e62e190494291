"""The lunch-demo server: Voilà configured for a room, with the kit's Danish template.

``aiskole demo`` (and ``make demo``) call :func:`serve`. The configuration follows the measured facts
in the brief: no CDN (own template), tracebacks hidden, sources stripped, closed tabs release their
kernels (``disable_check_xsrf``, voila#1458), idle kernels culled, a per-cell timeout, and a small
preheated kernel pool so the first participant does not wait for a kernel to start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from aiskole.apps import APPS
from aiskole.settings import PACKAGE_DIR

#: A Jupyter data dir inside the package: share/jupyter/voila/templates/aiskole is the Voilà template.
JUPYTER_DATA = PACKAGE_DIR / "share" / "jupyter"
DEFAULT_PORT = 8866


def apps_dir() -> Path:
    """The folder with the Voilà app notebooks: the checkout's, or the copy bundled in the wheel."""
    checkout = PACKAGE_DIR.parent / "notebooks" / "apps"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_notebooks" / "apps"


def voila_argv(
    *,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
    pool_size: int = 1,
    open_browser: bool = False,
    root: Path | None = None,
    cull_idle_timeout: int = 2700,
    show_tracebacks: bool = False,
) -> list[str]:
    """The Voilà command-line arguments for a room (everything but the program name)."""
    argv = [
        str(root or apps_dir()),
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--template=aiskole",
        "--theme=light",
        "--VoilaConfiguration.classic_tree=True",
        "--VoilaConfiguration.strip_sources=True",
        f"--VoilaConfiguration.show_tracebacks={show_tracebacks}",
        # query-string overrides could switch back to the stock (CDN-loading) template
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--HTMLExporter.language_code=da",
        "--VoilaExecutor.timeout=60",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        "--MappingKernelManager.cull_interval=60",
    ]
    if pool_size > 0:
        argv += ["--preheat_kernel=True", f"--pool_size={pool_size}"]
    if not open_browser:
        argv.append("--no-browser")
    return argv


def _prepare_environment() -> None:
    # Voilà resolves templates through the Jupyter data path at start-up.
    paths = [str(JUPYTER_DATA)]
    if os.environ.get("JUPYTER_PATH"):
        paths.append(os.environ["JUPYTER_PATH"])
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)


def make_app_class():
    """A Voilà application that gives the landing page the Danish app registry."""
    from voila.app import Voila

    class AiskoleVoila(Voila):
        name = "aiskole-voila"

        def initialize(self, argv=None):
            super().initialize(argv)
            # Closed tabs send a shutdown beacon without an _xsrf token; without this the kernel lives on
            # until culled (voila#1458). The POST endpoints only shut down kernels of this anonymous demo.
            self.tornado_settings = {**self.tornado_settings, "disable_check_xsrf": True}

        def init_settings(self):
            settings = super().init_settings()
            settings["voila_jinja2_env"].globals["aiskole_apps"] = APPS
            return settings

    return AiskoleVoila


def serve(**options) -> None:
    """Start the demo server in this process (blocks until Ctrl+C)."""
    _prepare_environment()
    app_class = make_app_class()
    app_class.launch_instance(argv=voila_argv(**options))


if __name__ == "__main__":  # pragma: no cover - used by the test suite as a subprocess
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--pool-size", type=int, default=1)
    parser.add_argument("--show-tracebacks", action="store_true")
    parser.add_argument("--cull-idle-timeout", type=int, default=2700)
    args = parser.parse_args()
    sys.exit(
        serve(
            port=args.port,
            pool_size=args.pool_size,
            show_tracebacks=args.show_tracebacks,
            cull_idle_timeout=args.cull_idle_timeout,
        )
    )
