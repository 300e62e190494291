"""The quiz, the use-case canvas and the risk heatmap on a participant's phone: the form each unit reads
(``from_form``), the fields it gives back (``form_values``), the result page (``participant_result``) and their
templates, rendered as the room renders them (:func:`aiskole.room.pages.exercise_body`).

The forms are parsed as a browser reads them and posted back through ``from_form``, so a field the template
names differently from the unit fails here, not on a phone in a lunch demo.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from aiskole import exercises
from aiskole.exercises import canvas as cv
from aiskole.exercises import heatmap as hm
from aiskole.exercises import quiz
from aiskole.exercises.base import Form, FormError
from aiskole.room import pages
from aiskole.testing import XSS_PAYLOADS
from aiskole.widgets.canvas import CanvasView
from aiskole.widgets.heatmap import HeatmapView
from aiskole.widgets.quiz import QuizView
from tests.test_canvas import scores as canvas_scores

CODE = "K7QW2M"
QUIZ = quiz.load_quiz()
CANVAS = cv.load_canvas()
RISKS = hm.load_risks()
CONTENT = {"quiz": QUIZ, "canvas": CANVAS, "heatmap": RISKS}
UNITS = {"quiz": quiz, "canvas": cv, "heatmap": hm}


# --- rendering and reading pages as a browser does ------------------------------------------------------


def form_page(name: str, form: Form | None = None, errors: dict | None = None, code: str = CODE) -> str:
    screen = pages.ExerciseScreen(
        exercises.get(name), CONTENT[name], form=form or Form(), errors=errors or {}, client_key="k-1"
    )
    return str(pages.exercise_body(screen, base="/", code=code))


def done_page(name: str, model) -> str:
    result = UNITS[name].participant_result(model, CONTENT[name])
    screen = pages.ExerciseScreen(exercises.get(name), CONTENT[name], result=result)
    return str(pages.exercise_body(screen, base="/", code=CODE))


class Controls(HTMLParser):
    """The named form controls of a page, and what a browser would post from them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.textareas: dict[str, str] = {}
        self.selects: dict[str, list[tuple[str, bool]]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            self.inputs.append(a)
        elif tag == "textarea":
            self._textarea = a["name"]
            self.textareas[self._textarea] = ""
        elif tag == "select":
            self._select = a["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self.selects[self._select].append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self.textareas[self._textarea] += data

    @property
    def names(self) -> set[str]:
        return {i["name"] for i in self.inputs} | set(self.textareas) | set(self.selects)

    def options(self, name: str) -> list[str]:
        """The values a radio group or a select offers."""
        if name in self.selects:
            return [v for v, _ in self.selects[name]]
        return [i["value"] for i in self.inputs if i["name"] == name and i.get("type") == "radio"]

    def posted(self) -> dict[str, list[str]]:
        """The fields a browser sends: text and hidden values, checked radios, the selected option, textareas."""
        fields: dict[str, list[str]] = {}
        for i in self.inputs:
            if i.get("type") in ("radio", "checkbox") and "checked" not in i:
                continue
            fields.setdefault(i["name"], []).append(i.get("value", ""))
        for name, options in self.selects.items():
            chosen = [v for v, selected in options if selected] or [options[0][0]]
            fields[name] = chosen[:1]
        fields.update({name: [text] for name, text in self.textareas.items()})
        return fields


class ReadForm(Form):
    """A form that records the names its reader asks for."""

    def __init__(self, fields=None) -> None:
        super().__init__(fields)
        self.read: set[str] = set()

    def get(self, name):
        self.read.add(name)
        return super().get(name)

    def get_all(self, name):
        self.read.add(name)
        return super().get_all(name)


def posted_back(name: str, html: str):
    """The model ``from_form`` builds from what a browser would send from ``html``."""
    fields = Controls(html).posted()
    fields.pop("svar_id")
    return UNITS[name].from_form(Form(fields), CONTENT[name])


def errors_of(name: str, fields: dict) -> FormError:
    with pytest.raises(FormError) as info:
        UNITS[name].from_form(Form(fields), CONTENT[name])
    return info.value


def assert_errors_tied(html: str, errors: dict[str, str]) -> None:
    """Each message is shown as text beside its field, and the field (a radio group: its fieldset) points to it
    with aria-describedby."""
    for field, message in errors.items():
        assert f'<p class="room-error" id="{field}-error">{escape(message)}</p>' in html, field
        before, _, after = html.partition(f'name="{field}"')
        tag = before[before.rfind("<") :] + after[: after.index(">")]
        if 'type="radio"' in tag:
            fieldset = before[before.rfind("<fieldset") :]
            tag = fieldset[: fieldset.index(">")]
        assert re.search(rf'aria-describedby="[^"]*(?<![\w-]){re.escape(field)}-error"', tag), field


# --- the quiz -----------------------------------------------------------------------------------------


def quiz_fields(code: str = CODE, *, right: int | None = None) -> dict[str, str]:
    """A complete answer to the workshop's quiz: the first ``right`` questions right, the others wrong."""
    shown = QUIZ.for_workshop(code)
    right = len(shown) if right is None else right
    fields = {quiz.FORM_QUESTIONS: ",".join(s.question.id for s in shown)}
    for n, s in enumerate(shown):
        wrong = next(o.id for o in s.options if o.id != s.correct_id)
        fields[quiz.answer_field(s.question.id)] = s.correct_id if n < right else wrong
    return fields


def test_every_phone_in_a_workshop_gets_the_same_short_quiz_across_topics():
    """Is a workshop's quiz the same at every call (questions and option order), five questions from all three
    topics, and another workshop's quiz a different one?"""
    first = QUIZ.for_workshop(CODE)
    again = QUIZ.for_workshop(CODE)
    assert [(s.question.id, [o.id for o in s.options]) for s in first] == [
        (s.question.id, [o.id for o in s.options]) for s in again
    ]
    assert len(first) == quiz.WORKSHOP_SIZE == 5
    assert len({s.question.id for s in first}) == 5
    assert {s.question.topic for s in first} == {"jura", "prompt", "proces"}
    others = {
        tuple(s.question.id for s in QUIZ.for_workshop(code)) for code in ("AAAAAA", "BBBBBB", "CCCCCC")
    }
    assert len(others | {tuple(s.question.id for s in first)}) > 1


def test_the_quiz_form_lists_the_questions_shown_and_in_the_shown_option_order():
    """Does the form name exactly the workshop's questions in its hidden field, with their options in the dealt
    order, and are its fields exactly the ones from_form reads?"""
    html = form_page("quiz")
    shown = QUIZ.for_workshop(CODE)
    controls = Controls(html)
    hidden = [i for i in controls.inputs if i["name"] == quiz.FORM_QUESTIONS]
    assert [i["value"] for i in hidden] == [",".join(s.question.id for s in shown)]
    for s in shown:
        assert controls.options(quiz.answer_field(s.question.id)) == [o.id for o in s.options]
    form = ReadForm(quiz_fields())
    quiz.from_form(form, QUIZ)
    assert controls.names - {"svar_id"} == form.read


def test_a_quiz_is_graded_on_exactly_the_questions_listed():
    """Does from_form grade the questions named in the hidden field, ignore answers to others, and give the
    score the answers deserve?"""
    fields = quiz_fields(right=3)
    other = next(q for q in QUIZ.questions if q.id not in fields[quiz.FORM_QUESTIONS].split(","))
    fields[quiz.answer_field(other.id)] = other.correct_option.id
    model = quiz.from_form(Form(fields), QUIZ)
    assert list(model.choices) == fields[quiz.FORM_QUESTIONS].split(",")
    assert (model.score, model.total, model.topic) == (3, 5, "alle")
    assert sum(model.correct.values()) == 3 and other.id not in model.correct
    assert sum(t["total"] for t in model.topics.values()) == 5


def test_the_quiz_round_trip_gives_the_same_model():
    """from_form -> model -> stored row -> form_values -> from_form: the same quiz?"""
    model = quiz.from_form(Form(quiz_fields(right=2)), QUIZ)
    stored = quiz.QuizSubmission.from_answers(model.to_answers(), model.to_result())
    assert quiz.from_form(Form(quiz.form_values(stored)), QUIZ) == model
    assert posted_back("quiz", form_page("quiz", Form(quiz.form_values(model)))) == model


def test_the_quiz_asks_for_each_missing_or_unknown_answer_in_danish():
    """Does every unanswered or tampered question get the unit's Danish message, with grade's summary?"""
    fields = quiz_fields()
    ids = fields[quiz.FORM_QUESTIONS].split(",")
    del fields[quiz.answer_field(ids[1])]
    fields[quiz.answer_field(ids[3])] = "z"
    error = errors_of("quiz", fields)
    assert error.errors == {
        quiz.answer_field(ids[1]): "Vælg et svar, før du går videre.",
        quiz.answer_field(ids[3]): f"Spørgsmål {ids[3]} har ingen svarmulighed 'z'.",
    }
    assert error.summary == "Spørgsmål 2, 4 mangler et svar."
    html = form_page("quiz", Form(fields), error.errors)
    assert_errors_tied(html, error.errors)
    chosen = Controls(html).posted()
    assert chosen[quiz.answer_field(ids[0])] == [fields[quiz.answer_field(ids[0])]]  # kept after the error


@pytest.mark.parametrize(
    "listed, message",
    [
        ("", "Quizzen mangler sine spørgsmål."),
        ("dpia-hvornaar,dpia-hvornaar", "Quizzen har de samme spørgsmål flere gange."),
        ("dpia-hvornaar,findes-ikke", "Ukendt spørgsmål: 'findes-ikke'."),
    ],
)
def test_a_quiz_without_a_readable_list_of_questions_is_refused(listed, message):
    """A missing, repeated or unknown question id: a Danish message, never a score."""
    error = errors_of("quiz", {quiz.FORM_QUESTIONS: listed, "svar_dpia-hvornaar": "a"})
    assert error.errors == {quiz.FORM_QUESTIONS: message}
    assert error.summary.startswith(message)


def test_the_quiz_model_is_the_one_the_quiz_view_saves(store):
    """Is the phone's quiz the model the widget stores for the same questions and answers?"""
    fields = quiz_fields(right=4)
    ids = fields[quiz.FORM_QUESTIONS].split(",")
    view = QuizView(store_factory=lambda: store, content=QUIZ, seed=3, questions=ids)
    view.start_button.click()
    while view.current is not None:
        view.choose(fields[quiz.answer_field(view.current.question.id)])
        view.answer_button.click()
        view.next_button.click()
    view.save()
    [row] = store.list_submissions(exercise="quiz")
    assert quiz.QuizSubmission.from_answers(row.answers, row.result) == quiz.from_form(Form(fields), QUIZ)


def test_the_quiz_result_page_shows_the_score_and_every_explanation_with_its_source():
    """Right and wrong in words and symbols, what was answered, the explanation and the source per question."""
    model = quiz.from_form(Form(quiz_fields(right=3)), QUIZ)
    html = done_page("quiz", model)
    assert "3 af 5 rigtige" in html
    assert html.count("✓</span> Rigtigt") == 3 and html.count("✗</span> Forkert") == 2
    for q_id in model.choices:
        q = QUIZ.question(q_id)
        assert str(escape(q.explanation)) in html and str(escape(q.source.url)) in html
    assert "Det rigtige svar er:" in html


def test_a_quiz_whose_questions_left_the_bank_still_shows_a_page():
    """A stored quiz about questions no longer in the bank: a short Danish note, not an error."""
    model = quiz.QuizSubmission("alle", {"gammel": "a"}, {"gammel": True}, 1, 1)
    assert quiz.participant_result(model, QUIZ).total == 0
    assert "spørgsmålene er ændret" in done_page("quiz", model)


# --- the use-case canvas ------------------------------------------------------------------------------

SCORES = canvas_scores()
GATES = {"forbudt": "nej", "bilag_iii": "nej", "art_6_3": "ja", "fuld_dpia": "nej", "offentlig_genai": "nej"}
TEXTS = {
    "titel": "Svar på henvendelser",
    "problem": "Mange ens henvendelser.",
    "ai_loesning": "AI skriver udkast.",
}


def canvas_fields(**changes) -> dict[str, str]:
    fields = {**TEXTS, cv.FORM_HOURS: "1.200", **GATES}
    fields.update({cv.score_field(p): str(v) for p, v in SCORES.items()})
    fields.update(changes)
    return fields


def test_the_canvas_form_has_exactly_the_fields_from_form_reads():
    """The required texts, the hours, nine sub-scores on the 0-5 scale and the gates ja/nej/ved ikke."""
    controls = Controls(form_page("canvas"))
    form = ReadForm(canvas_fields(bilag_iii="ja"))
    cv.from_form(form, CANVAS)
    assert controls.names - {"svar_id"} == form.read
    assert set(TEXTS) <= controls.names and "maalgruppe" not in controls.names
    for part in cv.SCORE_INPUTS:
        assert controls.options(cv.score_field(part)) == ["0", "1", "2", "3", "4", "5"]
    for q in cv.QUESTIONS:
        assert controls.options(q) == ["ja", "nej", "ved_ikke"]
    html = form_page("canvas")
    for label in (*CANVAS.gevinst.scale, *CANVAS.kompleksitet.scale):
        assert f"<span>{escape(label)}</span>" in html


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"bilag_iii": "ja", "art_6_3": "nej"},
        {"forbudt": "ja"},
        {"fuld_dpia": "ja", cv.FORM_HOURS: "12,5"},
        {"offentlig_genai": "ved_ikke", "bilag_iii": "ja", "art_6_3": "ved_ikke"},
    ],
    ids=["quick-win", "high-risk", "stop", "dpia", "ved-ikke"],
)
def test_the_canvas_round_trip_gives_the_same_model(changes):
    """from_form -> model -> stored row -> form_values -> from_form, and through the rendered form: the same?"""
    model = cv.from_form(Form(canvas_fields(**changes)), CANVAS)
    stored = cv.CanvasSubmission.from_answers(model.to_answers(), model.to_result())
    assert cv.from_form(Form(cv.form_values(stored)), CANVAS) == model
    assert posted_back("canvas", form_page("canvas", Form(cv.form_values(model)))) == model


