"""The storybank's pure logic: validation, the consent rule, withdrawal and the escaped Markdown export."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import markdown_it
import mistune
import pytest
import yaml

from aiskole.datasets import DatasetError
from aiskole.exercises import story as storybank
from aiskole.exercises.story import Story
from aiskole.render import markdown as md

ROOT = Path(__file__).resolve().parent.parent
CONSENT = (
    "Jeg giver samtykke til, at mit citat med rolle og afdeling må bruges i kommunens interne nyhedsbrev og på "
    "intranettet. Jeg kan trække samtykket tilbage når som helst."
)


@pytest.fixture(scope="module")
def content() -> storybank.StorybankContent:
    return storybank.load_storybank()


def make(
    quote="AI skriver mit første udkast.", role="Sagsbehandler", department="Borgerservice", **kw
) -> Story:
    return storybank.new_story(quote, role, department, consent=kw.pop("consent", True), **kw)


# --- the dataset -------------------------------------------------------------------------------------


def test_the_consent_text_is_the_agreed_wording(content):
    assert content.consent.text == CONSENT
    assert content.consent.version == 1
    assert content.review_by > content.checked


def _broken(tmp_path, mutate) -> Path:
    data = yaml.safe_load((ROOT / "datasets" / "storybank.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "storybank.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("consent"), "consent"),
        (lambda d: d["consent"].update(text="Ja tak"), "consent.text"),
        (lambda d: d["consent"].update(version=0), "consent.version"),
        (lambda d: d.update(schema="aiskole.storybank/2"), "schema"),
        (lambda d: d.update(extra="felt"), "extra"),
    ],
)
def test_a_broken_copy_is_refused_with_a_danish_message(tmp_path, mutate, message):
    with pytest.raises(DatasetError, match="er ugyldig") as info:
        storybank.load_storybank(_broken(tmp_path, mutate))
    assert message in str(info.value)


# --- validation --------------------------------------------------------------------------------------


def test_a_valid_story_is_tidied_and_carries_the_consent_text(content):
    story = make("  Det sparer tid.\r\n\n\n\nOg  jeg er gladere.  ", "  Social-\n rådgiver ", " Jobcenter ")
    assert story.quote == "Det sparer tid.\n\nOg jeg er gladere."
    assert story.role == "Social- rådgiver"
    assert story.department == "Jobcenter"
    assert story.consent is True and story.consent_text == CONSENT and story.consent_version == 1


@pytest.mark.parametrize(
    ("quote", "role", "department", "message"),
    [
        ("", "Sagsbehandler", "Borgerservice", "Skriv citatet."),
        ("   \n ", "Sagsbehandler", "Borgerservice", "Skriv citatet."),
        ("x" * 501, "Sagsbehandler", "Borgerservice", "Citatet fylder 501 tegn. Der er plads til højst 500"),
        ("Godt", "", "Borgerservice", "Skriv kollegaens rolle, fx Sagsbehandler."),
        ("Godt", "r" * 81, "Borgerservice", "Kollegaens rolle fylder 81 tegn. Der er plads til højst 80"),
        ("Godt", "Sagsbehandler", " ", "Skriv afdelingen, fx Borgerservice."),
        ("Godt", "Sagsbehandler", "a" * 81, "Afdelingen fylder 81 tegn. Der er plads til højst 80"),
        (
            "Borgeren 010190-1234 var glad",
            "Sagsbehandler",
            "Borgerservice",
            "ser ud til at indeholde et CPR-nummer",
        ),
        ("Borgeren 0101901234 var glad", "Sagsbehandler", "Borgerservice", "CPR-nummer"),
    ],
)
def test_bad_input_gets_a_danish_message(quote, role, department, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        storybank.new_story(quote, role, department, consent=True)


def test_the_limits_themselves_are_allowed():
    story = make("x" * 500, "r" * 80, "a" * 80)
    assert len(story.quote) == 500


@pytest.mark.parametrize("consent", [False, None, "ja", 1])
def test_without_explicit_consent_nothing_is_accepted(consent):
    with pytest.raises(ValueError, match="mangler samtykke"):
        storybank.new_story("Godt citat", "Sagsbehandler", "Borgerservice", consent=consent)


# --- the consent rule --------------------------------------------------------------------------------


def _stored(answers: dict, row_id: int) -> Story:
    """A story as the views read it back from a stored row: the model plus its submission id."""
    from aiskole.exercises.base import Stored

    return storybank.stories([Stored(row_id, Story.from_answers(answers), dt.datetime.now(dt.UTC))])[0]


def test_stored_and_read_back_unchanged():
    story = make()
    back = _stored(story.to_answers(), 7)
    assert back == Story(**{**story.__dict__, "id": 7})
    assert story.to_answers()["v"] == Story.version
    assert story.to_result() == {"status": "samtykke", "length": len(story.quote)}


@pytest.mark.parametrize("stored_consent", [False, None, "true", 1, "ja"])
def test_only_an_explicit_true_counts_as_consent(stored_consent):
    answers = {**make().to_answers(), "consent": stored_consent}
    story = _stored(answers, 1)
    assert story.consent is False
    assert storybank.visible_stories([story]) == []


def test_visible_stories_filters_on_consent():
    yes = make("Med samtykke")
    no = Story(
        quote="HEMMELIGT citat", role="Pædagog", department="Dagtilbud", consent=False, consent_text=""
    )
    empty = Story(quote="  ", role="Pædagog", department="Dagtilbud", consent=True, consent_text=CONSENT)
    assert storybank.visible_stories([no, yes, empty, "ikke en historie"]) == [yes]


def test_withdrawal_erases_the_text_and_keeps_the_date():
    story = _stored(make("Jeg fortryder måske").to_answers(), 3)
    gone = storybank.withdraw(story, dt.date(2026, 12, 1))
    assert (gone.consent, gone.quote, gone.role, gone.department) == (False, "", "", "")
    assert gone.id == 3 and gone.withdrawn_on == dt.date(2026, 12, 1)
    assert gone.to_answers()["withdrawn_on"] == "2026-12-01"
    assert gone.to_result()["status"] == "trukket-tilbage"
    assert _stored(gone.to_answers(), 3) == gone
    assert storybank.visible_stories([gone]) == []


def test_a_quote_without_consent_is_never_exported(content):
    yes = make("Offentligt citat", "Sagsbehandler", "Borgerservice")
    no = Story(
        quote="HEMMELIGT citat", role="Pædagog", department="Dagtilbud", consent=False, consent_text=""
    )
    markdown = md.export_markdown([no, yes, storybank.withdraw(yes)], content)
    assert "Offentligt citat" in markdown
    assert "HEMMELIGT" not in markdown and "Pædagog" not in markdown and "Dagtilbud" not in markdown
    with pytest.raises(ValueError, match="ikke samtykke"):
        md.story_markdown(no)
    with pytest.raises(ValueError, match="ingen citater med samtykke"):
        md.export_markdown([no], content)


# --- Markdown ----------------------------------------------------------------------------------------


def test_export_is_a_blockquote_with_role_and_department(content):
    a = make("Første linje.\n\nAnden linje.", "Sagsbehandler", "Borgerservice")
    b = make("Kort og godt.", "Leder", "Ældreplejen")
    markdown = md.export_markdown([a, b], content)
    assert markdown.startswith("## Stemmer fra kollegerne\n")
    assert "> Første linje.\n>\n> Anden linje.\n>\n> — Sagsbehandler, Borgerservice\n" in markdown
    assert "> Kort og godt.\n>\n> — Leder, Ældreplejen\n" in markdown
    rendered = markdown_it.MarkdownIt("commonmark").render(markdown)
    assert rendered.count("<blockquote>") == 2
    assert "— Sagsbehandler, Borgerservice" in rendered


PAYLOADS = [
    "<script>window.__xss = 1</script>",
    '<img src="x" onerror="window.__xss = 2">',
    "[Klik her](javascript:alert(1))",
    "![billede](https://evil.example/x.png)",
    "<https://evil.example>",
    "Se https://evil.example og www.evil.example",
    "skriv til chef@evil.example",
    "[ref]: https://evil.example\n[ref]",
    "&lt;script&gt; og &#60;b&#62;",
    "# Overskrift\n- punkt\n1. punkt\n---\n=== \n| a | b |\n| - | - |",
    "*fed* _kursiv_ ~~streg~~ `kode` \\\\ \\*",
    "<!-- kommentar --> <a href='https://evil.example'>link</a>",
]


def _renderers():
    return {
        "commonmark": markdown_it.MarkdownIt("commonmark", {"html": True}).render,
        "gfm-like": mistune.create_markdown(escape=False, plugins=["url", "strikethrough", "table"]),
    }


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("renderer", ["commonmark", "gfm-like"])
def test_free_text_cannot_inject_links_images_or_html(content, payload, renderer):
    quote = payload if len(payload) <= 500 else payload[:500]
    story = make(quote, f"Rolle {payload[:60]}", f"Afd {payload[:60]}")
    rendered = _renderers()[renderer](md.export_markdown([story], content))
    for tag in (
        "<a",
        "<img",
        "<script",
        "<b>",
        "<h1",
        "<h3",
        "<ul",
        "<ol",
        "<li",
        "<hr",
        "<table",
        "<em",
        "<strong",
        "<code",
        "<del",
        "<!--",
    ):
        assert tag not in rendered, (tag, rendered)
    assert rendered.count("<blockquote>") == 1
    assert rendered.count("<h2>") == 1  # the heading of the export itself
    # the words are all still there, shown literally
    text = html.unescape(re.sub(r"<[^>]+>", " ", rendered))
    for word in re.findall(r"[A-Za-zæøå]{4,}", payload):
        assert word in text


def test_escaping_is_needed_at_all():
    """The renderers used above do turn raw payloads into links and HTML (so the test can fail)."""
    raw = _renderers()["gfm-like"]("Se https://evil.example og <img src=x> [a](https://evil.example)")
    assert "<a" in raw and "<img" in raw


def test_a_row_in_the_version_1_shape_still_loads():
    """Stories saved before versions existed had no "v": do they load with their consent as it was?"""
    old = {
        "quote": "Det virker.", "role": "Sagsbehandler", "department": "Borgerservice", "consent": True,
        "consent_text": CONSENT, "consent_version": 1, "withdrawn_on": None,
    }  # fmt: skip
    story = Story.from_answers(old, {"status": "samtykke", "length": 11})
    assert story.visible and story.quote == "Det virker." and story.consent_version == 1
