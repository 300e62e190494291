"""The ``aiskole`` command: a thin adapter that parses arguments, calls the library and prints in Danish."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiskole import __version__


def _err(message: str) -> None:
    print(f"Fejl: {message}", file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    from aiskole.server import serve

    url = f"http://{args.ip}:{args.port}/"
    print(f"aiskole starter lunch-demo-serveren på {url}  (stop med Ctrl+C)", flush=True)
    serve(port=args.port, ip=args.ip, pool_size=args.pool_size, open_browser=args.open)
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
