"""Export a workshop's answers as CSV or JSON (anonymous: no names are ever stored)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from aiskole.errors import UserError
from aiskole.store import Store, Workshop

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


def export_workshop(store: Store, workshop: Workshop, fmt: str) -> tuple[str, int]:
    """The workshop's submissions as ``"csv"`` or ``"json"`` text, and how many there are."""
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
                "title": workshop.title,
                "created_at": workshop.created_at.isoformat(),
                "expires_at": workshop.expires_at.isoformat(),
            },
            "submissions": records,
        }
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n", len(records)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else ["id"], lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in record.items()}
        )
    return buffer.getvalue(), len(records)
