"""The charts (matplotlib's object API): the poll's answers and the hours freed, each bar labelled."""

from __future__ import annotations

from aiskole.exercises import kpi, poll
from aiskole.render import charts
from tests.conftest import ROOT, rows_of
from tests.test_kpi import scenario, three
from tests.test_poll import RESPONSES

# --- chart ---------------------------------------------------------------------------------------------


def test_chart_is_a_png_and_the_alt_text_names_every_answer_and_count():
    r = poll.results_of(rows_of("poll", RESPONSES))
    assert charts.poll_png(r)[:8] == b"\x89PNG\r\n\x1a\n"
    assert charts.poll_png(poll.results_of([]))[:8] == b"\x89PNG\r\n\x1a\n"
    assert charts.poll_alt_text(r) == (
        "Søjlediagram over svarene på «Hvordan har du det med AI i dit arbejde?»: Utryg 1, Lidt usikker 1, "
        "Neutral 1, Ret tryg 3, Tryg og motiveret 2. I alt 8 svar."
    )


def test_every_bar_is_labelled_with_its_count_and_answer_text(monkeypatch):
    """Does the chart carry a count label on every bar and the answer text beside it?"""
    from matplotlib.axes import Axes

    seen = {}
    original = Axes.bar_label

    def spy(self, container, labels=None, **kwargs):
        seen["labels"] = list(labels)
        seen["ticks"] = [t.get_text() for t in self.get_yticklabels()]
        return original(self, container, labels=labels, **kwargs)

    monkeypatch.setattr(Axes, "bar_label", spy)
    charts.poll_png(poll.results_of(rows_of("poll", RESPONSES)))
    assert seen["labels"] == ["1", "1", "1", "3", "2"]
    assert seen["ticks"] == [
        "1 – Utryg",
        "2 – Lidt usikker",
        "3 – Neutral",
        "4 – Ret tryg",
        "5 – Tryg og motiveret",
    ]


def test_chart_code_uses_the_object_api_not_pyplot():
    assert "matplotlib.pyplot" not in (ROOT / "aiskole" / "render" / "charts.py").read_text(encoding="utf-8")


# --- the chart -----------------------------------------------------------------------------------------


def test_chart_is_a_png_and_the_alt_text_gives_every_number():
    result = kpi.estimate(three(scenario(ai=15), scenario(), scenario(ai=2)))
    png = charts.hours_png(result)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert charts.hours_alt_text(result) == (
        "Søjlediagram over frigjort tid pr. år: pessimistisk −160 timer, sandsynligt 167 timer, optimistisk 447 timer."
    )
