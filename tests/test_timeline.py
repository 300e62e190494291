"""The AI Act timeline: the dates of domain.md §00, the rendering, and that no other text in the kit
teaches another date for the same rule.

The expected dates are written out here on purpose, as an independent copy of domain.md §00 ("Corrections of
2026-12-01"): CI has no access to the research brief, and a test that read the dataset to build its own
expectation could never fail.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from aiskole.datasets import DatasetError, load_timelines
from aiskole.lesson import timeline, timeline_html
from tests.test_lessons_content import _strings

ROOT = Path(__file__).resolve().parent.parent
D = dt.date

#: domain.md §00: every date of the AI Act as amended by the Digital Omnibus on AI, and words its event must name.
EXPECTED = {
    D(2024, 8, 1): [r"træder i kraft", r"2024/1689"],
    D(2025, 2, 2): [r"art\. 5\b", r"art\. 4\b"],
    D(2025, 8, 2): [r"GPAI", r"sanktioner"],
    D(2026, 8, 2): [r"art\. 50\b", r"ikke udskudt"],
    D(2026, 12, 2): [r"[Nn]ye forbud i art\. 5\b", r"art\. 50, stk\. 2"],
    D(2027, 8, 2): [r"art\. 57\b"],
    D(2027, 12, 2): [r"bilag III", r"5\(a\)", r"punkt 4", r"punkt 3", r"5\(d\)", r"FRIA, art\. 27"],
    D(2028, 8, 2): [r"bilag I\b(?!I)"],
}

MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


def danish(day: dt.date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


@pytest.fixture(scope="module")
def ai_act():
    return load_timelines()["ai-forordningen"]


def test_the_ai_act_timeline_has_exactly_the_dates_of_domain_md(ai_act):
    """Are the events exactly the dates of domain.md §00, in order, each naming its rule?"""
    assert [e.date for e in ai_act.events] == sorted(EXPECTED)
    for event in ai_act.events:
        for pattern in EXPECTED[event.date]:
            assert re.search(pattern, event.text), f"{event.date}: '{pattern}' mangler i «{event.text}»"


def test_every_event_has_its_own_https_source_and_a_short_plain_line(ai_act):
    for event in ai_act.events:
        assert str(event.source.url).startswith("https://")
        assert event.plain and len(event.plain) <= 110, event.date
    assert ai_act.review_by > ai_act.checked == D(2026, 12, 1)


def test_history_names_the_original_dates_and_the_adoption_once(ai_act):
    history = ai_act.history.text
    for words in (
        "oprindelige",
        "2. august 2026",
        "2. august 2027",
        "16. juni 2026",
        "29. juni 2026",
        "2025/0359(COD)",
    ):
        assert history.count(words) == 1, words
    assert str(ai_act.check.url).startswith("https://eur-lex.europa.eu/")


class _Timeline(HTMLParser):
    """Collects the list items of the timeline: their <time datetime> and the text inside them."""

    def __init__(self):
        super().__init__()
        self.lists: list[str] = []
        self.items: list[dict] = []
        self._in_item = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("ol", "ul"):
            self.lists.append(tag)
        if tag == "li":
            self._in_item = True
            self.items.append({"datetime": None, "text": "", "class": attrs.get("class", "")})
        if tag == "time" and self._in_item:
            self.items[-1]["datetime"] = attrs.get("datetime")

    def handle_endtag(self, tag):
        if tag == "li":
            self._in_item = False

    def handle_data(self, data):
        if self._in_item:
            self.items[-1]["text"] += data


def _parse(html: str) -> _Timeline:
    parser = _Timeline()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(
    ("today", "past"),
    [
        (D(2026, 12, 1), {D(2024, 8, 1), D(2025, 2, 2), D(2025, 8, 2), D(2026, 8, 2)}),
        (D(2026, 12, 2), {D(2024, 8, 1), D(2025, 2, 2), D(2025, 8, 2), D(2026, 8, 2), D(2026, 12, 2)}),
        (D(2030, 1, 1), set(EXPECTED)),
    ],
)
def test_rendered_as_an_ordered_list_with_dates_in_danish_and_status_in_words(today, past):
    """Is each event a list item with <time datetime>, a Danish date, and past/coming in words (not colour)?"""
    parsed = _parse(timeline_html("ai-forordningen", today=today))
    assert parsed.lists == ["ol"]
    assert [i["datetime"] for i in parsed.items] == [d.isoformat() for d in sorted(EXPECTED)]
    for item, day in zip(parsed.items, sorted(EXPECTED), strict=True):
        assert danish(day) in item["text"]
        status = "Gælder allerede" if day in past else "Gælder endnu ikke"
        assert status in item["text"], (day, today)
        assert "Det betyder det for jer:" in item["text"]
        assert "Kilde:" in item["text"]


def test_the_rendering_shows_the_history_and_the_eur_lex_link():
    html = timeline_html("ai-forordningen", today=D(2026, 12, 1))
    assert "Sådan var det før" in html
    assert 'href="https://eur-lex.europa.eu/eli/reg/2024/1689/oj/dan"' in html
    assert "1. december 2026" in html
    assert timeline("ai-forordningen").data.startswith("<style>")


def _copy_with(tmp_path, mutate) -> Path:
    data = yaml.safe_load((ROOT / "datasets" / "timeline.yaml").read_text(encoding="utf-8"))
    mutate(data["timelines"][0])
    (tmp_path / "timeline.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_text_from_the_dataset_is_escaped(tmp_path):
    folder = _copy_with(
        tmp_path, lambda t: t["events"][0].update(text="<script>alert(1)</script> træder i kraft")
    )
    html = timeline_html("ai-forordningen", today=D(2026, 12, 1), datasets_dir=folder)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def _swap_first_two(t):
    t["events"][0], t["events"][1] = t["events"][1], t["events"][0]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_swap_first_two, "datoorden"),
        (lambda t: t["events"][1].update(date=t["events"][0]["date"]), "datoorden"),
        (lambda t: t["events"][0]["source"].update(url="http://example.org/"), "https"),
        (lambda t: t.update(review_by=t["checked"]), "review_by"),
        (lambda t: t.pop("check"), "check"),
        (lambda t: t["events"][0].pop("source"), "source"),
    ],
)
def test_a_broken_timeline_is_refused_in_danish(tmp_path, mutate, message):
    with pytest.raises(DatasetError, match="er ugyldig") as info:
        load_timelines(_copy_with(tmp_path, mutate))
    assert message in str(info.value)


def test_an_unknown_timeline_is_refused_in_danish():
    with pytest.raises(DatasetError, match="Ukendt tidslinje"):
        timeline_html("findes-ikke")


# --- no other text in the kit teaches another date for the same rule -----------------------------------

DATE = re.compile(r"\b(\d{1,2}\. (?:" + "|".join(MONTHS) + r") \d{4})\b")
SENTENCE = re.compile(r"(?<=[\w)\]»])[.!?]\s+(?=[A-ZÆØÅ«\"*])|\n\s*\n|\n(?=\s*[-*|])")

#: For each rule: how to recognise a sentence about it, and the only dates such a sentence may give.
RULES = [
    ("bilag III", re.compile(r"bilag III|FRIA|art\. 27\b"), {danish(D(2027, 12, 2))}),
    ("bilag I", re.compile(r"bilag I\b(?!I)"), {danish(D(2028, 8, 2))}),
    ("art. 50", re.compile(r"art\. 50\b"), {danish(D(2026, 8, 2)), danish(D(2026, 12, 2))}),
    ("art. 4/5", re.compile(r"art\. [45]\b"), {danish(D(2025, 2, 2)), danish(D(2026, 12, 2))}),
]
#: A sentence that tells the history may name the original dates.
HISTORY = re.compile(r"oprindelig|før Digital Omnibus|Sådan var det før", re.IGNORECASE)


def kit_texts() -> list[tuple[str, str]]:
    """Every learner-facing text this part of the kit owns: datasets, lesson Markdown and the guides."""
    texts = []
    for name in ("claims", "quiz", "timeline", "risks", "canvas", "prompts", "kpi", "projects"):
        data = yaml.safe_load((ROOT / "datasets" / f"{name}.yaml").read_text(encoding="utf-8"))
        texts += [(f"{name}.yaml", s) for s in _strings(data)]
    for path in sorted((ROOT / "lessons").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        texts += [(path.name, c.source) for c in nb.cells if c.cell_type == "markdown"]
    for path in sorted((ROOT / "lessons").rglob("*.md")):
        texts.append((path.name, path.read_text(encoding="utf-8")))
    return texts


def date_conflicts(texts) -> list[str]:
    found = []
    for where, text in texts:
        for sentence in SENTENCE.split(text):
            dates = set(DATE.findall(sentence))
            if not dates or HISTORY.search(sentence):
                continue
            for rule, pattern, allowed in RULES:
                if pattern.search(sentence) and dates - allowed:
                    found.append(f"{where}: {rule} med {sorted(dates - allowed)}: «{sentence.strip()[:120]}»")
    return found


def test_no_text_in_the_kit_gives_another_date_for_a_rule_of_the_timeline():
    """Does every sentence that dates bilag III, bilag I, art. 50, art. 4 or art. 5 use the §00 date?"""
    assert date_conflicts(kit_texts()) == []


def test_the_date_check_finds_an_old_date():
    """The check above can fail: the dates of the original text are caught unless told as history."""
    old = [
        ("x", "Kravene til højrisiko efter bilag III gælder fra 2. august 2026."),
        ("x", "Mærkningen efter art. 50 gælder fra 2. august 2027."),
        ("x", "Forbuddene i art. 5 gælder fra 1. august 2024."),
    ]
    assert len(date_conflicts(old)) == 3
    history = [("x", "Efter den oprindelige tekst skulle bilag III gælde fra 2. august 2026.")]
    assert date_conflicts(history) == []