def test_the_canvas_scores_as_the_unit_does():
    """1.200 hours, the default weights and the gates: the unit's own evaluation, stored in the summary."""
    model = cv.from_form(Form(canvas_fields()), CANVAS)
    gates = {q: v == "ja" for q, v in GATES.items()} | {"art_6_3": None}
    expected = cv.evaluate(SCORES, hours=1200, gates=gates, roles=cv.validate_fields(TEXTS, CANVAS))
    assert model.hours == 1200.0 and model.weights == cv.default_weights(CANVAS)
    assert model.summary == expected.to_dict()
    assert (model.summary["quadrant"], model.summary["gevinst"]) == ("quick_wins", 3.55)


def test_ved_ikke_is_an_unanswered_question_and_the_placement_is_provisional():
    """ "Ved ikke" stores no answer (None), fires no gate and flags the placement as provisional; the follow-up
    to annex III counts only after a ja."""
    model = cv.from_form(Form(canvas_fields(forbudt="ved_ikke")), CANVAS)
    assert model.gates["forbudt"] is None and model.gates["art_6_3"] is None
    assert "foreloebig" in model.summary["flags"] and not model.summary["stopped"]
    high = cv.from_form(Form(canvas_fields(bilag_iii="ja", art_6_3="ved_ikke")), CANVAS)
    assert high.summary["gates"] == ["hoejrisiko"] and high.summary["kompleksitet"] >= 4


