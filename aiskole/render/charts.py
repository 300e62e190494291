"""Bar charts as PNG (matplotlib), each with its text alternative: the poll's answers, the hours freed.

Every bar carries its value as text and the colours are colour-blind safe (Okabe-Ito), so colour is never
the only signal. matplotlib is imported inside the chart functions: it costs a kernel ~25 MiB and 1-2 s
(bench/room.py), and most kernels that import this module (a participant's poll, say) never draw a chart.
"""

from __future__ import annotations

import io

from aiskole import l10n
from aiskole.exercises.kpi import Estimate
from aiskole.exercises.poll import PollContent, PollResults, load_poll

INK = "#222222"
POLL_BLUE = "#0072B2"
#: Okabe-Ito colours for the three scenarios of the gain calculation.
SCENARIO_COLOURS = {"pessimistic": "#E69F00", "likely": "#0072B2", "optimistic": "#009E73"}


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2, 3.0), dpi=140)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _png(fig, ax) -> bytes:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def poll_png(results: PollResults, content: PollContent | None = None) -> bytes:
    """A horizontal bar chart: one bar per answer, labelled with its answer text and its count."""
    from matplotlib.ticker import MaxNLocator

    content = content or load_poll()
    fig, ax = _figure()
    labels = [f"{a.value} – {a.label}" for a in content.answers]
    counts = [results.counts[a.value] for a in content.answers]
    bars = ax.barh(labels, counts, color=POLL_BLUE, edgecolor=INK)
    ax.invert_yaxis()  # 1 at the top, as in the list of answers
    ax.bar_label(bars, labels=[str(c) for c in counts], padding=4, fontsize=11)
    ax.set_xlim(0, max(1, *counts) * 1.18)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Antal svar", fontsize=11)
    ax.set_title(f"Svar i alt: {results.n}", fontsize=12)
    ax.tick_params(labelsize=11)
    return _png(fig, ax)


def poll_alt_text(results: PollResults, content: PollContent | None = None) -> str:
    """The poll chart in words, for screen readers and when the image does not load."""
    content = content or load_poll()
    parts = ", ".join(f"{a.label} {results.counts[a.value]}" for a in content.answers)
    return f"Søjlediagram over svarene på «{content.question}»: {parts}. I alt {results.n} svar."


def hours_png(estimate: Estimate) -> bytes:
    """A bar chart of hours freed per year in each scenario, each bar labelled with its value."""
    fig, ax = _figure()
    labels = [s.label for s in estimate.scenarios]
    hours = [s.hours for s in estimate.scenarios]
    colours = [SCENARIO_COLOURS[s.id] for s in estimate.scenarios]
    bars = ax.bar(labels, hours, color=colours, edgecolor=INK)
    ax.bar_label(bars, labels=[f"{l10n.number(h)} timer" for h in hours], padding=3, fontsize=11)
    ax.axhline(0, color=INK, linewidth=0.8)
    ax.set_ylabel("Timer pr. år", fontsize=11)
    ax.set_title("Frigjort tid pr. år", fontsize=12)
    ax.tick_params(labelsize=11)
    ax.yaxis.set_major_formatter(lambda y, _pos: l10n.number(y))
    low, high = min(0.0, *hours), max(0.0, *hours)
    margin = (high - low) * 0.18 or 1.0
    ax.set_ylim(low - (margin if low < 0 else 0), high + margin)
    return _png(fig, ax)


def hours_alt_text(estimate: Estimate) -> str:
    """The hours chart in words."""
    parts = ", ".join(f"{s.label.lower()} {l10n.number(s.hours)} timer" for s in estimate.scenarios)
    return f"Søjlediagram over frigjort tid pr. år: {parts}."
