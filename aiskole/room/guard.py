"""Voilà's handlers behind the room's rules: Host allowlist, canonical paths, roles, kernel caps and owners.

:func:`guard_handlers` takes the handler list Voilà builds and returns the part the demo server serves, each
handler wrapped:

* rendering a notebook (``/voila/render/<path>``): only the apps and lessons of :mod:`aiskole.apps`, by their
  exact path (``deltag.ipynb/../praesentation.ipynb`` is not one); the facilitator's apps only for the
  facilitator; a kernel only while the caps allow (:class:`~aiskole.room.kernels.KernelPolicy`), else a Danish
  "prøv igen om lidt" page;
* a kernel's websocket, info and shutdown: only for the browser whose page started that kernel (and a
  facilitator's kernel only for the facilitator) -- so nobody sends widget messages to the presenter's kernel;
* static files: the Host check only;
* the directory listing, the contents API, the file handler and the login pages: not served.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import inspect
import logging
from typing import Any

import tornado.web
from jupyter_server.utils import ensure_async

from aiskole.render import Markup
from aiskole.room import pages, security
from aiskole.room.kernels import KernelUse, Owner

log = logging.getLogger(__name__)

#: The owner of the page being rendered, read by the kernel manager when Voilà starts its kernel.
CURRENT_OWNER: contextvars.ContextVar[Owner | None] = contextvars.ContextVar("aiskole_owner", default=None)
#: Seconds a visitor over the cap is asked to wait.
RETRY_AFTER = 30
#: Environment variables a kernel never gets (Voilà hands kernels the server's whole environment).
SECRET_ENV = ("AISKOLE_FACILITATOR_KEY",)


class _Guarded:
    """The Host check before the handler's own ``prepare``."""

    def room(self):
        return self.settings["aiskole_room"]

    def refuse(self, status: int, html: Markup | str, **headers: str) -> None:
        self.set_status(status)
        for name, value in headers.items():
            self.set_header(name, value)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", pages.content_security_policy())
        self.finish(str(html))

    async def prepare(self) -> None:
        if not security.host_is_allowed(self.request.host, self.room().allowed_hosts):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("Adressen er ikke tilladt for denne server.")
            return
        if not security.is_canonical_path(self.request.path):
            self.refuse(404, pages.message_page("Siden findes ikke", "Adressen er skrevet forkert."))
            return
        allowed = self.allowed()
        if inspect.isawaitable(allowed):
            allowed = await allowed
        if not allowed:
            return
        result = super().prepare()
        if inspect.isawaitable(result):
            await result

    def allowed(self) -> bool:
        return True

    def browser_id(self) -> str | None:
        value = self.get_cookie(security.BROWSER_COOKIE)
        return value if security.is_browser_id(value) else None

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            str(pages.message_page("Noget gik galt", "Prøv igen om lidt.", links=(("/", "Til forsiden"),)))
        )

    def log_exception(self, typ, value, tb) -> None:
        # Tornado's own line names the client's address and the whole URL (a workshop code); ours neither.
        security.log_handler_exception(log, type(self).__name__, typ, value, tb)


class _KernelGuarded(_Guarded):
    """Only the browser that opened a kernel's page may use the kernel."""

    def allowed(self) -> bool:
        room = self.room()
        kernel_id = self.path_kwargs.get("kernel_id") or (self.path_args[0] if self.path_args else "")
        if room.kernels.may_use(kernel_id, self.browser_id(), room.is_facilitator(self)):
            return True
        self.refuse(403, pages.message_page("Ikke tilladt", "Den øvelse hører til en anden side."))
        return False


class _TemplateStaticGuarded(_Guarded):
    """Voilà's template files are ``<template>/static/<file>``; anything else is not one (Voilà would fail on
    it with an assertion, a 500)."""

    def allowed(self) -> bool:
        parts = (self.path_args[0] if self.path_args else "").split("/")
        if len(parts) >= 3 and parts[0] and parts[1] == "static" and parts[2]:
            return True
        self.refuse(404, pages.message_page("Siden findes ikke", "Adressen er skrevet forkert."))
        return False


def _unknown_page(base: str) -> Markup:
    return pages.message_page(
        "Siden findes ikke", "Vælg en øvelse på forsiden.", links=((base, "Til forsiden"),)
    )


def _facilitator_only_page(base: str, path: str) -> Markup:
    login = f"{base}oplaegsholder?videre={base}voila/render/{path}"
    text = "Den side er kun for oplægsholderen. Har du oplægsholdernøglen, så log ind."
    return pages.message_page("Kun for oplægsholderen", text, links=((login, "Log ind"),))


def _full_page(base: str) -> Markup:
    """Above the kernel cap: the Danish "prøv igen om lidt" page."""
    text = (
        "Der er mange, der bruger øvelserne lige nu, så der er ikke plads til én mere. "
        "Prøv igen om lidt – siden er ikke væk."
    )
    return pages.message_page("Prøv igen om lidt", text, links=(("", "Prøv igen"), (base, "Til forsiden")))


