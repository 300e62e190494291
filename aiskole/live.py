"""Live results for the presenter's screen: aggregate a workshop's submissions per exercise, render them as HTML.

:func:`aggregate` turns the stored submissions of one exercise (poll, quiz, dpia, heatmap or canvas) into a
small dataclass of counts and totals. It always keeps only each participant's latest answer first
(:func:`aiskole.workshop.latest_per_participant`). Free text that participants typed (poll words, canvas
titles) is split into ``approved`` (the presenter approved it, so it may be shown) and ``pending`` (waiting for
moderation: it is never rendered).

:func:`render_html` draws an aggregate for a projector: big numbers and CSS bars (no images, no JavaScript),
every bar and cell labelled with text and a count, every text html-escaped. With ``revealed=False`` only the
number of answers is shown (hide, then reveal). :data:`LIVE_CSS` is the stylesheet the views add.

This module is pure: no widgets, no display, no storage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any, ClassVar

from aiskole import poll as poll_logic
from aiskole.html import percent
from aiskole.workshop import WorkshopState, latest_per_participant

#: The exercises a presenter can put in play, with their Danish names (in the order they are offered).
EXERCISE_NAMES: dict[str, str] = {
    "poll": "Afstemning",
    "quiz": "Quiz",
    "dpia": "Mini-DPIA",
    "heatmap": "Risiko-heatmap",
    "canvas": "Use-case-canvas",
}
LIVE_EXERCISES: tuple[str, ...] = tuple(EXERCISE_NAMES)
VERDICTS = ("full", "grey", "none")
HEATMAP_SCALE = 3


def normalise_text(text: Any) -> str | None:
    """Free text as it is counted and approved: inner whitespace collapsed, case-folded; ``None`` when blank."""
    if not isinstance(text, str):
        return None
    cleaned = " ".join(text.split()).casefold()
    return cleaned or None


def _state(state: WorkshopState | Mapping | None) -> WorkshopState:
    if isinstance(state, WorkshopState):
        return state
    return WorkshopState.from_dict(dict(state) if state else None)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _split(
    counter: Counter, approved: set[str]
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    shown = tuple((t, c) for t, c in ordered if t in approved)
    waiting = tuple((t, c) for t, c in ordered if t not in approved)
    return shown, waiting


# --- aggregates ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveResult:
    """What every aggregate has: the exercise, the number of answers and free text waiting for moderation."""

    exercise: ClassVar[str] = ""
    n: int

    @property
    def name(self) -> str:
        return EXERCISE_NAMES[self.exercise]

    @property
    def pending(self) -> tuple[tuple[str, int], ...]:
        return ()


@dataclass(frozen=True)
class AnswerCount:
    value: int
    label: str
    count: int


@dataclass(frozen=True)
class PollLive(LiveResult):
    """Counts per answer 1-5, the mean, and the words: approved (shown) and pending (never shown)."""

    exercise: ClassVar[str] = "poll"
    question: str
    answers: tuple[AnswerCount, ...]
    mean: float | None
    approved: tuple[tuple[str, int], ...]
    waiting: tuple[tuple[str, int], ...]

    @property
    def pending(self) -> tuple[tuple[str, int], ...]:
        return self.waiting


@dataclass(frozen=True)
class QuestionShare:
    """One quiz question: how many answered it, and how many of them answered correctly."""

    id: str
    number: int
    text: str
    answered: int
    correct: int

    @property
    def share(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class TopicShare:
    """One quiz topic: correct answers and answers in total, over every participant."""

    topic: str
    label: str
    correct: int
    total: int

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class QuizLive(LiveResult):
    """``n`` participants; per question the share answering correctly; per topic the average."""

    exercise: ClassVar[str] = "quiz"
    questions: tuple[QuestionShare, ...]
    topics: tuple[TopicShare, ...]
    correct: int
    total: int

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class VerdictCount:
    verdict: str
    label: str
    count: int


@dataclass(frozen=True)
class DpiaLive(LiveResult):
    """Count per verdict (full DPIA, grey zone, no DPIA) with the Danish labels."""

    exercise: ClassVar[str] = "dpia"
    verdicts: tuple[VerdictCount, ...]


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    consequence: int
    likelihood_label: str
    consequence_label: str
    score: int
    band: str
    band_label: str
    count: int


@dataclass(frozen=True)
class BandCount:
    band: str
    label: str
    count: int


@dataclass(frozen=True)
class HeatmapLive(LiveResult):
    """Every risk placed by every participant, per cell of the 3×3 grid and per band.

    ``n`` counts the 3×3 heatmaps; heatmaps on the 5×5 scale are counted in ``other_scale`` and left out.
    """

    exercise: ClassVar[str] = "heatmap"
    cells: tuple[HeatCell, ...]
    bands: tuple[BandCount, ...]
    risks: int
    other_scale: int

    def cell(self, likelihood: int, consequence: int) -> HeatCell:
        return next(c for c in self.cells if (c.likelihood, c.consequence) == (likelihood, consequence))


@dataclass(frozen=True)
class CanvasTeam:
    """One team's canvas. ``title`` is shown only when ``title_approved``; STOP canvases have no quadrant."""

    number: int
    title: str | None
    title_approved: bool
    gevinst: float
    kompleksitet: float
    quadrant: str | None
    quadrant_name: str | None
    stopped: bool


