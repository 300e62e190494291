"""Small, pure HTML builders shared by widgets, lessons and reports.

Every dynamic text goes through :func:`html.escape`; nothing here imports ipywidgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations: reports that show no claims need not load the dataset layer
    from aiskole.datasets import Claim, Source

#: The kit's stylesheet, shared by widgets, lessons and reports. System fonts only; nothing loaded from outside.
CSS = """
.aiskole { max-width: 760px; font-size: 16px; line-height: 1.45; }
.aiskole, .aiskole * { box-sizing: border-box; }
.aiskole .widget-html-content, .aiskole .widget-html { white-space: normal; overflow-wrap: anywhere;
  line-height: 1.45; }
.aiskole p { margin: 0.35em 0; }
.aiskole a { color: #1a5fb4; text-decoration: underline; }
.aiskole h2, .aiskole h3 { margin: 0.6em 0 0.3em; line-height: 1.25; }
.aiskole-question { border-left: 4px solid #c9c9c9; padding: 6px 0 6px 10px; margin: 10px 0 2px; }
.aiskole-question.aiskole-missing { border-left-color: #b3261e; background: #fdf0ef; }
.aiskole-missing-label { color: #8c1d18; font-weight: 600; }
.aiskole-yesno .widget-radio-box { flex-direction: row; flex-wrap: wrap; gap: 4px 24px; }
.aiskole-yesno .widget-radio-box label { font-size: 17px; min-height: 36px; align-items: center; }
.aiskole-yesno .widget-radio-box input { width: 22px; height: 22px; margin-right: 8px; }
.aiskole-verdict { font-size: 1.2em; font-weight: 700; padding: 10px 14px; border-radius: 6px; margin: 8px 0; }
.aiskole-reason { border-top: 1px solid #ddd; padding-top: 6px; }
.aiskole-basis { font-size: 0.92em; color: #333; }
.aiskole-sources { font-size: 0.9em; margin: 0 0 8px; padding-left: 1.2em; }
.aiskole-disclaimer { background: #f3f3f3; padding: 8px 10px; border-radius: 4px; }
.aiskole-status-ok { color: #0b3d5c; background: #d9ecf7; padding: 8px 10px; border-radius: 4px; }
.aiskole-status-error { color: #7a1d14; background: #fbe3e0; padding: 8px 10px; border-radius: 4px; }
.aiskole-status-error::before { content: "Fejl: "; font-weight: 700; }
.aiskole-progress { font-weight: 600; }
.aiskole button.jupyter-button { min-height: 44px; font-size: 16px; padding: 0 20px; }
.aiskole button.jupyter-button:focus-visible, .aiskole input:focus-visible {
  outline: 3px solid #1a5fb4; outline-offset: 2px; }
.aiskole-claim { border-left: 4px solid #1a5fb4; padding: 2px 0 2px 10px; margin: 8px 0; }
.aiskole-claim-source { font-size: 0.88em; color: #444; }
.aiskole-download { display: inline-block; margin: 6px 12px 6px 0; padding: 10px 16px; border: 2px solid #1a5fb4;
  border-radius: 4px; font-weight: 600; }
.aiskole .widget-text input, .aiskole .widget-textarea textarea, .aiskole select { font-size: 16px; }
.aiskole .widget-label { white-space: normal; }
@media (max-width: 480px) {
  .aiskole { font-size: 16px; }
  .aiskole-question { padding-left: 8px; }
}
"""


#: Colour-blind-safe verdict colours (Okabe-Ito inspired, light tints with dark text for contrast).
#: Colour is never the only signal: every badge also carries its label and a symbol.
VERDICT_STYLE = {
    "full": ("#fbe3d6", "#7a2e00", "▲"),
    "grey": ("#fff3c4", "#5c4400", "●"),
    "none": ("#d9ecf7", "#0b3d5c", "✓"),
}


#: Danish month names, for dates written out in reports and posters ("27. november 2026").
MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


def percent(share: float) -> str:
    """A share 0-1 as a whole percentage in Danish style: ``0.456`` -> ``"46 %"``."""
    return f"{round(100 * share)} %"


def danish_date(day) -> str:
    """``27. november 2026``."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


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
        + (f'<p class="aiskole-claim-plain"><strong>Det betyder det for jer:</strong> {escape(claim.plain)}</p>' if claim.plain else "")
        + f'<p class="aiskole-claim-source">Kilde: <a href="{escape(str(claim.source.url))}" target="_blank" '
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
