"""Everything the room's handlers share in one server process: settings, store, key, limits, hub, executor."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

from aiskole import apps as catalogue
from aiskole import workshop as ws
from aiskole.room import security
from aiskole.room.hub import RoomHub, Snapshot, take_snapshot
from aiskole.room.kernels import KernelPolicy, default_cap
from aiskole.room.service import Room
from aiskole.settings import Settings
from aiskole.store import Store, Workshop

#: Threads that talk to the store for the room (SQLite writes one at a time anyway; PostgreSQL's pool is 5+10).
STORE_THREADS = 8


@dataclass
class RoomContext:
    """The room of one server process. ``key`` is the facilitator key; ``base_url`` ends with ``/``."""

    settings: Settings
    store: Store
    key: str
    base_url: str = "/"
    kernels: KernelPolicy | None = None
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="aiskole-room")
    )
    limiter: security.GuessLimiter = field(default_factory=security.GuessLimiter)
    _connections: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.allowed_hosts = security.allowed_hosts(self.settings)
        self.hub = RoomHub(self.store, self.executor)
        self.service = Room(self.store, base_url=self.base_url)
        if self.kernels is None:
            self.kernels = KernelPolicy(anonymous=self.settings.max_kernels or default_cap())
        self.apps = catalogue.APPS
        self.lessons = catalogue.lessons()
        #: Every notebook path the server renders (apps and lessons), exactly as written in a link.
        self.render_paths = catalogue.render_paths()

    def is_facilitator(self, handler) -> bool:
        """Whether a Tornado request is the facilitator's (:func:`aiskole.room.security.is_facilitator`)."""
        return security.is_facilitator(
            cookie=handler.get_cookie(security.FACILITATOR_COOKIE),
            remote_ip=handler.request.remote_ip,
            headers=handler.request.headers,
            key=self.key,
            settings=self.settings,
        )

    def connected(self, client: str, delta: int) -> None:
        self._connections[client] += delta
        if self._connections[client] <= 0:
            del self._connections[client]

    def connections_from(self, client: str) -> int:
        return self._connections.get(client, 0)

    def join_url(self, code: str) -> str:
        return ws.join_url(self.settings.public_url, code)

    def qr(self, url: str) -> str:
        return _qr(url)

    def display_snapshot(self, workshop: Workshop) -> Snapshot:
        return take_snapshot(self.store, workshop, results=True) or Snapshot(
            workshop.code, False, None, False
        )


@lru_cache(maxsize=64)
def _qr(url: str) -> str:
    return ws.qr_svg(url, scale=8)
