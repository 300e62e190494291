"""The room's HTTP endpoints: plain HTML pages and JSON for phones, server-sent events for live updates.

=====================================  =============================================================
``GET  /``                             the landing page: join, the apps, the lessons, the facilitator's
``GET  /deltag``, ``POST /deltag``     the join page: type the code (guessing is slowed down)
``GET  /deltag/<kode>``                a participant's page (``?del=main``: the main part as JSON)
``POST /deltag/<kode>/<øvelse>``       an answer, as a form or as JSON
``GET  /deltag/<kode>/live``           server-sent events: the presenter's state
``GET  /skaerm/<link>``                the read-only display of a workshop (revealed results only)
``GET  /skaerm/<link>/live``           server-sent events: state and results
``GET/POST /oplaegsholder``            give the facilitator key once; a cookie keeps it
=====================================  =============================================================

No kernel is started for any of them. Handlers are thin: the rules are in :mod:`aiskole.room.service`, the
pages in :mod:`aiskole.room.pages` and the templates.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import tornado.web
from tornado.iostream import StreamClosedError

from aiskole.errors import StoreError, UserError
from aiskole.exercises.base import Form, FormError
from aiskole.render import Markup
from aiskole.room import pages, security
from aiskole.room.context import RoomContext
from aiskole.room.hub import RESULTS, STATE, Listener, sse
from aiskole.room.service import Closed, NotFound, NotInPlay, View

log = logging.getLogger(__name__)

#: The largest request body a room endpoint reads (an answer is well under 10 KB).
MAX_BODY = 64 * 1024
#: Live connections one process keeps open at most, and per client address (loopback is not limited).
MAX_CONNECTIONS = 5000
MAX_CONNECTIONS_PER_ADDRESS = 40
CODE = r"([A-Za-z0-9-]{1,16})"
TOKEN = r"([A-Za-z0-9_-]{20,64})"


class RoomHandler(tornado.web.RequestHandler):
    """What every room endpoint shares: the Host check, security headers, the browser id, Danish errors."""

    room: RoomContext
    #: Whether this request came without a browser id, so one was made (it has no answers yet).
    _new_browser = False

    def initialize(self, room: RoomContext) -> None:
        self.room = room

    def prepare(self) -> None:
        if not security.host_is_allowed(self.request.host, self.room.allowed_hosts):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("Adressen er ikke tilladt for denne server.")
            return
        if not security.is_canonical_path(self.request.path):
            self.page(pages.message_page("Siden findes ikke", "Adressen er skrevet forkert."), 404)
            return
        if self.request.method == "POST":
            if len(self.request.body or b"") > MAX_BODY:
                self.page(
                    pages.message_page("For meget tekst", "Svaret er for stort til at blive sendt."), 413
                )
                return
            if not security.same_origin(self.request.headers):
                self.page(pages.message_page("Ikke tilladt", "Formularen kom fra en anden side."), 403)
                return

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", pages.content_security_policy())
        self.set_header("X-Content-Type-Options", "nosniff")
        # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on its own forms, which
        # then look cross-site; with same-origin no address ever goes to another site either.
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Cache-Control", "no-store")
        self.clear_header("Server")

    # -- who is asking -----------------------------------------------------------------------------

    @property
    def client(self) -> str:
        return security.client_address(self.request.remote_ip, self.request.headers, self.room.settings)

    @property
    def is_facilitator(self) -> bool:
        return self.room.is_facilitator(self)

    def browser(self) -> str:
        """The anonymous browser id (a cookie made on first visit; never a name, never logged)."""
        value = self.get_cookie(security.BROWSER_COOKIE)
        if not security.is_browser_id(value):
            value = security.new_browser_id()
            self._new_browser = True
            self.set_cookie(
                security.BROWSER_COOKIE, value, httponly=True, samesite="Lax", secure=self.is_https, path="/"
            )
        return value

    @property
    def is_https(self) -> bool:
        return security.is_https(self.request, self.room.settings)

    @property
    def wants_json(self) -> bool:
        return "application/json" in self.request.headers.get("Accept", "")

    # -- answering ---------------------------------------------------------------------------------

    async def call(self, function, *args: Any, **kwargs: Any):
        """Run a blocking store call off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.room.executor, lambda: function(*args, **kwargs))

    def page(self, html: Markup | str, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(str(html))

    def json(self, data: dict, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))

    def limited(self) -> bool:
        """Answer 429 when this client has guessed too many codes; ``True`` if it did."""
        wait = self.room.limiter.wait(self.client)
        if wait <= 0:
            return False
        seconds = max(1, round(wait))
        self.set_header("Retry-After", str(seconds))
        text = f"Der er tastet forkerte koder for mange gange. Vent {seconds} sekunder, og prøv igen."
        if self.wants_json:
            self.json({"ok": False, "message": text}, 429)
        else:
            self.page(
                pages.message_page("Vent lidt", text, links=((self.base + "deltag", "Prøv igen"),)), 429
            )
        return True

    @property
    def base(self) -> str:
        return self.room.base_url

    def log_exception(self, typ, value, tb) -> None:
        # Tornado's own line names the client's address and the whole URL (a workshop code); ours neither.
        security.log_handler_exception(log, type(self).__name__, typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # Never a traceback: a Danish page (or JSON) with what the user can do.
        heading = {404: "Siden findes ikke", 405: "Det kan man ikke her", 400: "Forkert forespørgsel"}.get(
            status_code, "Noget gik galt"
        )
        text = "Prøv igen om lidt. Bliver det ved, så sig det til oplægsholderen."
        error = (kwargs.get("exc_info") or (None, None, None))[1]
        if isinstance(error, StoreError):  # the database is away for a moment: say so, and that it passes
            self.set_status(503)
            self.set_header("Retry-After", "5")
            heading, text = "Databasen svarer ikke lige nu", str(error)
        if self.wants_json:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"ok": False, "message": f"{heading}. {text}"}, ensure_ascii=False))
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(str(pages.message_page(heading, text, links=((self.base, "Til forsiden"),))))


