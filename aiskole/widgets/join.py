"""The participant's view of a live workshop: join with a code, then answer the exercise in play.

Participants open the join link (``deltag.ipynb?kode=K7FMQX``) or type the code. The view then shows the exercise
the presenter has put in play and switches when the presenter switches. Every answer is stored through a
:class:`~aiskole.store.BoundStore`, stamped with the workshop code and a random participant token: anonymous,
and a participant who answers again replaces their earlier answer in the presenter's totals.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import uuid
from collections.abc import Callable
from urllib.parse import parse_qs

import ipywidgets as w

from aiskole import exercises, live, preheat
from aiskole import workshop as ws
from aiskole.errors import StoreError
from aiskole.render import render
from aiskole.store import BoundStore, Store, Workshop, open_store
from aiskole.widgets.base import ExerciseView, run_on_enter_or_click

log = logging.getLogger(__name__)

#: Extra constructor options per exercise inside a workshop.
VIEW_OPTIONS: dict[str, dict] = {"poll": {"in_workshop": True}}


def _code_in(query: str | None) -> str | None:
    values = parse_qs(query or "").get("kode")
    return values[0] if values else None


def code_from_query() -> str | None:
    """The ``kode`` from the join link's query string, when running under Voilà; otherwise ``None``.

    Blocks until the request arrives when the kernel was preheated: use :func:`when_code_arrives` in apps.
    """
    if not preheat.is_preheated():
        return _code_in(os.getenv("QUERY_STRING"))
    info = preheat.request_info()
    return _code_in(info.get("QUERY_STRING")) if info else None


def when_code_arrives(
    callback: Callable[[str], None], *, warm_up: Callable[[], object] | None = None
) -> str | None:
    """Hand the link's ``kode`` to ``callback`` without blocking the notebook.

    A preheated Voilà kernel runs the app before anyone has asked for it, so the query string is not known
    yet; waiting for it in the cell would hit the cell timeout when the room fills slowly. Instead a
    background thread waits for the request and schedules ``callback(code)`` on the kernel's event loop.
    Before it waits, the thread runs ``warm_up`` (errors are only logged): work every participant needs, done
    while the kernel idles in the pool instead of while 40 phones wait. Without preheating the code is known
    at once and returned (and neither ``callback`` nor ``warm_up`` is called).
    """
    if not preheat.is_preheated():
        return code_from_query()  # known at once
    loop = asyncio.get_event_loop()

    def wait() -> None:
        if warm_up is not None:
            try:
                warm_up()
            except Exception as exc:  # noqa: BLE001 - only a head start; the real call reports problems in Danish
                log.debug("warm-up before the join link failed: %s", exc)
        try:
            code = code_from_query()
        except Exception as exc:  # noqa: BLE001 - no link code: the participant types it
            log.debug("could not read the join link's query string: %s", exc)
            return
        if code:
            loop.call_soon_threadsafe(callback, code)

    threading.Thread(target=wait, name="aiskole-join-link", daemon=True).start()
    return None


class JoinView(ExerciseView):
    """Join a workshop and answer the exercise in play.

    Parameters
    ----------
    store_factory
        Returns the shared store.
    code
        The join code from the link (may be ``None``: then the participant types it).
    poll_seconds
        How often the view checks whether the presenter has switched exercise.
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        code: str | None = None,
        *,
        poll_seconds: float = 2.0,
    ) -> None:
        super().__init__(store_factory, stylesheets=("join",))
        #: Random and anonymous: it only ties a participant's answers together so a new answer replaces the old.
        self.participant = str(uuid.uuid4())
        self.poll_seconds = poll_seconds
        self.workshop: Workshop | None = None
        self.active: str | None = None
        self.exercise_view: ExerciseView | None = None
        self._task: asyncio.Task | None = None
        #: One view per exercise, kept when the presenter switches away and back, so nothing typed is lost.
        self._views: dict[str, ExerciseView] = {}

        self.code = w.Text(
            value=code or "",
            continuous_update=False,
            placeholder="fx K7FMQX",
            description="Kode",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.code.add_class("aiskole-join-code")
        self.join_button = w.Button(description="Deltag", button_style="primary")
        run_on_enter_or_click(self.code, self.join_button, lambda: self.guard(self.join)(self.code.value))
        self.form = w.VBox(
            [
                w.HTML(render("widgets/join/intro.html.j2")),
                self.code,
                self.join_button,
            ]
        )
        self.banner = w.HTML()
        self.area = w.VBox(layout=w.Layout(width="auto"))
        self.widget = self._wrap([self.form, self.banner, self.area])
        if code:
            self.guard(self.join)(code)

    @classmethod
    def from_link(cls, **kwargs) -> JoinView:
        """The view for ``deltag.ipynb?kode=…``: joins as soon as the link's code is known."""
        view = cls(**kwargs)
        # Opening (and, the first time, migrating) the store costs ~0.1 s of CPU: do it in the pool, not when
        # the whole room joins at once.
        code = when_code_arrives(lambda c: view.guard(view.join)(c), warm_up=view.store)
        if code:
            view.guard(view.join)(code)
        return view

    # -- joining -------------------------------------------------------------------------------------

    def join(self, typed: str) -> None:
        """Join the workshop with this code, or explain in Danish why not."""
        code = ws.normalise_code(typed)
        if self.workshop is not None and self.workshop.code == code:
            return  # already in (leaving the field and clicking "Deltag" both ask to join)
        workshop = self.store().get_workshop(code)
        if workshop is None:
            raise ValueError("Den kode findes ikke. Tjek, at du har skrevet den rigtigt, og prøv igen.")
        if not workshop.is_open:
            raise ValueError("Workshoppen er lukket. Tak fordi du var med!")
        self.workshop = workshop
        self.code.value = code
        self.form.layout.display = "none"
        self.clear_status()
        self.banner.value = render("widgets/join/banner.html.j2", title=workshop.title)
        self.check_state()
        self._start_watching()

    def check_state(self) -> None:
        """Read the presenter's state once and show the exercise in play (used by the watcher and tests)."""
        if self.workshop is None:
            return
        current = self.store().get_workshop(self.workshop.code)
        if current is None or not current.is_open:
            self._show_closed()
            return
        active = ws.WorkshopState.from_dict(current.state).active
        if active != self.active or not self.area.children:
            self._show(active)

    def _show(self, active: str | None) -> None:
        self.active = active
        if active not in live.LIVE_EXERCISES:
            self.exercise_view = None
            self.area.children = [w.HTML(render("widgets/join/waiting.html.j2"))]
            return
        if active not in self._views:
            # Imported on demand (the registry names the view): a phone gets its first widget without waiting
            # for matplotlib and friends, which only some exercises need.
            view_class = exercises.get(active).view_class()
            bound = BoundStore(self.store(), workshop_code=self.workshop.code, participant=self.participant)
            self._views[active] = view_class(
                store_factory=lambda: bound, workshop_code=self.workshop.code, **VIEW_OPTIONS.get(active, {})
            )
        self.exercise_view = self._views[active]
        self.area.children = [self.exercise_view.widget]

    def _show_closed(self) -> None:
        self._stop_watching()
        self.exercise_view = None
        self.area.children = []
        self.banner.value = render("widgets/join/banner.html.j2", title=None)

    # -- watching the presenter ------------------------------------------------------------------------

    def _start_watching(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                return
        if self._task is None and loop.is_running():
            self._task = loop.create_task(self._watch())

    def _stop_watching(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _watch(self) -> None:
        while self.workshop is not None:
            await asyncio.sleep(self.poll_seconds)
            try:
                self.check_state()
            except StoreError as exc:
                self.set_status(str(exc), error=True)
            except Exception:  # noqa: BLE001 - the watcher must keep running
                log.exception("join view: state check failed")
