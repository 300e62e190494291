"""The ``aiskole`` command: a thin adapter that parses arguments, calls the library and prints in Danish."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from aiskole import __version__


def _err(message: str) -> None:
    print(f"Fejl: {message}", file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    from aiskole.server import serve
    from aiskole.settings import get_settings
    from aiskole.store import StoreError, open_store
    from aiskole.workshop import JOIN_APP

    settings = get_settings()
    try:
        purged = open_store(settings).purge_expired()
    except StoreError as exc:
        _err(str(exc))
        return 2
    if purged:
        print(f"Slettede {len(purged)} workshop(s), hvis opbevaringsperiode var udløbet: {', '.join(purged)}")
    url = f"http://{args.ip}:{args.port}/"
    print(f"aiskole starter demo-serveren på {url}  (stop med Ctrl+C)", flush=True)
    if not os.environ.get("AISKOLE_PUBLIC_URL"):
        if args.ip in ("0.0.0.0", "::", ""):
            print(
                "Bemærk: sæt AISKOLE_PUBLIC_URL til bærbarens adresse på netværket (fx http://192.168.1.20:"
                f"{args.port}/), så linket og QR-koden virker på telefonerne.",
                flush=True,
            )
        else:
            # The join links and QR codes (made in the server's kernels, which inherit this) use this server.
            os.environ["AISKOLE_PUBLIC_URL"] = url
    public_url = os.environ.get("AISKOLE_PUBLIC_URL") or settings.public_url
    if args.participants:
        # measured by bench/room.py: ~29 s for 40 participants on a 2-core laptop
        print(
            f"Forvarmer {args.participants} kerner til deltagerne – det tager op til ca. "
            f"{max(5, round(args.participants * 0.75))} sekunder …",
            flush=True,
        )

    def ready() -> None:
        join = public_url.rstrip("/") + "/voila/render/" + JOIN_APP
        print(f"Rummet er klar. Forside: {url}", flush=True)
        print(f"Deltagerne går ind på: {join}  (koden vises på præsentationsskærmen)", flush=True)

    serve(
        port=args.port,
        ip=args.ip,
        pool_size=args.pool_size,
        open_browser=args.open,
        participants=args.participants,
        on_ready=ready,
    )
    return 0


def _store_or_fail():
    from aiskole.store import StoreError, open_store

    try:
        return open_store()
    except StoreError as exc:
        _err(str(exc))
        raise SystemExit(2) from None


def _workshop_or_fail(store, code: str):
    from aiskole.workshop import normalise_code

    try:
        code = normalise_code(code)
    except ValueError as exc:
        _err(str(exc))
        raise SystemExit(2) from None
    found = store.get_workshop(code)
    if found is None:
        _err(f"Der findes ingen workshop med koden {code}.")
        raise SystemExit(2)
    return found


def cmd_workshop_new(args: argparse.Namespace) -> int:
    import segno

    from aiskole.settings import get_settings
    from aiskole.workshop import join_url

    settings = get_settings()
    store = _store_or_fail()
    try:
        created = store.create_workshop(
            args.title, retention_days=args.retention_days or settings.retention_days
        )
    except ValueError as exc:
        _err(str(exc))
        return 2
    url = join_url(args.base_url or settings.public_url, created.code)
    print(f"Workshop oprettet: {created.title}")
    print(f"Kode:  {created.code}")
    print(f"Link:  {url}")
    print(f"Data slettes automatisk efter {created.expires_at.astimezone():%d.%m.%Y}.")
    if not args.no_qr:
        segno.make(url, error="m").terminal(compact=True)
    return 0


def cmd_workshop_list(_args: argparse.Namespace) -> int:
    store = _store_or_fail()
    rows = store.list_workshops()
    if not rows:
        print("Der er ingen workshops.")
    for w in rows:
        status = "åben" if w.is_open else "lukket"
        print(
            f"{w.code}  {w.created_at.astimezone():%d.%m.%Y}  {status:6}  slettes {w.expires_at.astimezone():%d.%m.%Y}  {w.title}"
        )
    return 0


def cmd_workshop_close(args: argparse.Namespace) -> int:
    store = _store_or_fail()
    found = _workshop_or_fail(store, args.code)
    store.close_workshop(found.code)
    print(f"Workshop {found.code} er lukket. Koden virker ikke længere.")
    return 0


def cmd_data_export(args: argparse.Namespace) -> int:
    from aiskole.exports import export_workshop
    from aiskole.reports import write_atomically

    store = _store_or_fail()
    found = _workshop_or_fail(store, args.workshop)
    fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
    if fmt not in ("csv", "json"):
        _err("Vælg --format csv eller json (eller en fil, der ender på .csv eller .json).")
        return 2
    text, count = export_workshop(store, found, fmt)
    write_atomically(Path(args.out), text)
    print(f"Eksporterede {count} svar fra workshop {found.code} til {args.out}.")
    return 0


def cmd_data_delete(args: argparse.Namespace) -> int:
    store = _store_or_fail()
    found = _workshop_or_fail(store, args.workshop)
    count = len(store.list_submissions(workshop_code=found.code))
    if not args.yes:
        print(f"Du er ved at slette workshop {found.code} ({found.title}) og alle {count} svar for altid.")
        try:
            typed = input("Skriv koden igen for at bekræfte: ")
        except EOFError:
            typed = ""
        if typed.strip().upper() != found.code:
            _err("Koden passede ikke. Intet er slettet.")
            return 2
    gone = store.delete_workshop_data(found.code)
    print(f"Slettet: workshop {found.code} og {gone} svar.")
    return 0


def cmd_data_purge(_args: argparse.Namespace) -> int:
    store = _store_or_fail()
    codes = store.purge_expired()
    print(
        f"Slettede {len(codes)} workshop(s), hvis opbevaringsperiode var udløbet."
        + (f" ({', '.join(codes)})" if codes else "")
    )
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    from jupyterlab.labapp import LabApp

    from aiskole.settings import PACKAGE_DIR

    lessons = PACKAGE_DIR.parent / "lessons"
    if not lessons.is_dir():
        lessons = PACKAGE_DIR / "_lessons"
    argv = [f"--ServerApp.root_dir={lessons}", f"--port={args.port}", "--ServerApp.ip=127.0.0.1"]
    if not args.open:
        argv.append("--no-browser")
    LabApp.launch_instance(argv=argv)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from aiskole.reports import ReportError, dpia_report

    try:
        result = dpia_report(args.submission, Path(args.out), database_url=args.database_url)
    except ReportError as exc:
        _err(str(exc))
        return 2
    print(f"Screeningsnotatet er skrevet til {args.out} (vurdering: {result['verdict']}).")
    return 0


#: The template parameter that carries the workshop (or pilot) code, per report kind.
CODE_PARAM = {"workshop": "code", "pilot": "code", "literacy": "code"}


def _date(text: str, flag: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _err(f"{flag} skal være en dato som 2026-11-27 – ikke {text!r}.")
        raise SystemExit(2) from None


def cmd_report_batch(args: argparse.Namespace) -> int:
    from aiskole.reports import Job, ReportError, parse_formats, run_batch
    from aiskole.store import normalise_workshop_code

    try:
        formats = parse_formats(args.format)
    except ReportError as exc:
        _err(str(exc))
        return 2
    jobs: list[Job] = []
    if args.kind == "cohort":
        start, end = _date(args.start, "--from"), _date(args.end, "--to")
        if start > end:
            _err("Perioden er forkert: --from ligger efter --to.")
            return 2
        departments = [args.department]
        if args.per_department:
            store = _store_or_fail()
            departments = sorted(
                {
                    w.department
                    for w in store.list_workshops()
                    if w.department and start <= w.created_at.date() <= end
                }
            )
            if not departments:
                _err("Der er ingen workshops med en afdeling i perioden. Ingen rapport er skrevet.")
                return 2
        for department in departments:
            suffix = f"-{_slug(department)}" if department else ""
            jobs.append(
                Job(
                    "cohort",
                    {
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "department": department,
                        "database_url": args.database_url,
                    },
                    f"kohorte-{start}-{end}{suffix}",
                )
            )
    else:
        try:
            codes = [normalise_workshop_code(c) for c in args.workshop or [] if c.strip()]
        except ValueError as exc:
            _err(str(exc))
            return 2
        if args.all:
            codes += [w.code for w in _store_or_fail().list_workshops()]
        if not codes:
            _err("Angiv --workshop KODE (gerne flere) eller --all.")
            return 2
        names = {"workshop": "workshop", "pilot": "pilot", "literacy": "ai-faerdigheder"}
        for code in dict.fromkeys(codes):
            jobs.append(
                Job(
                    args.kind,
                    {CODE_PARAM[args.kind]: code, "database_url": args.database_url},
                    f"{names[args.kind]}-{code}",
                )
            )
    outcomes = run_batch(jobs, Path(args.out), formats, workers=args.workers, progress=not args.no_progress)
    failed = [o for o in outcomes if not o.ok]
    for outcome in outcomes:
        if outcome.ok:
            print("Skrevet: " + ", ".join(str(p) for p in outcome.paths))
        else:
            _err(f"{outcome.job.name}: {outcome.error}")
    if failed:
        _err(
            f"{len(failed)} af {len(outcomes)} rapporter kunne ikke laves (se ovenfor). De andre er skrevet."
        )
        return 2
    return 0


def _slug(text: str) -> str:
    import re
    import unicodedata

    lower = text.lower()  # before the Danish letters, so "Ældre" becomes "aeldre", not "ldre"
    decomposed = unicodedata.normalize("NFKD", lower.replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))  # "é" -> "e"
    return re.sub(r"[^a-z0-9]+", "-", letters).strip("-")  # anything else ("–", "&") separates words


def cmd_data_demo(args: argparse.Namespace) -> int:
    from aiskole.demo_data import generate

    store = _store_or_fail()
    made = generate(store, seed=args.seed)
    print("Syntetiske demodata er lavet (markeret [SYNTETISK] overalt – det er ikke rigtige svar).")
    print(f"Workshops: {', '.join(made.codes)}")
    print(f"Pilot: {made.pilot_code} · periode {made.start} til {made.end}")
    print("Prøv fx:")
    print(f"  aiskole report workshop --workshop {made.codes[-1]} --out rapporter --format html,pdf")
    print(f"  aiskole report cohort --from {made.start} --to {made.end} --per-department --out rapporter")
    print(f"  aiskole report pilot --workshop {made.pilot_code} --out rapporter")
    print("  aiskole report literacy --all --out rapporter")
    return 0


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from aiskole.settings import get_settings
    from aiskole.store import StoreError, open_store

    try:
        store = open_store()
    except StoreError as exc:
        _err(str(exc))
        return 2
    print(
        f"Databasen er opdateret ({store.backend}): {get_settings().data_dir if store.backend == 'sqlite' else ''}"
    )
    return 0


def cmd_site_build(args: argparse.Namespace) -> int:
    try:
        from aiskole.site.builder import build_site, site_size
        from aiskole.site.wheels import SiteBuildError
    except ImportError as exc:
        _err(f"Den statiske side kræver ekstra pakker ({exc.name}): pip install -e '.[site]'")
        return 2
    try:
        result = build_site(
            Path(args.out),
            cache=Path(args.cache) if args.cache else None,
            server_url=args.server_url,
            progress=lambda line: print(line, flush=True),
        )
    except SiteBuildError as exc:
        _err(str(exc))
        return 2
    raw, packed = site_size(result.out)
    print(
        f"Siden er bygget i {result.out} på {result.seconds:.0f} s: {raw / 1e6:.0f} MB "
        f"({packed / 1e6:.0f} MB komprimeret), {len(result.static)} øvelser i browseren og "
        f"{len(result.lessons)} lektioner."
    )
    print(f"Prøv den på denne maskine: aiskole site serve {args.out}")
    return 0


def cmd_site_serve(args: argparse.Namespace) -> int:
    import time

    from aiskole.site.serve import start

    if not (Path(args.dir) / "index.html").is_file():
        _err(f"{args.dir} er ikke en bygget side (byg den med: aiskole site build {args.dir}).")
        return 2
    server = start(Path(args.dir), port=args.port)
    print(f"Den statiske side kører på {server.url}  (stop med Ctrl+C)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


class _DanishParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own messages are English; say it in Danish first
        self.print_usage(sys.stderr)
        _err(f"ugyldige argumenter ({message}). Se 'aiskole --help'.")
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _DanishParser(prog="aiskole", description="aiskole – læringskit for kommunernes AI-champions.")
    parser.add_argument("--version", action="version", version=f"aiskole {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_DanishParser)

    demo = sub.add_parser("demo", help="start lunch-demo-serveren (Voilà) med øvelserne")
    demo.add_argument("--port", type=int, default=8866, help="port (standard 8866)")
    demo.add_argument(
        "--ip", default="127.0.0.1", help="adresse (standard 127.0.0.1; 0.0.0.0 for hele netværket)"
    )
    demo.add_argument("--pool-size", type=int, default=1, help="forvarmede kerner pr. app (standard 1)")
    demo.add_argument(
        "--participants",
        type=int,
        default=0,
        help="antal deltagere i rummet: så mange kerner forvarmes til deltagersiden",
    )
    demo.add_argument("--open", action="store_true", help="åbn browseren")
    demo.set_defaults(func=cmd_demo)

    lab = sub.add_parser("lab", help="åbn JupyterLab på lektionerne")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--open", action="store_true", help="åbn browseren")
    lab.set_defaults(func=cmd_lab)

    report = sub.add_parser("report", help="lav en rapport")
    kinds = report.add_subparsers(dest="kind", required=True, parser_class=_DanishParser)
    dpia = kinds.add_parser("dpia", help="DPIA-screeningsnotat for en gemt mini-DPIA")
    dpia.add_argument("--submission", required=True, help="screeningens nummer (vises, når den gemmes)")
    dpia.add_argument("--out", required=True, help="HTML-fil, der skal skrives")
    dpia.add_argument("--database-url", default=None, help="anden database end standard (SQLAlchemy-URL)")
    dpia.set_defaults(func=cmd_report)

    workshop = sub.add_parser("workshop", help="live-workshops")
    wsub = workshop.add_subparsers(dest="action", required=True, parser_class=_DanishParser)
    new = wsub.add_parser("new", help="opret en workshop og få kode, link og QR-kode")
    new.add_argument("title", help='titel, fx "Frokostdemo, Teknik og Miljø"')
    new.add_argument("--retention-days", type=int, default=None, help="dage før data slettes (standard 90)")
    new.add_argument(
        "--department", default=None, help="afdelingen, workshoppen er for (bruges i kohorterapporter)"
    )
    new.add_argument("--base-url", default=None, help="serverens adresse set fra telefonerne")
    new.add_argument("--no-qr", action="store_true", help="vis ikke QR-koden i terminalen")
    new.set_defaults(func=cmd_workshop_new)
    wsub.add_parser("list", help="vis alle workshops").set_defaults(func=cmd_workshop_list)
    close = wsub.add_parser("close", help="luk en workshop")
    close.add_argument("code")
    close.set_defaults(func=cmd_workshop_close)

    data = sub.add_parser("data", help="eksport og sletning af data")
    dsub = data.add_subparsers(dest="action", required=True, parser_class=_DanishParser)
    export = dsub.add_parser("export", help="eksportér en workshops svar som CSV eller JSON")
    export.add_argument("--workshop", required=True)
    export.add_argument("--out", required=True)
    export.add_argument("--format", choices=["csv", "json"], default=None)
    export.set_defaults(func=cmd_data_export)
    delete = dsub.add_parser("delete", help="slet en workshop og alle dens svar")
    delete.add_argument("--workshop", required=True)
    delete.add_argument("--yes", action="store_true", help="spring bekræftelsen over")
    delete.set_defaults(func=cmd_data_delete)
    demo_data = dsub.add_parser("demo", help="lav syntetiske demodata, så alle rapporter kan prøves")
    demo_data.add_argument("--seed", type=int, default=42)
    demo_data.set_defaults(func=cmd_data_demo)
    dsub.add_parser("purge", help="slet workshops, hvis opbevaringsperiode er udløbet").set_defaults(
        func=cmd_data_purge
    )

    def batch_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", required=True, help="mappe, rapporterne skrives i")
        p.add_argument("--format", default="html", help="html, pdf eller html,pdf (standard html)")
        p.add_argument(
            "--workers", type=int, default=None, help="antal processer (standard: to pr. kerne, højst 8)"
        )
        p.add_argument("--no-progress", action="store_true", help="ingen fremdriftslinje")
        p.add_argument("--database-url", default=None, help="anden database end standard (SQLAlchemy-URL)")
        p.set_defaults(func=cmd_report_batch)

    for kind, text in (
        ("workshop", "workshoprapport"),
        ("pilot", "pilotrapport (use case)"),
        ("literacy", "AI-færdigheder (AI-forordningens art. 4) og deltagerbevis"),
    ):
        p = kinds.add_parser(kind, help=text)
        p.add_argument("--workshop", action="append", help="kode (kan gentages for flere rapporter)")
        p.add_argument("--all", action="store_true", help="én rapport pr. workshop")
        batch_options(p)
    cohort = kinds.add_parser("cohort", help="kohorterapport over en periode")
    cohort.add_argument("--from", dest="start", required=True, help="første dato, fx 2026-09-01")
    cohort.add_argument("--to", dest="end", required=True, help="sidste dato, fx 2026-11-30")
    cohort.add_argument("--department", default=None, help="kun én afdeling")
    cohort.add_argument("--per-department", action="store_true", help="én rapport pr. afdeling")
    batch_options(cohort)

    site = sub.add_parser("site", help="den statiske side til selvstudium (JupyterLite, ingen server)")
    site_sub = site.add_subparsers(dest="action", required=True, parser_class=_DanishParser)
    site_build = site_sub.add_parser(
        "build", help="byg siden med lektionerne og øvelserne, der kan køre i browseren"
    )
    site_build.add_argument("out", help="mappen, siden skrives i (en tidligere aiskole-side dér erstattes)")
    site_build.add_argument(
        "--server-url", default=None, help="kittets server, som siden linker til for de øvrige øvelser"
    )
    site_build.add_argument(
        "--cache", default=None, help="mappe til hentede pakker (standard ~/.cache/aiskole/site)"
    )
    site_build.set_defaults(func=cmd_site_build)
    site_serve = site_sub.add_parser("serve", help="vis en bygget side på denne maskine (127.0.0.1)")
    site_serve.add_argument("dir", help="mappen med den byggede side")
    site_serve.add_argument("--port", type=int, default=8000, help="port (standard 8000)")
    site_serve.set_defaults(func=cmd_site_serve)

    db = sub.add_parser("db", help="databasen")
    db_sub = db.add_subparsers(dest="action", required=True, parser_class=_DanishParser)
    up = db_sub.add_parser("upgrade", help="opret eller opgradér databasen")
    up.set_defaults(func=cmd_db_upgrade)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