def test_the_canvas_model_is_the_one_the_canvas_view_saves(store):
    """Is the phone's canvas the model the widget stores for the same texts, scores, hours and answers?"""
    view = CanvasView(store_factory=lambda: store, content=CANVAS)
    gates = {
        "forbudt": False,
        "bilag_iii": True,
        "art_6_3": False,
        "fuld_dpia": True,
        "offentlig_genai": False,
    }
    view.set_values(fields=TEXTS, scores=SCORES, hours=1200, gates=gates)
    view.save()
    [row] = store.list_submissions(exercise="canvas")
    phone = cv.from_form(Form(canvas_fields(bilag_iii="ja", fuld_dpia="ja", art_6_3="nej")), CANVAS)
    assert cv.CanvasSubmission.from_answers(row.answers, row.result) == phone


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"titel": ""}, "titel", "Udfyld feltet «Idéens titel»."),
        ({"problem": "  "}, "problem", "Udfyld feltet «Problem»."),
        (
            {"titel": "x" * 81},
            "titel",
            "Feltet «Idéens titel» er for langt: 81 tegn. Der er plads til 80 tegn – forkort teksten.",
        ),
        ({"ai_loesning": "y" * 501}, "ai_loesning", "Feltet «AI-løsning» er for langt: 501 tegn."),
        ({cv.FORM_HOURS: ""}, cv.FORM_HOURS, "Frigjort tid: skriv et tal."),
        ({cv.FORM_HOURS: "mange"}, cv.FORM_HOURS, "Frigjort tid: det er ikke et tal."),
        ({cv.FORM_HOURS: "-5"}, cv.FORM_HOURS, "Frigjort tid kan ikke være negativ."),
        (
            {cv.score_field("klima"): ""},
            cv.score_field("klima"),
            "Vælg en score for: «Klima og CO₂ (gevinst)».",
        ),
        (
            {cv.score_field("jura"): "6"},
            cv.score_field("jura"),
            "Delscoren skal være et helt tal fra 0 til 5: «Jura (kompleksitet)».",
        ),
        (
            {cv.score_field("data"): "²"},
            cv.score_field("data"),
            "Delscoren skal være et helt tal fra 0 til 5",
        ),
        ({"forbudt": ""}, "forbudt", "Svar ja, nej eller ved ikke: Forbudt AI-praksis (art. 5)."),
        ({"bilag_iii": "ja", "art_6_3": ""}, "art_6_3", "Svar ja, nej eller ved ikke: Undtagelsen i art. 6"),
        ({"fuld_dpia": "måske"}, "fuld_dpia", "Svar ja, nej eller ved ikke: Mini-DPIA."),
    ],
)
def test_the_canvas_says_in_danish_what_is_wrong_with_each_field(changes, field, message):
    """One message per field, the unit's own where the unit has one; the page shows it tied to the field."""
    fields = canvas_fields(**changes)
    error = errors_of("canvas", fields)
    assert list(error.errors) == [field]
    assert error.errors[field].startswith(message)
    assert_errors_tied(form_page("canvas", Form(fields), error.errors), error.errors)