@dataclass(frozen=True)
class QuadrantCount:
    quadrant: str
    name: str
    count: int


@dataclass(frozen=True)
class CanvasLive(LiveResult):
    """Every team's position (gevinst, kompleksitet) and quadrant; STOPs counted separately."""

    exercise: ClassVar[str] = "canvas"
    teams: tuple[CanvasTeam, ...]
    quadrants: tuple[QuadrantCount, ...]
    stopped: int
    waiting: tuple[tuple[str, int], ...]

    @property
    def pending(self) -> tuple[tuple[str, int], ...]:
        return self.waiting


# --- aggregation -------------------------------------------------------------------------------------------


def aggregate(
    exercise: str, submissions: Iterable[Any], state: WorkshopState | Mapping | None = None
) -> LiveResult:
    """Aggregate the submissions of one exercise, counting only each participant's latest answer.

    Parameters
    ----------
    exercise
        ``"poll"``, ``"quiz"``, ``"dpia"``, ``"heatmap"`` or ``"canvas"``.
    submissions
        Stored submissions (:class:`aiskole.store.Submission`); those of other exercises are ignored.
    state
        The workshop's state (for the approved words); a dict as stored is accepted too.

    Raises
    ------
    ValueError
        An exercise that has no live results (Danish message).
    """
    if exercise not in EXERCISE_NAMES:
        raise ValueError(f"Øvelsen {exercise!r} har ingen live-resultater.")
    rows = [s for s in submissions if getattr(s, "exercise", exercise) == exercise]
    rows = latest_per_participant(rows)
    return _AGGREGATORS[exercise](rows, _state(state))


def _poll(rows: list, state: WorkshopState) -> PollLive:
    content = poll_logic.load_poll()
    results = poll_logic.aggregate(r.answers for r in rows)
    approved = {normalise_text(w) for w in state.approved_words} - {None}
    shown, waiting = _split(Counter(dict(results.words)), approved)
    return PollLive(
        n=results.n,
        question=content.question,
        answers=tuple(AnswerCount(a.value, a.label, results.counts[a.value]) for a in content.answers),
        mean=results.mean,
        approved=shown,
        waiting=waiting,
    )


