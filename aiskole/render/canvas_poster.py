"""The use-case canvas drawn: the quadrant chart (PNG) and the printable A3 poster (PDF and PNG).

matplotlib's object API (never pyplot), so drawing is thread-safe and leaves no global state. Light,
colour-blind-safe tints; every quadrant carries its name and every bubble its scores, so colour is never the
only signal. matplotlib is imported at the top: only the canvas view and the poster need this module.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch, Rectangle

from aiskole import l10n
from aiskole.exercises.canvas import CUT, Canvas, CanvasContent, Evaluation, Part, load_canvas


def format_score(value: float) -> str:
    """A score on the 0-5 scale with two decimals: ``2.5`` -> ``"2,50"``."""
    return l10n.number(value, 2, grouping=False)


# --- charts -------------------------------------------------------------------------------------------

#: Light, colour-blind-safe tints; every quadrant also carries its name, so colour is never the only signal.
QUADRANT_STYLE: dict[str, tuple[str, tuple[float, float, float, float]]] = {
    # id: (fill colour, (x0, y0, width, height) in score units: x = kompleksitet, y = gevinst)
    "quick_wins": ("#d9ecf7", (0, CUT, CUT, 5 - CUT)),
    "strategiske": ("#fff3c4", (CUT, CUT, 5 - CUT, 5 - CUT)),
    "smaa": ("#ececec", (0, 0, CUT, CUT)),
    "parker": ("#fbe3d6", (CUT, 0, 5 - CUT, CUT)),
}
INK = "#1b1b1b"
BUBBLE = "#1a5fb4"
STOP_INK = "#7a1d14"
ELLIPSIS = "…"


def _text_width(renderer, text: str, prop: FontProperties) -> float:
    if not text:
        return 0.0
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return width


def wrap_to_width(text: str, width: float, renderer, prop: FontProperties) -> list[str]:
    """Greedy word wrap by measured width (display pixels); words too long for a line are broken."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            if lines and lines[-1] != "":
                lines.append("")
            continue
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if _text_width(renderer, candidate, prop) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
                line = ""
            while _text_width(renderer, word, prop) > width:
                cut = 1
                while cut < len(word) and _text_width(renderer, word[: cut + 1], prop) <= width:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def fit_text(text: str, width: float, max_lines: int, renderer, prop: FontProperties) -> tuple[str, bool]:
    """Wrap ``text`` to ``width`` and cut it to ``max_lines``, ending in "…" when cut. Returns (text, cut)."""
    lines = wrap_to_width(text, width, renderer, prop)
    if len(lines) <= max_lines:
        return "\n".join(lines), False
    if max_lines <= 0:
        return "", True
    kept = lines[:max_lines]
    last = kept[-1].rstrip()
    while last and _text_width(renderer, last + ELLIPSIS, prop) > width:
        last = last[:-1].rstrip()
    kept[-1] = last + ELLIPSIS
    return "\n".join(kept), True


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def draw_quadrant(
    ax, evaluation: Evaluation, title: str, content: CanvasContent, *, fontsize: float = 10
) -> None:
    """Draw the 2×2 quadrant chart on ``ax``: names in the chart, bubble area = hours freed, STOP note."""
    ax.set_xlim(0, 5)
    ax.set_ylim(0, 5)
    ax.set_aspect("equal")
    for code, (colour, (x0, y0, w, h)) in QUADRANT_STYLE.items():
        ax.add_patch(Rectangle((x0, y0), w, h, facecolor=colour, edgecolor="none", zorder=0))
        name = textwrap.fill(content.quadrant(code).name, 14)
        left = x0 == 0
        ax.text(
            x0 + (0.12 if left else w - 0.12),
            y0 + h - 0.14,
            name,
            ha="left" if left else "right",
            multialignment="left" if left else "right",
            va="top",
            fontsize=fontsize,
            fontweight="bold",
            color=INK,
            zorder=1,
        )
    ax.axhline(CUT, color="#555555", linewidth=1, linestyle="--", zorder=1)
    ax.axvline(CUT, color="#555555", linewidth=1, linestyle="--", zorder=1)
    ax.set_xlabel("Kompleksitet (0–5)", fontsize=fontsize)
    ax.set_ylabel("Gevinst (0–5)", fontsize=fontsize)
    ax.set_xticks(range(6))
    ax.set_yticks(range(6))
    ax.tick_params(labelsize=fontsize * 0.9)
    label = textwrap.fill(_short(title or "Use case", 44), 22)
    if evaluation.stopped:
        reasons = "\n".join(textwrap.fill(g.title, 22) for g in evaluation.stop_gates)
        label = textwrap.fill(f"«{_short(title or 'Use case', 40)}»", 22)
        ax.text(
            2.5,
            2.5,
            f"STOP – ikke placeret\n{reasons}\n{label}",
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight="bold",
            color=STOP_INK,
            wrap=False,
            parse_math=False,
            zorder=5,
            bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": STOP_INK, "linewidth": 2},
        )
        return
    x, y = evaluation.kompleksitet, evaluation.gevinst
    size = 120 + 1500 * min(evaluation.hours, 4000) / 4000
    ax.scatter(
        [x],
        [y],
        s=size * (fontsize / 10) ** 2,
        color=BUBBLE,
        alpha=0.55,
        edgecolors=INK,
        linewidths=1.5,
        zorder=3,
    )
    ax.plot([x], [y], marker="+", color=INK, markersize=fontsize, zorder=4)
    radius_pt = math.sqrt(size * (fontsize / 10) ** 2) / 2
    below = y > 4.0
    ax.annotate(
        label,
        (x, y),
        xytext=(0, -(radius_pt + 4) if below else radius_pt + 4),
        textcoords="offset points",
        ha="left" if x < 1.6 else ("right" if x > 3.4 else "center"),
        multialignment="center",
        va="top" if below else "bottom",
        fontsize=fontsize * 0.95,
        color=INK,
        parse_math=False,
        annotation_clip=False,
        zorder=5,
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#777777", "alpha": 0.9},
    )