def test_the_canvas_limits_are_the_units():
    """A text exactly at its limit is accepted and the form's maxlength is that limit."""
    at_limit = {f.id: "x" * f.max_length for f in cv.phone_fields(CANVAS)}
    model = cv.from_form(Form(canvas_fields(**at_limit)), CANVAS)
    assert all(model.fields[k] == v for k, v in at_limit.items())
    controls = Controls(form_page("canvas"))
    titel = next(i for i in controls.inputs if i["name"] == "titel")
    assert titel["maxlength"] == str(CANVAS.field_("titel").max_length)
    assert 'name="problem" maxlength="500"' in form_page("canvas")
    assert cv.from_form(Form(canvas_fields(timer="10.000.000")), CANVAS).hours == cv.MAX_HOURS
    assert "urealistisk" in errors_of("canvas", canvas_fields(timer="10000001")).errors[cv.FORM_HOURS]


def test_an_empty_canvas_form_names_every_field():
    """An empty form: a message for every text, the hours, each sub-score and each gate (not the follow-up)."""
    error = errors_of("canvas", {})
    expected = {*TEXTS, cv.FORM_HOURS, *(cv.score_field(p) for p in cv.SCORE_INPUTS), *cv.QUESTIONS} - {
        "art_6_3"
    }
    assert set(error.errors) == expected
    assert error.summary == "Ret det markerede, og send igen."


