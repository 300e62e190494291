"""The static self-study site: build time, size, and time to first widget in Chromium, cold and warm.

Not a test: it prints figures, never passes or fails on time. Beside the site it builds a baseline the same way
(same Pyodide, kernel and widget front end, but only ipywidgets: a REPL that shows one Button), so the kit's own
cost can be told from JupyterLite's.

    .venv/bin/python bench/site.py [--runs 3] [--cold-download]

Cold build: ``--cold-download`` builds once with an empty download cache (everything fetched from npm and PyPI);
otherwise "cold" is the first build in this process with the normal cache. Warm: the same build again.
Time to first widget, cold: a new browser context (empty HTTP cache) per load. Warm: the second load in the
same context (the browser's HTTP cache holds Pyodide and the wheels). Every request for another host than
127.0.0.1 is counted (and cannot resolve); it must stay 0.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from aiskole.reports.pdf import CHROMIUM_ARGS  # noqa: E402
from aiskole.site import builder as B  # noqa: E402
from aiskole.site import wheels as W  # noqa: E402
from aiskole.site.serve import start  # noqa: E402
from aiskole.testing import CHROMIUM  # noqa: E402

BASELINE_PINS = W.KERNEL_PINS + tuple(
    p for p in W.KIT_PINS if p.key in ("ipywidgets", "jupyterlab-widgets", "comm")
)
#: Chromium resolves no host name but 127.0.0.1: a request for the outside cannot get anywhere.
NO_OUTSIDE = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
BASELINE_CODE = ['import ipywidgets as w\nw.Button(description="Klik")']


def build_baseline(out: Path, cache: Path) -> float:
    """A bare JupyterLite site built like the real one: Pyodide, the kernel, ipywidgets; one Button."""
    start_time = time.perf_counter()
    B._prepare_out(out)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = [*W.fetch_wheels(cache, BASELINE_PINS).values(), *B._kernel_extension_wheels()]
        lite = Path(tmp) / "lite"
        B._lite_dir(lite, W.fetch_pyodide(cache), wheels, out)
        B._jupyterlite_build(lite, out)
    (out / B.MARKER).write_text("{}")
    return time.perf_counter() - start_time


def load(context, url: str, ready: str, paths: set[str] | None = None) -> tuple[float, int]:
    """Seconds from navigation to ``ready`` visible (in the exercise's REPL frame when there is one), and the
    bytes of every response body, the kernel worker's included (so counted on the context, not the page).
    ``paths`` collects the URL paths that were fetched."""
    fetched = [0]

    def count(request) -> None:
        with contextlib.suppress(Exception):  # a request without a body (redirect, aborted)
            size = request.sizes()["responseBodySize"]
            fetched[0] += size
            if paths is not None and size:
                paths.add(urlparse(request.url).path)

    context.on("requestfinished", count)
    page = context.new_page()
    start_time = time.perf_counter()
    page.goto(url, wait_until="commit")
    root = page.frame_locator("#ovelse") if "/ovelser/" in url else page
    expect(root.locator(ready).first).to_be_visible(timeout=240_000)
    seconds = time.perf_counter() - start_time
    page.close()
    context.remove_listener("requestfinished", count)
    return seconds, fetched[0]


def new_context(browser, outside: list[str]):
    """A context that records every request to another host than 127.0.0.1.

    Not ``context.route``: Playwright turns the HTTP cache off for a context with routing, and then a warm load
    would fetch everything again. Nothing can leave anyway: the browser resolves every other host name to
    nothing (:data:`NO_OUTSIDE`), and the tests do abort with routing.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def record(request) -> None:
        if urlparse(request.url).hostname != "127.0.0.1" and not request.url.startswith(("data:", "blob:")):
            outside.append(request.url)

    context.on("request", record)
    return context


def gzipped(root: Path, paths: set[str]) -> int:
    """What ``paths`` (fetched from the site in ``root``) would weigh from a server that gzips."""
    total = 0
    for path in paths:
        file = root / path.lstrip("/")
        if file.is_file():
            total += len(gzip.compress(file.read_bytes(), compresslevel=6))
    return total


def measure(browser, rows, runs: int, outside: list[str]) -> dict[str, dict[str, list[float]]]:
    """Cold and warm loads of every row, interleaved run by run (a busy machine then slows all rows alike)."""
    figures = {name: {"cold": [], "warm": [], "mb": [], "mb_warm": []} for name, *_rest in rows}
    for _ in range(runs):
        for name, url, ready, root in rows:
            context = new_context(browser, outside)
            paths: set[str] = set()
            seconds, fetched = load(context, url, ready, paths)
            figures[name]["gz"] = gzipped(root, paths) / 1e6
            warm, fetched_warm = load(context, url, ready)
            context.close()
            figures[name]["cold"].append(seconds)
            figures[name]["warm"].append(warm)
            figures[name]["mb"].append(fetched / 1e6)
            figures[name]["mb_warm"].append(fetched_warm / 1e6)
    return figures


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--cold-download", action="store_true", help="first build with an empty download cache"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cache = tmp / "cache" if args.cold_download else B.default_cache()
        first = B.build_site(tmp / "site", cache=cache)
        rest = [B.build_site(tmp / "site", cache=cache) for _ in range(max(args.runs - 1, 2))]
        label = "cold (empty download cache)" if args.cold_download else "first in this process"
        print(
            f"build, {label}: {first.seconds:.1f} s  "
            + ", ".join(f"{k} {v:.1f}" for k, v in first.steps.items())
        )
        warm = statistics.median(b.seconds for b in rest)
        steps = ", ".join(f"{k} {v:.1f}" for k, v in rest[-1].steps.items())
        print(f"build, warm (median of {len(rest)}): {warm:.1f} s  {steps}")
        raw, packed = B.site_size(first.out)
        base_seconds = build_baseline(tmp / "baseline", B.default_cache())
        base_raw, base_packed = B.site_size(tmp / "baseline")
        print(f"site size: {mb(raw)} raw, {mb(packed)} gzipped (file by file)")
        print(
            f"baseline (bare JupyterLite + ipywidgets, one Button): build {base_seconds:.1f} s, {mb(base_raw)} raw, {mb(base_packed)} gzipped"
        )

        outside: list[str] = []
        site_server, base_server = start(first.out), start(tmp / "baseline")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *NO_OUTSIDE]
            )
            baseline_url = base_server.url + B.repl_url(BASELINE_CODE, prepare=False).removeprefix("../")
            rows = [("baseline: Button in the REPL", baseline_url, ".widget-button", tmp / "baseline")]
            rows += [
                (e.app.title, f"{site_server.url}ovelser/{e.slug}.html", ".aiskole", first.out)
                for e in first.static
            ]
            print(
                f"\ntime to first widget, median of {args.runs}, runs interleaved "
                "(cold: new browser context; warm: second load in it)"
            )
            print(f"{'':34} {'cold':>7} {'warm':>7} {'fetched cold':>13} {'gzipped':>8} {'warm':>8}")
            figures = measure(browser, rows, args.runs, outside)
            med = statistics.median
            for name, f in figures.items():
                runs = ", ".join(f"{x:.1f}" for x in f["cold"])
                print(
                    f"{name:34} {med(f['cold']):6.1f}s {med(f['warm']):6.1f}s {med(f['mb']):10.1f} MB"
                    f" {f['gz']:5.1f} MB {med(f['mb_warm']):5.1f} MB   (cold runs: {runs})"
                )
            browser.close()
        site_server.stop()
        base_server.stop()
        print(f"\nrequests for another host than 127.0.0.1: {len(outside)}")


if __name__ == "__main__":
    main()
