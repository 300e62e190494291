"""Reports as HTML: the header, each section by its own template, tables from pandas, the certificate page.

Every template escapes what it is given; tables have ``<th scope>``; colour is never the only signal.
"""

from __future__ import annotations

from typing import Any

from aiskole import l10n
from aiskole.render import Markup, render
from aiskole.reports.model import Report

#: What a table cell shows for a number that is held back (a group under the small-group threshold).
SUPPRESSED = "for få svar til at vise"


def header_html(report: Report) -> str:
    """The report's title, subtitle and synthetic-data banner, with the styles every section uses."""
    return render("reports/header.html.j2", report=report)


def section_html(report: Report, key: str) -> str:
    """The HTML of the section ``key`` (its heading and body, wrapped for the report's styles)."""
    section = report.section(key)
    body = render(section.template, data=section.data, report=report)
    return render("reports/section.html.j2", section=section, body=body)


def to_html(report: Report) -> str:
    """Header and every section as one HTML fragment."""
    return Markup("").join([header_html(report), *(section_html(report, k) for k in report.keys)])


def certificate_html(report: Report) -> str:
    """The printable participant certificate of a literacy record (a complete HTML page)."""
    return render("reports/certificate.html.j2", data=report.certificate)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return SUPPRESSED
    if isinstance(value, float):
        return l10n.number(value, 1)
    return str(value)


def frame_html(frame: Any, caption: str) -> str:
    """A pandas DataFrame as an accessible table (index as row headers, every value escaped)."""
    headers = [str(frame.index.name or ""), *map(str, frame.columns)]
    rows = [[str(index), *(_cell(v) for v in values)] for index, *values in frame.itertuples()]
    return render(
        "reports/frame.html.j2", caption=caption, headers=headers, rows=rows, numeric=range(1, len(headers))
    )