def render_guard(base: type) -> type:
    """Voilà's render handler with the room's rules (see the module docstring)."""

    class RenderGuard(_Guarded, base):
        async def allowed(self) -> bool:
            room = self.room()
            path = self.path_args[0] if self.path_args else ""
            target = room.render_paths.get(path)
            if target is None:
                self.refuse(404, _unknown_page(room.base_url))
                return False
            facilitator = room.is_facilitator(self)
            if getattr(target, "facilitator_only", False) and not facilitator:
                self.refuse(403, _facilitator_only_page(room.base_url, path))
                return False
            self._owner = Owner(self._ensure_browser(), self._client(), facilitator)
            running = set(self.kernel_manager.list_kernel_ids())
            room.kernels.forget_missing(running)
            # Checked and taken at once, before anything can wait: a burst of requests that all passed the
            # check before one of them took its place would start more kernels than the cap.
            self._reservation = room.kernels.try_reserve(self._owner)
            if self._reservation is None:
                # Kernels left behind are forgotten and a place taken at once (no await between); they are
                # shut down after.
                evicted = room.kernels.make_room(self._owner, kernel_uses(self.kernel_manager))
                self._reservation = room.kernels.try_reserve(self._owner)
                for kernel_id in evicted:
                    await shut_down(self.kernel_manager, kernel_id)
            if self._reservation is None:
                self.refuse(503, _full_page(room.base_url), **{"Retry-After": str(RETRY_AFTER)})
                return False
            return True

        def on_finish(self) -> None:
            self._release()
            super().on_finish()

        def _release(self) -> None:
            reservation, self._reservation = getattr(self, "_reservation", None), None
            self.room().kernels.release(reservation)

        def _client(self) -> str:
            return security.client_address(self.request.remote_ip, self.request.headers, self.room().settings)

        def _ensure_browser(self) -> str:
            value = self.browser_id()
            if value is None:
                value = security.new_browser_id()
                self.set_cookie(
                    security.BROWSER_COOKIE,
                    value,
                    httponly=True,
                    samesite="Lax",
                    secure=security.is_https(self.request, self.room().settings),
                    path="/",
                )
            return value

        async def get(self, path=None):
            # Sets the _xsrf cookie (after the handler's own prepare, which knows the user): Voilà's page sends
            # it with the beacon that shuts its kernel down when the tab is closed; without it the beacon is
            # refused and the kernel holds a place until the cull.
            _ = self.xsrf_token
            token = CURRENT_OWNER.set(self._owner)
            try:
                await super().get(path)
            finally:
                CURRENT_OWNER.reset(token)
                self._release()

    RenderGuard.__name__ = f"Guarded{base.__name__}"
    return RenderGuard


def kernel_uses(kernel_manager) -> list[KernelUse]:
    """Connections and idle seconds of every running kernel, from the kernel manager's own model."""
    now = dt.datetime.now(dt.UTC)
    uses = []
    for kernel_id in kernel_manager.list_kernel_ids():
        try:
            model = kernel_manager.kernel_model(kernel_id)
            last = dt.datetime.fromisoformat(model["last_activity"])
        # gone meanwhile (404), or still starting: no last_activity attribute or value yet
        except (tornado.web.HTTPError, AttributeError, KeyError, TypeError, ValueError):
            continue
        idle = (now - (last if last.tzinfo else last.replace(tzinfo=dt.UTC))).total_seconds()
        uses.append(KernelUse(kernel_id, int(model.get("connections") or 0), idle))
    return uses


async def shut_down(kernel_manager, kernel_id: str) -> None:
    try:
        await ensure_async(kernel_manager.shutdown_kernel(kernel_id, now=True))
    except Exception as exc:  # noqa: BLE001 - gone already; Voilà's cull takes what is left
        log.warning("kernel left behind could not be shut down: %s", type(exc).__name__)
    else:
        log.info("a kernel left behind was shut down to make room")


def _guarded(base: type, mixin: type) -> type:
    return type(f"Guarded{base.__name__}", (mixin, base), {})


def track_kernels(kernel_manager, policy) -> None:
    """Record the owner of every kernel the kernel manager starts, and keep secrets out of its environment."""
    original = kernel_manager.start_kernel

    async def start_kernel(*args, **kwargs):
        env = kwargs.get("env")
        if isinstance(env, dict):
            kwargs["env"] = {k: v for k, v in env.items() if k not in SECRET_ENV}
        kernel_id = await ensure_async(original(*args, **kwargs))
        owner = CURRENT_OWNER.get()
        if owner is not None:
            policy.started(kernel_id, owner)
        return kernel_id

    kernel_manager.start_kernel = start_kernel


#: Voilà's handlers that are served as they are (behind the Host check).
STATIC = ("TemplateStaticFileHandler", "MultiStaticFileHandler", "ThemesHandler", "FileFindHandler")
#: Handlers that act on one kernel.
KERNEL = ("KernelHandler", "VoilaKernelWebsocketHandler", "VoilaShutdownKernelHandler")
#: Rendering a notebook.
RENDER = ("TornadoVoilaHandler",)


def guard_handlers(handlers: list[tuple]) -> list[tuple]:
    """The Voilà handlers the demo server keeps, wrapped; every other one is dropped."""
    kept = []
    for spec in handlers:
        pattern, cls, *rest = spec
        names = {c.__name__ for c in inspect.getmro(cls)}
        if cls.__name__ in RENDER:
            kept.append((pattern, render_guard(cls), *rest))
        elif cls.__name__ in KERNEL:
            kept.append((pattern, _guarded(cls, _KernelGuarded), *rest))
        elif cls.__name__ == "TemplateStaticFileHandler":
            kept.append((pattern, _guarded(cls, _TemplateStaticGuarded), *rest))
        elif cls.__name__ in STATIC or names & set(STATIC):
            kept.append((pattern, _guarded(cls, _Guarded), *rest))
    return kept


__all__ = ["CURRENT_OWNER", "guard_handlers", "track_kernels"]
