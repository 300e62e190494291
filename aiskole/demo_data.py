"""Synthetic demo data for the evaluation reports, clearly marked as synthetic wherever it shows.

:func:`generate` fills a store with workshops across four departments (one of them with only 4 participants,
so the cohort report's suppression of small groups can be seen), each with the kick-off poll before and after,
quiz answers, mini-DPIAs, heatmaps and canvases, plus stories for the storybank and one pilot code with all
four pilot parts (canvas, heatmap, mini-DPIA, KPI calculation). Every submission has exactly the form the
widgets store (built with the same pure modules). Synthetic workshops have titles that start with
``[SYNTETISK]`` and ``"synthetic": true`` in their state; every report that includes one shows a banner.

The output is deterministic for a seed: join codes, participant tokens and timestamps all come from the
seeded generator. :func:`generate_responses` writes many poll/quiz responses quickly for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any

from aiskole import l10n
from aiskole.exercises import canvas, dpia, heatmap, kpi, poll, quiz, story
from aiskole.exercises.base import SubmissionModel
from aiskole.reports.model import SYNTHETIC_PREFIX
from aiskole.store import Store, Workshop
from aiskole.workshop import CODE_ALPHABET, CODE_LENGTH

DEFAULT_START = dt.date(2026, 8, 3)
DEFAULT_DAYS = 112
PILOT_CODE = "PILOT-BS"
#: Departments with their mood (mean shift of the first poll answer) and how good they are at the quiz.
DEPARTMENTS: tuple[tuple[str, float, float], ...] = (
    ("Borgerservice", 0.0, 0.05),
    ("Teknik og Miljø", -0.4, 0.0),
    ("Ældre og Sundhed", -0.8, -0.05),
)
#: The small department: exactly :data:`SMALL_GROUP` participants, below the cohort report's threshold.
SMALL_DEPARTMENT = "Jobcenter"
SMALL_GROUP = 4
#: Probability of a right answer per quiz topic (before the department's and the person's own shift).
TOPIC_SKILL = {"jura": 0.5, "prompt": 0.8, "proces": 0.68}
WORDS = (
    "nysgerrig",
    "spændt",
    "skeptisk",
    "tidsbesparende",
    "usikker",
    "muligheder",
    "bekymret",
    "spændende",
)
IDEAS = (
    "AI-udkast til svar på henvendelser",
    "Opsummering af lange sagsakter",
    "Klarsprog i breve til borgere",
    "Ruteplanlægning for hjemmeplejen",
    "Sortering af indgående post",
    "Mødereferater med AI",
    "Chatbot om affaldssortering",
    "Tjekliste til byggesager",
)
ROLES = ("Sagsbehandler", "Teamleder", "Social- og sundhedshjælper", "Ingeniør", "Administrativ medarbejder")
QUOTES = (
    "Jeg var skeptisk, men nu bruger jeg AI til at lave første udkast – og så retter jeg selv.",
    "Det bedste var at prøve det på en rigtig sag fra vores egen hverdag.",
    "Nu ved jeg, hvornår vi skal tale med databeskyttelsesrådgiveren.",
    "Vi sparer tid på referater, men vi tjekker altid, hvad AI skriver.",
)
THEMES = ("AI i hverdagen", "Jura og AI", "Fra idé til pilot")


@dataclass(frozen=True)
class DemoData:
    """What :func:`generate` made: the workshop codes (oldest first), the pilot code and the period."""

    codes: tuple[str, ...]
    pilot_code: str
    small_department: str
    departments: tuple[str, ...]
    start: dt.date
    end: dt.date


class _Gen:
    def __init__(self, store: Store, seed: int) -> None:
        self.store = store
        self.rng = random.Random(seed)

    def token(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def code(self, taken: set[str]) -> str:
        while True:
            code = "".join(self.rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in taken:
                taken.add(code)
                return code

    def add(self, model: SubmissionModel, *, code: str, at: dt.datetime, who: str | None) -> int:
        # the workshops are inserted after their answers, closed and in the past: no check of the code
        return self.store.save(model, workshop_code=code, created_at=at, participant=who, check=False)


def _insert_workshop(
    store: Store,
    code: str,
    title: str,
    created: dt.datetime,
    department: str | None,
    state: dict[str, Any],
    kind: str = "workshop",
) -> None:
    store.add_workshop(
        Workshop(
            code=code,
            title=title[:80],
            created_at=created,
            expires_at=created + dt.timedelta(days=365),
            closed_at=None if kind == "pilot" else created + dt.timedelta(hours=3),
            state=state,
            department=department,
            kind=kind,
        )
    )


def _existing_codes(store: Store) -> set[str]:
    return {w.code for w in store.list_workshops()}


def _start_of(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=l10n.ZONE).astimezone(dt.UTC)


def generate(
    store: Store,
    *,
    seed: int = 42,
    workshops: int = 6,
    participants: tuple[int, int] = (8, 24),
    start: dt.date = DEFAULT_START,
    days: int = DEFAULT_DAYS,
) -> DemoData:
    """Fill ``store`` (migrated) with synthetic workshops, answers, stories and one pilot.

    ``workshops`` includes the one workshop of the small department (4 participants); the others draw their
    number of participants from ``participants`` (inclusive) and are spread over three departments. Workshops
    are spread evenly over ``days`` days from ``start``; the pilot is saved under :data:`PILOT_CODE`.

    Raises
    ------
    ValueError
        Fewer than 2 workshops, a bad range of participants, or fewer than 1 day (Danish message).
    """
    if workshops < 2:
        raise ValueError("Der skal være mindst 2 workshops i demodata.")
    low, high = participants
    if not 1 <= low <= high:
        raise ValueError("Antallet af deltagere skal være et interval som (8, 24).")
    if days < 1:
        raise ValueError("Perioden skal være mindst 1 dag.")
    gen = _Gen(store, seed)
    rng = gen.rng
    taken = _existing_codes(store)
    codes = []
    step = days / workshops
    small_index = workshops // 2
    for i in range(workshops):
        day = start + dt.timedelta(days=min(days - 1, int(i * step + rng.random() * step * 0.5)))
        created = _start_of(day, 9)
        if i == small_index:
            department, mood, skill, n = SMALL_DEPARTMENT, -0.2, 0.0, SMALL_GROUP
        else:
            department, mood, skill = DEPARTMENTS[(i - (i > small_index)) % len(DEPARTMENTS)]
            n = rng.randint(low, high)
        code = gen.code(taken)
        theme = THEMES[i % len(THEMES)]
        words = _workshop(gen, code, created, n, mood, skill)
        approved = sorted(words - {"bekymret"})
        state = {"active": None, "revealed": True, "approved_words": approved, "synthetic": True}
        _insert_workshop(store, code, f"{SYNTHETIC_PREFIX} {theme}, {department}", created, department, state)
        codes.append(code)
    _stories(gen, codes, start)
    end = start + dt.timedelta(days=days - 1)
    _pilot(gen, taken, end)
    return DemoData(
        codes=tuple(codes),
        pilot_code=PILOT_CODE,
        small_department=SMALL_DEPARTMENT,
        departments=(*(d for d, _m, _s in DEPARTMENTS), SMALL_DEPARTMENT),
        start=start,
        end=end,
    )


def _poll_value(rng: random.Random, mood: float) -> int:
    return max(1, min(5, round(rng.gauss(3.0 + mood, 0.9))))


def _workshop(gen: _Gen, code: str, t0: dt.datetime, n: int, mood: float, skill: float) -> set[str]:
    """All the answers of one workshop; returns the titles and words to approve."""
    rng = gen.rng
    poll_content = poll.load_poll()
    quiz_content = quiz.load_quiz()
    people = [gen.token() for _ in range(n)]
    words: set[str] = set()
    minutes = lambda a, b: t0 + dt.timedelta(minutes=rng.uniform(a, b))  # noqa: E731
    befores: dict[str, int] = {}
    for who in people:
        if rng.random() < 0.95:
            value = _poll_value(rng, mood)
            word = rng.choice(WORDS) if rng.random() < 0.6 else None
            vote = poll.make_vote(value, word, content=poll_content)
            befores[who] = value
            if word:
                words.add(word)
            gen.add(vote, code=code, at=minutes(0, 10), who=who)
    for who in people:
        if rng.random() < 0.85:
            topic = rng.choice(("alle", "jura", "jura", "prompt", "proces"))
            questions = quiz.pick_questions(quiz_content, topic, rng=rng)
            own = rng.uniform(-0.1, 0.1) + skill
            choices = {}
            for q in questions:
                if rng.random() < TOPIC_SKILL[q.topic] + own:
                    choices[q.id] = q.correct_option.id
                else:
                    choices[q.id] = rng.choice([o.id for o in q.options if not o.correct])
            model = quiz.QuizSubmission.of(topic, choices, quiz.grade(questions, choices))
            gen.add(model, code=code, at=minutes(20, 50), who=who)
    teams = [people[i : i + 4] for i in range(0, n, 4)]
    for team in teams:
        lead = team[0]
        _dpia(gen, code, minutes(60, 80), lead)
        _heatmap(gen, code, minutes(90, 120), lead)
        words.add(_canvas(gen, code, minutes(130, 150), lead).casefold())
    for who, before in befores.items():
        if rng.random() < 0.8:
            value = max(1, min(5, before + rng.choice((-1, 0, 1, 1, 1, 2))))
            vote = poll.make_vote(value, None, content=poll_content)
            gen.add(vote, code=code, at=minutes(170, 180), who=who)
    return words


def _dpia(
    gen: _Gen, code: str, at: dt.datetime, who: str | None, answers: dict[int, bool] | None = None
) -> int:
    rng = gen.rng
    if answers is None:
        answers = {n: rng.random() < (0.12 if n in (1, 2, 10) else 0.22) for n in range(1, 11)}
    return gen.add(dpia.DpiaSubmission.of(dpia.screen(answers)), code=code, at=at, who=who)


def _heatmap(gen: _Gen, code: str, at: dt.datetime, who: str | None, picks: list[tuple] | None = None) -> int:
    rng = gen.rng
    content = heatmap.load_risks()
    if picks is None:
        chosen = rng.sample(list(content.catalogue), rng.randint(3, 5))
        picks = [(c, rng.randint(1, 3), rng.randint(1, 3)) for c in chosen]
    risks = []
    for c, li, co in picks:
        red = heatmap.band(li, co) == "red"
        risks.append(
            heatmap.Risk(
                domain=c.domain,
                title=c.title,
                likelihood=li,
                consequence=co,
                owner=rng.choice(("Teamleder", "Systemejer", "Informationssikkerhedskoordinator"))
                if red
                else "",
                mitigation=c.mitigation if red else "",
                catalogue_id=c.id,
            )
        )
    heatmap.check_ready(risks)
    return gen.add(heatmap.HeatmapSubmission.of(heatmap.build(risks)), code=code, at=at, who=who)


def _canvas(
    gen: _Gen,
    code: str,
    at: dt.datetime,
    who: str | None,
    *,
    title: str | None = None,
    fields: dict[str, str] | None = None,
    scores: dict[str, int] | None = None,
    hours: float | None = None,
    gates: dict[str, bool | None] | None = None,
) -> str:
    rng = gen.rng
    title = title or rng.choice(IDEAS)
    fields = fields or {
        "titel": title,
        "problem": "Sagsbehandlerne bruger meget tid på en opgave, der går igen.",
        "ai_loesning": "AI laver et udkast; en medarbejder tjekker og træffer afgørelsen.",
        "ai_produktejer": "Afdelingsleder" if rng.random() < 0.8 else "",
        "dataejer": "Systemejer for fagsystemet",
        "isk": "Informationssikkerhedskoordinator",
        "dpo": "Databeskyttelsesrådgiver",
    }
    scores = scores or {p: rng.randint(1, 5) for p in canvas.SCORE_INPUTS}
    hours = hours if hours is not None else float(rng.choice((40, 150, 350, 700, 1500, 2500)))
    if gates is None:
        bilag = rng.random() < 0.1
        gates = {
            "forbudt": False,
            "bilag_iii": bilag,
            "art_6_3": (rng.random() < 0.5) if bilag else None,
            "fuld_dpia": rng.random() < 0.2,
            "offentlig_genai": rng.random() < 0.08,
        }
    weights = canvas.default_weights()
    built = canvas.build_canvas(fields, scores, hours=hours, gates=gates, weights=weights)
    gen.add(canvas.CanvasSubmission.of(built, scores, weights), code=code, at=at, who=who)
    return title


def _stories(gen: _Gen, codes: list[str], start: dt.date) -> None:
    rng = gen.rng
    for i, code in enumerate(codes):
        at = _start_of(start, 15) + dt.timedelta(days=i * 7)
        for quote in rng.sample(QUOTES, 2):
            told = story.new_story(quote, rng.choice(ROLES), "Demoafdeling", consent=True)
            gen.add(told, code=code, at=at, who=None)
        if i == 0:  # a colleague who later withdrew consent: the text is erased, only the withdrawal is kept
            withdrawn = story.withdraw(
                story.new_story(
                    "Et citat, der er trukket tilbage.", "Sagsbehandler", "Demoafdeling", consent=True
                ),
                today=start,
            )
            gen.add(withdrawn, code=code, at=at, who=None)


#: The demo pilot: a canvas, its sub-scores and gate answers, and the gain calculation's three scenarios.
PILOT_FIELDS = {
    "titel": "AI-udkast til svar på henvendelser",
    "problem": "Borgerservice besvarer ca. 9.000 skriftlige henvendelser om året; svartiden er 3-5 dage.",
    "maalgruppe": "Medarbejdere i Borgerservice; borgere, der skriver til kommunen.",
    "nuvaerende_proces": "Ca. 12 minutter pr. henvendelse: læse, slå op, skrive svar.",
    "ai_loesning": "AI laver et udkast på kommunens godkendte platform. Medarbejderen retter og sender selv.",
    "data": "Henvendelsens tekst; kan indeholde almindelige personoplysninger.",
    "jura": "Mini-DPIA: fuld DPIA påkrævet. Ikke højrisiko efter AI-forordningen.",
    "kpi": "Tid pr. henvendelse (minutter), svartid.",
    "risici": "Forkerte svar, personoplysninger i udkast, automation bias.",
    "historie": "Medarbejderne får mere tid til borgere, der ringer med svære sager.",
    "ai_produktejer": "Afdelingsleder, Borgerservice",
    "dataejer": "Systemejer for sagssystemet",
    "isk": "Informationssikkerhedskoordinator",
    "dpo": "Databeskyttelsesrådgiver",
}
PILOT_SCORES = {
    "kvalitet": 3,
    "faglig_tid": 4,
    "klima": 0,
    "strategi": 4,
    "data": 2,
    "jura": 3,
    "teknik": 2,
    "organisation": 3,
    "leverandoer": 2,
}
PILOT_GATES = {
    "forbudt": False,
    "bilag_iii": False,
    "art_6_3": None,
    "fuld_dpia": True,
    "offentlig_genai": False,
}
PILOT_SCENARIOS = {
    "pessimistic": {
        "baseline_minutes": 12,
        "ai_minutes": 9,
        "cases_per_year": 9000,
        "adoption_pct": 50,
        "new_task_hours": 200,
    },
    "likely": {
        "baseline_minutes": 12,
        "ai_minutes": 7,
        "cases_per_year": 9000,
        "adoption_pct": 70,
        "new_task_hours": 150,
    },
    "optimistic": {
        "baseline_minutes": 12,
        "ai_minutes": 6,
        "cases_per_year": 9000,
        "adoption_pct": 85,
        "new_task_hours": 100,
    },
}


def _pilot(gen: _Gen, taken: set[str], end: dt.date) -> None:
    store = gen.store
    day = end - dt.timedelta(days=7)
    created = _start_of(day - dt.timedelta(days=30), 10)
    if PILOT_CODE not in taken:
        state = {"active": None, "revealed": False, "approved_words": [], "synthetic": True, "pilot": True}
        _insert_workshop(
            store,
            PILOT_CODE,
            f"{SYNTHETIC_PREFIX} Pilot: AI-udkast til svar, Borgerservice",
            created,
            "Borgerservice",
            state,
            kind="pilot",
        )
        taken.add(PILOT_CODE)
    first = _start_of(day - dt.timedelta(days=14), 10)
    # an earlier draft, then the version the report must use (the latest)
    _canvas(
        gen,
        PILOT_CODE,
        first,
        None,
        title="Udkast",
        fields={**PILOT_FIELDS, "titel": "Udkast (gammel version)"},
        scores=PILOT_SCORES,
        hours=300.0,
        gates={**PILOT_GATES, "fuld_dpia": False},
    )
    _canvas(
        gen,
        PILOT_CODE,
        _start_of(day, 10),
        None,
        fields=PILOT_FIELDS,
        scores=PILOT_SCORES,
        hours=375.0,
        gates=PILOT_GATES,
    )
    content = heatmap.load_risks()
    cat = list(content.catalogue)
    _heatmap(
        gen, PILOT_CODE, _start_of(day, 11), None, picks=[(cat[0], 3, 2), (cat[1], 2, 2), (cat[2], 1, 3)]
    )
    # Q5 (large scale) and Q8 (innovative technology): a full DPIA is required
    _dpia(gen, PILOT_CODE, _start_of(day, 12), None, {n: n in (5, 8) for n in range(1, 11)})
    estimate = kpi.estimate(PILOT_SCENARIOS, denominator="brutto")
    estimate.require_order()
    measured = kpi.evaluate_kpi("tid-pr-sag", 12.0, 8.0, 9.2)
    gen.add(kpi.KpiSubmission.of(estimate, measured), code=PILOT_CODE, at=_start_of(day, 13), who=None)


# --- benchmarks ----------------------------------------------------------------------------------------------


def generate_responses(
    store: Store,
    n: int = 10_000,
    *,
    seed: int = 1,
    code: str | None = None,
    exercises: tuple[str, ...] = ("poll", "quiz"),
    start: dt.date = DEFAULT_START,
) -> str:
    """Write ``n`` synthetic responses (alternating over ``exercises``) in bulk and return the workshop code.

    Without ``code`` a synthetic workshop is created for them. Participants answer about twice each (so the
    poll has a before and an after). Rows are inserted in batches of 1,000 in single transactions.

    Raises
    ------
    ValueError
        ``n`` below 1 or an exercise other than poll and quiz (Danish message).
    """
    if n < 1:
        raise ValueError("Antallet af svar skal være mindst 1.")
    unknown = [e for e in exercises if e not in ("poll", "quiz")]
    if unknown or not exercises:
        raise ValueError("Der kan kun laves mange svar til afstemningen (poll) og quizzen (quiz).")
    gen = _Gen(store, seed)
    rng = gen.rng
    created = _start_of(start, 9)
    if code is None:
        code = gen.code(_existing_codes(store))
        state = {"active": None, "revealed": False, "approved_words": [], "synthetic": True}
        _insert_workshop(
            store, code, f"{SYNTHETIC_PREFIX} Benchmark med {n} svar", created, "Benchmark", state
        )
    poll_content, quiz_content = poll.load_poll(), quiz.load_quiz()
    votes = [poll.make_vote(v, None, content=poll_content) for v in (a.value for a in poll_content.answers)]
    questions = quiz.pick_questions(quiz_content, "jura")
    graded = []
    for k in range(8):  # a few distinct quiz results to reuse: grading is not what is being benchmarked
        choices = {
            q.id: q.correct_option.id if (i + k) % 3 else q.options[-1].id for i, q in enumerate(questions)
        }
        graded.append(quiz.QuizSubmission.of("jura", choices, quiz.grade(questions, choices)))
    people = [gen.token() for _ in range(max(1, n // 2))]
    rows = []
    for i in range(n):
        exercise = exercises[i % len(exercises)]
        model = votes[rng.randint(0, 4)] if exercise == "poll" else graded[rng.randrange(len(graded))]
        rows.append((model, created + dt.timedelta(seconds=i), people[rng.randrange(len(people))]))
    store.save_many(rows, workshop_code=code)
    return code