class NotFoundHandler(RoomHandler):
    def prepare(self) -> None:
        super().prepare()
        if not self._finished:
            raise tornado.web.HTTPError(404)


class LandingHandler(RoomHandler):
    def get(self) -> None:
        self.page(
            pages.landing_page(
                base=self.base,
                facilitator=self.is_facilitator,
                apps=self.room.apps,
                lessons=self.room.lessons,
            )
        )


class JoinHandler(RoomHandler):
    def get(self) -> None:
        self.page(pages.join_page(base=self.base, typed=self.get_query_argument("kode", "")[:16]))

    async def post(self) -> None:
        if self.limited():
            return
        typed = self.get_body_argument("kode", "")[:16]
        try:
            workshop = await self.call(self.room.service.workshop, typed)
        except NotFound as exc:
            self.room.limiter.failed(self.client)
            self.page(pages.join_page(base=self.base, error=str(exc), typed=typed), 404)
            return
        except UserError as exc:
            self.page(pages.join_page(base=self.base, error=str(exc), typed=typed), 400)
            return
        self.browser()
        self.redirect(f"{self.base}deltag/{workshop.code}", status=303)


class _WorkshopHandler(RoomHandler):
    async def workshop_or_page(self, code: str):
        """The open workshop with this code, or ``None`` after answering with the reason (a guess counts)."""
        if self.limited():
            return None
        try:
            return await self.call(self.room.service.workshop, code)
        except NotFound as exc:
            self.room.limiter.failed(self.client)
            self._refuse(str(exc), 404, join=True)
        except Closed as exc:
            self._refuse(str(exc), 410)
        except UserError as exc:
            self._refuse(str(exc), 400, join=True)
        return None

    def _refuse(self, text: str, status: int, *, join: bool = False, heading: str | None = None) -> None:
        if self.wants_json or self.request.headers.get("Content-Type", "").startswith("application/json"):
            body: dict[str, Any] = {"ok": False, "message": text, "open": status != 410}
            if status == 410:  # the page shows that the workshop is over (the script swaps it in)
                body.update(html=str(pages.closed_body()), v="0--0", active="")
            self.json(body, status)
            return
        if join:
            self.page(pages.join_page(base=self.base, error=text), status)
            return
        heading = heading or ("Workshoppen er slut" if status == 410 else "Det gik ikke")
        self.page(pages.message_page(heading, text, links=((self.base, "Til forsiden"),)), status)

    def send_view(self, view: View, status: int = 200, *, whole_page: bool | None = None) -> None:
        if whole_page is None:
            whole_page = not self.wants_json
        if not whole_page:
            body = {"ok": status < 400, "html": str(view.body), "v": view.version, "active": view.active}
            self.json({**body, "message": view.message}, status)
            return
        html = pages.participant_page(
            view.workshop,
            view.body,
            base=self.base,
            version=view.version,
            active=view.active,
            refresh=view.refresh,
        )
        self.page(html, status)


