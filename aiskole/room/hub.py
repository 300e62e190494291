"""Live updates for phones and displays: one poll of the store per workshop, fanned out to every connection.

A phone keeps one server-sent-events connection open (``/deltag/<kode>/live``), a display one
(``/skaerm/<link>/live``). The hub reads each watched workshop from the store every :attr:`RoomHub.interval`
seconds -- one query for its state and one for its answers' version, however many phones watch -- and sends an
event only to the connections whose view changed: phones get the state (which exercise is in play, whether the
results are shown, whether the workshop is open), displays also the rendered results.

Nothing but connections lives here: every process behind a load balancer polls the same store and so shows the
same room (issue 12, "scale past one laptop").
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

from aiskole import live
from aiskole.errors import StoreError, UserError
from aiskole.render.live import live_html
from aiskole.store import Store, Workshop
from aiskole.workshop import WorkshopState

log = logging.getLogger(__name__)

#: What a phone is told: the exercise in play, whether results are shown, and whether the workshop is open.
STATE = "state"
#: What a display is told as well: the results as the projector shows them.
RESULTS = "results"


@dataclass(frozen=True)
class Snapshot:
    """A workshop as phones and displays see it at one moment."""

    code: str
    open: bool
    active: str | None
    revealed: bool
    #: ``(rows, highest id)`` of the exercise in play: changes with every answer.
    answers: tuple[int, int] = (0, 0)
    #: The projector's rendering of the exercise in play (only when a display watches); approved text only.
    results: str | None = None
    #: A digest of the free text the presenter approved: approving a word changes the results shown.
    moderation: str = ""

    @property
    def state_version(self) -> str:
        return f"{int(self.open)}-{self.active or ''}-{int(self.revealed)}"

    @property
    def results_key(self) -> tuple[str, tuple[int, int], str]:
        """What the displayed results depend on: the state, the answers and the moderation."""
        return (self.state_version, self.answers, self.moderation)

    def state_event(self) -> dict:
        return {"v": self.state_version, "open": self.open, "active": self.active, "revealed": self.revealed}

    def results_event(self) -> dict:
        version = f"{self.state_version}-{self.answers[0]}-{self.answers[1]}-{self.moderation}"
        return {"v": version, "html": self.results or ""}


def moderation_digest(state: WorkshopState) -> str:
    """A short digest of the approved free text (order does not matter)."""
    text = "\n".join(sorted(set(state.approved_words)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] if text else ""


def take_snapshot(store: Store, workshop: Workshop | None, *, results: bool, now=None) -> Snapshot | None:
    """The snapshot of ``workshop`` (``None`` when it no longer exists). Results are rendered only for an open
    workshop, only for a live exercise, and never free text the presenter has not approved."""
    if workshop is None:
        return None
    state = WorkshopState.from_dict(workshop.state)
    is_open = workshop.is_open and not workshop.is_expired(now)
    active = state.active if state.active in live.LIVE_EXERCISES else None
    if not is_open or active is None:
        return Snapshot(workshop.code, is_open, active if is_open else None, state.revealed and is_open)
    version = store.answers_version(workshop.code, active)
    html = None
    if results:
        rows = store.list_submissions(exercise=active, workshop_code=workshop.code)
        html = str(live_html(live.aggregate(active, rows, state), state.revealed))
    return Snapshot(workshop.code, True, active, state.revealed, version, html, moderation_digest(state))


class Listener:
    """One open connection: ``send(event, data)`` writes an event; ``wants_results`` for displays."""

    wants_results: bool = False

    def send(self, event: str, data: dict) -> None:  # pragma: no cover - implemented by the handlers
        raise NotImplementedError

    def ping(self) -> None:  # pragma: no cover - implemented by the handlers
        raise NotImplementedError


@dataclass
class _Watch:
    listeners: set[Listener] = field(default_factory=set)
    last: Snapshot | None = None
    #: The results version the displays last got (they are re-rendered only when it changes).
    results_version: tuple[str, tuple[int, int], str] | None = None
    #: The read made when the first connection came (see :meth:`RoomHub.subscribe`).
    first_read: asyncio.Task | None = None


class RoomHub:
    """Polls the store for every watched workshop and tells its connections what changed.

    Parameters
    ----------
    store
        The shared store (blocking calls run on ``executor``).
    executor
        Where the store is read: the event loop never waits for the database.
    interval
        Seconds between two polls of a watched workshop.
    ping_every
        Seconds between keep-alive comments on every connection (proxies close silent ones).
    """

    def __init__(
        self, store: Store, executor: Executor, *, interval: float = 0.4, ping_every: float = 20.0
    ) -> None:
        self.store = store
        self.executor = executor
        self.interval = interval
        self.ping_every = ping_every
        self._watches: dict[str, _Watch] = {}
        self._task: asyncio.Task | None = None

    @property
    def connections(self) -> int:
        return sum(len(w.listeners) for w in self._watches.values())

    def subscribe(self, code: str, listener: Listener) -> None:
        watch = self._watches.setdefault(code, _Watch())
        watch.listeners.add(listener)
        if watch.last is not None:
            self._send_current(watch, listener)
        elif watch.first_read is None:
            # A workshop nobody watched: read it now, not at the next tick (up to ``interval`` later), so the
            # first phone of a room is told at once; the phones that join meanwhile get the same read.
            watch.first_read = asyncio.get_event_loop().create_task(self._read_first(code, watch))
        self._ensure_running()

    def unsubscribe(self, code: str, listener: Listener) -> None:
        watch = self._watches.get(code)
        if watch is None:
            return
        watch.listeners.discard(listener)
        if not watch.listeners:
            del self._watches[code]

    def _send_current(self, watch: _Watch, listener: Listener) -> None:
        last = watch.last
        listener.send(STATE, last.state_event() if last else {"v": "", "open": False})
        if listener.wants_results and last is not None:
            listener.send(RESULTS, last.results_event())

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_event_loop().create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_event_loop()
        next_ping = loop.time() + self.ping_every
        while self._watches:
            try:
                await self.poll_once()
            except Exception:  # noqa: BLE001 - the hub must keep running; the next poll tries again
                log.exception("room hub: poll failed")
            if loop.time() >= next_ping:
                next_ping = loop.time() + self.ping_every
                for watch in list(self._watches.values()):
                    for listener in list(watch.listeners):
                        listener.ping()
            await asyncio.sleep(self.interval)

    async def poll_once(self) -> None:
        """Read every watched workshop once and send what changed (tests call this by hand)."""
        for code, watch in list(self._watches.items()):
            await self._poll_watch(code, watch)

    async def _read_first(self, code: str, watch: _Watch) -> None:
        try:
            await self._poll_watch(code, watch)
        except Exception:  # noqa: BLE001 - the periodic poll tries again
            log.exception("room hub: first read failed")

    async def _poll_watch(self, code: str, watch: _Watch) -> None:
        loop = asyncio.get_event_loop()
        results = any(listener.wants_results for listener in watch.listeners)
        try:
            snap = await loop.run_in_executor(self.executor, self._snapshot, code, results, watch)
        except (StoreError, UserError) as exc:
            log.warning("room hub: workshop could not be read: %s", type(exc).__name__)
            return
        self._deliver(code, watch, snap)

    def _snapshot(self, code: str, results: bool, watch: _Watch) -> Snapshot:
        workshop = self.store.get_workshop(code)
        snap = take_snapshot(self.store, workshop, results=False)
        if snap is None:
            return Snapshot(code, False, None, False)
        key = snap.results_key
        if results and snap.open and snap.active and key != watch.results_version:
            snap = take_snapshot(self.store, workshop, results=True) or snap
        elif watch.last is not None and watch.last.results is not None and key == watch.results_version:
            snap = dataclasses.replace(snap, results=watch.last.results)
        return snap

    def _deliver(self, code: str, watch: _Watch, snap: Snapshot) -> None:
        if self._watches.get(code) is not watch:
            return  # everybody left while the store was read
        before = watch.last
        watch.last = snap
        state_changed = before is None or before.state_version != snap.state_version
        results_changed = snap.results is not None and (before is None or before.results != snap.results)
        if snap.results is not None:
            watch.results_version = snap.results_key
        for listener in list(watch.listeners):
            if state_changed:
                listener.send(STATE, snap.state_event())
            if listener.wants_results and (results_changed or (state_changed and not snap.open)):
                listener.send(RESULTS, snap.results_event())


def sse(event: str, data: dict) -> bytes:
    """One server-sent event."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


Sender = Callable[[str, dict], None]
