"""The demo server: the room's own pages for phones, and Voilà for the apps and lessons, in one Tornado process.

``aiskole demo`` (and ``make demo``) call :func:`serve`. Participants' phones get plain HTML from the room's
handlers (:mod:`aiskole.room`) and never a kernel. Voilà renders the apps and the lessons' reading view, behind
the room's rules (:mod:`aiskole.room.guard`): the Host allowlist, canonical paths, the facilitator's apps for
the facilitator only, capped kernels that belong to the browser that opened them. The Voilà configuration
follows the measured facts in the brief: the kit's own template (no CDN), tracebacks hidden, sources stripped,
unconnected kernels culled within minutes, a per-cell timeout.

Voilà serves one folder; the server's root is a folder of links made at start: every app at the top (so an app
is ``/voila/render/mini-dpia.ipynb``) and the lessons under ``lektioner/``.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# jsonschema (imported by Jupyter Server through jupyter_events) loads rfc3987_syntax whenever it is installed,
# for an "iri" format check nothing here uses: 1.5 s of the 2.7 s it takes to import this module (measured with
# python -X importtime). Marked missing, jsonschema skips that check and the server is ready 1.5 s sooner.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

import tornado.ioloop
import tornado.web
from voila.app import Voila

from aiskole.apps import APPS, LESSONS_FOLDER
from aiskole.errors import StoreError
from aiskole.gzip_cache import CachedGZipContentEncoding
from aiskole.resources import JUPYTER_DATA, apps_dir, lessons_dir
from aiskole.room import security
from aiskole.room.context import RoomContext
from aiskole.room.guard import guard_handlers, track_kernels
from aiskole.room.handlers import not_found_handler, room_handlers
from aiskole.room.kernels import ABANDONED_SECONDS, KernelPolicy, default_cap
from aiskole.settings import Settings, get_settings
from aiskole.store import open_store

DEFAULT_PORT = 8866
#: Pending connections the listening socket queues: a room of 500 phones opening the link at once.
LISTEN_BACKLOG = 1024
#: The largest request body the server reads at all (answers are a few KB; Voilà needs none).
MAX_BODY_SIZE = 1024 * 1024
#: A kernel nobody is connected to is shut down after this many idle seconds.
CULL_IDLE_SECONDS = 180
#: Seconds between two runs of the retention rule while the server runs (and once at start).
PURGE_EVERY = 30 * 60
#: Open files (sockets) the server asks for: each phone holds one or two connections, each kernel a few.
OPEN_FILES = 8192

log = logging.getLogger(__name__)


def voila_argv(
    *,
    root: Path,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
    open_browser: bool = False,
    cull_idle_timeout: int = CULL_IDLE_SECONDS,
    show_tracebacks: bool = False,
    cell_timeout: int = 60,
) -> list[str]:
    """The Voilà command-line arguments (everything but the program name)."""
    argv = [
        str(root),
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--Voila.port_retries=0",  # the port printed is the port served, or the start fails
        "--template=aiskole",
        "--theme=light",
        "--VoilaConfiguration.strip_sources=True",
        f"--VoilaConfiguration.show_tracebacks={show_tracebacks}",
        # query-string overrides could switch back to the stock (CDN-loading) template
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--HTMLExporter.language_code=da",
        f"--VoilaExecutor.timeout={cell_timeout}",
        "--VoilaExecutor.iopub_timeout=30",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        "--MappingKernelManager.cull_interval=30",
        "--MappingKernelManager.cull_connected=False",
    ]
    if sys.platform.startswith("linux"):
        # Kernels talk to the server over Unix sockets instead of TCP ports on 127.0.0.1: with many kernels
        # starting at once, jupyter_client's pick-a-free-port-then-bind races ("Address already in use").
        argv.append("--KernelManager.transport=ipc")
    if not open_browser:
        argv.append("--no-browser")
    return argv


def make_root(folder: Path | None = None) -> Path:
    """A folder of links: each app at the top, the lessons as ``lektioner/`` (Voilà serves exactly this)."""
    root = Path(folder or tempfile.mkdtemp(prefix="aiskole-root-"))
    root.mkdir(parents=True, exist_ok=True)
    for app in APPS:
        link = root / app.notebook
        if not link.exists():
            link.symlink_to(apps_dir() / app.notebook)
    lessons = root / LESSONS_FOLDER
    if not lessons.exists():
        lessons.symlink_to(lessons_dir(), target_is_directory=True)
    return root


def _prepare_environment() -> None:
    # Voilà resolves templates through the Jupyter data path at start-up.
    paths = [str(JUPYTER_DATA)]
    if os.environ.get("JUPYTER_PATH"):
        paths.append(os.environ["JUPYTER_PATH"])
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)


def raise_open_files_limit(wanted: int = OPEN_FILES) -> int:
    """Raise this process's limit on open files towards ``wanted`` (never above the hard limit); returns the
    limit now. Many desktops start programs with 1024, which a town hall of phones with live pages exceeds."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            return target
        except (ValueError, OSError):
            return soft
    return soft