def _quiz(rows: list, _state: WorkshopState) -> QuizLive:
    from aiskole.quiz import TOPICS, load_quiz

    content = load_quiz()
    answered: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    n = 0
    for row in rows:
        questions = row.result.get("questions") if isinstance(row.result, Mapping) else None
        if not isinstance(questions, Mapping) or not questions:
            continue
        known = {q: ok for q, ok in questions.items() if isinstance(ok, bool) and _has_question(content, q)}
        if not known:
            continue
        n += 1
        for question_id, ok in known.items():
            answered[question_id] += 1
            correct[question_id] += ok
    shares = tuple(
        QuestionShare(q.id, number, q.text, answered[q.id], correct[q.id])
        for number, q in enumerate(content.questions, start=1)
        if answered[q.id]
    )
    topic_of = {q.id: q.topic for q in content.questions}
    topics = []
    for topic in TOPICS:
        ids = [s.id for s in shares if topic_of[s.id] == topic]
        if ids:
            topics.append(
                TopicShare(
                    topic,
                    content.topics[topic],
                    sum(correct[i] for i in ids),
                    sum(answered[i] for i in ids),
                )
            )
    return QuizLive(
        n=n,
        questions=shares,
        topics=tuple(topics),
        correct=sum(correct.values()),
        total=sum(answered.values()),
    )


def _has_question(content, question_id: str) -> bool:
    return any(q.id == question_id for q in content.questions)


def _dpia(rows: list, _state: WorkshopState) -> DpiaLive:
    from aiskole.datasets import load_dpia

    content = load_dpia()
    counts = Counter(
        r.result.get("verdict")
        for r in rows
        if isinstance(r.result, Mapping) and r.result.get("verdict") in VERDICTS
    )
    return DpiaLive(
        n=sum(counts.values()),
        verdicts=tuple(VerdictCount(v, content.verdicts[v].label, counts[v]) for v in VERDICTS),
    )


def _heatmap(rows: list, _state: WorkshopState) -> HeatmapLive:
    from aiskole.heatmap import BANDS, band_for_score, load_risks

    content = load_risks()
    scale = HEATMAP_SCALE
    per_cell: Counter[tuple[int, int]] = Counter()
    n = other = 0
    for row in rows:
        answers = row.answers if isinstance(row.answers, Mapping) else {}
        if answers.get("scale", scale) != scale:
            other += 1
            continue
        risks = answers.get("risks")
        if not isinstance(risks, list):
            continue
        n += 1
        for risk in risks:
            if not isinstance(risk, Mapping):
                continue
            li, co = risk.get("likelihood"), risk.get("consequence")
            if _is_int(li) and _is_int(co) and 1 <= li <= scale and 1 <= co <= scale:
                per_cell[(li, co)] += 1
    labels = content.scales[scale]
    cells = []
    for li in range(scale, 0, -1):
        for co in range(1, scale + 1):
            band = band_for_score(li * co, scale)
            cells.append(
                HeatCell(
                    likelihood=li,
                    consequence=co,
                    likelihood_label=labels.likelihood[li - 1],
                    consequence_label=labels.consequence[co - 1],
                    score=li * co,
                    band=band,
                    band_label=content.bands[band].label,
                    count=per_cell[(li, co)],
                )
            )
    bands = tuple(
        BandCount(b, content.bands[b].label, sum(c.count for c in cells if c.band == b)) for b in BANDS
    )
    return HeatmapLive(n=n, cells=tuple(cells), bands=bands, risks=sum(per_cell.values()), other_scale=other)


def _canvas(rows: list, state: WorkshopState) -> CanvasLive:
    # Imported here: aiskole.canvas imports matplotlib, which the presenter needs only for this exercise.
    from aiskole.canvas import QUADRANTS, load_canvas

    content = load_canvas()
    approved = {normalise_text(w) for w in state.approved_words} - {None}
    teams = []
    titles: Counter[str] = Counter()
    for row in rows:
        result = row.result if isinstance(row.result, Mapping) else {}
        gevinst, kompleksitet = result.get("gevinst"), result.get("kompleksitet")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (gevinst, kompleksitet)):
            continue
        fields = row.answers.get("fields") if isinstance(row.answers, Mapping) else None
        raw = fields.get("titel") if isinstance(fields, Mapping) else None
        title = " ".join(raw.split()) if isinstance(raw, str) and raw.strip() else None
        key = normalise_text(title)
        if key is not None and key not in approved:
            titles[key] += 1
        stopped = bool(result.get("stopped")) or result.get("quadrant") not in QUADRANTS
        quadrant = None if stopped else result["quadrant"]
        teams.append(
            CanvasTeam(
                number=len(teams) + 1,
                title=title,
                title_approved=key is not None and key in approved,
                gevinst=float(gevinst),
                kompleksitet=float(kompleksitet),
                quadrant=quadrant,
                quadrant_name=None if quadrant is None else content.quadrant(quadrant).name,
                stopped=stopped,
            )
        )
    quadrants = tuple(
        QuadrantCount(q, content.quadrant(q).name, sum(t.quadrant == q for t in teams)) for q in QUADRANTS
    )
    _, waiting = _split(titles, set())
    return CanvasLive(
        n=len(teams),
        teams=tuple(teams),
        quadrants=quadrants,
        stopped=sum(t.stopped for t in teams),
        waiting=waiting,
    )


