"""House rules for notebooks and content: stripped outputs, no pip/sys.path, only sourced claims."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from aiskole.apps import APPS
from aiskole.datasets import DatasetError, load_claims, overdue_claims
from aiskole.exercises.dpia import load_dpia

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(
    p
    for p in [*ROOT.glob("lessons/**/*.ipynb"), *ROOT.glob("notebooks/**/*.ipynb")]
    if ".ipynb_checkpoints" not in p.parts
)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: strip outputs (nbstripout)"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_pip_install_or_sys_path(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        assert not re.search(r"pip install|sys\.path", cell.source), f"{path.name}: {cell.source[:60]}"


CITED = re.compile(r"claims\(([^)]*)\)")


def cited_ids() -> list[tuple[str, str]]:
    found = []
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            for args in CITED.findall(cell.source):
                found += [(path.name, i) for i in re.findall(r"[\"']([^\"']+)[\"']", args)]
    return found


def test_lessons_cite_only_existing_claims():
    """Does every claim a lesson cites exist in datasets/claims.yaml?"""
    known = load_claims()
    cited = cited_ids()
    assert cited, "the lessons cite no claims at all"
    missing = [(nb, i) for nb, i in cited if i not in known]
    assert missing == []


def test_claims_helper_refuses_unknown_ids():
    from aiskole.lesson import claims

    with pytest.raises(DatasetError, match="Ukendte påstande"):
        claims("gdpr-35-dpo", "det-findes-ikke")


def test_overdue_claims_are_found():
    far_future = dt.date(2100, 1, 1)
    assert {c.id for c in overdue_claims(today=far_future)} == set(load_claims())
    assert overdue_claims(today=dt.date(2026, 11, 27)) == []


def test_every_app_in_the_registry_exists_and_vice_versa():
    apps = {p.name for p in (ROOT / "notebooks" / "apps").glob("*.ipynb")}
    assert {a.notebook for a in APPS} == apps


def _broken_copy(tmp_path, mutate) -> Path:
    data = yaml.safe_load((ROOT / "datasets" / "dpia.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "dpia.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["questions"].pop(), "nummereret 1-10"),
        (lambda d: d["questions"][0].update(sources=["ukendt-kilde"]), "ukendt kilde"),
        (lambda d: d["sources"]["gdpr-35"].update(url="ikke en url"), "url"),
        (lambda d: d["questions"][1].update(kind="måske"), "kind"),
        (lambda d: d.update(review_by=d["checked"]), "review_by"),
        (lambda d: d["verdicts"].pop("grey"), "grey"),
    ],
)
def test_a_broken_dataset_is_refused_with_a_danish_message(tmp_path, mutate, message):
    folder = _broken_copy(tmp_path, mutate)
    with pytest.raises(DatasetError, match="er ugyldig") as info:
        load_dpia(folder)
    assert message in str(info.value)


def test_every_question_and_rule_has_a_legal_basis_and_https_source():
    content = load_dpia()
    assert content.checked <= dt.date.today() or content.checked == dt.date(2026, 11, 27)
    for record in (*content.questions, *content.rules, *content.notes):
        assert record.legal_basis
        for source in content.sources_for(record.sources):
            assert str(source.url).startswith("https://")


GUIDES = sorted((ROOT / "lessons").rglob("*.md"))
GUIDE_REF = re.compile(r"\[kilde: ([a-z0-9-]+)\]")


def test_every_lesson_folder_has_a_facilitator_guide():
    for folder in sorted(p for p in (ROOT / "lessons").iterdir() if p.is_dir() and p.name[:2].isdigit()):
        guide = folder / "facilitatorguide.md"
        assert guide.exists(), folder.name
        text = guide.read_text(encoding="utf-8")
        for heading in ("Forudsætninger", "Deltagerne", "Dagsorden", "misforståelser", "tjekke forståelsen"):
            assert heading in text, f"{folder.name}: mangler '{heading}'"


def test_facilitator_kit_exists():
    for name in ("kickoff-workshop.md", "frokostdemo.md", "ai-manual-skabelon.md"):
        assert (ROOT / "lessons" / "facilitator" / name).exists(), name


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: str(p.relative_to(ROOT)))
def test_guides_cite_only_existing_claims(guide):
    known = load_claims()
    missing = [i for i in GUIDE_REF.findall(guide.read_text(encoding="utf-8")) if i not in known]
    assert missing == []


#: The lesson notebooks (the glossary, lessons/ordliste.ipynb, is a reference page, not a lesson).
LESSONS = [p for p in NOTEBOOKS if "lessons" in p.parts and p.name != "ordliste.ipynb"]


def _lesson_markdown(path):
    """The lesson's Markdown cells without the JupyterLab-only line the reading view drops."""
    return [
        c
        for c in nbformat.read(path, as_version=4).cells
        if c.cell_type == "markdown" and "jupyterlab-only" not in c.metadata.get("tags", [])
    ]


def test_lessons_start_with_objectives_and_end_with_a_summary():
    assert len(LESSONS) >= 7
    for path in LESSONS:
        cells = _lesson_markdown(path)
        first, last = cells[0].source, cells[-1].source
        assert "Læringsmål" in first and "Tid:" in first and "Det vigtigste" in first, path.name
        assert "Nøglepunkter" not in first, path.name
        assert "Opsummering" in last, path.name