class ParticipantHandler(_WorkshopHandler):
    async def get(self, code: str) -> None:
        workshop = await self.workshop_or_page(code)
        if workshop is None:
            return
        query = Form({k: v[:1] for k, v in self.request.query_arguments.items()})
        browser = self.browser()
        view = await self.call(
            self.room.service.view, workshop, browser, query=query, new_browser=self._new_browser
        )
        self.send_view(view, whole_page=self.get_query_argument("del", "") != "main")


class AnswerHandler(_WorkshopHandler):
    async def post(self, code: str, exercise: str) -> None:
        workshop = await self.workshop_or_page(code)
        if workshop is None:
            return
        try:
            form, sent_json = self._form()
        except (FormError, ValueError):
            self._refuse("Svaret kunne ikke læses – måske er en tekst for lang. Prøv igen.", 400)
            return
        as_json = sent_json or self.wants_json
        browser = self.browser()
        service = self.room.service
        try:
            view = await self.call(service.answer, workshop, exercise, form, browser)
        except NotInPlay as exc:
            view = service.with_message(await self.call(service.view, workshop, browser), str(exc))
            self.send_view(view, 409, whole_page=not as_json)
            return
        except StoreError as exc:
            self._refuse(str(exc), 503, heading="Svaret er ikke gemt")
            return
        except UserError as exc:  # the workshop closed a moment ago
            self._refuse(str(exc), 410)
            return
        if as_json or view.invalid:
            self.send_view(view, 422 if view.invalid else 200, whole_page=not as_json)
        else:
            self.redirect(f"{self.base}deltag/{workshop.code}", status=303)  # the page shows the saved answer

    def _form(self) -> tuple[Form, bool]:
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            data = json.loads(self.request.body or b"{}")
            if not isinstance(data, dict):
                raise ValueError("not an object")
            return Form(data), True
        return Form(self.request.body_arguments), False


class LiveHandler(RoomHandler, Listener):
    """A server-sent-events connection kept open while the page is (the hub writes to it)."""

    def _open_stream(self) -> bool:
        if self.room.hub.connections >= MAX_CONNECTIONS or (
            not security.is_loopback(self.client)  # behind the proxy: the phone's address, as it forwards
            and self.room.connections_from(self.client) >= MAX_CONNECTIONS_PER_ADDRESS
        ):
            self.set_status(503)
            self.finish()
            return False
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-cache, no-transform")
        self.set_header("X-Accel-Buffering", "no")  # nginx: pass every event at once
        # No gzip on a stream of small events: Tornado would compress text/event-stream, and a proxy or a
        # phone's browser may wait for more compressed bytes before it hands an event on.
        self._transforms = []
        # Each event is a few hundred bytes: send it at once, not after Nagle's wait for the phone's ACK.
        stream = getattr(self.request.connection, "stream", None)
        if stream is not None and not stream.closed():
            stream.set_nodelay(True)
        self._done = asyncio.Event()
        self.write(b"retry: 2000\n\n")
        self.flush()
        return True

    async def stream(self, code: str) -> None:
        self.room.connected(self.client, +1)
        self.room.hub.subscribe(code, self)
        try:
            await self._done.wait()
        finally:
            self.room.hub.unsubscribe(code, self)
            self.room.connected(self.client, -1)

    def send(self, event: str, data: dict) -> None:
        self._write(sse(event, data))

    def ping(self) -> None:
        self._write(b": ping\n\n")

    def _write(self, chunk: bytes) -> None:
        if self._done.is_set():
            return
        try:
            self.write(chunk)
            self.flush()
        except StreamClosedError:
            self._done.set()

    def on_connection_close(self) -> None:
        if hasattr(self, "_done"):
            self._done.set()


