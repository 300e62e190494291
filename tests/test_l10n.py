"""Danish numbers, percentages, dates and hyphenation: the one formatting module (Babel, Pyphen)."""

from __future__ import annotations

import datetime as dt

import pytest

from aiskole import l10n


@pytest.mark.parametrize(
    ("value", "decimals", "trim", "text"),
    [
        (1234.5, 1, False, "1.234,5"),
        (1924, 0, False, "1.924"),
        (-240, 0, False, "−240"),
        (-0.2, 0, False, "0"),
        (72.0, 1, True, "72"),
        (7.5, 1, True, "7,5"),
        (0.0866, 2, False, "0,09"),
    ],
)
def test_numbers_are_shown_in_danish_format(value, decimals, trim, text):
    assert l10n.number(value, decimals, trim=trim) == text


def test_percent_dates_and_months_in_danish():
    assert l10n.percent(0.456) == "46\u00a0%"
    assert l10n.percent(1.0) == "100\u00a0%"
    assert l10n.date_long(dt.date(2026, 12, 1)) == "1. december 2026"
    assert l10n.date_short(dt.date(2026, 12, 1)) == "01.12.2026"
    assert l10n.month_year("2026-02") == "februar 2026"
    assert l10n.mean(None) == "–" and l10n.mean(3.25) == "3,2"
    assert l10n.signed(0.44) == "+0,4" and l10n.signed(-0.44) == "\u22120,4" and l10n.signed(0.04) == "0,0"
    assert (
        l10n.count(1, "risiko", "risici") == "1 risiko" and l10n.count(1200, "svar", "svar") == "1.200 svar"
    )


def test_times_are_shown_in_danish_time():
    """Is a UTC moment shown as Danish local time, across the change to winter time?"""
    summer = dt.datetime(2026, 8, 31, 22, 30, tzinfo=dt.UTC)  # 00:30 on 1 September in Copenhagen (UTC+2)
    winter = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 December (UTC+1)
    assert l10n.local_date(summer) == dt.date(2026, 9, 1)
    assert l10n.datetime_short(winter) == "01.12.2026 kl. 00:30"
    assert l10n.month_key(summer) == "2026-09"
    assert l10n.day_start(dt.date(2026, 12, 1)) == dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)
    assert l10n.day_start(dt.date.min) is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("sandsynlig", "sand-syn-lig"),
        ("begrænset", "be-græn-set"),
        ("Sandsynlighed", "Sand-syn-lig-hed"),
        ("betydelig", "be-ty-de-lig"),
        ("mulig", "mulig"),
    ],
)
def test_long_words_get_soft_hyphens_by_danish_rules(word, expected):
    """Do the scale words of the heatmap break at Danish syllables (Pyphen's Danish dictionary)?"""
    assert l10n.hyphenate(word) == expected.replace("-", l10n.SOFT_HYPHEN)


@pytest.mark.parametrize("word", ["usandsynlig", "konsekvensanalyse", "databeskyttelsesrådgiver"])
def test_a_hyphenated_word_reads_the_same_and_never_breaks_after_one_letter(word):
    parts = l10n.hyphenate(word).split(l10n.SOFT_HYPHEN)
    assert "".join(parts) == word and len(parts) >= 3
    assert len(parts[0]) >= 2 and len(parts[-1]) >= 2


def test_hyphenation_leaves_short_words_and_non_words_alone():
    assert l10n.hyphenate("meget alvorlig") == "meget al\u00advor\u00adlig"
    assert l10n.hyphenate("AI-forordningen") == "AI-forordningen"
