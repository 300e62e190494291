"""A scanner for personal data in a text a user is about to send to a language model.

:func:`scan` finds what must never go into a prompt for an external language model: CPR numbers, CVR numbers,
e-mail addresses, Danish phone numbers and words that hint at GDPR art. 9 special categories (plus a few
art. 10 and "fortrolige oplysninger" hints, marked as such). Every finding carries exact character offsets,
so ``text[f.start:f.end] == f.text``; :func:`segments` cuts a text into plain and found parts for a template
to highlight. Pure: no widgets, no HTML. Used by the prompt lab and the storybank.

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
from typing import Literal

from stdnum.dk import cpr as stdnum_cpr
from stdnum.dk import cvr as stdnum_cvr
from stdnum.exceptions import ValidationError

Kind = Literal["cpr", "cvr", "email", "phone", "special_category"]
Basis = Literal["art9", "art10", "fortrolig"]
KINDS: tuple[Kind, ...] = ("cpr", "cvr", "email", "phone", "special_category")

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


def segments(text: str, findings: Sequence[Finding]) -> list[tuple[str, Finding | None]]:
    """``text`` cut into consecutive parts: ``(part, None)`` for plain text, ``(part, finding)`` for a finding.

    Findings must not overlap (as returned by :func:`scan`).

    Raises
    ------
    ValueError
        Overlapping findings, or ``text`` is not a string (Danish message).
    """
    text = _check_text(text)
    parts: list[tuple[str, Finding | None]] = []
    pos = 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < pos:
            raise ValueError("Fundene overlapper hinanden.")
        if f.start > pos:
            parts.append((text[pos : f.start], None))
        parts.append((text[f.start : f.end], f))
        pos = f.end
    if pos < len(text):
        parts.append((text[pos:], None))
    return parts
