"""The risk heatmap drawn: the accessible table, the domain summary, the legend and the PNG."""

from __future__ import annotations

import io
import re
import struct
from html.parser import HTMLParser

import pytest

from aiskole import l10n
from aiskole.exercises import heatmap as hm
from aiskole.render import heatmap_png, render
from tests.conftest import ROOT
from tests.test_heatmap import CONTENT, risk


def table_html(heatmap: hm.Heatmap) -> str:
    return render("exercises/heatmap/table.html.j2", heatmap=heatmap, content=CONTENT)


def legend_html(scale: int) -> str:
    return render("exercises/heatmap/legend.html.j2", ranges=hm.band_ranges(scale), content=CONTENT)


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self.th_scopes: list[str | None] = []
        self._in_td = False

    def handle_starttag(self, tag, attrs):
        if tag == "td" and dict(attrs).get("class", "").startswith("aiskole-band-"):
            self._in_td = True
            self.cells.append("")
        if tag == "th":
            self.th_scopes.append(dict(attrs).get("scope"))

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_td = False

    def handle_data(self, data):
        if self._in_td:
            self.cells[-1] += data


@pytest.mark.parametrize("scale", hm.SCALES)
def test_table_labels_every_cell_with_band_text_score_and_count(scale):
    heatmap = hm.build([risk(likelihood=scale, consequence=scale, scale=scale)], scale)
    parser = _Cells()
    parser.feed(table_html(heatmap))
    assert len(parser.cells) == scale * scale
    for text in parser.cells:
        assert re.search(r"(GRØN|GUL|RØD) \d+", text) and re.search(r"\d+ risi(ko|ci)\b", text)
    assert all(scope in ("col", "row", "colgroup") for scope in parser.th_scopes)
    assert parser.th_scopes.count("row") == scale
    top_right = parser.cells[scale - 1]
    assert f"RØD {scale * scale}" in top_right and "1 risiko" in top_right and "nr. 1" in top_right
    html = table_html(heatmap).replace("\u00ad", "")  # soft hyphens only show when a word breaks
    assert "Konsekvens for borgeren" in html and "Sandsynlighed" in html
    for word in CONTENT.scales[scale].likelihood + CONTENT.scales[scale].consequence:
        assert word in html


def test_long_scale_words_in_the_table_can_break_at_a_syllable():
    """Narrow phone columns: do the table's scale words carry soft hyphens (Danish rules)?"""
    html = table_html(hm.build([], 3))
    assert l10n.hyphenate("sandsynlig") in html and l10n.SOFT_HYPHEN in l10n.hyphenate("sandsynlig")


def test_domain_summary_and_legend_html():
    heatmap = hm.build([risk(domain="etik", likelihood=3, consequence=3, owner="o", mitigation="m")])
    html = render("exercises/heatmap/domains.html.j2", heatmap=heatmap)
    assert "Etik &amp; retssikkerhed" in html and "RØD 9" in html and "Ingen risici endnu" in html
    legend = legend_html(3)
    assert "GRØN 1–2" in legend and "GUL 3–4" in legend and "RØD 6–9" in legend
    assert "ikke en standard" in legend and "https://flowgrc.com/blog/risk-matrix-explained" in legend
    assert "RØD 10–25" in legend_html(5)


# --- PNG --------------------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("scale", hm.SCALES)
def test_png_is_a_valid_image_with_every_cell_label_and_count(scale):
    risks = [
        risk(likelihood=scale, consequence=scale, scale=scale, owner="o", mitigation="m"),
        risk(likelihood=1, consequence=1, scale=scale),
        risk(likelihood=1, consequence=1, scale=scale),
    ]
    heatmap = hm.build(risks, scale)
    image = heatmap_png.render_png(heatmap, CONTENT)
    width, height = _png_size(image.png)
    assert (width, height) == (image.width, image.height)
    assert 600 <= width <= 1600 and 600 <= height <= 1600
    assert 10_000 < len(image.png) < 2_000_000
    labels = list(image.labels)
    for cell in heatmap.cells.values():
        assert cell.label in labels
    # each cell's label and count are drawn once per cell
    for value in {li * c for li in range(1, scale + 1) for c in range(1, scale + 1)}:
        expected = sum(1 for cell in heatmap.cells.values() if cell.score == value)
        assert labels.count(hm.cell_label(value, scale, CONTENT)) == expected
    assert labels.count("2 risici") == 1 and labels.count("1 risiko") == 1
    assert labels.count("0 risici") == scale * scale - 2
    assert "Sandsynlighed" in labels and "Konsekvens for borgeren" in labels
    joined = " ".join(t.replace("\n", " ") for t in labels)
    for word in CONTENT.scales[scale].likelihood + CONTENT.scales[scale].consequence:
        assert word in joined
    lo, hi = hm.band_ranges(scale)["red"]
    assert f"RØD {lo}–{hi}" in labels


def test_png_of_the_3x3_scale_words_of_the_brief():
    image = heatmap_png.render_png(hm.build([]), CONTENT)
    for text in ("1 usandsynlig", "2 mulig", "3 sandsynlig", "1 begrænset", "2 betydelig", "3 alvorlig"):
        assert text in image.labels


def test_png_uses_no_pyplot():
    source = (ROOT / "aiskole" / "render" / "heatmap_png.py").read_text(encoding="utf-8")
    assert "import pyplot" not in source and "matplotlib.pyplot" not in source
    assert "FigureCanvasAgg" in source
    assert isinstance(io.BytesIO(heatmap_png.render_png(hm.build([])).png).read(8), bytes)
