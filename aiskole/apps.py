"""The Voilà apps on the landing page: every exercise of the registry, plus the three pages of a live room.

The landing page of the demo server lists exactly these, in this order: the join page first, the exercises
in the registry's order (a typical kick-off), then the facilitator's pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiskole.exercises import EXERCISES


@dataclass(frozen=True)
class App:
    notebook: str
    title: str
    description: str
    #: "alle" are listed for everybody; "oplægsholder" under the facilitator's heading on the landing page.
    audience: str = "alle"


JOIN = App(
    "deltag.ipynb",
    "Deltag i en workshop",
    "Har du fået en kode? Skriv den her, og svar med på din telefon – anonymt.",
)
FACILITATOR = (
    App(
        "praesentation.ipynb",
        "Præsentation (live-workshop)",
        "Opret en workshop, vis kode og QR-kode, sæt en øvelse i spil, og se svarene live.",
        audience="oplægsholder",
    ),
    App(
        "infoskaerm.ipynb",
        "Infoskærm",
        "Vis resultaterne fra en workshop på kontorets infoskærm – én øvelse ad gangen.",
        audience="oplægsholder",
    ),
)

APPS: tuple[App, ...] = (JOIN, *(App(e.app, e.title, e.description) for e in EXERCISES), *FACILITATOR)
