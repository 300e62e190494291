"""What a built report is: a header, sections in order and the machine-readable key numbers.

Each section holds the template that draws it and the frozen data it draws; nothing here is HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiskole.errors import ReportError, StoreError
from aiskole.workshop import normalise_workshop_code

if TYPE_CHECKING:  # the store is handed in; its types are only annotations here
    from aiskole.store import Store, Workshop

#: Synthetic demo workshops have titles starting with this (and ``"synthetic": true`` in their state).
SYNTHETIC_PREFIX = "[SYNTETISK]"
#: Mimetype of the machine-readable result each report template displays (invisible in HTML exports). Here, not in
#: the runner: a report kernel imports it, and the runner's papermill costs ~2 s to import (nbformat's jsonschema).
RESULT_MIMETYPE = "application/vnd.aiskole.result+json"
#: Mimetype of an extra file a template hands back, ``{"filename": "bevis.html", "text": "..."}`` (e.g. the
#: participant certificate), written next to the report.
ATTACHMENT_MIMETYPE = "application/vnd.aiskole.attachment+json"


@dataclass(frozen=True)
class Section:
    """One part of a report: the key a template notebook asks for, its heading, its template and its data."""

    key: str
    heading: str
    template: str
    data: Any


@dataclass(frozen=True)
class Report:
    """A built report. ``subtitle`` and ``synthetic_text`` are plain text (templates escape them)."""

    kind: str
    title: str
    subtitle: str
    synthetic: bool
    sections: tuple[Section, ...]
    result: dict[str, Any]
    synthetic_text: str = ""
    #: Only for the literacy record: the data of the printable participant certificate.
    certificate: Any = None

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)


def is_synthetic(workshop: Workshop | None) -> bool:
    """Whether a workshop was made by :mod:`aiskole.demo_data` (flag in the state or the title prefix)."""
    if workshop is None:
        return False
    return bool(workshop.state.get("synthetic")) or workshop.title.startswith(SYNTHETIC_PREFIX)


def parse_code(code: Any, what: str = "workshopkode") -> str:
    """A workshop (or pilot) code from a report's parameters.

    Raises
    ------
    ReportError
        Missing or badly formed (Danish message).
    """
    if code is None or not str(code).strip():
        raise ReportError(f"Skriv en {what}, fx K7FMQX.")
    try:
        normalised = normalise_workshop_code(str(code))
    except ValueError:
        raise ReportError(
            f"{what[0].upper()}{what[1:]}n skal være 3-16 tegn: bogstaver, tal eller bindestreg – "
            f"ikke {str(code)[:40]!r}."
        ) from None
    if normalised is None:  # pragma: no cover - a blank code was refused above
        raise ReportError(f"Skriv en {what}, fx K7FMQX.")
    return normalised


def parse_date(value: Any, what: str) -> dt.date:
    """A date from a ``datetime.date`` or an ISO string ``YYYY-MM-DD``.

    Raises
    ------
    ReportError
        Anything else (Danish message naming ``what``).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ReportError(f"{what} skal være en dato skrevet som år-måned-dag, fx 2026-09-01 – ikke {value!r}.")


def read(store: Store, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call a store method; an unreachable store becomes a :class:`ReportError` (same Danish message)."""
    try:
        return getattr(store, method)(*args, **kwargs)
    except StoreError as exc:
        raise ReportError(str(exc)) from exc
