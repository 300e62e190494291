"""Printing an HTML report to A4 PDF with the system Chromium (nbconvert's webpdf cannot be pointed at it).

The Chromium program comes from the one settings object (``AISKOLE_CHROMIUM``, default Debian's
``/usr/bin/chromium``); it runs headless without any background traffic.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiskole.errors import ReportError
from aiskole.settings import get_settings

#: Headless Chromium without any background traffic (the kit's pages must load nothing from outside).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MARGINS = {"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"}


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print ``html_path`` to an A4 PDF at ``pdf_path`` (written atomically).

    Runs in a worker thread: Playwright's sync API refuses to start where an event loop is already running
    (a Jupyter kernel, or a caller that uses Playwright itself).

    Raises
    ------
    ReportError
        Chromium is missing or failed (Danish message naming the program).
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_print_pdf, Path(html_path), Path(pdf_path), get_settings().chromium).result()


def _print_pdf(html_path: Path, pdf_path: Path, chromium: str) -> None:
    try:
        # Optional: Playwright drives Chromium for PDFs only (the "pdf" extra); HTML reports work without it.
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ReportError(
            'PDF kræver Playwright: installér aiskole med pip install "aiskole[pdf]". HTML-rapporten virker uden.'
        ) from None
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{pdf_path.name}.", dir=pdf_path.parent)
    os.close(fd)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.pdf(path=tmp, format="A4", print_background=True, margin=MARGINS)
            finally:
                browser.close()
        os.replace(tmp, pdf_path)
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ReportError(f"PDF'en kunne ikke laves med Chromium ({chromium}): {exc}") from None
