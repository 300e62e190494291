"""The risk heatmap drawn as a PNG (matplotlib's object API, never pyplot).

Every cell shows its label ("RØD 6") and its count on a solid patch of its colour; cells also carry a hatch
per band, so colour is never the only signal. matplotlib is imported inside :func:`render_png`: the heatmap
view imports this module, and most people who open it never download a PNG (matplotlib costs a kernel
~25 MiB and 1-2 s, bench/room.py).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

from aiskole.exercises.heatmap import Band, Heatmap, RisksContent, band_ranges, load_risks

#: Colour-blind-safe palette (Okabe-Ito bluish green, yellow and vermillion): fill, text colour and a hatch.
#: The same colours are in ``templates/css/heatmap.css``.
PALETTE: dict[Band, tuple[str, str, str]] = {
    "green": ("#a6dbc9", "#00382a", ""),
    "yellow": ("#f0e442", "#3d3500", ".."),
    "red": ("#d55e00", "#ffffff", "xx"),
}


@dataclass(frozen=True)
class HeatmapImage:
    """A rendered heatmap: the PNG bytes and every text drawn in it (cell labels, counts, axes)."""

    png: bytes
    labels: tuple[str, ...]
    width: int
    height: int


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def render_png(heatmap: Heatmap, content: RisksContent | None = None, *, dpi: int = 120) -> HeatmapImage:
    """Draw the heatmap as a PNG with matplotlib's object API (no pyplot).

    Every cell shows its label (``"RØD 6"``) and its count on a solid patch of its colour; the cells also
    carry a hatch per band, so colour is never the only signal. Axis labels and scale words are Danish.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle
    from matplotlib.text import Text

    content = content or load_risks()
    s = heatmap.scale
    labels = content.scales[s]
    size = (7.2, 6.6) if s == 3 else (9.0, 8.2)
    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    label_size, count_size = (15, 12) if s == 3 else (12, 10)
    for cell in heatmap.cells.values():
        bg, fg, hatch = PALETTE[cell.band]
        x, y = cell.consequence - 1, cell.likelihood - 1
        ax.add_patch(
            Rectangle((x, y), 1, 1, facecolor=bg, edgecolor="#00000055", hatch=hatch or None, linewidth=0)
        )
        ax.add_patch(Rectangle((x, y), 1, 1, facecolor="none", edgecolor="white", linewidth=3))
        box = {"boxstyle": "round,pad=0.25", "facecolor": bg, "edgecolor": "none"}
        ax.text(
            x + 0.5, y + 0.6, cell.label, ha="center", va="center", color=fg, fontsize=label_size,
            fontweight="bold", bbox=box,
        )  # fmt: skip
        ax.text(
            x + 0.5, y + 0.32, cell.count_text, ha="center", va="center", color=fg, fontsize=count_size,
            fontweight="bold" if cell.count else "normal", bbox=box,
        )  # fmt: skip
    ax.set_xlim(0, s)
    ax.set_ylim(0, s)
    ax.set_aspect("equal")
    ax.set_xticks([i + 0.5 for i in range(s)])
    ax.set_yticks([i + 0.5 for i in range(s)])
    if s == 3:
        ax.set_xticklabels([f"{i} {w}" for i, w in enumerate(labels.consequence, start=1)])
        ax.set_yticklabels([f"{i} {w}" for i, w in enumerate(labels.likelihood, start=1)])
    else:
        ax.set_xticklabels([f"{i}\n{_wrap(w, 10)}" for i, w in enumerate(labels.consequence, start=1)])
        ax.set_yticklabels([f"{i} {_wrap(w, 10)}" for i, w in enumerate(labels.likelihood, start=1)])
    ax.tick_params(length=0, labelsize=11 if s == 3 else 10)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("Konsekvens for borgeren", fontsize=13, fontweight="bold")
    ax.set_ylabel("Sandsynlighed", fontsize=13, fontweight="bold")
    n = len(heatmap.risks)
    ax.set_title(
        f"Risiko-heatmap {s}×{s} · {n} {'risiko' if n == 1 else 'risici'}", fontsize=15, fontweight="bold"
    )
    ranges = band_ranges(s)
    handles = [
        Patch(
            facecolor=PALETTE[b][0],
            edgecolor="#00000055",
            hatch=PALETTE[b][2] or None,
            label=f"{content.bands[b].label} {lo}–{hi}",
        )  # fmt: skip
        for b, (lo, hi) in ranges.items()
    ]
    fig.legend(
        handles=handles, loc="outside lower center", ncols=3, fontsize=11, frameon=False,
        title="Farvegrænserne er en konvention, ikke en standard", title_fontsize=10,
    )  # fmt: skip
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    drawn = tuple(t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible())
    width, height = (int(round(v)) for v in fig.get_size_inches() * dpi)
    return HeatmapImage(png=buffer.getvalue(), labels=drawn, width=width, height=height)
