"""Live results drawn for a projector: big numbers and labelled CSS bars (no images, no JavaScript).

Every bar and cell carries its count as text; with ``revealed=False`` only the number of answers is shown
(hide, then reveal). Each exercise's body is its own template, ``exercises/<name>/live.html.j2``.
"""

from __future__ import annotations

from aiskole import exercises
from aiskole.exercises.base import LiveResult
from aiskole.render import render

#: The question each live screen asks, by exercise (the poll asks its own question).
HEADINGS = {
    "quiz": "Hvor mange svarede rigtigt?",
    "dpia": "Skal I lave en konsekvensanalyse?",
    "heatmap": "Hvor ligger risiciene for borgeren?",
    "canvas": "Hvor lander jeres AI-idéer?",
}
#: The stylesheets a page showing live results needs.
STYLESHEETS = ("live", "heatmap")


def heading(result: LiveResult) -> str:
    return getattr(result, "question", None) or HEADINGS[result.exercise]


def live_html(result: LiveResult, revealed: bool) -> str:
    """The aggregate as accessible, projector-sized HTML. Free text that is not approved is never shown."""
    body = render(f"exercises/{result.exercise}/live.html.j2", result=result) if revealed and result.n else ""
    return render(
        "live/section.html.j2",
        result=result,
        title=exercises.get(result.exercise).title,
        heading=heading(result),
        revealed=revealed,
        body=body,
    )