def bubble_note(evaluation: Evaluation) -> str:
    if evaluation.stopped:
        return "Idéen er ikke placeret, fordi en stop-regel gælder."
    return f"Boblens størrelse viser frigjort tid: {l10n.number(evaluation.hours)} timer pr. år."


def quadrant_figure(evaluation: Evaluation, title: str, content: CanvasContent | None = None) -> Figure:
    content = content or load_canvas()
    fig = Figure(figsize=(5.2, 5.6), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    draw_quadrant(ax, evaluation, title, content)
    if evaluation.stopped:
        ax.set_title("Gevinst og kompleksitet", fontsize=12)
    else:
        ax.set_title(
            f"Gevinst {format_score(evaluation.gevinst)} · kompleksitet {format_score(evaluation.kompleksitet)}",
            fontsize=12,
        )
    fig.supxlabel(bubble_note(evaluation), fontsize=9, color="#333333")
    return fig


def quadrant_png(
    evaluation: Evaluation, title: str, *, dpi: int = 100, content: CanvasContent | None = None
) -> bytes:
    """The quadrant chart as PNG bytes."""
    fig = quadrant_figure(evaluation, title, content)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def quadrant_alt_text(evaluation: Evaluation, title: str) -> str:
    """A Danish text alternative for the quadrant chart (WCAG 1.1.1)."""
    name = _short(title or "Use casen", 80)
    if evaluation.stopped:
        reasons = " og ".join(g.title for g in evaluation.stop_gates)
        return f"Kvadrantdiagram: «{name}» er ikke placeret. {reasons}."
    return (
        f"Kvadrantdiagram: «{name}» ligger i feltet {evaluation.quadrant_name} med gevinst "
        f"{format_score(evaluation.gevinst)} og kompleksitet {format_score(evaluation.kompleksitet)} "
        f"(skala 0–5, skæring ved 2,5). {bubble_note(evaluation)}"
    )


# --- the A3 poster --------------------------------------------------------------------------------------

A3_MM = (420.0, 297.0)
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class PosterBox:
    """A box on the poster and the text drawn in it (for tests: the text must stay inside)."""

    name: str
    rect: FancyBboxPatch
    text: object
    cut: bool


class _Poster:
    """Lays out the A3 poster in millimetres (origin bottom left)."""

    def __init__(self, fig: Figure, renderer) -> None:
        self.fig = fig
        self.renderer = renderer
        self.boxes: list[PosterBox] = []
        self.px_per_mm = fig.bbox.width / A3_MM[0]

    def fx(self, x: float) -> float:
        return x / A3_MM[0]

    def fy(self, y: float) -> float:
        return y / A3_MM[1]

    def text(self, x, y, s, *, size, weight="normal", colour=INK, ha="left", va="top", **kw):
        return self.fig.text(
            self.fx(x),
            self.fy(y),
            s,
            fontsize=size,
            fontweight=weight,
            color=colour,
            ha=ha,
            va=va,
            parse_math=False,
            linespacing=1.3,
            **kw,
        )

    def fitted(self, x, y, w, h, s, *, size, weight="normal", colour=INK) -> tuple[object, bool]:
        """Text wrapped to ``w`` mm and cut to fit ``h`` mm (top-left at x, y)."""
        prop = FontProperties(size=size, weight=weight)
        width_px = w * self.px_per_mm * 0.97
        height_px = h * self.px_per_mm * 0.97  # a little room for the PDF's slightly different metrics
        _, lp_px, _ = self.renderer.get_text_width_height_descent("lp", prop, ismath=False)
        max_lines = max(1, int(height_px // lp_px))
        text = self.text(x, y, "", size=size, weight=weight, colour=colour)
        while True:
            fitted, cut = fit_text(s, width_px, max_lines, self.renderer, prop)
            text.set_text(fitted)
            if max_lines == 0 or text.get_window_extent(self.renderer).height <= height_px:
                return text, cut
            max_lines -= 1

    def box(self, name, x, y, w, h, heading, body, *, size=9, fill="#f6f6f6", edge="#555555", placeholder=""):
        """A box with a bold heading and wrapped body text; (x, y) is the bottom-left corner in mm."""
        rect = FancyBboxPatch(
            (self.fx(x), self.fy(y)),
            self.fx(w),
            self.fy(h),
            boxstyle="round,pad=0,rounding_size=0.004",
            transform=self.fig.transFigure,
            facecolor=fill,
            edgecolor=edge,
            linewidth=1.2,
        )
        self.fig.add_artist(rect)
        pad = 3.0
        self.text(x + pad, y + h - pad, heading, size=11.5, weight="bold")
        body_top = y + h - pad - 7.0
        if body:
            text, cut = self.fitted(x + pad, body_top, w - 2 * pad, body_top - y - pad, body, size=size)
        else:
            text, cut = (
                self.text(x + pad, body_top, placeholder, size=size, colour="#777777", style="italic"),
                False,
            )
        self.boxes.append(PosterBox(name, rect, text, cut))
        return text


#: The nine free-text fields of the poster, 3 × 3, in reading order.
POSTER_GRID = (
    "problem",
    "maalgruppe",
    "nuvaerende_proces",
    "ai_loesning",
    "data",
    "jura",
    "kpi",
    "risici",
    "historie",
)
MARGIN = 12.0
TOP, BOTTOM = 256.0, 24.0
COLUMN, GAP = 86.0, 4.0


def a3_figure(
    canvas: Canvas, *, today: dt.date | None = None, content: CanvasContent | None = None
) -> tuple[Figure, list[PosterBox]]:
    """The A3 landscape poster (420 × 297 mm) as a matplotlib Figure, and its text boxes."""
    content = content or load_canvas()
    today = today or dt.date.today()
    fig = Figure(figsize=(A3_MM[0] / MM_PER_INCH, A3_MM[1] / MM_PER_INCH), dpi=100)
    FigureCanvasAgg(fig)
    p = _Poster(fig, fig.canvas.get_renderer())
    fig.patch.set_facecolor("white")
    _poster_header(p, canvas, today)
    _poster_fields(p, canvas, content)
    _poster_right_column(p, fig, canvas, content)
    foot = (
        f"{content.disclaimer} Kvadranter skæres ved 2,5. Regler: AI-forordningen art. 5, 6, 26 og 27; "
        "databeskyttelsesforordningen art. 28 og 35."
    )
    foot_text, foot_cut = p.fitted(MARGIN, 19.5, 396, 9, foot, size=7.5, colour="#333333")
    p.boxes.append(PosterBox("fod", None, foot_text, foot_cut))
    return fig, p.boxes


def _poster_header(p: _Poster, canvas: Canvas, today: dt.date) -> None:
    """The title (wrapped, at most two lines), the kit and the date, and the placement badge."""
    ev = canvas.evaluation
    title_text, title_cut = p.fitted(
        MARGIN, 285, 305, 25, canvas.title or "Use case uden titel", size=21, weight="bold"
    )
    p.boxes.append(PosterBox("titel", None, title_text, title_cut))
    p.text(408, 266, f"Use-case-canvas · {l10n.date_long(today)}", size=11, colour="#333333", ha="right")
    if ev.stopped:
        badge, fill, ink = "STOP – ikke placeret", "#fbe3e0", STOP_INK
    else:
        badge, fill, ink = f"Placering: {ev.quadrant_name}", QUADRANT_STYLE[ev.quadrant][0], INK
    frame = {"boxstyle": "round,pad=0.5", "facecolor": fill, "edgecolor": ink, "linewidth": 1.5}
    p.text(408, 279, badge, size=15, weight="bold", colour=ink, ha="right", bbox=frame)


def _poster_fields(p: _Poster, canvas: Canvas, content: CanvasContent) -> None:
    """The nine field boxes, 3 × 3, on the left."""
    row_h = (TOP - BOTTOM - 2 * GAP) / 3
    for i, field_id in enumerate(POSTER_GRID):
        row, col = divmod(i, 3)
        x = MARGIN + col * (COLUMN + GAP)
        y = TOP - (row + 1) * row_h - row * GAP
        label = content.field_(field_id).label
        p.box(
            field_id,
            x,
            y,
            COLUMN,
            row_h,
            label,
            canvas.fields.get(field_id, ""),
            placeholder="(ikke udfyldt)",
        )


def _parts_lines(parts: tuple[Part, ...], hours: float) -> list[str]:
    out = []
    for part in parts:
        extra = f" (valgt {part.chosen}, hævet af en regel)" if part.raised else ""
        if part.id == "tid":
            extra = f" ({l10n.number(hours)} timer/år)"
        out.append(f"– {part.label}: {part.score}{extra} · vægt {l10n.number(part.weight * 100)} %")
    return out


def _poster_right_column(p: _Poster, fig: Figure, canvas: Canvas, content: CanvasContent) -> None:
    """The quadrant chart, the scores, the rules and flags, and the roles."""
    ev = canvas.evaluation
    rx = MARGIN + 3 * COLUMN + 2 * GAP + 4.0
    rw = 408.0 - rx
    chart = 72.0
    ax = fig.add_axes((p.fx(rx + (rw - chart) / 2 + 4), p.fy(TOP - chart - 2), p.fx(chart), p.fy(chart)))
    draw_quadrant(ax, ev, canvas.title, content, fontsize=8.5)
    p.text(rx + rw / 2, TOP - chart - 14.5, bubble_note(ev), size=8, colour="#333333", ha="center")
    note = " (kun til orientering)" if ev.stopped else ""
    score_lines = [
        f"Gevinst: {format_score(ev.gevinst)} af 5{note}",
        *_parts_lines(ev.gevinst_parts, ev.hours),
        f"Kompleksitet: {format_score(ev.kompleksitet)} af 5{note}",
        *_parts_lines(ev.kompleksitet_parts, ev.hours),
    ]
    p.box("scores", rx, 107.0, rw, 56.0, "Scorer", "\n".join(score_lines), size=7.5)
    rule_lines = [f"▲ {g.title} ({g.legal_basis})" for g in ev.gates]
    rule_lines += [f"● {f.label}: {f.text}" for f in ev.flags]
    p.box(
        "regler", rx, 63.0, rw, 41.0, "Regler og flag", "\n".join(rule_lines), size=7.5,
        placeholder="Ingen stop-regler eller flag.",
    )  # fmt: skip
    role_lines = [f"{f.label}: {canvas.fields.get(f.id) or '–'}" for f in content.roles]
    p.box("roller", rx, BOTTOM, rw, 36.0, "Roller", "\n".join(role_lines), size=8)


def a3_pdf(canvas: Canvas, *, today: dt.date | None = None, content: CanvasContent | None = None) -> bytes:
    """The A3 landscape poster as PDF bytes (vector; for printing)."""
    fig, _ = a3_figure(canvas, today=today, content=content)
    FigureCanvasPdf(fig)
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="pdf",
        metadata={
            "Title": f"Use-case-canvas: {canvas.title}",
            "Creator": "aiskole",
            "Subject": "Use-case-canvas",
        },
    )
    return buffer.getvalue()


def a3_png(
    canvas: Canvas, *, today: dt.date | None = None, dpi: int = 100, content: CanvasContent | None = None
) -> bytes:
    """The A3 landscape poster as PNG bytes (for sharing on screen)."""
    fig, _ = a3_figure(canvas, today=today, content=content)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
