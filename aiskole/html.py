"""Small, pure HTML builders shared by widgets, lessons and reports.

Every dynamic text goes through :func:`html.escape`; nothing here imports ipywidgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from aiskole.datasets import Claim, Source

#: Colour-blind-safe verdict colours (Okabe-Ito inspired, light tints with dark text for contrast).
#: Colour is never the only signal: every badge also carries its label and a symbol.
VERDICT_STYLE = {
    "full": ("#fbe3d6", "#7a2e00", "▲"),
    "grey": ("#fff3c4", "#5c4400", "●"),
    "none": ("#d9ecf7", "#0b3d5c", "✓"),
}


def sources_html(sources: Iterable[Source]) -> str:
    """A compact list of source links."""
    items = "".join(
        f'<li><a href="{escape(str(s.url))}" target="_blank" rel="noopener noreferrer">{escape(s.title)}</a></li>'
        for s in sources
    )
    return f'<ul class="aiskole-sources">{items}</ul>'


def claim_html(claim: Claim) -> str:
    """One sourced claim: the text, its source and the date it was checked."""
    return (
        '<div class="aiskole-claim">'
        f"<p>{escape(claim.text)}</p>"
        f'<p class="aiskole-claim-source">Kilde: <a href="{escape(str(claim.source.url))}" target="_blank" '
        f'rel="noopener noreferrer">{escape(claim.source.title)}</a> · tjekket {claim.checked:%d.%m.%Y}</p>'
        "</div>"
    )


def verdict_badge(verdict: str, label: str) -> str:
    bg, fg, symbol = VERDICT_STYLE[verdict]
    return (
        f'<div class="aiskole-verdict aiskole-verdict-{escape(verdict)}" role="status" '
        f'style="background:{bg};color:{fg};border:2px solid {fg}">'
        f'<span aria-hidden="true">{symbol}</span> {escape(label)}</div>'
    )


def screening_html(screening, *, heading_level: int = 3) -> str:
    """The verdict, the reasons with their legal basis, the notes and the disclaimer."""
    h = f"h{heading_level}"
    parts = [verdict_badge(screening.verdict, screening.label), f"<p>{escape(screening.summary)}</p>"]
    parts.append(f"<{h}>Begrundelse</{h}>")
    for reason in screening.reasons:
        parts.append(
            '<div class="aiskole-reason">'
            f"<p><strong>{escape(reason.title)}</strong><br>{escape(reason.explanation)}</p>"
            f'<p class="aiskole-basis">Retsgrundlag: {escape(reason.legal_basis)}</p>'
            f"{sources_html(reason.sources)}</div>"
        )
    if screening.notes:
        parts.append(f"<{h}>Tjek også</{h}>")
        for note in screening.notes:
            parts.append(
                '<div class="aiskole-reason">'
                f"<p>{escape(note.text)}</p>"
                f'<p class="aiskole-basis">Retsgrundlag: {escape(note.legal_basis)}</p>'
                f"{sources_html(note.sources)}</div>"
            )
    parts.append(f'<p class="aiskole-disclaimer"><strong>Bemærk:</strong> {escape(screening.disclaimer)}</p>')
    return "".join(parts)
