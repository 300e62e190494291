"""Every view's templates escape what they are given: an XSS payload in any text comes out as text, never markup.

Each case renders one template of a view (``aiskole/templates/exercises/<name>`` or ``widgets/``) with plain
objects whose every text is a payload, so a ``|safe`` or a ``Markup(...)`` around user text is caught at the
template itself, whatever the view does. The views' own tests drive the same templates through the widgets.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as NS

import pytest

from aiskole.render import Markup, render

XSS = '<img src="x" onerror="window.__xss = 2"><script>window.__xss = 1</script>'
#: What the payload must come out as (autoescape: ``"`` as ``&#34;``).
ESCAPED = "&lt;img src=&#34;x&#34; onerror=&#34;window.__xss = 2&#34;&gt;&lt;script&gt;window.__xss = 1&lt;/script&gt;"


def sources() -> list[NS]:
    return [NS(url="https://example.org/?a=1&b=2", title=XSS)]


class Content(NS):
    """A dataset content whose ``sources_for`` hands back sources with a hostile title."""

    def sources_for(self, _keys) -> list[NS]:
        return sources()


def risk(**changes) -> NS:
    values = dict(
        title=XSS, domain="data", band="red", scale=3, likelihood=3, consequence=3, owner=XSS, mitigation=XSS
    )
    values["missing"] = ()
    values.update(changes)
    return NS(**values)


def heatmap_content() -> NS:
    return NS(domains={"data": NS(label=XSS)}, level_label=lambda *_a: XSS)


def canvas_evaluation(stopped: bool) -> NS:
    part = NS(label=XSS, score=3, chosen=2, raised=True, weight=0.25)
    return NS(
        stopped=stopped,
        quadrant="quick_wins",
        quadrant_name=XSS,
        quadrant_meaning=XSS,
        gevinst=3.5,
        kompleksitet=2.0,
        gevinst_parts=(part,),
        kompleksitet_parts=(part,),
        gates=(NS(stop=True, title=XSS, text=XSS, legal_basis=XSS, sources=sources()),),
        flags=(NS(label=XSS, text=XSS, sources=sources()),),
    )


def scenario() -> NS:
    inputs = NS(baseline_minutes=12, ai_minutes=8, cases_per_year=4000, adoption_pct=70, new_task_hours=20)
    return NS(label=XSS, hours=167, aarsvaerk=0.09, inputs=inputs)


def quiz_result(correct: bool) -> NS:
    return NS(
        is_correct=correct, chosen_text=XSS, explanation=XSS, source=NS(url="https://example.org", title=XSS)
    )


CASES = {
    # shared
    "widgets/heading": ("widgets/heading.html.j2", dict(text=XSS, level=3, lead=XSS)),
    "widgets/paragraph": ("widgets/paragraph.html.j2", dict(text=XSS, cls="aiskole-help")),
    "widgets/chart": ("widgets/chart.html.j2", dict(payload="AAAA", alt=XSS, cls="aiskole-chart")),
    "widgets/status": ("widgets/status.html.j2", dict(message=XSS, error=True)),
    "widgets/download": (
        "widgets/download.html.j2",
        dict(filename=XSS, mime="text/plain", payload="AAAA", label=XSS),
    ),
    # canvas
    "canvas/intro": ("exercises/canvas/intro.html.j2", dict(disclaimer=XSS)),
    "canvas/help": ("exercises/canvas/help.html.j2", dict(text=XSS, max_length=500)),
    "canvas/question": ("exercises/canvas/question.html.j2", dict(question=NS(short=XSS, text=XSS))),
    "canvas/hours": ("exercises/canvas/hours.html.j2", dict(score=None, problem=XSS)),
    "canvas/error": ("exercises/canvas/error.html.j2", dict(message=XSS)),
    "canvas/result": ("exercises/canvas/result.html.j2", dict(ev=canvas_evaluation(stopped=False))),
    "canvas/result-stopped": ("exercises/canvas/result.html.j2", dict(ev=canvas_evaluation(stopped=True))),
    # heatmap
    "heatmap/intro": ("exercises/heatmap/intro.html.j2", dict(intro=XSS)),
    "heatmap/caveat": (
        "exercises/heatmap/caveat.html.j2",
        dict(record=NS(text=XSS, sources=sources(), checked=None)),
    ),
    "heatmap/note": (
        "exercises/heatmap/note.html.j2",
        dict(record=NS(text=XSS, sources=sources(), checked=None)),
    ),
    "heatmap/catalogue": (
        "exercises/heatmap/catalogue_info.html.j2",
        dict(item=NS(description=XSS, sources=sources(), checked=None)),
    ),
    "heatmap/risk": (
        "exercises/heatmap/risk.html.j2",
        dict(risk=risk(missing=(XSS,)), number=1, label=XSS, content=heatmap_content()),
    ),
    # kpi
    "kpi/intro": (
        "exercises/kpi/intro.html.j2",
        dict(content=Content(method=NS(text=XSS, sources=()), national_target=NS(text=XSS, sources=()))),
    ),
    "kpi/denominator": (
        "exercises/kpi/denominator.html.j2",
        dict(d=NS(label=XSS, explanation=XSS, caveat=XSS, sources=()), content=Content()),
    ),
    "kpi/result": (
        "exercises/kpi/result.html.j2",
        dict(
            e=NS(scenarios=[scenario()], denominator=NS(hours=1924), order_problem=XSS, notes=[XSS]),
            chart="",
            content=Content(redeployment=NS(text=XSS, sources=()), caution=NS(text=XSS, sources=())),
        ),
    ),
    "kpi/invalid": ("exercises/kpi/invalid.html.j2", dict(labels=[XSS.upper()])),
    "kpi/definition": (
        "exercises/kpi/definition.html.j2",
        dict(
            k=NS(name=XSS, unit=XSS, definition=XSS, baseline=XSS, formula=XSS, sources=()), content=Content()
        ),
    ),
    "kpi/progress": (
        "exercises/kpi/progress.html.j2",
        dict(r=NS(change_text=XSS, progress_text=XSS, progress_pct=50)),
    ),
    # poll
    "poll/intro": (
        "exercises/poll/intro.html.j2",
        dict(content=NS(title=XSS, intro=XSS, question=XSS), code=XSS),
    ),
    "poll/results": (
        "exercises/poll/results.html.j2",
        dict(
            r=NS(n=2, mean=3.0, counts={3: 2}, words=[(XSS, 2)]),
            content=NS(answers=[NS(value=3, label=XSS)]),
            code=XSS,
            chart="",
        ),
    ),
    # presenter
    "presenter/title": ("widgets/presenter/title.html.j2", dict(title=XSS)),
    "presenter/join": (
        "widgets/presenter/join.html.j2",
        dict(code=XSS, url=XSS, qr=Markup("<svg></svg>"), display=XSS),
    ),
    "presenter/pilots": (
        "widgets/presenter/pilots.html.j2",
        dict(pilots=[NS(code=XSS, title=XSS, expires_at=dt.datetime(2027, 3, 1, tzinfo=dt.UTC))]),
    ),
    "presenter/word": ("widgets/presenter/moderation_word.html.j2", dict(text=XSS, times=2)),
    # prompt
    "prompt/intro": ("exercises/prompt/intro.html.j2", dict(note=XSS)),
    "prompt/task": (
        "exercises/prompt/task.html.j2",
        dict(task=NS(description=XSS, tip=XSS, sources=("k",)), content=Content()),
    ),
    "prompt/example": ("exercises/prompt/example.html.j2", dict(example=NS(before=XSS, after=XSS, why=XSS))),
    "prompt/findings": (
        "exercises/prompt/findings.html.j2",
        dict(
            findings=[NS(label=XSS, message=XSS, basis=None, kind="cpr")],
            summary=XSS,
            parts=[(XSS, None), (XSS, NS(basis=None, kind="cpr", message=XSS, label=XSS))],
            bases=["cpr"],
            content=Content(findings={"cpr": NS(name=XSS, why=XSS, sources=())}, scan_note=XSS),
        ),
    ),
    "prompt/review": (
        "exercises/prompt/review.html.j2",
        dict(
            result=NS(
                level="svag",
                label=XSS,
                score=1,
                max_score=6,
                summary=XSS,
                criteria=[NS(met=False, letter=XSS, name=XSS, why=XSS, suggestion=XSS)],
                task_title=XSS,
                task_tip=XSS,
                heuristic_note=XSS,
            ),
            criteria_sources=sources(),
        ),
    ),
    "prompt/answer": ("exercises/prompt/answer.html.j2", dict(answer=XSS)),
    # quiz
    "quiz/progress": ("exercises/quiz/progress.html.j2", dict(number=1, total=2, topic=XSS)),
    "quiz/question": ("exercises/quiz/question.html.j2", dict(question=NS(text=XSS))),
    "quiz/feedback-wrong": ("exercises/quiz/feedback.html.j2", dict(result=quiz_result(False), text=XSS)),
    "quiz/summary": (
        "exercises/quiz/summary.html.j2",
        dict(
            result=NS(
                score=1,
                total=2,
                by_topic={"a": NS(correct=1, total=1), "b": NS(correct=0, total=1)},
                items=[
                    NS(text=XSS, is_correct=False, correct_text=XSS, source=NS(url="https://example.org"))
                ],
            ),
            topics={"a": XSS, "b": XSS},
        ),
    ),
    # storybank
    "story/story": ("exercises/story/story.html.j2", dict(story=NS(quote=XSS, role=XSS, department=XSS))),
    "story/export": ("exercises/story/export.html.j2", dict(link=XSS)),
}


@pytest.mark.parametrize(("template", "context"), CASES.values(), ids=CASES.keys())
def test_a_payload_in_any_text_comes_out_escaped(template, context):
    html = str(render(template, **context))
    assert "<script" not in html and '<img src="x"' not in html, html
    assert ESCAPED in html, html


def test_the_source_links_are_escaped_too():
    html = str(render("exercises/heatmap/note.html.j2", record=NS(text="x", sources=sources(), checked=None)))
    assert 'href="https://example.org/?a=1&amp;b=2"' in html


def test_a_computed_bar_width_stays_between_0_and_100():
    def width(pct: float) -> str:
        r = NS(change_text="", progress_text="", progress_pct=pct)
        return str(render("exercises/kpi/progress.html.j2", r=r)).split('style="width:')[1].split("%")[0]

    assert (width(-20), width(42.4), width(250)) == ("0", "42", "100")
