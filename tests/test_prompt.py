"""The prompt lab's pure logic: the personal-data scanner, the R-K-O-F-E-B review and the dataset."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from aiskole.datasets import DatasetError
from aiskole.exercises import prompt
from aiskole.exercises.prompt import MAX_CHARS, load_prompts, review
from aiskole.pii import scan

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 27)


# --- review ------------------------------------------------------------------------------------------

STRONG = (
    "Du er erfaren sagsbehandler i en dansk kommune. Omskriv udkastet nedenfor til et brev til en ældre "
    "borger. Højst 250 ord og én overskrift. Fx sådan her: »Vi har besluttet …«. Tilføj ikke nye fakta. "
    'Skriv i klart sprog og en venlig tone. Udkast: """[udkast]"""'
)


def test_strong_prompt_meets_all_seven_with_evidence():
    result = review(STRONG, "brev")
    assert [c.id for c in result.criteria] == list(prompt.CRITERIA)
    assert [c.letter for c in result.criteria] == ["R", "K", "O", "F", "E", "B", "T"]
    assert result.score == result.max_score == 7
    assert result.level == "stærk" and result.label == "Stærk prompt"
    evidence = {c.id: c.evidence for c in result.criteria}
    assert evidence["rolle"] == "Du er"
    assert evidence["begraensninger"] == "Tilføj ikke"
    assert all(c.why.startswith("Fundet: ") for c in result.criteria)


def test_weak_prompt_gets_a_concrete_suggestion_per_missing_criterion():
    result = review("Skriv et brev om afslag på hjælpemiddel.", "brev")
    met = {c.id for c in result.criteria if c.met}
    assert met == {"opgave"}
    assert result.score == 1 and result.level == "svag"
    assert result.too_short and "meget kort" in result.summary
    format_ = next(c for c in result.criteria if c.id == "format")
    # the task-specific hint replaces the general tip
    assert "Hvad har vi besluttet" in format_.suggestion
    assert format_.why.startswith("Ingen tegn på format")
    rolle = next(c for c in result.criteria if c.id == "rolle")
    assert "Du er" in rolle.suggestion


@pytest.mark.parametrize(
    ("criterion", "text"),
    [
        ("rolle", "Agér som en jurist."),
        ("rolle", "Du er referent."),
        ("kontekst", "Baggrunden er et nyt regulativ."),
        ("kontekst", 'Tekst: """..."""'),
        ("opgave", "Opsummér teksten."),
        ("opgave", "Lav en liste."),
        ("format", "Svar i punktform."),
        ("format", "Maks 100 ord."),
        ("format", "En tabel med to kolonner."),
        ("eksempler", "For eksempel sådan."),
        ("eksempler", "Her er et eksempel."),
        ("begraensninger", "Brug kun den vedlagte tekst."),
        ("begraensninger", "Hvis du er i tvivl, så sig det."),
        ("begraensninger", "Marker med [TJEK]."),
        ("tone", "Skriv til borgere."),
        ("tone", "Brug klart sprog."),
        ("tone", "Brug du-form."),
    ],
)
def test_each_criterion_has_markers(criterion, text):
    result = review(text, "faq")
    assert next(c for c in result.criteria if c.id == criterion).met, text


@pytest.mark.parametrize(
    ("criterion", "text"),
    [
        ("opgave", "Et lavt LIX-tal."),  # "lav" as adjective is not a task
        ("format", "Det var et godt møde."),
        ("begraensninger", "Det er ikke så vigtigt."),  # a plain "ikke" is no constraint
        ("eksempler", "Tekst om eksamen."),
    ],
)
def test_markers_do_not_fire_on_lookalikes(criterion, text):
    result = review(text, "faq")
    assert not next(c for c in result.criteria if c.id == criterion).met


@pytest.mark.parametrize(
    ("score", "level"), [(7, "stærk"), (6, "stærk"), (5, "god"), (4, "god"), (3, "svag"), (0, "svag")]
)
def test_levels_follow_the_score(monkeypatch, score, level):
    met = set(prompt.CRITERIA[:score])
    monkeypatch.setattr(prompt, "_evidence", lambda text, cid: "x" if cid in met else None)
    long_text = "ord " * 30
    result = review(long_text, "referat")
    assert (result.score, result.level) == (score, level)


def test_a_very_short_prompt_is_never_strong():
    text = "Du er referent: lav et referat, tabel, fx, kun fra noterne, til udvalg ###"
    result = review(text, "referat")
    assert result.score >= 6 and result.too_short
    assert result.level == "god"


def test_the_stored_submission_has_no_prompt_text():
    text = STRONG + " Borgeren har CPR 010190-1234."
    model = prompt.PromptSubmission.of(review(text, "brev"), scan(text))
    stored = {**model.to_answers(), **model.to_result()}
    assert set(model.to_result()) == {
        "task",
        "score",
        "max_score",
        "level",
        "criteria",
        "word_count",
        "findings",
        "finding_kinds",
    }
    assert model.to_result()["findings"] == {"cpr": 1}
    assert "Du er" not in repr(stored) and "010190" not in repr(stored)
    assert prompt.PromptSubmission.from_answers(model.to_answers(), model.to_result()) == model


def test_a_row_in_the_version_1_shape_still_loads():
    """Prompt-lab rows saved before versions existed had no "v" in the answers: do they load?"""
    result = {
        "task": "brev", "score": 5, "max_score": 7, "level": "god", "word_count": 40,
        "criteria": {"rolle": True}, "findings": {"email": 1}, "finding_kinds": ["email"],
    }  # fmt: skip
    model = prompt.PromptSubmission.from_answers({"task": "brev"}, result)
    assert (model.task, model.score, model.level, dict(model.findings)) == ("brev", 5, "god", {"email": 1})


@pytest.mark.parametrize(
    ("text", "task", "message"),
    [
        ("", "brev", "Skriv en prompt"),
        ("   \n ", "brev", "Skriv en prompt"),
        ("x" * (MAX_CHARS + 1), "brev", "for lang: 4.001 tegn. Højst 4.000"),
        ("Skriv et brev.", "digt", "Ukendt opgavetype"),
        (42, "brev", "skal være tekst"),
    ],
)
def test_review_errors_are_danish(text, task, message):
    with pytest.raises(ValueError, match=message):
        review(text, task)


def test_review_says_it_is_a_heuristic():
    result = review(STRONG, "faq")
    assert "tommelfingerregel" in result.heuristic_note
    assert result.task_title == "FAQ-svar" and "Det fremgår ikke af kilden" in result.task_tip


# --- dataset -----------------------------------------------------------------------------------------


def test_dataset_loads_with_all_criteria_tasks_and_sources():
    content = load_prompts()
    assert content.checked == dt.date(2026, 11, 27)
    assert [t.id for t in content.tasks] == ["brev", "referat", "faq", "opsummering"]
    assert [c.name for c in content.criteria][:6] == [
        "Rolle",
        "Kontekst",
        "Opgave",
        "Format",
        "Eksempler",
        "Begrænsninger",
    ]
    assert "egen sammenfatning" in content.synthesis_note and "ikke en offentliggjort standard" in (
        content.synthesis_note
    )
    for record in (*content.criteria, *content.tasks, *content.findings.values()):
        for source in content.sources_for(record.sources):
            assert str(source.url).startswith("https://")
    urls = {str(s.url) for s in content.sources.values()}
    for needle in ("openai.com", "claude.com", "lethbridge", "co-star"):
        assert any(needle in u for u in urls), needle


def test_gallery_prompts_are_clean_and_the_after_version_scores_higher():
    content = load_prompts()
    assert {g.task for g in content.gallery} == set(prompt.TASKS)
    for example in content.gallery:
        for text in (example.before, example.after):
            assert scan(text) == [], (example.id, scan(text))
            # no real-looking digits at all: placeholders only
            assert not re.search(r"\d{4}", text), example.id
        before, after = review(example.before, example.task), review(example.after, example.task)
        assert after.score >= before.score + 4, example.id
        assert after.level == "stærk", example.id
    placeholders = " ".join(g.after for g in content.gallery)
    for placeholder in ("[NAVN]", "[CPR]", "[ADRESSE]"):
        assert placeholder in placeholders


def _broken_copy(tmp_path, mutate) -> Path:
    data = yaml.safe_load((ROOT / "datasets" / "prompts.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "prompts.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["criteria"].pop(), "kriterierne skal være"),
        (lambda d: d["tasks"].reverse(), "opgaverne skal være"),
        (lambda d: d["criteria"][0].update(sources=["ukendt-kilde"]), "ukendt kilde"),
        (lambda d: d["sources"]["anthropic"].update(url="ikke en url"), "url"),
        (lambda d: d["tasks"][0]["hints"].update(humor="sjov"), "ukendt kriterium"),
        (lambda d: d.update(review_by=d["checked"]), "review_by"),
        (lambda d: d["findings"].pop("art10"), "hver slags fund"),
        (lambda d: d["gallery"].append(dict(d["gallery"][0])), "samme id"),
        (lambda d: d["gallery"][0].update(task="digt"), "task"),
    ],
)
def test_a_broken_dataset_is_refused_with_a_danish_message(tmp_path, mutate, message):
    folder = _broken_copy(tmp_path, mutate)
    with pytest.raises(DatasetError, match="er ugyldig") as info:
        load_prompts(folder)
    assert message in str(info.value)