def test_the_canvas_result_page_says_where_the_idea_lands():
    """The quadrant in words, both scores, the gates with their legal basis, and STOP when a gate stops it."""
    html = done_page("canvas", cv.from_form(Form(canvas_fields()), CANVAS))
    assert "Placering: Lavthængende frugter" in html and "Gevinst: <strong>3,55</strong> af 5" in html
    stop = done_page("canvas", cv.from_form(Form(canvas_fields(forbudt="ja")), CANVAS))
    assert "STOP – idéen placeres ikke" in stop and "Placering:" not in stop
    assert str(escape(CANVAS.gate("forbudt").legal_basis)) in stop


# --- the risk heatmap -------------------------------------------------------------------------------------

BIAS = RISKS.catalogue_risk("bias-mod-grupper")


def heatmap_fields(**changes) -> dict[str, str]:
    """A catalogue risk (red, with an owner; its mitigation from the catalogue) and a risk of one's own."""
    f = hm.risk_field
    fields = {
        f(1, "katalog"): BIAS.id,
        f(1, "sandsynlighed"): "3",
        f(1, "konsekvens"): "2",
        f(1, "ejer"): "Teamleder, Ydelser",
        f(2, "titel"): "Chatbot uden skærmlæser",
        f(2, "omraade"): "tilgaengelighed",
        f(2, "sandsynlighed"): "2",
        f(2, "konsekvens"): "2",
    }
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def test_the_heatmap_form_has_exactly_the_fields_from_form_reads():
    """Per risk the catalogue, a title, the domain, both levels on the 3×3 scale, the owner and the mitigation."""
    controls = Controls(form_page("heatmap"))
    form = ReadForm(heatmap_fields())
    hm.from_form(form, RISKS)
    assert controls.names - {"svar_id"} == form.read
    assert len(RISKS.phone.slots) == hm.RISK_SLOTS and hm.PHONE_SCALE == hm.LIVE_SCALE == 3
    for slot in RISKS.phone.slots:
        assert controls.options(hm.risk_field(slot, "katalog")) == ["", *(r.id for r in RISKS.catalogue)]
        assert controls.options(hm.risk_field(slot, "omraade")) == list(hm.DOMAINS)
        assert controls.options(hm.risk_field(slot, "sandsynlighed")) == ["1", "2", "3"]
        assert controls.options(hm.risk_field(slot, "konsekvens")) == ["1", "2", "3"]
    limits = {i["name"]: i["maxlength"] for i in controls.inputs if "maxlength" in i}
    assert limits[hm.risk_field(1, "titel")] == str(hm.TITLE_MAX)
    assert limits[hm.risk_field(1, "ejer")] == str(hm.OWNER_MAX)
    assert f'name="{hm.risk_field(1, "tiltag")}" maxlength="{hm.MITIGATION_MAX}"' in form_page("heatmap")