_AGGREGATORS = {"poll": _poll, "quiz": _quiz, "dpia": _dpia, "heatmap": _heatmap, "canvas": _canvas}


def exercises_with_answers(submissions: Iterable[Any]) -> tuple[str, ...]:
    """The live exercises that have at least one submission, in the order they are offered."""
    present = {getattr(s, "exercise", None) for s in submissions}
    return tuple(e for e in LIVE_EXERCISES if e in present)


# --- rendering ---------------------------------------------------------------------------------------------

#: Projector-sized styles for :func:`render_html` (the views add them with ``extra_css``).
LIVE_CSS = """
.aiskole-live { font-size: 26px; line-height: 1.3; color: #1b1b1b; }
.aiskole-live table { font-size: inherit; }
.aiskole-live h2 { font-size: 40px; margin: 0 0 12px; line-height: 1.15; }
.aiskole-live h3 { font-size: 30px; margin: 20px 0 8px; }
.aiskole-live-kicker { font-size: 24px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.06em;
  color: #3d3d3d; margin: 0; }
.aiskole-live-waiting { font-size: 44px; font-weight: 700; margin: 24px 0; padding: 24px 28px;
  background: #eef4fb; border: 3px solid #1a5fb4; border-radius: 10px; }
.aiskole-live-empty { font-size: 32px; margin: 24px 0; }
.aiskole-live-figures { display: flex; flex-wrap: wrap; gap: 16px 48px; margin: 8px 0 16px; }
.aiskole-live-figure { display: flex; flex-direction: column; }
.aiskole-live-number { font-size: 88px; font-weight: 800; line-height: 1; font-variant-numeric: tabular-nums; }
.aiskole-live-unit { font-size: 26px; font-weight: 600; }
.aiskole-live table.aiskole-live-bars { border-collapse: collapse; width: 100%; margin: 8px 0;
  font-variant-numeric: tabular-nums; }
.aiskole-live-bars caption { text-align: left; font-weight: 700; font-size: 26px; padding-bottom: 6px; }
.aiskole-live-bars th { text-align: left; font-weight: 600; padding: 8px 16px 8px 0; width: 34%;
  vertical-align: middle; }
.aiskole-live-bars td { padding: 8px 0; vertical-align: middle; }
.aiskole-live-bars td.aiskole-live-count { text-align: right; font-weight: 800; font-size: 34px;
  padding-left: 16px; white-space: nowrap; width: 1%; }
.aiskole-live-track { display: block; width: 100%; height: 44px; background: #ececec; border-radius: 4px;
  border: 1px solid #8a8a8a; }
.aiskole-live-bar { display: block; height: 100%; background: #1a5fb4; border-radius: 3px 0 0 3px; }
.aiskole-live-bar-full { background: #d55e00; }
.aiskole-live-bar-grey { background: #e6c200; }
.aiskole-live-bar-none { background: #0072b2; }
.aiskole-live-bar-green { background: #009e73; }
.aiskole-live-bar-yellow { background: #e6c200; }
.aiskole-live-bar-red { background: #d55e00; }
.aiskole-live-question { font-size: 22px; font-weight: 400; }
.aiskole-live-words { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap;
  gap: 12px 16px; align-items: baseline; }
.aiskole-live-words li { background: #eef4fb; border: 2px solid #1a5fb4; border-radius: 999px;
  padding: 4px 18px; overflow-wrap: anywhere; font-weight: 600; }
.aiskole-live-words .aiskole-live-word-count { font-weight: 400; font-size: 0.7em; }
.aiskole-live table.aiskole-live-grid { border-collapse: separate; border-spacing: 6px; width: 100%;
  table-layout: fixed; }
.aiskole-live-grid th { font-size: 22px; font-weight: 600; padding: 4px; }
.aiskole-live-grid thead th { text-align: center; }
.aiskole-live-grid tbody th { text-align: right; width: 22%; }
.aiskole-live-grid td { text-align: center; padding: 10px 4px; border-radius: 6px; border: 2px solid #1b1b1b; }
.aiskole-live-cellcount { display: block; font-size: 56px; font-weight: 800; line-height: 1; }
.aiskole-live-celltext { display: block; font-size: 22px; }
.aiskole-live-quadrants { display: grid; grid-template-columns: auto 1fr 1fr; gap: 8px; align-items: stretch; }
.aiskole-live-axis { font-size: 22px; font-weight: 700; align-self: center; text-align: center; }
.aiskole-live-axis-y { writing-mode: vertical-rl; transform: rotate(180deg); }
.aiskole-live-quadrant { border: 3px solid #1b1b1b; border-radius: 8px; padding: 10px 14px; background: #f7f7f7;
  min-height: 140px; }
.aiskole-live-quadrant h3 { margin: 0 0 6px; font-size: 28px; }
.aiskole-live-quadrant ul, .aiskole-live-stop ul { margin: 4px 0 0; padding-left: 1.1em; font-size: 22px; }
.aiskole-live-q-quick_wins { background: #e3f4ec; }
.aiskole-live-q-strategiske { background: #e6eef9; }
.aiskole-live-q-smaa { background: #f4f4f4; }
.aiskole-live-q-parker { background: #fbefe3; }
.aiskole-live-stop { border: 3px solid #7a1d14; background: #fbe3e0; color: #5a140e; border-radius: 8px;
  padding: 10px 14px; margin-top: 12px; }
.aiskole-live-stop h3 { margin: 0; font-size: 28px; }
.aiskole-live-note { font-size: 22px; color: #333; }
"""


