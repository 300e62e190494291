"""What every exercise view shares: the stylesheet, a status line, guarded callbacks, lazy store, downloads.

A view never lets an exception reach the user: :meth:`ExerciseView.guard` turns ``ValueError`` (whose
messages are Danish by the kit's convention) and :class:`~aiskole.store.StoreError` into a Danish status
message, and anything else into a generic Danish message while the details go to the log.
"""

from __future__ import annotations

import base64
import functools
import logging
import secrets
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from aiskole.errors import StoreError
from aiskole.exercises.base import SubmissionModel
from aiskole.render import Markup, render
from aiskole.store import Store, normalise_workshop_code, open_store
from aiskole.widgets.style import style_widget

log = logging.getLogger("aiskole.widgets")

GENERIC_ERROR = "Noget gik galt. Det du har skrevet, er ikke tabt – prøv igen."


def download_link(data: bytes, filename: str, mime: str, label: str) -> Markup:
    """An HTML link that downloads ``data`` as ``filename`` from a data URL (nothing leaves the machine)."""
    payload = base64.b64encode(data).decode("ascii")
    return render("widgets/download.html.j2", filename=filename, mime=mime, payload=payload, label=label)


def chart_image(png: bytes, alt: str, css_class: str | None = None) -> Markup:
    """A PNG chart as an ``img`` with a data URL and its alt text (``widgets/chart.html.j2``)."""
    payload = base64.b64encode(png).decode("ascii")
    return render("widgets/chart.html.j2", payload=payload, alt=alt, cls=css_class)


def heading(text: str, level: int = 3, lead: str = "") -> Markup:
    """A heading with an optional lead paragraph (``widgets/heading.html.j2``); both texts are escaped."""
    return render("widgets/heading.html.j2", text=text, level=level, lead=lead)


def paragraph(text: str, css_class: str | None = None) -> Markup:
    """One escaped paragraph with the class that styles it (``widgets/paragraph.html.j2``)."""
    return render("widgets/paragraph.html.j2", text=text, cls=css_class)


def run_on_enter_or_click(field: w.Text, button: w.Button, action: Callable[[], None]) -> None:
    """Run ``action`` when the user presses Enter in ``field``, leaves it with a new text, or clicks ``button``.

    Not ``Text.on_submit``: the browser sends the Enter event *before* the new text, so a submit handler
    reads the old one. ``field`` must have ``continuous_update=False``: then its text is sent on Enter or
    on leaving the field, which is always before a click on the button. ``action`` reads ``field.value``
    and must be harmless to repeat: leaving the field and then clicking the button both run it.
    """

    def changed(change) -> None:
        if str(change["new"]).strip():
            action()

    field.observe(changed, names="value")
    button.on_click(lambda _b: action())


def workshop_code_field(value: str | None = None) -> w.Text:
    """The optional code field every exercise offers: an open workshop's or pilot's code (checked when saving,
    never required)."""
    return w.Text(
        value=value or "",
        continuous_update=False,
        description="Kode på workshop eller pilot (valgfri)",
        placeholder="fx TEK-24",
        style={"description_width": "initial"},
        layout=w.Layout(width="auto", max_width="100%"),
    )


class ExerciseView:
    """Base class for exercise views.

    Parameters
    ----------
    store_factory
        Returns the store; called at the first save, so a view shows even when the database is down.
    stylesheets
        Names of the exercise's own stylesheets in ``aiskole/templates/css`` (the kit's is always included).
    """

    def __init__(
        self, store_factory: Callable[[], Store] = open_store, stylesheets: tuple[str, ...] = ()
    ) -> None:
        self._store_factory = store_factory
        self._style = style_widget(*stylesheets)
        self.status = w.HTML()
        #: Random and anonymous, one per view: saving again replaces this view's earlier answer in every count.
        self.participant = secrets.token_hex(16)

    # -- display -------------------------------------------------------------------------------------

    widget: w.Box

    def _wrap(self, children: list[w.Widget]) -> w.VBox:
        """The root box of a view: stylesheet first, status line last."""
        box = w.VBox([self._style, *children, self.status], layout=w.Layout(width="100%", padding="0 4px"))
        box.add_class("aiskole")
        return box

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # -- feedback ------------------------------------------------------------------------------------

    def set_status(self, message: str, *, error: bool = False) -> None:
        self.status.value = render("widgets/status.html.j2", message=message, error=error)

    def clear_status(self) -> None:
        self.status.value = ""

    def guard(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a widget callback so that no exception ever reaches the user as a traceback."""

        @functools.wraps(handler)
        def wrapper(*args, **kwargs):
            try:
                return handler(*args, **kwargs)
            except (ValueError, StoreError) as exc:
                self.set_status(str(exc), error=True)
            except Exception:  # noqa: BLE001 - the view must never show a traceback
                log.exception("%s: callback %s failed", type(self).__name__, handler.__name__)
                self.set_status(GENERIC_ERROR, error=True)
            return None

        return wrapper

    def _on_save(self, _button=None) -> None:
        """The "Gem" button's callback: no double submits while saving, and never a traceback.

        Views that have a ``save_button`` and a ``save()`` method get this for free.
        """
        self.save_button.disabled = True
        try:
            self._save_guard(self.save)()
        finally:
            self.save_button.disabled = False

    def _save_guard(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """Which guard wraps ``save()``; a view that shows save messages elsewhere overrides this."""
        return self.guard(handler)

    def store(self) -> Store:
        """The store (opened on first use; raises StoreError with a Danish message when unreachable)."""
        return self._store_factory()

    def save_model(self, model: SubmissionModel, workshop_code: str | None = None) -> int:
        """Hand the exercise's submission model to the store; returns the new row's id.

        ``workshop_code`` is what the user typed: it must name an open workshop or pilot (Danish ``ValueError``
        otherwise). Saved with the view's participant token, so "Gem" pressed again counts once.
        """
        return self.store().save(
            model, workshop_code=normalise_workshop_code(workshop_code), participant=self.participant
        )