def test_a_catalogue_risk_fills_what_is_left_empty_as_the_view_does():
    """Title, domain and mitigation come from the catalogue when empty; what was typed wins."""
    model = hm.from_form(Form(heatmap_fields()), RISKS)
    first, second = model.risks
    assert (first.title, first.domain, first.mitigation, first.catalogue_id) == (
        BIAS.title,
        BIAS.domain,
        BIAS.mitigation,
        BIAS.id,
    )
    assert (first.band, second.band, second.catalogue_id) == ("red", "yellow", None)
    own = hm.from_form(Form(heatmap_fields(risiko1_titel="Egen titel", risiko1_tiltag="Eget tiltag")), RISKS)
    assert (own.risks[0].title, own.risks[0].mitigation) == ("Egen titel", "Eget tiltag")
    assert model.summary == hm.build(model.risks, 3, RISKS).to_dict()


THIRD = {
    "risiko3_titel": "Låst til én leverandør",
    "risiko3_omraade": "drift",
    "risiko3_sandsynlighed": "1",
    "risiko3_konsekvens": "1",
}


@pytest.mark.parametrize("blank", [None, 1, 2])
def test_the_heatmap_round_trip_gives_the_same_model(blank):
    """from_form -> model -> stored row -> form_values -> from_form, and through the rendered form: the same,
    also with a risk left empty in the middle or at the start?"""
    fields = {k: v for k, v in heatmap_fields(**THIRD).items() if not k.startswith(f"risiko{blank}_")}
    model = hm.from_form(Form(fields), RISKS)
    assert len(model.risks) == (3 if blank is None else 2)
    stored = hm.HeatmapSubmission.from_answers(model.to_answers(), model.to_result())
    assert hm.from_form(Form(hm.form_values(stored)), RISKS) == model
    assert posted_back("heatmap", form_page("heatmap", Form(hm.form_values(model)))) == model