def _fmt(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def _answers(n: int) -> str:
    return "1 svar" if n == 1 else f"{n} svar"


def _figure(number: str, unit: str) -> str:
    return (
        f'<div class="aiskole-live-figure"><span class="aiskole-live-number">{escape(number)}</span>'
        f'<span class="aiskole-live-unit">{escape(unit)}</span></div>'
    )


def _bars(caption: str, rows: Iterable[tuple[str, str, float, str]], *, extra: str = "") -> str:
    """A table of labelled bars: (label html, count text, share 0-1, bar css modifier) per row."""
    body = "".join(
        f'<tr><th scope="row">{label}</th>'
        f'<td><span class="aiskole-live-track" aria-hidden="true">'
        f'<span class="aiskole-live-bar{" aiskole-live-bar-" + modifier if modifier else ""}" '
        f'style="width:{max(0.0, min(1.0, share)) * 100:.1f}%"></span></span></td>'
        f'<td class="aiskole-live-count">{escape(count)}</td></tr>'
        for label, count, share, modifier in rows
    )
    return f'<table class="aiskole-live-bars{extra}"><caption>{escape(caption)}</caption><tbody>{body}</tbody></table>'


def _section(result: LiveResult, heading: str, body: str) -> str:
    return (
        f'<section class="aiskole-live aiskole-live-{result.exercise}" aria-live="polite">'
        f'<p class="aiskole-live-kicker">{escape(result.name)}</p><h2>{escape(heading)}</h2>{body}</section>'
    )


def _heading(result: LiveResult) -> str:
    if isinstance(result, PollLive):
        return result.question
    return {
        "quiz": "Hvor mange svarede rigtigt?",
        "dpia": "Skal I lave en konsekvensanalyse?",
        "heatmap": "Hvor ligger risiciene for borgeren?",
        "canvas": "Hvor lander jeres AI-idéer?",
    }[result.exercise]


def render_html(result: LiveResult, revealed: bool) -> str:
    """The aggregate as accessible, projector-sized HTML.

    With ``revealed=False`` only the number of answers is shown. Free text that is not approved is never shown.
    """
    heading = _heading(result)
    if not revealed:
        waiting = f"{_answers(result.n)} indtil nu – resultaterne er skjult"
        return _section(
            result, heading, f'<p class="aiskole-live-waiting" role="status">{escape(waiting)}</p>'
        )
    if result.n == 0:
        body = '<p class="aiskole-live-empty">Ingen svar endnu. Resultaterne kommer her, så snart nogen har svaret.</p>'
        if isinstance(result, HeatmapLive) and result.other_scale:
            body += _other_scale_note(result)
        return _section(result, heading, body)
    render = {
        "poll": _render_poll,
        "quiz": _render_quiz,
        "dpia": _render_dpia,
        "heatmap": _render_heatmap,
        "canvas": _render_canvas,
    }[result.exercise]
    return _section(result, heading, render(result))


def _render_poll(r: PollLive) -> str:
    figures = (
        '<div class="aiskole-live-figures">'
        f"{_figure(str(r.n), 'svar')}{_figure(poll_logic.format_mean(r.mean), 'i gennemsnit (1–5)')}</div>"
    )
    bars = _bars(
        "Svarene",
        ((f"{a.value} – {escape(a.label)}", str(a.count), a.count / r.n, "") for a in r.answers),
    )
    if r.approved:
        top = r.approved[0][1]
        words = "".join(
            f'<li style="font-size:{1 + 0.6 * (count / top):.2f}em">{escape(word)} '
            f'<span class="aiskole-live-word-count">({count})</span></li>'
            for word, count in r.approved
        )
        words_html = f'<h3>Jeres ord</h3><ul class="aiskole-live-words">{words}</ul>'
    else:
        words_html = ""
    return figures + bars + words_html


def _render_quiz(r: QuizLive) -> str:
    figures = (
        '<div class="aiskole-live-figures">'
        f"{_figure(str(r.n), 'deltagere')}{_figure(percent(r.share), 'rigtige svar i alt')}</div>"
    )
    topics = _bars(
        "Rigtige svar pr. emne",
        ((escape(t.label), f"{percent(t.share)} ({t.correct} af {t.total})", t.share, "") for t in r.topics),
    )
    questions = _bars(
        "Rigtige svar pr. spørgsmål",
        (
            (
                f'Spørgsmål {q.number}<br><span class="aiskole-live-question">{escape(q.text)}</span>',
                f"{percent(q.share)} ({q.correct} af {q.answered})",
                q.share,
                "",
            )
            for q in r.questions
        ),
    )
    return figures + topics + questions


_VERDICT_SYMBOL = {"full": "▲", "grey": "●", "none": "✓"}


def _render_dpia(r: DpiaLive) -> str:
    figures = f'<div class="aiskole-live-figures">{_figure(str(r.n), "screeninger")}</div>'
    bars = _bars(
        "Afgørelserne",
        (
            (
                f'<span aria-hidden="true">{_VERDICT_SYMBOL[v.verdict]}</span> {escape(v.label)}',
                str(v.count),
                v.count / r.n,
                v.verdict,
            )
            for v in r.verdicts
        ),
    )
    return figures + bars


def _other_scale_note(r: HeatmapLive) -> str:
    what = "1 heatmap" if r.other_scale == 1 else f"{r.other_scale} heatmaps"
    return f'<p class="aiskole-live-note">{what} på 5×5-skalaen er ikke talt med her.</p>'


def _render_heatmap(r: HeatmapLive) -> str:
    from aiskole.heatmap import PALETTE

    figures = (
        '<div class="aiskole-live-figures">'
        f"{_figure(str(r.risks), 'risici i alt')}{_figure(str(r.n), 'heatmaps')}</div>"
    )
    consequences = sorted({(c.consequence, c.consequence_label) for c in r.cells})
    head = "".join(f'<th scope="col">{escape(label)}</th>' for _, label in consequences)
    rows = []
    for li in sorted({c.likelihood for c in r.cells}, reverse=True):
        cells = [c for c in r.cells if c.likelihood == li]
        tds = "".join(
            f'<td style="background:{PALETTE[c.band][0]};color:{PALETTE[c.band][1]}">'
            f'<span class="aiskole-live-cellcount">{c.count}</span>'
            f'<span class="aiskole-live-celltext">{"risiko" if c.count == 1 else "risici"}</span>'
            f'<span class="aiskole-live-celltext"><span aria-hidden="true">{PALETTE[c.band][3]}</span> '
            f"{escape(c.band_label)} {c.score}</span></td>"
            for c in cells
        )
        rows.append(f'<tr><th scope="row">{escape(cells[0].likelihood_label)}</th>{tds}</tr>')
    grid = (
        '<table class="aiskole-live-grid"><caption class="aiskole-live-note">Rækker: sandsynlighed. '
        "Kolonner: konsekvens for borgeren. Tallet er antal risici i feltet.</caption>"
        f'<thead><tr><td aria-hidden="true" style="border:0"></td>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    bands = _bars(
        "Risici pr. farve",
        (
            (
                f'<span aria-hidden="true">{PALETTE[b.band][3]}</span> {escape(b.label)}',
                str(b.count),
                b.count / r.risks if r.risks else 0.0,
                b.band,
            )
            for b in r.bands
        ),
    )
    note = _other_scale_note(r) if r.other_scale else ""
    return figures + grid + bands + note


def _team_line(t: CanvasTeam) -> str:
    name = f"Hold {t.number}"
    if t.title and t.title_approved:
        name += f": {escape(t.title)}"
    return f"<li>{name} (gevinst {_fmt(t.gevinst, 2)} · kompleksitet {_fmt(t.kompleksitet, 2)})</li>"


def _render_canvas(r: CanvasLive) -> str:
    figures = (
        '<div class="aiskole-live-figures">'
        f"{_figure(str(r.n), 'canvas')}{_figure(str(r.n - r.stopped), 'placeret')}"
        f"{_figure(str(r.stopped), 'STOP')}</div>"
    )
    by_id = {q.quadrant: q for q in r.quadrants}

    def box(code: str) -> str:
        q = by_id[code]
        teams = "".join(_team_line(t) for t in r.teams if t.quadrant == code)
        listing = f"<ul>{teams}</ul>" if teams else ""
        count = "1 idé" if q.count == 1 else f"{q.count} idéer"
        return (
            f'<div class="aiskole-live-quadrant aiskole-live-q-{code}"><h3>{escape(q.name)}: {count}</h3>'
            f"{listing}</div>"
        )

    grid = (
        '<div class="aiskole-live-quadrants" role="group" aria-label="Placering efter gevinst og kompleksitet">'
        '<div class="aiskole-live-axis aiskole-live-axis-y" style="grid-row: span 2">Gevinst ↑</div>'
        f"{box('quick_wins')}{box('strategiske')}{box('smaa')}{box('parker')}"
        '<div></div><div class="aiskole-live-axis">Lav kompleksitet</div>'
        '<div class="aiskole-live-axis">Høj kompleksitet →</div></div>'
    )
    stop = ""
    if r.stopped:
        teams = "".join(_team_line(t) for t in r.teams if t.stopped)
        what = "1 idé" if r.stopped == 1 else f"{r.stopped} idéer"
        stop = (
            f'<div class="aiskole-live-stop"><h3>STOP – ikke placeret: {what}</h3>'
            f'<p class="aiskole-live-note">Et juridisk stop (fx forbudt AI-praksis eller personoplysninger i en '
            f"offentlig AI-tjeneste) går forud for point.</p><ul>{teams}</ul></div>"
        )
    return figures + grid + stop
