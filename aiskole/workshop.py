"""Live workshops: short join codes, join URLs, QR codes, and the presenter's aggregates.

Pure: no widgets, no database. Persistence lives in :mod:`aiskole.store`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import quote

#: Letters and digits that cannot be mistaken for each other when read off a projector or typed on a phone
#: (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
TITLE_MAX = 80
DEFAULT_RETENTION_DAYS = 90


#: Codes that group submissions (a live workshop's join code, or a pilot's label): short, typed on phones.
WORKSHOP_CODE = re.compile(r"^[A-Za-z0-9-]{3,16}$")


def normalise_workshop_code(code: str | None) -> str | None:
    """Strip and upper-case a workshop code; ``None`` or blank means no workshop.

    Raises
    ------
    ValueError
        With a Danish message when the code has the wrong form.
    """
    if code is None or not str(code).strip():
        return None
    code = str(code).strip().upper()
    if not WORKSHOP_CODE.match(code):
        rule = "Workshopkoden skal være 3-16 tegn: bogstaver, tal eller bindestreg"
        if not 3 <= len(code) <= 16:
            raise ValueError(f"{rule} – du har skrevet {len(code)} tegn.")
        bad = re.search(r"[^A-Za-z0-9-]", code).group()
        raise ValueError(f"{rule} – «{bad}» er ikke tilladt.")
    return code


def new_code() -> str:
    """A random join code, e.g. ``"K7FMQX"`` (25^6 ≈ 244 million possibilities)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    """Clean up a code a participant typed: spaces and dashes removed, upper case.

    Raises
    ------
    ValueError
        With a Danish message when it cannot be a workshop code.
    """
    cleaned = re.sub(r"[\s-]", "", str(text or "")).upper()
    if not cleaned:
        raise ValueError("Skriv koden, som står på skærmen.")
    if not _CODE.match(cleaned):
        raise ValueError(
            f"Koden skal være {CODE_LENGTH} tegn – bogstaver og tal, som står på skærmen. Tjek den, og prøv igen."
        )
    return cleaned


def validate_title(title: str | None) -> str:
    title = " ".join(str(title or "").split())
    if not title:
        raise ValueError("Giv workshoppen en titel, fx 'Frokostdemo, Teknik og Miljø'.")
    if len(title) > TITLE_MAX:
        raise ValueError(f"Titlen må højst være {TITLE_MAX} tegn (den er {len(title)}).")
    return title


def validate_department(department: str | None) -> str | None:
    """Clean up a department name; blank means none."""
    department = " ".join(str(department or "").split())
    if not department:
        return None
    if len(department) > TITLE_MAX:
        raise ValueError(f"Afdelingens navn må højst være {TITLE_MAX} tegn.")
    return department


def join_path(code: str | None = None) -> str:
    """The participants' page on the server: ``deltag`` (type the code) or ``deltag/K7FMQX``."""
    return "deltag" if code is None else f"deltag/{quote(code)}"


def join_url(base_url: str, code: str | None = None) -> str:
    """The URL participants open, e.g. ``http://10.0.0.5:8866/deltag/K7FMQX`` (no kernel, plain HTML)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return f"{base}{join_path(code)}"


def display_url(base_url: str, token: str) -> str:
    """The read-only display of a workshop: ``http://10.0.0.5:8866/skaerm/<secret>`` (revealed results only)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return f"{base}skaerm/{quote(token)}"


def qr_svg(url: str, *, scale: int = 10) -> str:
    """The QR code of ``url`` as inline SVG (rendered locally; nothing is fetched)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title="QR-kode til at deltage"
    )
    return buffer.getvalue().decode("utf-8")


def expires_at(created: dt.datetime, retention_days: int = DEFAULT_RETENTION_DAYS) -> dt.datetime:
    if retention_days < 1:
        raise ValueError("Opbevaringsperioden skal være mindst 1 dag.")
    return created + dt.timedelta(days=retention_days)


@dataclass(frozen=True)
class WorkshopState:
    """What the presenter controls: the exercise in play, whether results are revealed, and moderation."""

    active: str | None = None
    revealed: bool = False
    approved_words: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {"active": self.active, "revealed": self.revealed, "approved_words": list(self.approved_words)}

    @classmethod
    def from_dict(cls, data: dict | None) -> WorkshopState:
        data = data or {}
        return cls(
            active=data.get("active"),
            revealed=bool(data.get("revealed", False)),
            approved_words=tuple(data.get("approved_words", ())),
        )
