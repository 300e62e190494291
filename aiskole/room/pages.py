"""The room's pages, rendered from templates (``aiskole/templates/room/``) with values from the store.

Rendering only: what to show is decided by :mod:`aiskole.room.service`, and each exercise's form and result
come from its own templates (``exercises/<name>/participant_form.html.j2`` and ``participant_done.html.j2``).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiskole.exercises import Exercise
from aiskole.exercises.base import Form
from aiskole.render import Markup, render

if TYPE_CHECKING:  # a type only: rendering does no I/O
    from aiskole.store import Workshop

#: Seconds between reloads of a waiting page without the script (it follows the presenter that way).
NO_SCRIPT_REFRESH = 10


@cache
def script() -> str:
    """The room's one script (``templates/js/room.js``)."""
    return resources.files("aiskole").joinpath("templates", "js", "room.js").read_text(encoding="utf-8")


@cache
def script_hash() -> str:
    """The script's hash for the Content-Security-Policy (no other script may run on a room page)."""
    digest = hashlib.sha256(script().encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def content_security_policy() -> str:
    return (
        "default-src 'none'; "
        f"script-src '{script_hash()}'; "
        "style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


@dataclass(frozen=True)
class ExerciseScreen:
    """What a participant sees of the exercise in play: its form (with errors and the input kept) or their result."""

    exercise: Exercise
    content: Any
    form: Form = field(default_factory=Form)
    errors: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    result: Any = None
    query: Form = field(default_factory=Form)
    results: Markup | None = None
    client_key: str = ""


def exercise_body(screen: ExerciseScreen, *, base: str, code: str) -> Markup:
    name = screen.exercise.name
    page_url = f"{base}deltag/{code}"
    context = {
        "content": screen.content,
        "form": screen.form,
        "errors": screen.errors,
        "query": screen.query,
        "action": f"{page_url}/{name}",
        "page_url": page_url,
        "code": code,
    }
    done = None
    form_body = None
    if screen.result is not None:
        done = render(f"exercises/{name}/participant_done.html.j2", result=screen.result, **context)
    else:
        form_body = render(f"exercises/{name}/participant_form.html.j2", **context)
    return render(
        "room/exercise.html.j2",
        exercise=screen.exercise,
        done_body=done,
        form_body=form_body,
        summary=screen.summary,
        client_key=screen.client_key,
        results=screen.results,
        **context,
    )


def waiting_body() -> Markup:
    return render("room/waiting.html.j2")


def closed_body() -> Markup:
    return render("room/closed.html.j2")


def participant_page(
    workshop: Workshop, body: Markup, *, base: str, version: str, active: str | None, refresh: bool
):
    code = workshop.code
    return render(
        "room/participant.html.j2",
        workshop=workshop,
        body=body,
        script=script(),
        refresh=NO_SCRIPT_REFRESH if refresh else 0,
        main_data={
            "live": f"{base}deltag/{code}/live",
            "page": f"{base}deltag/{code}?del=main",
            "version": version,
            "active": active or "",
        },
        extra_sheets=("live", "heatmap"),
    )


def join_page(*, base: str, error: str = "", typed: str = "") -> Markup:
    return render("room/join.html.j2", base=base, error=error, typed=typed)


def message_page(
    heading: str, text: str, *, links: tuple[tuple[str, str], ...] = (), page_title: str = "aiskole"
):
    return render("room/message.html.j2", heading=heading, text=text, links=links, page_title=page_title)


# -- the landing page, the facilitator's page and the display -------------------------------------------


def landing_page(*, base: str, facilitator: bool, apps, lessons) -> Markup:
    """The server's front page: join by code, the apps, the lessons and the facilitator's corner."""
    return render(
        "room/landing.html.j2",
        base=base,
        facilitator=facilitator,
        apps=[a for a in apps if not a.facilitator_only],
        facilitator_apps=[a for a in apps if a.facilitator_only],
        lessons=lessons,
    )


def facilitator_page(*, base: str, facilitator: bool, apps, error: str = "", then: str = "") -> Markup:
    """The facilitator's login (``then``: the page of this server to go to afterwards)."""
    return render(
        "room/facilitator.html.j2",
        base=base,
        facilitator=facilitator,
        facilitator_apps=[a for a in apps if a.facilitator_only],
        error=error,
        then=then,
    )


def display_body(workshop: Workshop, snapshot, *, join_url: str, qr_svg: str) -> Markup:
    """The display's main part: the way in and the exercise in play, revealed results only, nothing once the
    workshop is closed."""
    return render(
        "room/display_body.html.j2",
        workshop=workshop,
        snapshot=snapshot,
        join_url=join_url,
        qr=Markup(qr_svg),  # segno's SVG, drawn locally from our own URL
    )


def display_page(workshop: Workshop, snapshot, body: Markup, *, base: str, token: str) -> Markup:
    return render(
        "room/display.html.j2",
        workshop=workshop,
        body=body,
        script=script(),
        refresh=5,
        body_class="room-display",
        main_data={
            "live": f"{base}skaerm/{token}/live",
            "page": f"{base}skaerm/{token}?del=main",
            "version": snapshot.state_version,
            "active": snapshot.active or "",
        },
        extra_sheets=("live", "heatmap"),
    )
