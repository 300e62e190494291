"""LIX: the formula on known texts, and the readability of every lesson (reported, aim ≤ 45)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from aiskole.datasets import load_claims
from aiskole.lix import band, lix

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p for p in ROOT.glob("lessons/**/*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def test_formula_by_hand():
    # 8 words, 2 sentences, 3 long words (Kommunen, konsekvensanalyse, vigtigt)
    assert lix("Kommunen skal lave en konsekvensanalyse. Det er vigtigt.") == pytest.approx(
        8 / 2 + 100 * 3 / 8
    )
    assert lix("") == 0
    assert band(20) == "meget let" and band(44.9) == "middel" and band(60) == "meget svær"


def test_markdown_is_cleaned():
    assert lix("**Hej** [dig](https://example.org/meget-lang-adresse).") == lix("Hej dig.")


def learner_text(path: Path) -> tuple[str, str]:
    """The lesson's own Markdown, and the text of the sourced claims it shows."""
    from tests.test_notebooks import CITED

    nb = nbformat.read(path, as_version=4)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    known = load_claims()
    ids = [
        i
        for c in nb.cells
        for args in CITED.findall(c.source)
        for i in re.findall(r"[\"']([^\"']+)[\"']", args)
    ]
    return markdown, "\n\n".join(known[i].text for i in ids)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_readability(path, record_property):
    """What is the LIX of the learner-facing text of each lesson? Fails above 45, the kit's aim."""
    markdown, claims_text = learner_text(path)
    value = lix(markdown + "\n\n" + claims_text)
    record_property("lix", round(value, 1))
    print(
        f"\nLIX {path.stem}: {value:.1f} ({band(value)}); lesson text {lix(markdown):.1f}, "
        f"sourced claims {lix(claims_text):.1f}"
    )
    assert value <= 45, f"{path.name}: LIX {value:.1f} – skriv kortere sætninger og ord"
