"""Export a workshop's or a pilot's answers as CSV or JSON (anonymous: no names are ever stored).

The retention period is applied before every export: data past it is erased, never exported.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from aiskole.errors import UserError
from aiskole.store import Store, Workshop, normalise_workshop_code

FORMATS = ("csv", "json")


def export_format(chosen: str | None, out: Path) -> str:
    """The export format: the one chosen, or the output file's extension.

    Raises
    ------
    UserError
        Neither says csv or json (Danish message).
    """
    fmt = (chosen or out.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UserError("Vælg --format csv eller json (eller en fil, der ender på .csv eller .json).")
    return fmt


def find_code(store: Store, code: str) -> Workshop:
    """The workshop or pilot with this code, after the retention period was applied.

    Raises
    ------
    UserError
        A badly formed code, or one that names nothing (any more) (Danish message).
    """
    try:
        wanted = normalise_workshop_code(code)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if wanted is None:
        raise UserError("Skriv koden på workshoppen eller piloten.")
    store.purge_expired()
    found = store.get_workshop(wanted)
    if found is None:
        raise UserError(
            f"Der findes ingen workshop eller pilot med koden {wanted} – eller dens opbevaringsperiode er "
            "udløbet, så dens data er slettet."
        )
    return found


def export_workshop(store: Store, code: str, fmt: str) -> tuple[Workshop, str, int]:
    """The submissions of the workshop or pilot with this code as ``"csv"`` or ``"json"`` text: the workshop,
    the text and how many there are (see :func:`find_code` for the errors)."""
    workshop = find_code(store, code)
    rows = store.list_submissions(workshop_code=workshop.code)
    records = [
        {
            "id": r.id,
            "workshop": r.workshop_code,
            "exercise": r.exercise,
            "participant": r.participant,
            "created_at": r.created_at.isoformat(),
            "answers": r.answers,
            "result": r.result,
        }
        for r in rows
    ]
    if fmt == "json":
        payload = {
            "workshop": {
                "code": workshop.code,
                "kind": workshop.kind,
                "title": workshop.title,
                "created_at": workshop.created_at.isoformat(),
                "expires_at": workshop.expires_at.isoformat(),
            },
            "submissions": records,
        }
        return workshop, json.dumps(payload, ensure_ascii=False, indent=2) + "\n", len(records)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else ["id"], lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in record.items()}
        )
    return workshop, buffer.getvalue(), len(records)
