"""The personal-data scanner: CPR, CVR, e-mail, phone and special-category hints, with exact offsets; and the
highlighted view of a prompt (a template) that escapes every part."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import InvalidComponent

from aiskole import pii
from aiskole.pii import scan
from aiskole.render import render

TODAY = dt.date(2026, 11, 27)


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan(text, today=TODAY)]


def highlight_html(text: str, findings) -> str:
    return render("exercises/prompt/highlight.html.j2", parts=pii.segments(text, findings))


# --- scanner: positives with exact offsets -----------------------------------------------------------

# (text, kind, the exact matched substring); start/end are re-computed independently with str.index
POSITIVES = [
    pytest.param("Borgeren har CPR 010190-1234.", "cpr", "010190-1234", id="cpr-hyphen"),
    pytest.param("cpr: 0101901234 i sagen", "cpr", "0101901234", id="cpr-no-hyphen"),
    pytest.param("CPR-nr. 010190 1234", "cpr", "010190 1234", id="cpr-space"),
    pytest.param("nr. 010190\u20131234", "cpr", "010190\u20131234", id="cpr-en-dash"),
    pytest.param("nr. 010190\u00a01234", "cpr", "010190\u00a01234", id="cpr-no-break-space"),
    pytest.param("211062-5628 er gyldigt", "cpr", "211062-5628", id="cpr-valid-but-mod11-fails"),
    pytest.param("ny borger 010165-1234", "cpr", "010165-1234", id="cpr-2007-no-modulus"),
    pytest.param("(311299-1234)", "cpr", "311299-1234", id="cpr-in-brackets"),
    pytest.param("x 010130-9999 y", "cpr", "010130-9999", id="cpr-future-date-still-flagged"),
    pytest.param("CPR0101901234", "cpr", "0101901234", id="cpr-glued-to-label"),
    pytest.param("CVR-nr. 13585628", "cvr", "13585628", id="cvr-label"),
    pytest.param("CVR: 13 58 56 28", "cvr", "13 58 56 28", id="cvr-pairs"),
    pytest.param("cvr nummer 13585628", "cvr", "13585628", id="cvr-lowercase-label"),
    pytest.param("momsnr. DK13585628", "cvr", "DK13585628", id="cvr-dk-prefix"),
    pytest.param("DK 13585628", "cvr", "DK 13585628", id="cvr-dk-space"),
    pytest.param("CVR 12345678", "cvr", "12345678", id="cvr-labelled-bad-checksum-still-flagged"),
    pytest.param("skriv til anna.hansen@kommune.dk.", "email", "anna.hansen@kommune.dk", id="email"),
    pytest.param("mail: Søren+test@post.tele.dk", "email", "Søren+test@post.tele.dk", id="email-danish"),
    pytest.param("ring på 12 34 56 78", "phone", "12 34 56 78", id="phone-pairs"),
    pytest.param("tlf. 23456789", "phone", "23456789", id="phone-plain"),
    pytest.param("tlf. 2345 6789", "phone", "2345 6789", id="phone-fours"),
    pytest.param("mobil +45 23 45 67 89", "phone", "+45 23 45 67 89", id="phone-plus45"),
    pytest.param("mobil +4523456789", "phone", "+4523456789", id="phone-plus45-glued"),
    pytest.param("mobil 0045 2345 6789", "phone", "0045 2345 6789", id="phone-0045"),
    pytest.param("mobil (+45) 23456789", "phone", "(+45) 23456789", id="phone-parenthesis"),
    pytest.param("uden kontekst 13585628", "phone", "13585628", id="unlabelled-8-digits-is-phone"),
    pytest.param("Hun har en lungesygdom.", "special_category", "lungesygdom", id="art9-compound"),
    pytest.param("Helbredsoplysninger om ham", "special_category", "Helbredsoplysninger", id="art9-health"),
    pytest.param("en ny diagnose", "special_category", "diagnose", id="art9-diagnosis"),
    pytest.param("et handicap", "special_category", "handicap", id="art9-handicap"),
    pytest.param("psykisk sårbar", "special_category", "psykisk", id="art9-psykisk"),
    pytest.param("har depression", "special_category", "depression", id="art9-depression"),
    pytest.param("etnisk baggrund", "special_category", "etnisk", id="art9-ethnic"),
    pytest.param("hans religion", "special_category", "religion", id="art9-religion"),
    pytest.param("religiøse holdninger", "special_category", "religiøse", id="art9-religious"),
    pytest.param("hendes politiske holdninger", "special_category", "politiske", id="art9-political"),
    pytest.param("medlem af en fagforening", "special_category", "fagforening", id="art9-union"),
    pytest.param("seksuel orientering", "special_category", "seksuel", id="art9-sexual"),
    pytest.param("han er homoseksuel", "special_category", "homoseksuel", id="art9-sexual-compound"),
    pytest.param("genetiske data", "special_category", "genetiske", id="art9-genetic"),
    pytest.param("biometriske data", "special_category", "biometriske", id="art9-biometric"),
    pytest.param("en DNA-test", "special_category", "DNA", id="art9-dna"),
    pytest.param("en straffeattest", "special_category", "straffeattest", id="art10-record"),
    pytest.param("han er sigtet", "special_category", "sigtet", id="art10-charged"),
    pytest.param("barnet er anbragt", "special_category", "anbragt", id="fortrolig-placement"),
]


@pytest.mark.parametrize(("text", "kind", "match"), POSITIVES)
def test_scan_finds_with_exact_offsets(text, kind, match):
    [finding] = scan(text, today=TODAY)
    start = text.index(match)
    assert (finding.kind, finding.start, finding.end, finding.text) == (
        kind,
        start,
        start + len(match),
        match,
    )
    assert text[finding.start : finding.end] == finding.text
    assert finding.message and finding.label.startswith("[")


def test_exact_offsets_in_a_mixed_prompt():
    text = "Skriv til Anna (a@b.dk, tlf. 12 34 56 78, CPR 010190-1234) om hendes diagnose."
    got = [(f.kind, f.start, f.end) for f in scan(text, today=TODAY)]
    assert got == [
        ("email", 16, 22),
        ("phone", 29, 40),
        ("cpr", 46, 57),
        ("special_category", 69, 77),
    ]


def test_valid_cpr_whose_checksum_fails_is_flagged_and_stdnum_agrees():
    """211062-5628 fails modulus 11 and is still a valid CPR number (issued without it since 2007)."""
    assert stdnum_cpr.checksum("2110625628") != 0
    assert stdnum_cpr.validate("211062-5628") == "2110625628"
    assert found("211062-5628") == [("cpr", "211062-5628")]


def test_future_birth_date_is_flagged_with_a_typo_hint():
    """stdnum 2.2 rejects 010130-9999 (born 2030); the scanner flags it anyway (documented choice)."""
    with pytest.raises(InvalidComponent, match="not been born"):
        stdnum_cpr.validate("010130-9999")
    [finding] = scan("010130-9999", today=TODAY)
    assert finding.kind == "cpr" and "fremtiden" in finding.message
    # the date decides only the wording, never whether it is flagged
    [later] = scan("010130-9999", today=dt.date(2031, 1, 1))
    assert later.kind == "cpr" and "fremtiden" not in later.message


NEGATIVES = [
    pytest.param("sag 2024-123456", id="case-number"),
    pytest.param("sagsnr. 2024-123456 og sag 2025-000123", id="case-numbers"),
    pytest.param("j.nr. 24/123456", id="journal-number"),
    pytest.param("j.nr. 2024/0123456", id="journal-number-long"),
    pytest.param("mødet er 12-03-2024", id="date-hyphen"),
    pytest.param("mødet er 12.03.2024", id="date-dots"),
    pytest.param("mødet er 12/03/2024 kl. 10.30", id="date-slash"),
    pytest.param("fra 2024-03-12 til 2024-12-31", id="iso-dates"),
    pytest.param("budget 1.234.567 kr.", id="amount-dots"),
    pytest.param("beløb 12.345,50", id="amount-decimal"),
    pytest.param("beløb 1.234.567,89 kr.", id="amount-large"),
    pytest.param("i alt 12345678 kr.", id="amount-8-digits-kr"),
    pytest.param("i alt 12345678 DKK", id="amount-8-digits-dkk"),
    pytest.param("sag 12345678", id="case-8-digits"),
    pytest.param("j.nr. 23456789", id="journal-8-digits"),
    pytest.param("faktura 23456789", id="invoice-8-digits"),
    pytest.param("320190-1234", id="impossible-day"),
    pytest.param("011390-1234", id="impossible-month"),
    pytest.param("2024123456", id="ten-digits-no-date"),
    pytest.param("12345678901", id="eleven-digits"),
    pytest.param("010190-12345", id="too-long-serial"),
    pytest.param("1010190-1234", id="too-long-date"),
    pytest.param("ring 112 eller 1813", id="short-numbers"),
    pytest.param("postnummer 8000 Aarhus C", id="postcode"),
    pytest.param("Skriv til [NAVN], [ADRESSE], CPR [CPR].", id="placeholders"),
    pytest.param("CVR-nummeret står i [CVR]", id="cvr-placeholder"),
    pytest.param("Behandles i det politiske udvalg og til politisk behandling", id="politisk-institutional"),
    pytest.param("en racerbil og en dnaskive", id="not-race-or-dna"),
    pytest.param("Skriv en FAQ om affaldsordningen", id="plain-prompt"),
    pytest.param("anna@", id="half-email"),
    pytest.param("version 1.2.3", id="version"),
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_scan_stays_quiet(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    ["sag 2024-123456", "j.nr. 24/123456", "12-03-2024", "12.03.2024", "1.234.567 kr.", "12.345,50"],
)
def test_case_numbers_dates_and_amounts_are_never_cpr(text):
    assert "cpr" not in [f.kind for f in scan(f"Se {text} i sagen.", today=TODAY)]


def test_precedence_cpr_over_phone_and_cvr_over_phone_and_email_over_phone():
    # a CPR number contains 8-digit runs; it is reported once, as CPR
    assert found("0101901234") == [("cpr", "0101901234")]
    # a labelled CVR number is not also a phone number
    assert found("CVR 13585628") == [("cvr", "13585628")]
    # digits in an e-mail address belong to the address
    assert found("23456789@sms.dk") == [("email", "23456789@sms.dk")]
    # an e-mail's ".dk" is not a CVR prefix
    assert found("a@b.dk 23456789") == [("email", "a@b.dk"), ("phone", "23456789")]


def test_findings_never_overlap_and_are_sorted():
    text = "CVR 13585628, 0101901234, a@b.dk, 12 34 56 78, sygdom, DK13585628 " * 3
    findings = scan(text, today=TODAY)
    assert len(findings) == 18
    for a, b in zip(findings, findings[1:], strict=False):
        assert a.end <= b.start
    assert all(text[f.start : f.end] == f.text for f in findings)


def test_special_category_hints_are_marked_by_basis_but_keep_the_kind():
    findings = scan("diagnose, straffeattest og underretning", today=TODAY)
    assert {f.kind for f in findings} == {"special_category"}
    assert [(f.basis, f.label) for f in findings] == [
        ("art9", "[ART. 9]"),
        ("art10", "[ART. 10]"),
        ("fortrolig", "[FORTROLIG]"),
    ]
    assert all(f.kind in pii.KINDS for f in findings)


def test_count_kinds_and_summary():
    findings = scan("0101901234, 0202901234, a@b.dk", today=TODAY)
    assert pii.count_kinds(findings) == {"cpr": 2, "email": 1}
    assert pii.findings_summary(findings) == "2 CPR-numre og 1 e-mailadresse"
    assert pii.findings_summary([]) == "ingen personoplysninger fundet"


def test_scan_refuses_non_text_in_danish():
    with pytest.raises(ValueError, match="skal være tekst"):
        scan(None)  # type: ignore[arg-type]


# --- highlight ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload", ["<script>window.__xss = 1</script>", '<img src="x" onerror="window.__xss = 2">', "a & b"]
)
def test_highlight_escapes_every_segment(payload):
    text = f"{payload} CPR 010190-1234 {payload} a@b.dk {payload}"
    out = highlight_html(text, scan(text, today=TODAY))
    assert "".join(part for part, _ in pii.segments(text, scan(text, today=TODAY))) == text
    assert "<script" not in out and "<img" not in out
    assert out.count("<mark") == 2
    assert '<span class="aiskole-find-label">[CPR]</span> 010190-1234</mark>' in out
    assert '<span class="aiskole-find-label">[E-MAIL]</span> a@b.dk</mark>' in out
    # the plain text round-trips: strip the tags and labels, unescape, and get the prompt back
    plain = re.sub(r'<span class="aiskole-find-label">[^<]*</span> ', "", out)
    assert html.unescape(re.sub(r"<[^>]+>", "", plain)) == text


def test_highlight_of_a_payload_inside_a_finding_is_escaped():
    text = "x <b>sygdom</b>"
    out = highlight_html(text, scan(text))
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert "[ART. 9]</span> sygdom</mark>" in out


def test_overlapping_findings_are_refused():
    [f] = scan("a@b.dk")
    with pytest.raises(ValueError, match="overlapper"):
        pii.segments("a@b.dk", [f, f])
