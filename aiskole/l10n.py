"""Danish numbers, percentages, dates and times, by Babel's Danish (CLDR) rules; hyphenation by Pyphen.

The one place the kit formats what a user reads: ``1.924,5``, ``46 %``, ``1. december 2026``,
``01.12.2026 kl. 14:05``. Times are shown in Danish time (Europe/Copenhagen); everything is stored in UTC.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "da_DK"
#: Danish time: workshops, reports and posters show dates and times in it.
ZONE = ZoneInfo("Europe/Copenhagen")
#: What a number cell shows when there is no number (nobody answered yet).
NO_NUMBER = "–"
#: A soft hyphen: the browser may break a long word here (and shows a hyphen when it does).
SOFT_HYPHEN = "\u00ad"


@cache
def _pattern(decimals: int, trim: bool, grouping: bool) -> str:
    integer = "#,##0" if grouping else "0"
    if decimals <= 0:
        return integer
    return f"{integer}.{('#' if trim else '0') * decimals}"


#: The minus sign: U+2212, as in typeset Danish text (and never a lone hyphen that a line may break at).
MINUS = "\u2212"


def number(value: float, decimals: int = 0, *, trim: bool = False, grouping: bool = True) -> str:
    """A number in Danish: ``1924.5`` -> ``"1.924,5"``, ``-240`` -> ``"−240"``.

    ``decimals`` digits (``trim`` drops trailing zeros); a value that rounds to zero has no sign (``-0.2`` with
    no decimals is ``"0"``). ``grouping=False`` leaves out the thousands separator (scores on a 0-5 scale).
    """
    text = format_decimal(abs(value), format=_pattern(decimals, trim, grouping), locale=LOCALE)
    return MINUS + text if value < 0 and text.strip("0,.") else text


def mean(value: float | None, decimals: int = 1) -> str:
    """A mean with one decimal, or a dash when there is nothing to average: ``3.25`` -> ``"3,2"``."""
    return NO_NUMBER if value is None else number(value, decimals)


def signed(value: float, decimals: int = 1) -> str:
    """A change with its sign: ``0.4`` -> ``"+0,4"``, ``-0.4`` -> ``"−0,4"``, ``0`` -> ``"0,0"``."""
    text = number(value, decimals)
    return f"+{text}" if value > 0 and text.strip("0,.") else text


def percent(share: float, decimals: int = 0) -> str:
    """A share 0-1 as a percentage: ``0.456`` -> ``"46 %"`` (a no-break space before the sign)."""
    pattern = ("#,##0" if decimals <= 0 else f"#,##0.{'0' * decimals}") + "\u00a0%"
    return format_percent(share, format=pattern, locale=LOCALE)


def count(n: int, singular: str, plural: str) -> str:
    """``count(1, "risiko", "risici")`` -> ``"1 risiko"``; ``count(3, ...)`` -> ``"3 risici"``."""
    return f"{number(n)} {singular if n == 1 else plural}"


# --- dates and times -------------------------------------------------------------------------------------


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Danish time (a naive datetime is taken to be UTC, as the store keeps it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    """The Danish calendar day of ``moment``."""
    return local(moment).date()


def day_start(day: dt.date) -> dt.datetime | None:
    """Midnight at the start of ``day`` in Danish time, as UTC; ``None`` for a day too early to convert."""
    try:
        return dt.datetime(day.year, day.month, day.day, tzinfo=ZONE).astimezone(dt.UTC)
    except OverflowError:
        return None


def _day(value: dt.date | dt.datetime) -> dt.date:
    return local_date(value) if isinstance(value, dt.datetime) else value


def date_long(value: dt.date | dt.datetime) -> str:
    """``1. december 2026`` (a datetime is first put in Danish time)."""
    return format_date(_day(value), "d. MMMM y", locale=LOCALE)


def date_short(value: dt.date | dt.datetime) -> str:
    """``01.12.2026``."""
    return format_date(_day(value), "dd.MM.y", locale=LOCALE)


def month_year(value: dt.date | dt.datetime | str) -> str:
    """``december 2026``; a string is a month key ``"2026-12"``."""
    if isinstance(value, str):
        year, month = value.split("-")
        value = dt.date(int(year), int(month), 1)
    return format_date(_day(value), "MMMM y", locale=LOCALE)


def month_key(moment: dt.datetime) -> str:
    """The Danish calendar month of ``moment`` as ``"2026-12"`` (sorts in time order)."""
    return local(moment).strftime("%Y-%m")


def datetime_short(moment: dt.datetime) -> str:
    """``01.12.2026 kl. 14:05`` in Danish time."""
    here = local(moment)
    return f"{date_short(here.date())} kl. {here:%H:%M}"


# --- hyphenation -----------------------------------------------------------------------------------------


@cache
def _hyphenator():
    from pyphen import Pyphen  # the Danish dictionary is read on first use: only narrow cells need it

    return Pyphen(lang="da_DK")


def hyphenate(text: str, *, min_length: int = 8) -> str:
    """``text`` with soft hyphens in its long words (Danish rules), so narrow table cells can wrap them.

    Words shorter than ``min_length`` letters are left whole; so is anything that is not a plain word.
    """
    words = text.split(" ")
    out = []
    for word in words:
        if len(word) >= min_length and word.isalpha():
            word = _hyphenator().inserted(word, hyphen=SOFT_HYPHEN)
        out.append(word)
    return " ".join(out)
