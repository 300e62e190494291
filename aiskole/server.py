"""The lunch-demo server: Voilà configured for a room, with the kit's Danish template.

``aiskole demo`` (and ``make demo``) call :func:`serve`. The configuration follows the measured facts
in the brief: no CDN (own template), tracebacks hidden, sources stripped, closed tabs release their
kernels (``disable_check_xsrf``, voila#1458), idle kernels culled, a per-cell timeout, and preheated
kernels. The pool size is per notebook in Voilà (a directory of 10 apps with ``--pool_size=40`` would start 400
kernels), so the room's size only goes to the join app that participants open; every other app gets one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

import tornado.ioloop
from traitlets.config import Config
from voila.app import Voila

from aiskole.apps import APPS
from aiskole.gzip_cache import CachedGZipContentEncoding
from aiskole.resources import JUPYTER_DATA, apps_dir
from aiskole.workshop import JOIN_APP

DEFAULT_PORT = 8866


def voila_argv(
    *,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
    pool_size: int = 1,
    open_browser: bool = False,
    root: Path | None = None,
    cull_idle_timeout: int = 2700,
    show_tracebacks: bool = False,
    cell_timeout: int = 60,
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
        f"--VoilaExecutor.timeout={cell_timeout}",
        # nbclient waits only 4 s for a cell's outputs by default; while 40 kernels warm up on 2 cores that is
        # too short, and the page would arrive without its widget (measured by bench/room.py).
        "--VoilaExecutor.iopub_timeout=30",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        "--MappingKernelManager.cull_interval=60",
    ]
    if sys.platform.startswith("linux"):
        # Kernels talk to the server over Unix sockets instead of TCP ports on 127.0.0.1: with dozens of kernels
        # starting at once, jupyter_client's pick-a-free-port-then-bind races ("Address already in use") and
        # kernels died at start-up (bench/room.py); sockets in the server's runtime folder cannot collide.
        # Linux only: macOS limits socket paths to 104 bytes, less than its temporary folder needs.
        argv.append("--KernelManager.transport=ipc")
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


def pools_config(participants: int, pool_size: int) -> dict:
    """Per-notebook kernel pools: the join app gets one kernel per participant, the others ``pool_size``."""
    pools = {"default": {"pool_size": pool_size}}
    if participants > 0:
        pools[JOIN_APP] = {"pool_size": participants}
    return pools


#: Seconds before the first replacement kernel starts after a preheated one is taken, and between two of them.
REFILL_DELAY = 2.0
REFILL_SPACING = 1.0


def stagger_refills(kernel_manager, *, first: float = REFILL_DELAY, spacing: float = REFILL_SPACING) -> None:
    """Start the replacements for taken kernels one at a time, not all at once.

    Voilà replaces each preheated kernel the moment it is taken, after the same ``fill_delay``; when a room of 40
    opens the join link together, 40 new kernels would start in the same second and take the CPU from the 40
    participants whose pages are being served (bench/room.py). Here the n-th pending replacement starts
    ``first + n * spacing`` seconds after the burst, so the participants come first and the pool still refills.
    The pool is first in, first out, so a request after the burst gets the earliest replacement, and the n-th
    request at the same moment waits for the n-th (Voilà's own behaviour when its pool is empty).
    """
    original = kernel_manager.fill_if_needed
    last_slot: dict[str | None, float] = {}  # per notebook: the presenter's app never queues behind the room

    def fill_if_needed(delay=None, notebook_name=None, **kwargs):
        if delay is None:  # a refill after a kernel was taken (the initial fill passes delay=0)
            now = asyncio.get_event_loop().time()
            slot = max(now + first, last_slot.get(notebook_name, float("-inf")) + spacing)
            last_slot[notebook_name] = slot
            delay = slot - now
        return original(delay=delay, notebook_name=notebook_name, **kwargs)

    kernel_manager.fill_if_needed = fill_if_needed


def _rendered(pool_item) -> bool:
    """Whether a pooled kernel has started and run its notebook (a failed one counts: it will not get better)."""
    if not pool_item.done():
        return False
    if pool_item.cancelled() or pool_item.exception() is not None:
        return True
    return pool_item.result()["task"].done()


def make_app_class(*, participants: int = 0, pool_size: int = 1, on_ready=None):
    """A Voilà application with the Danish registry on the landing page and per-notebook pools."""

    class AiskoleVoila(Voila):
        name = "aiskole-voila"

        def __init__(self, **kwargs):
            config = Config()
            config.VoilaKernelManager.kernel_pools_config = pools_config(participants, pool_size)
            super().__init__(config=config, **kwargs)

        def start(self):
            if on_ready is not None:
                self._ready_check = tornado.ioloop.PeriodicCallback(self._check_ready, 500)
                tornado.ioloop.IOLoop.current().add_callback(self._ready_check.start)
            super().start()

        def _check_ready(self):
            """Call ``on_ready`` once, when the join app's pool is full and every pooled page is pre-rendered."""
            pools = getattr(self.kernel_manager, "_pools", {})
            pool = next((tasks for name, tasks in pools.items() if str(name).endswith(JOIN_APP)), None)
            if participants <= 0 or (
                pool is not None and len(pool) >= participants and all(map(_rendered, pool))
            ):
                self._ready_check.stop()
                on_ready()

        def initialize(self, argv=None):
            super().initialize(argv)
            # Closed tabs send a shutdown beacon without an _xsrf token; without this the kernel lives on
            # until culled (voila#1458). The POST endpoints only shut down kernels of this anonymous demo.
            self.tornado_settings = {**self.tornado_settings, "disable_check_xsrf": True}

        def init_settings(self):
            settings = super().init_settings()
            if hasattr(self.kernel_manager, "fill_if_needed"):
                stagger_refills(self.kernel_manager)
            settings["voila_jinja2_env"].globals["aiskole_apps"] = APPS
            # A page load is ~4.9 MB of scripts and styles (93 files); gzipped once and kept, it is ~1.3 MB for
            # every phone on the room's Wi-Fi. An Application argument, so it must be set here.
            settings["transforms"] = [CachedGZipContentEncoding]
            return settings

    return AiskoleVoila


def serve(*, participants: int = 0, on_ready=None, **options) -> None:
    """Start the demo server in this process (blocks until Ctrl+C).

    Parameters
    ----------
    participants
        Size of the room: that many kernels are preheated for the join app.
    on_ready
        Called once when the room is ready (all join kernels preheated).
    """
    _prepare_environment()
    pool_size = options.get("pool_size", 1)
    app_class = make_app_class(participants=participants, pool_size=pool_size, on_ready=on_ready)
    app_class.launch_instance(argv=voila_argv(**options))


if __name__ == "__main__":  # pragma: no cover - used by the test suite as a subprocess
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--pool-size", type=int, default=1)
    parser.add_argument("--show-tracebacks", action="store_true")
    parser.add_argument("--cull-idle-timeout", type=int, default=2700)
    parser.add_argument("--participants", type=int, default=0)
    parser.add_argument("--cell-timeout", type=int, default=60)
    args = parser.parse_args()
    sys.exit(
        serve(
            port=args.port,
            pool_size=args.pool_size,
            show_tracebacks=args.show_tracebacks,
            cull_idle_timeout=args.cull_idle_timeout,
            participants=args.participants,
            cell_timeout=args.cell_timeout,
            on_ready=lambda: print("AISKOLE READY", flush=True),
        )
    )
