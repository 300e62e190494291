"""The prompt lab: find personal data in a prompt, and give heuristic feedback on how it is built.

Two pure functions carry the exercise:

* :func:`scan` finds what must never go into a prompt for an external language model: CPR numbers, CVR
  numbers, e-mail addresses, Danish phone numbers and words that hint at GDPR art. 9 special categories
  (plus a few art. 10 and "fortrolige oplysninger" hints, marked as such). Every finding carries exact
  character offsets, so ``text[f.start:f.end] == f.text``.
* :func:`review` checks a prompt against the kit's R-K-O-F-E-B scaffold (Rolle, Kontekst, Opgave, Format,
  Eksempler, Begrænsninger) plus tone/målgruppe. **It is a heuristic**: it looks for Danish marker words
  and phrases, it does not understand the prompt. A prompt can contain the words and still be vague, or
  fulfil a criterion in words the heuristic does not know. The learner is told so with every result.

This module is pure: no widgets, no display, no storage. Texts come from ``datasets/prompts.yaml``
(validated by :class:`PromptContent`); the detection patterns are logic and live here.

Detection rules and their precedence (domain.md §4)
---------------------------------------------------
Findings never overlap. Candidates are taken in this order, and a candidate that overlaps an accepted
finding is dropped ("the most specific identifier wins"):

1. **CPR** – ``DDMMYY-SSSS``, ``DDMMYYSSSS`` or ``DDMMYY SSSS`` (hyphen, en dash, space or no-break space).
   The embedded birth date is checked with ``stdnum.dk.cpr``. Modulus 11 is **never** used as a filter:
   since 2007 valid CPR numbers are issued without it (211062-5628 is flagged). A number whose date is
   valid but lies in the future (stdnum 2.2 rejects e.g. 010130-9999, "not born yet") **is flagged**
   anyway: one mistyped 7th digit turns a real CPR number into a "future" one, and the scanner exists to
   keep CPR-shaped numbers out of prompts, not to certify them. Case numbers ("sag 2024-123456",
   "j.nr. 24/123456"), dates ("12-03-2024", "12.03.2024") and amounts ("1.234.567 kr.", "12.345,50") do
   not have the shape, and digit runs longer than 10 are not CPR numbers.
2. **CVR** – 8 digits (optionally in pairs) directly after "CVR", "CVR-nr.", "CVR-nummer" … or with a "DK"
   prefix. ``stdnum.dk.cvr`` checks the mod-11 check digit; a labelled number that fails it is still
   flagged (as a likely typo), because the label says what it is. An unlabelled 8-digit number is treated
   as a phone number (about one in eleven random 8-digit numbers passes the CVR check, so the check alone
   cannot tell them apart).
3. **E-mail** addresses.
4. **Phone** – 8 digits, first digit 1-9, optionally with +45/0045 and spaces ("12 34 56 78",
   "+45 1234 5678"). Not flagged directly after a case, invoice or account label ("sag 12345678",
   "j.nr. …", "faktura …") or directly before "kr."/"DKK", so case numbers and amounts stay quiet.
5. **Special categories** – Danish word stems (helbred, diagnose, sygdom, handicap, psykisk, etnisk,
   religiøs, politisk, fagforening, seksuel, genetisk, biometrisk …). The whole word is marked, also in
   compounds ("lungesygdom", "homoseksuel"). Hints for art. 10 (strafbare forhold) and for what Danish
   practice calls "fortrolige oplysninger" keep ``kind == "special_category"`` and are told apart by
   :attr:`Finding.basis`. These are word hints, not proof: the scanner cannot tell a topic ("en FAQ om
   handicapparkering") from a person's data, so it asks the learner to look.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from stdnum.dk import cpr as stdnum_cpr
from stdnum.dk import cvr as stdnum_cvr
from stdnum.exceptions import ValidationError

from aiskole.datasets import DatasetError, DatasetModel, Source, load_dataset

__all__ = [
    "CRITERIA",
    "KINDS",
    "MAX_CHARS",
    "TASKS",
    "CriterionResult",
    "DatasetError",
    "Finding",
    "PromptContent",
    "Review",
    "count_kinds",
    "highlight_html",
    "load_prompts",
    "review",
    "scan",
]

Kind = Literal["cpr", "cvr", "email", "phone", "special_category"]
Basis = Literal["art9", "art10", "fortrolig"]
KINDS: tuple[Kind, ...] = ("cpr", "cvr", "email", "phone", "special_category")
CRITERIA = ("rolle", "kontekst", "opgave", "format", "eksempler", "begraensninger", "tone")
TASKS = ("brev", "referat", "faq", "opsummering")
#: The longest prompt the lab accepts (a long letter draft fits; a whole case file does not).
MAX_CHARS = 4000

#: The text label shown in front of each highlighted finding (colour is never the only signal).
LABELS: dict[str, str] = {
    "cpr": "[CPR]",
    "cvr": "[CVR]",
    "email": "[E-MAIL]",
    "phone": "[TELEFON]",
    "art9": "[ART. 9]",
    "art10": "[ART. 10]",
    "fortrolig": "[FORTROLIG]",
}
#: Danish names of the kinds, for summaries ("2 CPR-numre").
KIND_NAMES: dict[str, tuple[str, str]] = {
    "cpr": ("CPR-nummer", "CPR-numre"),
    "cvr": ("CVR-nummer", "CVR-numre"),
    "email": ("e-mailadresse", "e-mailadresser"),
    "phone": ("telefonnummer", "telefonnumre"),
    "special_category": ("ord om følsomme forhold", "ord om følsomme forhold"),
}


# --- dataset ---------------------------------------------------------------------------------------------


class PromptCriterion(DatasetModel):
    """One criterion of the R-K-O-F-E-B scaffold (plus tone/målgruppe)."""

    id: Literal["rolle", "kontekst", "opgave", "format", "eksempler", "begraensninger", "tone"]
    letter: str = Field(min_length=1, max_length=2)
    name: str = Field(min_length=3)
    meaning: str = Field(min_length=10)
    tip: str = Field(min_length=10)
    sources: tuple[str, ...] = Field(min_length=1)


class PromptTask(DatasetModel):
    """A municipal writing task the learner can practise on."""

    id: Literal["brev", "referat", "faq", "opsummering"]
    title: str = Field(min_length=3)
    description: str = Field(min_length=10)
    tip: str = Field(min_length=10)
    #: Task-specific suggestions per criterion id, used instead of the general tip when present.
    hints: dict[str, str] = Field(default_factory=dict)
    sources: tuple[str, ...] = ()


class GalleryExample(DatasetModel):
    """A weak prompt and a better one for the same municipal task, and why the second is better."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    task: Literal["brev", "referat", "faq", "opsummering"]
    title: str = Field(min_length=3)
    before: str = Field(min_length=5)
    after: str = Field(min_length=40)
    why: str = Field(min_length=10)