def test_the_heatmap_model_is_the_one_the_heatmap_view_saves(store):
    """Is the phone's heatmap the model the widget stores for the same risks, picked and typed the same way?"""
    view = HeatmapView(store_factory=lambda: store, content=RISKS)
    view.catalogue.value = BIAS.id
    view.likelihood.value, view.consequence.value, view.owner.value = 3, 2, "Teamleder, Ydelser"
    view.add_button.click()
    view.title.value, view.domain.value = "Chatbot uden skærmlæser", "tilgaengelighed"
    view.likelihood.value, view.consequence.value = 2, 2
    view.add_button.click()
    view.save()
    [row] = store.list_submissions(exercise="heatmap")
    stored = hm.HeatmapSubmission.from_answers(row.answers, row.result)
    assert stored == hm.from_form(Form(heatmap_fields()), RISKS)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"risiko2_titel": None}, "risiko2_titel", "Skriv en titel på risikoen."),
        ({"risiko2_titel": "x" * 121}, "risiko2_titel", "En titel på risikoen er for lang (121 tegn)."),
        ({"risiko2_omraade": None}, "risiko2_omraade", "Vælg et område for risikoen: Data & privatliv"),
        ({"risiko2_omraade": "økonomi"}, "risiko2_omraade", "Vælg et område for risikoen"),
        ({"risiko1_sandsynlighed": None}, "risiko1_sandsynlighed", "Vælg sandsynligheden (1-3)."),
        (
            {"risiko1_konsekvens": "4"},
            "risiko1_konsekvens",
            "Konsekvensen for borgeren skal være et helt tal fra 1 til 3.",
        ),
        (
            {"risiko2_konsekvens": "to"},
            "risiko2_konsekvens",
            "Konsekvensen for borgeren skal være et helt tal",
        ),
        (
            {"risiko2_ejer": "e" * 121},
            "risiko2_ejer",
            "Ejeren er for lang (121 tegn). Den må højst være 120 tegn.",
        ),
        ({"risiko2_tiltag": "t" * 1001}, "risiko2_tiltag", "Tiltaget er for lang (1001 tegn)."),
        (
            {"risiko1_katalog": "findes-ikke"},
            "risiko1_katalog",
            "Risikoen 'findes-ikke' findes ikke i kataloget.",
        ),
        ({"risiko1_ejer": None}, "risiko1_ejer", f"Risikoen »{BIAS.title}« er rød og mangler en ejer."),
    ],
)
def test_the_heatmap_says_in_danish_what_is_wrong_with_each_field(changes, field, message):
    """The unit's message for each field, beside its field; a red risk asks for what it lacks."""
    fields = heatmap_fields(**changes)
    error = errors_of("heatmap", fields)
    assert field in error.errors and error.errors[field].startswith(message)
    if field != "risiko1_katalog":
        assert list(error.errors) == [field]
    assert_errors_tied(form_page("heatmap", Form(fields), error.errors), error.errors)


