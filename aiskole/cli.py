"""The ``aiskole`` command: a thin adapter that parses arguments, calls the library and prints in Danish.

Every decision (which reports to make, which dates a period covers, what a default is) is the library's; a
command only turns options into a call and the result into lines of Danish text. Errors the user can cause
are printed as ``Fejl: …`` with exit code 2, never as a traceback.

The report and server commands import their subsystem when they run: papermill alone takes ~3.4 s to import
and Voilà ~1 s (tech brief §3), which ``aiskole workshop list`` or ``aiskole --help`` should not wait for.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import segno

from aiskole import __version__, l10n
from aiskole.content import copy_content
from aiskole.errors import StoreError
from aiskole.exports import export_format, export_workshop, find_code
from aiskole.files import write_atomically
from aiskole.network import lan_address
from aiskole.resources import is_checkout, lessons_dir
from aiskole.room.kernels import default_cap
from aiskole.room.security import new_key
from aiskole.settings import get_settings
from aiskole.store import Store, Workshop, open_store
from aiskole.workshop import display_url, join_url, normalise_code

#: Where `aiskole content` (and `aiskole lab` from an installed kit) puts the learner's copy of lessons and apps.
DEFAULT_CONTENT_DIR = "~/aiskole"


class CommandError(Exception):
    """Stop the command with this Danish message (exit code 2)."""


def _err(message: str) -> None:
    print(f"Fejl: {message}", file=sys.stderr)


# --- argparse in Danish ---------------------------------------------------------------------------------

#: argparse's own error messages, in Danish (the rest of its words are set on each parser below).
_MESSAGES = (
    (r"the following arguments are required: (.*)", r"disse argumenter mangler: \1"),
    (
        r"argument (.*): invalid choice: (.*) \(choose from (.*)\)",
        r"argument \1: ugyldigt valg: \2 (vælg mellem \3)",
    ),
    (r"argument (.*): invalid int value: (.*)", r"argument \1: ikke et helt tal: \2"),
    (r"argument (.*): expected one argument", r"argument \1: mangler en værdi"),
    (r"unrecognized arguments: (.*)", r"ukendte argumenter: \1"),
    (r"argument (.*): not allowed with argument (.*)", r"argument \1: kan ikke bruges sammen med \2"),
)


def danish_message(message: str) -> str:
    """An argparse error message in Danish (unknown messages are kept as they are)."""
    for pattern, replacement in _MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "Brug: " if prefix is None else prefix)


class DanishParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Danish: "Brug:", "argumenter", "valgmuligheder", its error messages."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "valgmuligheder"
        self.add_argument("-h", "--help", action="help", help="vis denne hjælp og stop")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        _err(f"{danish_message(message)}. Se 'aiskole --help'.")
        sys.exit(2)


# --- helpers --------------------------------------------------------------------------------------------


def _store() -> Store:
    try:
        return open_store()
    except StoreError as exc:
        raise CommandError(str(exc)) from None


def _workshop(store: Store, code: str) -> Workshop:
    """A live workshop by its 6-character code."""
    try:
        code = normalise_code(code)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    found = store.get_workshop(code)
    if found is None or found.is_pilot:
        raise CommandError(f"Der findes ingen workshop med koden {code}.")
    return found


def _what(found: Workshop) -> str:
    return "pilot" if found.is_pilot else "workshop"


# --- commands -------------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from aiskole.server import serve  # Voilà and Jupyter Server: ~1 s to import

    settings = get_settings()
    try:
        purged = open_store(settings).purge_expired()
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    if purged:
        print(f"Slettede {len(purged)} workshop(s) og pilot(er), hvis opbevaringsperiode var udløbet.")
    url = f"http://{args.ip}:{args.port}/"
    print(f"aiskole starter demo-serveren på {url}  (stop med Ctrl+C)", flush=True)
    if not os.environ.get("AISKOLE_PUBLIC_URL"):
        if args.ip in ("0.0.0.0", "::", ""):
            address = lan_address()
            if address:
                os.environ["AISKOLE_PUBLIC_URL"] = f"http://{address}:{args.port}/"
                print(
                    f"Telefonerne bruger bærbarens adresse på netværket: http://{address}:{args.port}/ "
                    "(passer den ikke, så sæt AISKOLE_PUBLIC_URL).",
                    flush=True,
                )
            else:
                print(
                    "Bemærk: sæt AISKOLE_PUBLIC_URL til bærbarens adresse på netværket (fx http://192.168.1.20:"
                    f"{args.port}/), så linket og QR-koden virker på telefonerne.",
                    flush=True,
                )
        else:
            # The join links and QR codes (made in the presenter's kernel, which inherits this) use this server.
            os.environ["AISKOLE_PUBLIC_URL"] = url
    public_url = os.environ.get("AISKOLE_PUBLIC_URL") or settings.public_url
    settings = get_settings()
    key = settings.facilitator_key or new_key()
    cap = args.max_kernels or settings.max_kernels or default_cap()

    def ready() -> None:
        print(f"Rummet er klar. Forside: {url}", flush=True)
        print(f"Deltagerne går ind på: {join_url(public_url)}  (koden vises på skærmen)", flush=True)
        print(f"Oplægsholdernøgle: {key}", flush=True)
        print(
            "  På denne computer er du oplægsholder uden nøgle. Fra en anden computer: åbn "
            f"{public_url.rstrip('/')}/oplaegsholder?noegle={key}",
            flush=True,
        )
        print(f"Højst {cap} kerner til apps og lektioner ad gangen (--max-kernels).", flush=True)

    serve(
        port=args.port,
        ip=args.ip,
        open_browser=args.open,
        settings=settings,
        key=key,
        max_kernels=cap,
        on_ready=ready,
    )
    return 0


def cmd_content(args: argparse.Namespace) -> int:
    result = copy_content(Path(args.dest).expanduser())
    print(result.summary())
    for rel in result.kept:
        print(f"  Beholdt din udgave: {rel}")
    for rel in result.new_versions:
        print(f"  Kittets nye udgave: {rel}")
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    from jupyterlab.labapp import LabApp  # JupyterLab: ~1 s to import

    lessons = lessons_dir()
    if not is_checkout():
        # an installed kit: the lessons inside site-packages are not the learner's to edit, so work on a copy
        result = copy_content(Path(DEFAULT_CONTENT_DIR).expanduser())
        print(result.summary(), flush=True)
        lessons = result.dest / "lektioner"
    # JupyterLab in Danish, without news or update checks: the package's overrides.d settings file and server
    # extension (aiskole/jupyter_extension.py) do that for every Jupyter server, this one included.
    argv = [f"--ServerApp.root_dir={lessons}", f"--port={args.port}", "--ServerApp.ip=127.0.0.1"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append(
            "--allow-root"
        )  # containers and CI run as root; Jupyter refuses to start there without it
    if not args.open:
        argv.append("--no-browser")
    LabApp.launch_instance(argv=argv)
    return 0


def cmd_workshop_new(args: argparse.Namespace) -> int:
    settings = get_settings()
    store = _store()
    created = store.create_workshop(
        args.title, retention_days=args.retention_days or settings.retention_days, department=args.department
    )
    base = args.base_url or settings.public_url
    url = join_url(base, created.code)
    print(f"Workshop oprettet: {created.title}")
    if created.department:
        print(f"Afdeling: {created.department}")
    print(f"Kode:  {created.code}")
    print(f"Link:  {url}")
    print(
        f"Skærm: {display_url(base, created.display_token)}  (til projektoren; del den ikke med deltagerne)"
    )
    print(f"Data slettes automatisk efter {l10n.date_short(created.expires_at)}.")
    if not args.no_qr:
        segno.make(url, error="m").terminal(compact=True)
    return 0


def _list(kind: str, none: str) -> int:
    rows = _store().list_workshops(kind=kind)
    if not rows:
        print(none)
    width = max((len(w.code) for w in rows), default=6)
    for w in rows:
        status = "åben" if w.is_open else "lukket"
        department = f"  ({w.department})" if w.department else ""
        print(
            f"{w.code:{width}}  {l10n.date_short(w.created_at)}  {status:6}  "
            f"slettes {l10n.date_short(w.expires_at)}  {w.title}{department}"
        )
    return 0


def cmd_workshop_list(_args: argparse.Namespace) -> int:
    return _list("workshop", "Der er ingen workshops.")


def cmd_workshop_close(args: argparse.Namespace) -> int:
    store = _store()
    found = _workshop(store, args.code)
    store.close_workshop(found.code)
    print(f"Workshop {found.code} er lukket. Koden virker ikke længere.")
    return 0


def cmd_pilot_new(args: argparse.Namespace) -> int:
    settings = get_settings()
    created = _store().create_pilot(
        args.title,
        code=args.code,
        retention_days=args.retention_days or settings.retention_days,
        department=args.department,
    )
    print(f"Pilot oprettet: {created.title}")
    print(
        f"Kode:  {created.code}  (skriv den i feltet «Kode» i use-case-canvas, risikokort, mini-DPIA og gevinst)"
    )
    print(f"Rapport: aiskole report pilot --workshop {created.code} --out rapporter")
    print(f"Data slettes automatisk efter {l10n.date_short(created.expires_at)}.")
    return 0


def cmd_pilot_list(_args: argparse.Namespace) -> int:
    return _list("pilot", "Der er ingen piloter.")


def cmd_pilot_close(args: argparse.Namespace) -> int:
    store = _store()
    found = find_code(store, args.code)
    if not found.is_pilot:
        raise CommandError(f"{found.code} er en workshop, ikke en pilot: brug 'aiskole workshop close'.")
    store.close_workshop(found.code)
    print(f"Pilot {found.code} er lukket. Der kan ikke gemmes flere svar under koden.")
    return 0


def cmd_data_export(args: argparse.Namespace) -> int:
    store = _store()
    fmt = export_format(args.format, Path(args.out))
    found, text, count = export_workshop(store, args.workshop, fmt)
    write_atomically(Path(args.out), text)
    print(f"Eksporterede {count} svar fra {_what(found)} {found.code} til {args.out}.")
    return 0


def cmd_data_delete(args: argparse.Namespace) -> int:
    store = _store()
    found = find_code(store, args.workshop)
    count = len(store.list_submissions(workshop_code=found.code))
    what = _what(found)
    if not args.yes:
        print(f"Du er ved at slette {what} {found.code} ({found.title}) og alle {count} svar for altid.")
        try:
            typed = input("Skriv koden igen for at bekræfte: ")
        except EOFError:
            typed = ""
        if typed.strip().upper() != found.code:
            raise CommandError("Koden passede ikke. Intet er slettet.")
    gone = store.delete_workshop_data(found.code)
    print(f"Slettet: {what} {found.code} og {gone} svar.")
    return 0


def cmd_data_purge(_args: argparse.Namespace) -> int:
    codes = _store().purge_expired()
    listed = f" ({', '.join(codes)})" if codes else ""
    print(f"Slettede {len(codes)} workshop(s) og pilot(er), hvis opbevaringsperiode var udløbet.{listed}")
    return 0


def cmd_data_demo(args: argparse.Namespace) -> int:
    from aiskole.demo_data import generate  # every exercise's dataset model: ~0.2 s, only for this command

    made = generate(_store(), seed=args.seed)
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
    store = _store()
    where = f": {get_settings().data_dir}" if store.backend == "sqlite" else ""
    print(f"Databasen er opdateret ({store.backend}){where}")
    return 0


def cmd_report_dpia(args: argparse.Namespace) -> int:
    from aiskole.reports.batch import dpia_report  # papermill: ~3.4 s to import

    result = dpia_report(args.submission, Path(args.out), database_url=args.database_url)
    print(f"Notatet er skrevet til {args.out} (vurdering: {result['verdict']}).")
    return 0


def cmd_site_build(args: argparse.Namespace) -> int:
    try:  # the [site] extra (jupyterlite, nbconvert, nbclient): ~3.0 s to import, and optional
        from aiskole.site.builder import build_site, site_size
        from aiskole.site.wheels import SiteBuildError
    except ImportError as exc:
        raise CommandError(
            f"Den statiske side kræver ekstra pakker ({exc.name}): pip install -e '.[site]'"
        ) from None
    try:
        result = build_site(
            Path(args.out),
            cache=Path(args.cache) if args.cache else None,
            server_url=args.server_url,
            progress=lambda line: print(line, flush=True),
        )
    except SiteBuildError as exc:
        raise CommandError(str(exc)) from None
    raw, packed = site_size(result.out)
    print(
        f"Siden er bygget i {result.out} på {result.seconds:.0f} s: {raw / 1e6:.0f} MB "
        f"({packed / 1e6:.0f} MB komprimeret), {len(result.static)} øvelser i browseren og "
        f"{len(result.lessons)} lektioner."
    )
    print(f"Prøv den på denne maskine: aiskole site serve {args.out}")
    return 0


def cmd_site_serve(args: argparse.Namespace) -> int:
    from aiskole.site.serve import start  # http.server and friends: ~0.2 s, only for this command

    if not (Path(args.dir) / "index.html").is_file():
        raise CommandError(f"{args.dir} er ikke en bygget side (byg den med: aiskole site build {args.dir}).")
    server = start(Path(args.dir), port=args.port)
    print(f"Den statiske side kører på {server.url}  (stop med Ctrl+C)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


def cmd_report_batch(args: argparse.Namespace) -> int:
    from aiskole.reports import batch  # papermill: ~3.4 s to import
    from aiskole.reports.runner import parse_formats  # (the same import)

    formats = parse_formats(args.format)
    if args.kind == "cohort":
        jobs = batch.plan_cohort_jobs(
            args.start,
            args.end,
            department=args.department,
            per_department=args.per_department,
            store=_store() if args.per_department else None,
            database_url=args.database_url,
        )
    else:
        jobs = batch.plan_workshop_jobs(
            args.kind,
            args.workshop or [],
            store=_store() if args.all else None,
            every_workshop=args.all,
            database_url=args.database_url,
        )
    outcomes = batch.run_batch(
        jobs, Path(args.out), formats, workers=args.workers, progress=not args.no_progress
    )
    for outcome in outcomes:
        if outcome.ok:
            print("Skrevet: " + ", ".join(str(p) for p in outcome.paths))
        else:
            _err(f"{outcome.job.name}: {outcome.error}")
    failed = sum(not o.ok for o in outcomes)
    if failed:
        raise CommandError(
            f"{failed} af {len(outcomes)} rapporter kunne ikke laves (se ovenfor). De andre er skrevet."
        )
    return 0


# --- the parser -----------------------------------------------------------------------------------------


def _subparsers(parser: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction:
    return parser.add_subparsers(
        dest=dest, required=True, parser_class=DanishParser, title="kommandoer", metavar="KOMMANDO"
    )


def _demo_parsers(sub) -> None:
    demo = sub.add_parser("demo", help="start demo-serveren (Voilà) med øvelserne")
    demo.add_argument("--port", type=int, default=8866, metavar="PORT", help="port (standard 8866)")
    demo.add_argument(
        "--ip",
        default="127.0.0.1",
        metavar="IP",
        help="adresse (standard 127.0.0.1; 0.0.0.0 for hele netværket)",
    )
    demo.add_argument(
        "--max-kernels",
        type=int,
        default=None,
        metavar="ANTAL",
        help="højst så mange kerner til apps og lektioner ad gangen (standard: efter hukommelsen)",
    )
    demo.add_argument("--open", action="store_true", help="åbn browseren")
    demo.set_defaults(func=cmd_demo)
    lab = sub.add_parser("lab", help="åbn JupyterLab på lektionerne")
    lab.add_argument("--port", type=int, default=8888, metavar="PORT", help="port (standard 8888)")
    lab.add_argument("--open", action="store_true", help="åbn browseren")
    lab.set_defaults(func=cmd_lab)
    content = sub.add_parser(
        "content",
        help="kopiér lektionerne og apps til din egen mappe, fx på en JupyterHub (dine ændringer bevares)",
    )
    content.add_argument(
        "dest",
        nargs="?",
        default=DEFAULT_CONTENT_DIR,
        metavar="MAPPE",
        help=f"mappen (standard {DEFAULT_CONTENT_DIR})",
    )
    content.set_defaults(func=cmd_content)


def _workshop_parsers(sub) -> None:
    workshop = sub.add_parser("workshop", help="live-workshops")
    wsub = _subparsers(workshop, "action")
    new = wsub.add_parser("new", help="opret en workshop og få kode, link og QR-kode")
    new.add_argument("title", metavar="TITEL", help='titel, fx "Frokostdemo, Teknik og Miljø"')
    new.add_argument(
        "--retention-days", type=int, default=None, metavar="DAGE", help="dage før data slettes (standard 90)"
    )
    new.add_argument(
        "--department",
        default=None,
        metavar="AFDELING",
        help="afdelingen, workshoppen er for (kohorterapporter)",
    )
    new.add_argument("--base-url", default=None, metavar="URL", help="serverens adresse set fra telefonerne")
    new.add_argument("--no-qr", action="store_true", help="vis ikke QR-koden i terminalen")
    new.set_defaults(func=cmd_workshop_new)
    wsub.add_parser("list", help="vis alle workshops").set_defaults(func=cmd_workshop_list)
    close = wsub.add_parser("close", help="luk en workshop")
    close.add_argument("code", metavar="KODE", help="workshoppens kode")
    close.set_defaults(func=cmd_workshop_close)


def _pilot_parsers(sub) -> None:
    pilot = sub.add_parser(
        "pilot", help="piloter: en kode, der samler et pilotteams øvelser til pilotrapporten"
    )
    psub = _subparsers(pilot, "action")
    new = psub.add_parser("new", help="opret en pilot og få dens kode")
    new.add_argument("title", metavar="TITEL", help='titel, fx "Byggesagsbehandling med AI"')
    new.add_argument("--code", default=None, metavar="KODE", help="egen kode, 3-16 tegn, fx TEK-24")
    new.add_argument(
        "--retention-days", type=int, default=None, metavar="DAGE", help="dage før data slettes (standard 90)"
    )
    new.add_argument("--department", default=None, metavar="AFDELING", help="afdelingen, piloten hører til")
    new.set_defaults(func=cmd_pilot_new)
    psub.add_parser("list", help="vis alle piloter").set_defaults(func=cmd_pilot_list)
    close = psub.add_parser("close", help="luk en pilot")
    close.add_argument("code", metavar="KODE", help="pilotens kode")
    close.set_defaults(func=cmd_pilot_close)


def _data_parsers(sub) -> None:
    data = sub.add_parser("data", help="eksport og sletning af data")
    dsub = _subparsers(data, "action")
    export = dsub.add_parser("export", help="eksportér en workshops eller pilots svar som CSV eller JSON")
    export.add_argument("--workshop", required=True, metavar="KODE", help="workshoppens eller pilotens kode")
    export.add_argument("--out", required=True, metavar="FIL", help="filen, der skal skrives")
    export.add_argument(
        "--format", choices=["csv", "json"], default=None, help="csv eller json (standard: filens endelse)"
    )
    export.set_defaults(func=cmd_data_export)
    delete = dsub.add_parser("delete", help="slet en workshop eller pilot og alle dens svar")
    delete.add_argument("--workshop", required=True, metavar="KODE", help="workshoppens eller pilotens kode")
    delete.add_argument("--yes", action="store_true", help="spring bekræftelsen over")
    delete.set_defaults(func=cmd_data_delete)
    demo_data = dsub.add_parser("demo", help="lav syntetiske demodata, så alle rapporter kan prøves")
    demo_data.add_argument(
        "--seed", type=int, default=42, metavar="TAL", help="startværdi for tilfældige tal (standard 42)"
    )
    demo_data.set_defaults(func=cmd_data_demo)
    dsub.add_parser("purge", help="slet alt, hvis opbevaringsperiode er udløbet").set_defaults(
        func=cmd_data_purge
    )
    db = sub.add_parser("db", help="databasen")
    db_sub = _subparsers(db, "action")
    db_sub.add_parser("upgrade", help="opret eller opgradér databasen").set_defaults(func=cmd_db_upgrade)


def _batch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="MAPPE", help="mappe, rapporterne skrives i")
    p.add_argument(
        "--format", default="html", metavar="FORMAT", help="html, pdf eller html,pdf (standard html)"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="ANTAL",
        help="antal processer (standard: to pr. kerne, højst 8)",
    )
    p.add_argument("--no-progress", action="store_true", help="ingen fremdriftslinje")
    p.add_argument(
        "--database-url", default=None, metavar="URL", help="anden database end standard (SQLAlchemy-URL)"
    )
    p.set_defaults(func=cmd_report_batch)


def _report_parsers(sub) -> None:
    report = sub.add_parser("report", help="lav en rapport")
    kinds = _subparsers(report, "kind")
    dpia = kinds.add_parser("dpia", help="notat til DPO'en om en gemt mini-DPIA")
    dpia.add_argument(
        "--submission", required=True, metavar="NR", help="screeningens nummer (vises, når den gemmes)"
    )
    dpia.add_argument("--out", required=True, metavar="FIL", help="HTML-fil, der skal skrives")
    dpia.add_argument(
        "--database-url", default=None, metavar="URL", help="anden database end standard (SQLAlchemy-URL)"
    )
    dpia.set_defaults(func=cmd_report_dpia)
    for kind, text in (
        ("workshop", "workshoprapport"),
        ("pilot", "pilotrapport (use case)"),
        ("literacy", "AI-færdigheder (AI-forordningens art. 4) og deltagerbevis"),
    ):
        p = kinds.add_parser(kind, help=text)
        p.add_argument(
            "--workshop", action="append", metavar="KODE", help="kode (kan gentages for flere rapporter)"
        )
        p.add_argument("--all", action="store_true", help="én rapport pr. workshop")
        _batch_options(p)
    cohort = kinds.add_parser("cohort", help="kohorterapport over en periode")
    cohort.add_argument(
        "--from", dest="start", required=True, metavar="DATO", help="første dato, fx 2026-09-01"
    )
    cohort.add_argument("--to", dest="end", required=True, metavar="DATO", help="sidste dato, fx 2026-11-30")
    cohort.add_argument("--department", default=None, metavar="AFDELING", help="kun én afdeling")
    cohort.add_argument("--per-department", action="store_true", help="én rapport pr. afdeling")
    _batch_options(cohort)


def _site_parsers(sub) -> None:
    site = sub.add_parser("site", help="den statiske side til selvstudium (JupyterLite, ingen server)")
    site_sub = _subparsers(site, "action")
    build = site_sub.add_parser("build", help="byg siden: lektionerne og øvelserne, der kører i browseren")
    build.add_argument(
        "out", metavar="MAPPE", help="mappen, siden skrives i (en tidligere aiskole-side dér erstattes)"
    )
    build.add_argument(
        "--server-url",
        default=None,
        metavar="URL",
        help="kittets server, som siden linker til for workshops og rapporter (standard AISKOLE_PUBLIC_URL)",
    )
    build.add_argument(
        "--cache",
        default=None,
        metavar="MAPPE",
        help="mappe til hentede pakker (standard ~/.cache/aiskole/site)",
    )
    build.set_defaults(func=cmd_site_build)
    serve = site_sub.add_parser("serve", help="vis en bygget side på denne maskine (127.0.0.1)")
    serve.add_argument("dir", metavar="MAPPE", help="mappen med den byggede side")
    serve.add_argument("--port", type=int, default=8000, metavar="PORT", help="port (standard 8000)")
    serve.set_defaults(func=cmd_site_serve)


def build_parser() -> argparse.ArgumentParser:
    parser = DanishParser(prog="aiskole", description="aiskole – læringskit for kommunernes AI-champions.")
    parser.add_argument(
        "--version", action="version", version=f"aiskole {__version__}", help="vis versionen og stop"
    )
    sub = _subparsers(parser, "command")
    _demo_parsers(sub)
    _workshop_parsers(sub)
    _pilot_parsers(sub)
    _data_parsers(sub)
    _report_parsers(sub)
    _site_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``aiskole`` command with ``argv`` (default: the process's arguments); returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CommandError, StoreError, ValueError, OSError) as exc:
        # ValueError: the kit's validation errors (UserError among them) carry Danish messages for the user
        _err(str(exc))
        return 2


if __name__ == "__main__":
    sys.exit(main())
