"""The use-case canvas drawn: the A3 poster (PDF and PNG) and the quadrant chart."""

from __future__ import annotations

import math
import re
import struct
import zlib

import pytest

from aiskole import l10n
from aiskole.exercises import canvas as cv
from aiskole.render import canvas_poster as poster
from tests.test_canvas import ARTIFACTS, NO, TODAY, scores

LONG = (
    "Borgerservice modtager mange henvendelser om de samme ting, og svarene skrives forfra hver gang. "
    "https://eksempel.kommune.dk/en/meget/lang/adresse/uden/mellemrum/som/skal/brydes/over/flere/linjer "
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW\n\n\n"
    "Æbler, øl og ål – $x^2$ og <script>window.__xss = 1</script> skal stå som tekst. "
)


def full_canvas(title: str = "Svartid Borgerservice 2027", long: bool = True, **gate_overrides) -> cv.Canvas:
    content = cv.load_canvas()
    fields = {}
    for spec in content.fields:
        text = (LONG * 20) if long else f"Kort tekst om {spec.label.lower()}."
        fields[spec.id] = text[: spec.max_length]
    fields["titel"] = title
    return cv.build_canvas(fields, scores(), hours=1200, gates={**NO, **gate_overrides})


def pdf_text(pdf: bytes) -> str:
    """The strings matplotlib wrote in the content streams (text is kerned piece by piece in TJ arrays)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            continue
        for array in re.findall(rb"\[(.*?)\]\s*TJ", data, re.S):
            out.append(b"".join(re.findall(rb"\(((?:[^()\\]|\\.)*)\)", array)).decode("latin-1"))
    return "\n".join(out)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_a3_pdf_is_a3_landscape_with_the_title():
    pdf = poster.a3_pdf(full_canvas(long=False), today=TODAY)
    assert pdf.startswith(b"%PDF-")
    [box] = re.findall(rb"/MediaBox \[\s*([\d.\s]+)\]", pdf)
    x0, y0, width, height = (float(v) for v in box.split())
    assert (x0, y0) == (0, 0)
    assert width == pytest.approx(1190.55, abs=0.1)  # 420 mm
    assert height == pytest.approx(841.89, abs=0.1)  # 297 mm
    assert b"/Title (Use-case-canvas: Svartid Borgerservice 2027)" in pdf
    text = pdf_text(pdf)
    assert "Svartid Borgerservice 2027" in text
    assert "Lavthængende frugter" in text and "Problem" in text


def test_a3_png_has_the_proportions_of_a3():
    png = poster.a3_png(full_canvas(), today=TODAY)
    width, height = png_size(png)
    assert width > height
    assert width / height == pytest.approx(math.sqrt(2), rel=0.01)


def test_long_text_wraps_and_never_leaves_its_box():
    fig, boxes = poster.a3_figure(full_canvas(), today=TODAY)
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    framed = [b for b in boxes if b.rect is not None]
    assert len(framed) == 12  # nine canvas fields, scores, rules and flags, roles
    cut = []
    for b in framed:
        text = b.text.get_window_extent(renderer)
        frame = b.rect.get_window_extent(renderer)
        assert frame.x0 <= text.x0 and text.x1 <= frame.x1, b.name
        assert frame.y0 <= text.y0 and text.y1 <= frame.y1, b.name
        if b.cut:
            assert b.text.get_text().endswith("…"), b.name
            cut.append(b.name)
    assert "problem" in cut  # the W's and the URL do not fit: cut with an ellipsis
    page = fig.bbox
    for b in boxes:
        extent = b.text.get_window_extent(renderer)
        assert page.x0 <= extent.x0 and extent.x1 <= page.x1 and page.y0 <= extent.y0 and extent.y1 <= page.y1


def test_short_text_is_not_cut():
    fig, boxes = poster.a3_figure(full_canvas(long=False), today=TODAY)
    assert not [b.name for b in boxes if b.cut]
    problem = next(b for b in boxes if b.name == "problem")
    assert problem.text.get_text() == "Kort tekst om problem."


def test_fit_text_breaks_long_words_and_ends_in_an_ellipsis():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    fig = Figure()
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    prop = FontProperties(size=10)
    lines = poster.wrap_to_width("a " + "x" * 200, 100, renderer, prop)
    assert len(lines) > 3
    assert all(renderer.get_text_width_height_descent(line, prop, ismath=False)[0] <= 100 for line in lines)
    text, cut = poster.fit_text("ord " * 200, 100, 3, renderer, prop)
    assert cut and text.count("\n") == 2 and text.endswith("…")
    assert poster.fit_text("to ord", 100, 3, renderer, prop) == ("to ord", False)


def test_stop_is_written_on_the_poster_and_the_chart():
    canvas = full_canvas(long=False, forbudt=True)
    text = pdf_text(poster.a3_pdf(canvas, today=TODAY))
    assert "STOP" in text and "ikke placeret" in text
    alt = poster.quadrant_alt_text(canvas.evaluation, canvas.title)
    assert "ikke placeret" in alt and "forbudt AI-praksis" in alt


def test_quadrant_chart_png_and_alt_text():
    canvas = full_canvas(long=False)
    png = poster.quadrant_png(canvas.evaluation, canvas.title)
    assert png_size(png)[0] > 300
    alt = poster.quadrant_alt_text(canvas.evaluation, canvas.title)
    assert alt.startswith(
        "Kvadrantdiagram: «Svartid Borgerservice 2027» ligger i feltet Lavthængende frugter"
    )
    assert "gevinst 3,55" in alt and "1.200 timer pr. år" in alt


def test_danish_number_and_date_format():
    assert l10n.number(1234.5, 1) == "1.234,5"
    assert poster.format_score(2.5) == "2,50"
    assert l10n.date_long(TODAY) == "27. november 2026"


def test_render_the_a3_png_for_a_human_to_look_at():
    """Writes artifacts/canvas-a3.png (a realistic canvas) and artifacts/canvas-a3-stress.png (long text)."""
    content = cv.load_canvas()
    fields = {
        "titel": "AI-hjælp til svar på henvendelser i Borgerservice",
        "problem": "Borgerservice får ca. 18.000 skriftlige henvendelser om året. Mange handler om det samme "
        "(flytning, sygesikring, pas), og svarene skrives forfra hver gang. Svartiden er i dag 6 dage i median.",
        "maalgruppe": "Medarbejdere i Borgerservice skriver svarene; borgere, der skriver til kommunen, får dem.",
        "nuvaerende_proces": "Medarbejderen læser henvendelsen, slår op i fagsystemet og skriver et svar. "
        "Baseline: 9 minutter pr. henvendelse (stikprøve af 40 sager, marts 2026).",
        "ai_loesning": "En godkendt generativ AI på kommunens platform skriver et udkast ud fra kommunens egne "
        "svarskabeloner. Medarbejderen retter og sender. AI'en træffer ingen afgørelser.",
        "data": "Henvendelsens tekst (kan indeholde almindelige personoplysninger), svarskabeloner og vejledninger "
        "fra kommunens hjemmeside.",
        "jura": "Mini-DPIA: gråzone. AI-forordningen: begrænset risiko (art. 50 – medarbejderen redigerer). "
        "Databehandleraftale med platformen findes.",
        "kpi": "Svartid (median dage), minutter pr. henvendelse inkl. kontrol, andel svar der sendes uden "
        "rettelser, klager over svar.",
        "risici": "Forkerte svar sendes uden kontrol (automation bias); personoplysninger i prompten; svar på "
        "sprog, borgeren ikke forstår.",
        "historie": "En medarbejder i Borgerservice svarede før 40 mails om dagen. Nu bruger hun tiden på borgere i "
        "skranken, der har brug for hjælp til Digital Post.",
        "ai_produktejer": "Teamleder, Borgerservice",
        "dataejer": "Borgerservicechefen (systemejer for sagssystemet)",
        "isk": "Informationssikkerhedskoordinator, IT og Digitalisering",
        "dpo": "",
    }
    assert set(fields) == {f.id for f in content.fields}
    canvas = cv.build_canvas(fields, scores(), hours=1350, gates=NO)
    ARTIFACTS.mkdir(exist_ok=True)
    png = poster.a3_png(canvas, today=TODAY)
    (ARTIFACTS / "canvas-a3.png").write_bytes(png)
    (ARTIFACTS / "canvas-a3.pdf").write_bytes(poster.a3_pdf(canvas, today=TODAY))
    (ARTIFACTS / "canvas-a3-stress.png").write_bytes(
        poster.a3_png(
            full_canvas(bilag_iii=True, art_6_3=False, fuld_dpia=True, offentlig_genai=True), today=TODAY
        )
    )
    assert png_size(png)[0] > 1500
