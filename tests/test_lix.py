"""LIX: the formula on known texts, and the readability of every lesson, its sourced claims and their
plain-language lines ("Det betyder det for jer"), reported per lesson and held to what the kit reaches."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from aiskole.datasets import load_claims, load_timelines
from aiskole.lix import band, lix

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p for p in ROOT.glob("lessons/**/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
GUIDES = sorted(ROOT.glob("lessons/**/*.md"))

#: The limits the content meets on 2026-12-01 (the kit aims at 40; the old limit was 45 for lesson text and claims
#: together; the plain lines must stay at or below 40 and reach 23.5). Raise a limit only with a reason.
LESSON_TEXT_MAX = 36
LESSON_ALL_MAX = 38
PLAIN_MAX = 25
PLAIN_LINE_MAX = 40
GUIDE_MAX = 36

CITED = re.compile(r"claims\(([^)]*)\)")
TIMELINE = re.compile(r"timeline\(\s*[\"']([^\"']+)[\"']")
HTML_TAG = re.compile(r"</?(?:details|summary|a)\b[^>]*>")


def test_formula_by_hand():
    # 8 words, 2 sentences, 3 long words (Kommunen, konsekvensanalyse, vigtigt)
    assert lix("Kommunen skal lave en konsekvensanalyse. Det er vigtigt.") == pytest.approx(
        8 / 2 + 100 * 3 / 8
    )
    assert lix("") == 0
    assert band(20) == "meget let" and band(44.9) == "middel" and band(60) == "meget svær"


def test_markdown_is_cleaned():
    assert lix("**Hej** [dig](https://example.org/meget-lang-adresse).") == lix("Hej dig.")


def learner_text(path: Path) -> tuple[str, str, str]:
    """The lesson's own Markdown, the text of the sourced claims and timelines it shows, and their plain lines.

    The JupyterLab-only line (how to run the notebook) is left out: the reading view drops it.
    """
    nb = nbformat.read(path, as_version=4)
    markdown = "\n\n".join(
        HTML_TAG.sub(" ", c.source)
        for c in nb.cells
        if c.cell_type == "markdown" and "jupyterlab-only" not in c.metadata.get("tags", [])
    )
    known, timelines = load_claims(), load_timelines()
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    ids = [i for s in sources for args in CITED.findall(s) for i in re.findall(r"[\"']([^\"']+)[\"']", args)]
    shown = [timelines[t] for s in sources for t in TIMELINE.findall(s)]
    facts = (
        [known[i].text for i in ids]
        + [e.text for t in shown for e in t.events]
        + [t.history.text for t in shown]
    )
    plain = [known[i].plain for i in ids if known[i].plain] + [
        e.plain for t in shown for e in t.events if e.plain
    ]
    return markdown, "\n\n".join(facts), "\n\n".join(plain)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_readability(path, record_property):
    """What is the LIX of each lesson: its own text, the claims it shows, their plain lines, and all together?"""
    markdown, facts, plain = learner_text(path)
    together = lix("\n\n".join(t for t in (markdown, facts, plain) if t))
    record_property("lix", round(together, 1))
    print(
        f"\nLIX {path.stem}: {together:.1f} ({band(together)}); lesson text {lix(markdown):.1f}, "
        f"sourced claims {lix(facts):.1f}, plain lines {lix(plain):.1f}"
    )
    assert lix(markdown) <= LESSON_TEXT_MAX, (
        f"{path.name}: LIX {lix(markdown):.1f} – skriv kortere sætninger og ord"
    )
    assert together <= LESSON_ALL_MAX, f"{path.name}: LIX {together:.1f} i alt"


def test_every_legal_claim_has_a_short_plain_line_and_together_they_are_easy():
    """Does every claim carry its 'Det betyder det for jer' line, one short line each, LIX ≤ 40 together?"""
    claims = load_claims().values()
    missing = [c.id for c in claims if not c.plain]
    assert missing == []
    long = [c.id for c in claims if len(c.plain) > 120 or "\n" in c.plain]
    assert long == []
    events = [e.plain for t in load_timelines().values() for e in t.events]
    together = lix("\n\n".join([c.plain for c in claims] + events))
    print(f"\nLIX of all plain lines together: {together:.1f} ({band(together)})")
    assert together <= PLAIN_MAX
    hard = {c.id: round(lix(c.plain), 1) for c in claims if lix(c.plain) > PLAIN_LINE_MAX}
    assert hard == {}  # and each line on its own (the LIX <= 40 for every "Det betyder det for jer")


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: str(p.relative_to(ROOT)))
def test_guide_readability(guide):
    """The facilitator texts: reported, and held below the old limit."""
    value = lix(guide.read_text(encoding="utf-8"))
    print(f"\nLIX {guide.relative_to(ROOT)}: {value:.1f} ({band(value)})")
    assert value <= GUIDE_MAX