class FindingInfo(DatasetModel):
    """Why a kind of finding must stay out of a prompt, with its legal basis and sources."""

    name: str
    why: str = Field(min_length=10)
    sources: tuple[str, ...] = Field(min_length=1)


class PromptContent(DatasetModel):
    """The content of ``datasets/prompts.yaml``."""

    schema_: Literal["aiskole.prompts/1"] = Field(alias="schema")
    checked: dt.date
    review_by: dt.date
    synthesis_note: str = Field(min_length=20)
    heuristic_note: str = Field(min_length=20)
    scan_note: str = Field(min_length=20)
    sources: dict[str, Source]
    criteria: tuple[PromptCriterion, ...]
    tasks: tuple[PromptTask, ...]
    findings: dict[Literal["cpr", "cvr", "email", "phone", "art9", "art10", "fortrolig"], FindingInfo]
    gallery: tuple[GalleryExample, ...] = Field(min_length=4)

    @model_validator(mode="after")
    def _consistent(self) -> PromptContent:
        ids = tuple(c.id for c in self.criteria)
        if ids != CRITERIA:
            raise ValueError(f"kriterierne skal være {list(CRITERIA)} i den rækkefølge, fandt {list(ids)}")
        tasks = tuple(t.id for t in self.tasks)
        if tasks != TASKS:
            raise ValueError(f"opgaverne skal være {list(TASKS)} i den rækkefølge, fandt {list(tasks)}")
        if set(self.findings) != {"cpr", "cvr", "email", "phone", "art9", "art10", "fortrolig"}:
            raise ValueError("der skal være en forklaring for hver slags fund")
        for task in self.tasks:
            unknown = [k for k in task.hints if k not in CRITERIA]
            if unknown:
                raise ValueError(f"ukendt kriterium {unknown} i opgaven {task.id}")
        records = [*self.criteria, *self.tasks, *self.findings.values()]
        for record in records:
            unknown = [s for s in record.sources if s not in self.sources]
            if unknown:
                raise ValueError(f"ukendt kilde {unknown} i {record!r:.60}")
        gallery_ids = [g.id for g in self.gallery]
        dupes = sorted({i for i in gallery_ids if gallery_ids.count(i) > 1})
        if dupes:
            raise ValueError(f"eksempler med samme id: {dupes}")
        missing = [t for t in TASKS if t not in {g.task for g in self.gallery}]
        if missing:
            raise ValueError(f"galleriet mangler et eksempel for {missing}")
        if self.review_by <= self.checked:
            raise ValueError("review_by skal ligge efter checked")
        return self

    def criterion(self, criterion_id: str) -> PromptCriterion:
        return self.criteria[CRITERIA.index(criterion_id)]

    def task(self, task_id: str) -> PromptTask:
        if task_id not in TASKS:
            names = ", ".join(f"»{t.title}«" for t in self.tasks)
            raise ValueError(f"Ukendt opgavetype: {task_id!r}. Vælg en af: {names}.")
        return self.tasks[TASKS.index(task_id)]

    def sources_for(self, keys: Iterable[str]) -> tuple[Source, ...]:
        return tuple(self.sources[k] for k in keys)


