"""Time from opening each app's URL to its first widget, in Chromium, at 375 px and 1280 px.

Not a test: it prints figures. The server is the same as `aiskole demo` (one preheated kernel per app).

    .venv/bin/python bench/first_widget.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from aiskole.apps import APPS
from aiskole.testing import CHROMIUM, CHROMIUM_ARGS, start_voila, stop_voila


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        server = start_voila(Path(tmp), f"sqlite:///{tmp}/data/aiskole.sqlite3")
        time.sleep(15)  # let the pools fill (one kernel per app)
        try:
            print(f"{'app':28} {'375 px (median)':>16} {'1280 px (median)':>17}")
            for app in APPS:
                row = []
                for width in (375, 1280):
                    times = []
                    for _ in range(args.runs):
                        context = browser.new_context(viewport={"width": width, "height": 800})
                        page = context.new_page()
                        start = time.perf_counter()
                        page.goto(server.url + "voila/render/" + app.notebook, wait_until="commit")
                        expect(page.locator(".aiskole").first).to_be_visible(timeout=120_000)
                        times.append(time.perf_counter() - start)
                        context.close()
                        time.sleep(1.5)  # the pool refills
                    row.append(statistics.median(times))
                print(f"{app.title:28} {row[0]:>14.2f} s {row[1]:>15.2f} s")
        finally:
            stop_voila(server)
            browser.close()


if __name__ == "__main__":
    main()