class ParticipantLiveHandler(LiveHandler):
    async def get(self, code: str) -> None:
        if self.limited():
            return
        try:
            workshop = await self.call(self.room.service.workshop, code)
        except NotFound:
            self.room.limiter.failed(self.client)
            raise tornado.web.HTTPError(404) from None
        except UserError:
            self.set_status(204)  # closed: the script stops reconnecting
            self.finish()
            return
        if self._open_stream():
            await self.stream(workshop.code)


class DisplayHandler(RoomHandler):
    async def get(self, token: str) -> None:
        found = await self.call(self.room.store.workshop_for_display, token)
        if found is None or found.is_pilot:
            raise tornado.web.HTTPError(404)
        snapshot = await self.call(self.room.display_snapshot, found)
        join_url = self.room.join_url(found.code)
        body = pages.display_body(found, snapshot, join_url=join_url, qr_svg=self.room.qr(join_url))
        if self.get_query_argument("del", "") == "main":
            self.json({"html": str(body), "v": snapshot.state_version, "active": snapshot.active})
            return
        self.page(pages.display_page(found, snapshot, body, base=self.base, token=token))


class DisplayLiveHandler(LiveHandler):
    wants_results = True

    async def get(self, token: str) -> None:
        found = await self.call(self.room.store.workshop_for_display, token)
        if found is None or found.is_pilot:
            raise tornado.web.HTTPError(404)
        if self._open_stream():
            await self.stream(found.code)


class FacilitatorHandler(RoomHandler):
    """Give the facilitator key once (typed, or in the link ``aiskole demo`` prints); a cookie keeps it."""

    def get(self) -> None:
        given = self.get_query_argument("noegle", None)
        if given is not None:
            self._login(given)
            return
        self.page(
            pages.facilitator_page(
                base=self.base, facilitator=self.is_facilitator, apps=self.room.apps, then=self._then()
            )
        )

    def _then(self) -> str:
        """Where to go after the login (a page of this server), from the link or the form."""
        return security.safe_redirect(self.get_argument("videre", ""), "")

    def post(self) -> None:
        if self.get_body_argument("log_ud", None) is not None:
            self.clear_cookie(security.FACILITATOR_COOKIE, path="/")
            self.redirect(self.base, status=303)
            return
        self._login(self.get_body_argument("noegle", ""))

    def _login(self, given: str) -> None:
        if self.limited():
            return
        if not security.key_matches(given, self.room.key):
            self.room.limiter.failed(self.client)
            self.page(
                pages.facilitator_page(
                    base=self.base,
                    facilitator=False,
                    apps=self.room.apps,
                    error="Nøglen passer ikke. Tjek den, og prøv igen.",
                    then=self._then(),
                ),
                403,
            )
            return
        self.set_cookie(
            security.FACILITATOR_COOKIE,
            security.cookie_for(self.room.key),
            httponly=True,
            samesite="Strict",
            secure=self.is_https,
            path="/",
        )
        # only pages of this server (not "//host" nor "/\\host", which browsers read as another site)
        self.redirect(self._then() or self.base, status=303)


def room_handlers(room: RoomContext) -> list[tuple]:
    """The room's routes (the catch-all 404 is added by the server after Voilà's)."""
    base = room.base_url
    args = {"room": room}
    return [
        (base, LandingHandler, args),
        (f"{base}deltag/?", JoinHandler, args),
        (f"{base}deltag/{CODE}/?", ParticipantHandler, args),
        (f"{base}deltag/{CODE}/live", ParticipantLiveHandler, args),
        (f"{base}deltag/{CODE}/([a-z]{{1,32}})", AnswerHandler, args),
        (f"{base}skaerm/{TOKEN}/?", DisplayHandler, args),
        (f"{base}skaerm/{TOKEN}/live", DisplayLiveHandler, args),
        (f"{base}oplaegsholder/?", FacilitatorHandler, args),
    ]


def not_found_handler(room: RoomContext) -> tuple:
    return (f"{room.base_url}.*", NotFoundHandler, {"room": room})


__all__ = ["RESULTS", "STATE", "room_handlers", "not_found_handler"]