def log_request(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log without anything personal: no address, no path (codes), no query string."""
    status = handler.get_status()
    # A full room (503 with Retry-After, the kernel cap) is expected, not a fault of the server.
    expected = status == 503 and "Retry-After" in handler._headers
    level = logging.WARNING if status >= 500 and not expected else logging.DEBUG
    log.log(
        level,
        "%d %s %s %.0f ms",
        status,
        handler.request.method,
        type(handler).__name__,
        1000 * handler.request.request_time(),
    )


def make_app_class(room_factory: Callable[[], RoomContext], *, on_ready: Callable[[], None] | None = None):
    """A Voilà application serving the room and the guarded apps and lessons."""

    class AiskoleVoila(Voila):
        name = "aiskole-voila"

        def initialize(self, argv=None):
            super().initialize(argv)
            self.room = room_factory()

        def init_settings(self):
            settings = super().init_settings()
            settings["voila_jinja2_env"].globals["aiskole_apps"] = APPS
            # Static scripts and styles gzipped once and kept (see aiskole.gzip_cache).
            settings["transforms"] = [CachedGZipContentEncoding]
            settings["log_function"] = log_request
            settings["aiskole_room"] = self.room
            settings["serve_traceback"] = False
            track_kernels(self.kernel_manager, self.room.kernels)
            return settings

        def init_handlers(self):
            return [
                *room_handlers(self.room),
                *guard_handlers(super().init_handlers()),
                not_found_handler(self.room),
            ]

        def start(self):
            self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
            self.app = tornado.web.Application(**self.init_settings())
            self.app.settings.update(self.tornado_settings)
            self.app.add_handlers(".*$", self.init_handlers())
            self.app.listen = functools.partial(
                self.app.listen, backlog=LISTEN_BACKLOG, max_body_size=MAX_BODY_SIZE
            )
            loop = tornado.ioloop.IOLoop.current()
            self._purge = tornado.ioloop.PeriodicCallback(self._apply_retention, PURGE_EVERY * 1000)
            loop.add_callback(self._apply_retention)  # once at start, then every PURGE_EVERY seconds
            loop.add_callback(self._purge.start)
            if on_ready is not None:
                loop.add_callback(on_ready)  # runs once the socket listens and the loop turns
            self.listen()

        async def _apply_retention(self):
            try:
                await loop_executor(self.room, self.room.store.purge_expired)
            except StoreError:
                log.warning("retention: the store could not be reached; trying again later")

    return AiskoleVoila


async def loop_executor(room: RoomContext, function):
    return await tornado.ioloop.IOLoop.current().run_in_executor(room.executor, function)


def serve(
    *,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
    open_browser: bool = False,
    settings: Settings | None = None,
    key: str | None = None,
    max_kernels: int | None = None,
    on_ready: Callable[[], None] | None = None,
    show_tracebacks: bool = False,
    cell_timeout: int = 60,
    cull_idle_timeout: int = CULL_IDLE_SECONDS,
) -> None:
    """Start the demo server in this process (blocks until Ctrl+C or SIGTERM).

    Parameters
    ----------
    key
        The facilitator key (default: the settings', else a new one). Printing it is the caller's job.
    max_kernels
        Kernels anonymous visitors may have at once (default: the settings', else sized from the memory).
    on_ready
        Called once, when the server listens: the room is ready then (phones need no kernel).
    """
    settings = settings or get_settings()
    key = key or settings.facilitator_key or security.new_key()
    cap = max_kernels or settings.max_kernels or default_cap()
    _prepare_environment()
    raise_open_files_limit()
    root = make_root()

    def room_factory() -> RoomContext:
        # A kernel left behind may make room after ABANDONED_SECONDS, or sooner where Voilà culls sooner.
        kernels = KernelPolicy(cap, abandoned_after=min(ABANDONED_SECONDS, cull_idle_timeout / 4))
        return RoomContext(settings=settings, store=open_store(settings), key=key, kernels=kernels)

    app_class = make_app_class(room_factory, on_ready=on_ready)
    argv = voila_argv(
        root=root,
        port=port,
        ip=ip,
        open_browser=open_browser,
        show_tracebacks=show_tracebacks,
        cell_timeout=cell_timeout,
        cull_idle_timeout=cull_idle_timeout,
    )
    try:
        app_class.launch_instance(argv=argv)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(
    argv: list[str] | None = None,
) -> int:  # pragma: no cover - used by tests and benchmarks as a subprocess
    parser = argparse.ArgumentParser(description="aiskole's demo server (for tests and benchmarks)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--show-tracebacks", action="store_true")
    parser.add_argument("--cull-idle-timeout", type=int, default=CULL_IDLE_SECONDS)
    parser.add_argument("--max-kernels", type=int, default=None)
    parser.add_argument("--cell-timeout", type=int, default=60)
    args = parser.parse_args(argv)
    serve(
        port=args.port,
        ip=args.ip,
        show_tracebacks=args.show_tracebacks,
        cull_idle_timeout=args.cull_idle_timeout,
        max_kernels=args.max_kernels,
        cell_timeout=args.cell_timeout,
        on_ready=lambda: print("AISKOLE READY", flush=True),
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