def test_a_red_risk_of_ones_own_needs_an_owner_and_a_mitigation():
    """Both fields get the unit's message (check_ready), naming the risk."""
    fields = heatmap_fields(risiko2_sandsynlighed="3", risiko2_konsekvens="3")
    error = errors_of("heatmap", fields)
    assert set(error.errors) == {"risiko2_ejer", "risiko2_tiltag"}
    assert error.errors["risiko2_ejer"].startswith(
        "Risikoen »Chatbot uden skærmlæser« er rød og mangler en ejer og et tiltag."
    )


def test_an_empty_heatmap_asks_for_a_risk():
    """No risk at all: the unit's message on the first risk, nothing saved."""
    error = errors_of("heatmap", {})
    assert error.errors == {"risiko1_titel": "Tilføj mindst én risiko, før I gemmer risikokortet."}


def test_the_heatmap_result_page_shows_each_band_in_words():
    """Every risk with its band as a label and a symbol, the count per band, and the grid."""
    html = done_page("heatmap", hm.from_form(Form(heatmap_fields()), RISKS))
    assert "2 risici: 1 rød, 1 gul, 0 grøn" in html
    assert "▲</span> RØD 6</span>" in html and "●</span> GUL 4</span>" in html
    assert '<table class="aiskole-heatmap aiskole-heatmap-3"' in html


# --- every template, with hostile text ----------------------------------------------------------------

#: Every free-text field of each form.
FREE_TEXT = {
    "quiz": (),
    "canvas": tuple(TEXTS),
    "heatmap": tuple(hm.risk_field(s, p) for s in RISKS.phone.slots for p in ("titel", "ejer", "tiltag")),
}
VALID = {"quiz": quiz_fields, "canvas": canvas_fields, "heatmap": heatmap_fields}


def hostile(name: str, payload: str, *, complete: bool) -> dict[str, str]:
    fields = VALID[name]()
    for field in FREE_TEXT[name]:
        fields[field] = payload
    if name == "heatmap":  # the owners and mitigations of risk 3 need a risk to belong to
        fields |= {"risiko3_omraade": "data", "risiko3_sandsynlighed": "1", "risiko3_konsekvens": "1"}
    if not complete:
        fields.pop(next(k for k in fields if k not in FREE_TEXT[name] and k != quiz.FORM_QUESTIONS))
    return fields


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("name", ["quiz", "canvas", "heatmap"])
def test_hostile_text_is_escaped_and_kept_after_an_error(name, payload):
    """A payload in every free-text field: escaped in the form shown again after an error, every field kept as
    typed, and escaped on the result page once the form is complete."""
    fields = hostile(name, payload, complete=False)
    error = errors_of(name, fields)
    html = form_page(name, Form(fields), error.errors)
    assert payload not in html
    kept = Controls(html).posted()
    for field, value in fields.items():
        if field != quiz.FORM_QUESTIONS:
            assert kept[field] == [value], field
    done = done_page(name, UNITS[name].from_form(Form(hostile(name, payload, complete=True)), CONTENT[name]))
    assert payload not in done
    if FREE_TEXT[name]:
        assert str(escape(payload)) in html and str(escape(payload)) in done


@pytest.mark.parametrize("name", ["quiz", "canvas", "heatmap"])
def test_every_field_of_the_empty_form_is_labelled(name):
    """Each text field and select has a label for it; each radio group is a fieldset with a legend."""
    html = form_page(name)
    controls = Controls(html)
    for field in controls.names - {"svar_id", quiz.FORM_QUESTIONS}:
        if controls.options(field) and field not in controls.selects:
            before = html.split(f'name="{field}"')[0]
            assert before.rfind("<legend") > before.rfind("</fieldset>"), field
        else:
            assert f'<label for="{field}">' in html, field