def load_prompts(datasets_dir: Path | None = None) -> PromptContent:
    """Load and validate ``prompts.yaml``: criteria, tasks, finding explanations and the gallery."""
    return load_dataset("prompts.yaml", PromptContent, datasets_dir)


# --- scanning --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """Something in a prompt that looks like personal data. ``text[start:end]`` is the match."""

    kind: Kind
    start: int
    end: int
    text: str
    message: str
    #: For ``special_category``: "art9", "art10" or "fortrolig"; ``None`` for the other kinds.
    basis: Basis | None = None

    @property
    def label(self) -> str:
        """The text label shown with the highlight, e.g. "[CPR]" or "[ART. 9]"."""
        return LABELS[self.basis or self.kind]


# No digit right before, and no "digit + separator" right before (so "2024-123456" and "1.234.567" are
# not cut into pieces); the same after the match.
_NOT_AFTER_NUMBER = r"(?<!\d)(?<!\d[-./,])"
_NOT_BEFORE_NUMBER = r"(?!\d)(?![-./,]\d)"
_SPACE = "[ \u00a0]"

_CPR = re.compile(_NOT_AFTER_NUMBER + r"(\d{6})[-\u2013 \u00a0]?(\d{4})" + _NOT_BEFORE_NUMBER)
_EIGHT = rf"\d{{2}}{_SPACE}?\d{{2}}{_SPACE}?\d{{2}}{_SPACE}?\d{{2}}"
_CVR = re.compile(rf"{_NOT_AFTER_NUMBER}(?:(?<![\w.])DK[ \u00a0-]?)?({_EIGHT}){_NOT_BEFORE_NUMBER}")
_CVR_LABEL = re.compile(r"\bCVR(?:[\s.:-]*(?:nr|nummer|no)\b)?[\s.:]*$", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b")
_PHONE = re.compile(
    rf"{_NOT_AFTER_NUMBER}(?:\(?(?:\+|00)45\)?{_SPACE}?)?([1-9]\d(?:{_SPACE}?\d{{2}}){{3}})"
    rf"{_NOT_BEFORE_NUMBER}(?!{_SPACE}?(?:kr\b|kr\.|dkk\b|,-))",
    re.IGNORECASE,
)
# A label right before a number that makes it a case, invoice or account number rather than a phone number.
_NOT_PHONE_LABEL = re.compile(
    r"(?:\bsag(?:s-?nr|snummer|s-?nummer|nr)?|\bj\.?\s?nr|\bjournal(?:-?nr|nummer)?|\bfaktura(?:-?nr|nummer)?"
    r"|\bordre(?:-?nr|nummer)?|\bkonto(?:-?nr|nummer)?|\breg\.?\s?nr|\bean(?:-?nr|-?nummer)?|\bkr|\bdkk)"
    r"[\s.:]*$",
    re.IGNORECASE,
)

# (stem regex, category in Danish, basis, compound). ``compound`` stems also match inside a word
# ("lungesygdom"); the others only as a whole word with the endings spelled out, because they are short
# or ambiguous ("race" but not "racerbil").
_SPECIAL_STEMS: tuple[tuple[str, str, Basis, bool], ...] = (
    (r"helbred", "helbredsforhold", "art9", True),
    (r"diagnose|diagnosti", "helbredsforhold", "art9", True),
    (r"sygdom", "helbredsforhold", "art9", True),
    (r"sygemeld|sygefravær", "helbredsforhold", "art9", True),
    (r"handicap", "helbredsforhold", "art9", True),
    (r"psykisk|psykiatri|psykolog", "helbredsforhold", "art9", True),
    (r"depressi", "helbredsforhold", "art9", True),
    (r"demens|kræft|diabetes|autis|adhd", "helbredsforhold", "art9", True),
    (r"medicin", "helbredsforhold", "art9", True),
    (r"misbrug", "helbredsforhold", "art9", True),
    (r"gravid", "helbredsforhold", "art9", True),
    (r"etnisk|etnicitet", "etnisk oprindelse", "art9", True),
    (r"racen?|racemæssig\w*", "race", "art9", False),
    (r"religi", "religiøs overbevisning", "art9", True),
    (r"trosretning|trossamfund", "religiøs overbevisning", "art9", True),
    (r"politisk", "politisk overbevisning", "art9", True),
    (r"fagforening|fagforbund", "fagforeningsmæssigt tilhørsforhold", "art9", True),
    (r"seksuel|seksualitet", "seksuelle forhold eller seksuel orientering", "art9", True),
    (r"genetisk", "genetiske data", "art9", True),
    (r"dna", "genetiske data", "art9", False),
    (r"biometri", "biometriske data", "art9", True),
    (r"fingeraftryk|ansigtsgenkend", "biometriske data", "art9", True),
    (r"straffe|strafbar", "strafbare forhold", "art10", True),
    (r"kriminal|kriminel", "strafbare forhold", "art10", True),
    (
        r"sigtet|sigtede|sigtelse\w*|tiltalt\w*|dømt\w*|fængsel\w*|fængsl\w*",
        "strafbare forhold",
        "art10",
        False,
    ),
    (r"politianmeld", "strafbare forhold", "art10", True),
    (r"tvangsfjern|anbringelse|anbragt", "sociale forhold", "fortrolig", True),
    (r"underretning", "sociale forhold", "fortrolig", True),
    (r"skilsmisse", "familieforhold", "fortrolig", True),
)
# "Politisk" is everyday municipal language for the council's work ("politisk udvalg", "politisk
# behandling"); those phrases say nothing about a person's political opinion and are not flagged.
_INSTITUTIONAL = re.compile(
    r"politisk\w*\s+(?:udvalg|behandl|beslut|niveau|ledelse|vedtag|godkend|mål|organisation|system|aftale"
    r"|flertal|prioriter|ønske)",
    re.IGNORECASE,
)
_LETTERS = r"[^\W\d_]"
_SPECIAL = tuple(
    (
        re.compile(
            rf"{_LETTERS}*(?:{stem}){_LETTERS}*" if compound else rf"(?<!{_LETTERS})(?:{stem})(?!{_LETTERS})",
            re.IGNORECASE,
        ),
        category,
        basis,
    )
    for stem, category, basis, compound in _SPECIAL_STEMS
)
_BASIS_TEXT = {
    "art9": "en særlig kategori af personoplysninger (GDPR art. 9)",
    "art10": "oplysninger om strafbare forhold (GDPR art. 10)",
    "fortrolig": "fortrolige oplysninger",
}


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _cpr_findings(text: str, today: dt.date) -> Iterable[Finding]:
    for m in _CPR.finditer(text):
        number = m.group(1) + m.group(2)
        try:
            birth = stdnum_cpr.get_birth_date(number)  # raises when the date is impossible
        except ValidationError:
            continue
        message = "Ligner et CPR-nummer. Erstat det med [CPR], før du bruger prompten."
        if birth > today:
            message = (
                "Ligner et CPR-nummer (fødselsdatoen ligger i fremtiden – måske en tastefejl). "
                "Erstat det med [CPR], før du bruger prompten."
            )
        yield Finding("cpr", m.start(), m.end(), m.group(0), message)


def _cvr_findings(text: str) -> Iterable[Finding]:
    for m in _CVR.finditer(text):
        prefixed = m.group(0).upper().startswith("DK")
        labelled = bool(_CVR_LABEL.search(text[max(0, m.start() - 24) : m.start()]))
        if not (prefixed or labelled):
            continue
        try:
            stdnum_cvr.validate(_digits(m.group(1)))
            message = (
                "Ligner et CVR-nummer. En enkeltmandsvirksomheds CVR-nummer peger på en bestemt person – "
                "erstat det med [CVR]."
            )
        except ValidationError:
            message = (
                "Står som et CVR-nummer, men kontrolcifret passer ikke (måske en tastefejl). "
                "Behandl det som et CVR-nummer og erstat det med [CVR]."
            )
        yield Finding("cvr", m.start(), m.end(), m.group(0), message)


def _email_findings(text: str) -> Iterable[Finding]:
    for m in _EMAIL.finditer(text):
        yield Finding("email", m.start(), m.end(), m.group(0), "En e-mailadresse. Erstat den med [E-MAIL].")


def _phone_findings(text: str) -> Iterable[Finding]:
    for m in _PHONE.finditer(text):
        if _NOT_PHONE_LABEL.search(text[max(0, m.start() - 24) : m.start()]):
            continue
        yield Finding(
            "phone",
            m.start(),
            m.end(),
            m.group(0),
            "Ligner et dansk telefonnummer (8 cifre). Erstat det med [TELEFON].",
        )


def _special_findings(text: str) -> Iterable[Finding]:
    for pattern, category, basis in _SPECIAL:
        for m in pattern.finditer(text):
            word = m.group(0)
            if _INSTITUTIONAL.match(text, m.start()):
                continue
            yield Finding(
                "special_category",
                m.start(),
                m.end(),
                word,
                f"Ordet »{word}« kan handle om {category} – {_BASIS_TEXT[basis]}. Skriv aldrig om en "
                "bestemt persons forhold i en prompt. Handler ordet kun om emnet generelt, så omformulér "
                "eller lad være med at sende prompten.",
                basis,
            )


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise ValueError("Prompten skal være tekst.")
    return text


def scan(text: str, *, today: dt.date | None = None) -> list[Finding]:
    """Find personal data in ``text``: CPR, CVR, e-mail, phone and special-category words.

    Parameters
    ----------
    text
        The prompt.
    today
        The date used to word the message for CPR numbers with a future birth date (default: today).
        It never decides whether a number is flagged.

    Returns
    -------
    list[Finding]
        Non-overlapping findings sorted by position; see the module docstring for the precedence.

    Raises
    ------
    ValueError
        ``text`` is not a string (Danish message).
    """
    text = _check_text(text)
    today = today or dt.date.today()
    accepted: list[Finding] = []
    taken: list[tuple[int, int]] = []
    candidates = (
        *_cpr_findings(text, today),
        *_cvr_findings(text),
        *_email_findings(text),
        *_phone_findings(text),
        *_special_findings(text),
    )
    for finding in candidates:
        if any(finding.start < end and start < finding.end for start, end in taken):
            continue
        accepted.append(finding)
        taken.append((finding.start, finding.end))
    return sorted(accepted, key=lambda f: (f.start, f.end))


def count_kinds(findings: Sequence[Finding]) -> dict[str, int]:
    """How many findings of each kind (only kinds that occur), in the order of :data:`KINDS`."""
    counts = Counter(f.kind for f in findings)
    return {k: counts[k] for k in KINDS if counts[k]}


def findings_summary(findings: Sequence[Finding]) -> str:
    """A short Danish summary, e.g. "1 CPR-nummer og 2 e-mailadresser"."""
    parts = []
    for kind, n in count_kinds(findings).items():
        singular, plural = KIND_NAMES[kind]
        parts.append(f"{n} {singular if n == 1 else plural}")
    if not parts:
        return "ingen personoplysninger fundet"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


def highlight_html(text: str, findings: Sequence[Finding]) -> str:
    """The prompt as safe HTML with each finding in a ``<mark>`` that starts with its text label.

    Every segment, marked or not, goes through :func:`html.escape`; so does the label. Findings must not
    overlap (as returned by :func:`scan`).
    """
    text = _check_text(text)
    parts: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < pos:
            raise ValueError("Fundene overlapper hinanden.")
        parts.append(escape(text[pos : f.start]))
        css = f"aiskole-find aiskole-find-{escape(f.basis or f.kind)}"
        parts.append(
            f'<mark class="{css}" title="{escape(f.message)}">'
            f'<span class="aiskole-find-label">{escape(f.label)}</span> {escape(text[f.start : f.end])}</mark>'
        )
        pos = f.end
    parts.append(escape(text[pos:]))
    return f'<div class="aiskole-prompt-view">{"".join(parts)}</div>'


# --- review ----------------------------------------------------------------------------------------------

# HEURISTIC: each criterion is "met" when one of its Danish marker phrases occurs in the prompt. The
# markers are chosen from the frameworks in domain.md §5 and the kit's before/after examples. They
# produce explainable feedback ("Fundet: »du er«") but cannot judge quality: a prompt can say "du er"
# and still give a useless role. The learner is told this with every result (heuristic_note).
_MARKERS: dict[str, tuple[str, ...]] = {
    "rolle": (
        r"\bdu er\b",
        r"\b(?:agér|ager|optræd|fungér|funger|tænk|skriv|svar) som (?:en|et)\b",
        r"\bforestil dig\b",
        r"\bdin rolle\b",
        r"\brolle\s*:",
        r"\bi rollen som\b",
        r"\bsom (?:en |et )?(?:erfaren|dygtig|ekspert|specialist|sagsbehandler|kommunikationsmedarbejder"
        r"|referent|jurist|konsulent|rådgiver|fagperson)\w*",
    ),
    "kontekst": (
        r"\bkontekst\b",
        r"\bbaggrund\w*",
        r"\bsituation\w*",
        r"\bvedlagt\w*",
        r"\bnedenfor\b",
        r"\bherunder\b",
        r"\budkast\w*",
        r"\bkilde\w*",
        r"\btranskription\w*",
        r"\bfordi\b",
        r"\bformål\w*",
        r"\bhøringssvar\w*",
        r"\bi en (?:dansk )?kommune\b",
        r'"""',
        r"###",
        r"<[a-zæøå]+>",
    ),
    "opgave": (
        r"\b(?:skriv|omskriv|opsummér|opsummer|sammenfat|resumér|resumer|forklar|oversæt|udarbejd|foreslå"
        r"|besvar|formulér|formuler|find|forkort|gennemgå|udtræk|kategorisér|kategoriser|giv|vurdér|vurder"
        r"|sammenlign|strukturér|strukturer|opstil|uddrag|tæl)\b",
        r"\blav (?:et|en|mig|nogle|to|tre|fem|ti|\d+)\b",
        r"\bopgave\s*:",
    ),
    "format": (
        r"\b(?:max\.?|maks\.?|maksimalt|højst|mindst|ca\.?|under|op til)\s*\d+\s*"
        r"(?:ord|tegn|sætninger|linjer|afsnit|punkter|sider?)\b",
        r"\b\d+\s*(?:ord|sætninger|linjer|afsnit|punkter|spørgsmål|sider)\b",
        r"\b(?:tabel|punktform|punktopstilling|overskrift|liste|kolonne|skema|opstilling|json|markdown)\w*",
        r"\bformat\s*:",
        r"\b(?:én|en) side\b",
    ),
    "eksempler": (
        r"\beksemp(?:el|ler|lerne|let)\b",
        r"\bfor eksempel\b",
        r"\bf\.\s?eks\.",
        r"\bfx\b",
        r"\bsom dette\b",
        r"\bsådan her\b",
        r"\bi stil med\b",
        r"\bskabelon\w*",
    ),
    "begraensninger": (
        r"\b(?:må|skal) ikke\b",
        r"\bundgå\b",
        r"\b(?:tilføj|opfind|gæt|nævn|medtag|brug) (?:ikke|ingen)\b",
        r"\bikke (?:tilføje|opfinde|gætte|nævne|medtage|bruge|nye)\b",
        r"\bkun (?:det|de|ud fra|fra|oplysninger|fakta|på|med|den)\b",
        r"\bhvis du er (?:usikker|i tvivl)\b",
        r"\bfremgår ikke\b",
        r"\buændret\b",
        r"\[tjek\]",
        r"\bingen (?:navne|personoplysninger|nye)\b",
        r"\buden (?:at|personoplysninger|navne)\b",
        r"\bbegrænsning\w*",
    ),
    "tone": (
        r"\btone\w*",
        r"\b(?:venlig|høflig|imødekommende|neutral|formel|uformel|professionel|empatisk|respektfuld)\w*",
        r"\bklar(?:t)? sprog\b",
        r"\bklarsprog\b",
        r"\b(?:du|de)-form\b",
        r"\bmålgruppe\w*",
        r"\blix\w*",
        r"\blet(?:te)? at (?:læse|forstå)\b",
        r"\bkorte sætninger\b",
        r"\b(?:til|for) (?:en |et )?(?:ældre |ung |unge |travl |travle |almindelig |almindelige )?"
        r"(?:borger|borgere|leder|ledere|politiker|politikere|udvalg\w*|kolleg\w*|pårørende|forældre|elev\w*)\b",
    ),
}
_MARKER_RES = {cid: tuple(re.compile(p, re.IGNORECASE) for p in pats) for cid, pats in _MARKERS.items()}
#: Under this many words a prompt is called "meget kort" whatever it contains.
SHORT_WORDS = 15

Level = Literal["stærk", "god", "svag"]
LEVELS: dict[str, tuple[str, str]] = {
    "stærk": ("Stærk prompt", "Prompten har det meste af det, en sprogmodel har brug for."),
    "god": ("God start", "Prompten har det vigtigste, men mangler et par ting. Se forslagene nedenfor."),
    "svag": (
        "Kan gøres meget bedre",
        "Sprogmodellen skal gætte meget. Tilføj det, der mangler – se forslagene.",
    ),
}


@dataclass(frozen=True)
class CriterionResult:
    """Feedback on one criterion: met or not, why, and a concrete suggestion."""

    id: str
    letter: str
    name: str
    met: bool
    why: str
    suggestion: str
    #: The phrase that was found (a few words of the learner's own text), or ``None``.
    evidence: str | None


@dataclass(frozen=True)
class Review:
    """The result of :func:`review`."""

    task: str
    task_title: str
    task_tip: str
    criteria: tuple[CriterionResult, ...]
    score: int
    max_score: int
    level: Level
    label: str
    summary: str
    word_count: int
    too_short: bool
    heuristic_note: str

    def to_dict(self) -> dict:
        """A JSON-ready summary for storage: no text from the prompt, only ids and numbers."""
        return {
            "task": self.task,
            "score": self.score,
            "max_score": self.max_score,
            "level": self.level,
            "criteria": {c.id: c.met for c in self.criteria},
            "word_count": self.word_count,
        }


def _evidence(text: str, criterion_id: str) -> str | None:
    for pattern in _MARKER_RES[criterion_id]:
        m = pattern.search(text)
        if m:
            return m.group(0)
    return None


def _thousands(n: int) -> str:
    """Danish thousands separator: 4.000."""
    return f"{n:,}".replace(",", ".")


def validate_prompt(text: object) -> str:
    """Check that a prompt is non-empty text within :data:`MAX_CHARS`; return it unchanged.

    Raises
    ------
    ValueError
        With a Danish message for empty, non-text or too long prompts.
    """
    text = _check_text(text)
    if not text.strip():
        raise ValueError("Skriv en prompt i feltet først.")
    if len(text) > MAX_CHARS:
        raise ValueError(
            f"Prompten er for lang: {_thousands(len(text))} tegn. Højst {_thousands(MAX_CHARS)} tegn – "
            "forkort den, eller del opgaven op i flere prompter."
        )
    return text


def review(text: str, task: str, *, content: PromptContent | None = None) -> Review:
    """Give heuristic, explainable feedback on ``text`` as a prompt for ``task``.

    Parameters
    ----------
    text
        The prompt (1 to :data:`MAX_CHARS` characters).
    task
        One of :data:`TASKS`: ``"brev"``, ``"referat"``, ``"faq"`` or ``"opsummering"``.
    content
        The dataset content; loaded from ``datasets/prompts.yaml`` when not given.

    Returns
    -------
    Review
        One :class:`CriterionResult` per criterion in :data:`CRITERIA`, the score (criteria met out of
        seven) and a level: ``"stærk"`` (6-7), ``"god"`` (4-5) or ``"svag"`` (0-3). A prompt under
        :data:`SHORT_WORDS` words is never rated ``"stærk"``.

    Raises
    ------
    ValueError
        Empty or too long prompt, or unknown task (Danish message).
    """
    text = validate_prompt(text)
    content = content or load_prompts()
    task_record = content.task(task)
    results = []
    for criterion in content.criteria:
        evidence = _evidence(text, criterion.id)
        met = evidence is not None
        if met:
            why = f"Fundet: »{evidence}«. {criterion.meaning}"
            suggestion = "Godt. Tjek at det er præcist nok til, at en ny kollega ville forstå det."
        else:
            why = f"Ingen tegn på {criterion.name.lower()} i prompten. {criterion.meaning}"
            suggestion = task_record.hints.get(criterion.id, criterion.tip)
        results.append(
            CriterionResult(
                id=criterion.id,
                letter=criterion.letter,
                name=criterion.name,
                met=met,
                why=why,
                suggestion=suggestion,
                evidence=evidence,
            )
        )
    score = sum(r.met for r in results)
    words = len(text.split())
    too_short = words < SHORT_WORDS
    level: Level = "stærk" if score >= 6 else "god" if score >= 4 else "svag"
    if too_short and level == "stærk":
        level = "god"
    label, summary = LEVELS[level]
    if too_short:
        summary += (
            f" Prompten er meget kort ({words} ord) – de fleste gode prompter er flere sætninger lange."
        )
    return Review(
        task=task_record.id,
        task_title=task_record.title,
        task_tip=task_record.tip,
        criteria=tuple(results),
        score=score,
        max_score=len(results),
        level=level,
        label=label,
        summary=summary,
        word_count=words,
        too_short=too_short,
        heuristic_note=content.heuristic_note,
    )
