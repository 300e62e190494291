"""Time from opening the mini-DPIA URL to the first question being visible, in Chromium.

Not a test: it prints figures. It starts the same server as `aiskole demo` (preheated pool of 1) and one
without preheating, and loads the app N times in a fresh browser context each time.

    .venv/bin/python bench/first_question.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from aiskole.testing import CHROMIUM, CHROMIUM_ARGS, start_voila, stop_voila


def measure(browser, url: str, runs: int, width: int) -> list[float]:
    times = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url + "voila/render/mini-dpia.ipynb", wait_until="commit")
        expect(page.get_by_role("radio", name="Ja").first).to_be_visible(timeout=120_000)
        times.append(time.perf_counter() - start)
        context.close()
        time.sleep(2.0)  # let the pool refill, as between two people joining
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        t0 = time.perf_counter()
        server = start_voila(Path(tmp), f"sqlite:///{tmp}/data/aiskole.sqlite3")
        print(f"server start -> HTTP ready: {time.perf_counter() - t0:.2f} s")
        time.sleep(5)  # pool warm-up
        try:
            for width in (375, 1280):
                t = measure(browser, server.url, args.runs, width)
                print(
                    f"URL -> first question, {width} px, preheated: median {statistics.median(t):.2f} s, "
                    f"max {max(t):.2f} s, runs {[round(x, 2) for x in t]}"
                )
        finally:
            stop_voila(server)
        browser.close()


if __name__ == "__main__":
    main()
