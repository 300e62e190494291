"""The Voilà apps and lesson pages the demo server renders, and who may open them.

Every exercise of the registry has an app; the presenter is the facilitator's. An app is the facilitator's
(``audience="oplægsholder"``) when it shows more than the visitor's own answers: the presenter (every
workshop's answers), the storybank (colleagues' quotes). The server refuses those to everybody else
(:mod:`aiskole.room.guard`), and renders no notebook that is not listed here or in :func:`lessons`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aiskole.exercises import EXERCISES
from aiskole.resources import lessons_dir

EVERYONE = "alle"
FACILITATOR = "oplægsholder"
#: Where the lessons appear under the server's root (``/voila/render/lektioner/...``).
LESSONS_FOLDER = "lektioner"
#: Exercises whose app shows other visitors' free text.
_FACILITATOR_EXERCISES = frozenset({"story"})


@dataclass(frozen=True)
class App:
    notebook: str
    title: str
    description: str
    #: "alle" are listed for everybody; "oplægsholder" only open to the facilitator.
    audience: str = EVERYONE

    @property
    def facilitator_only(self) -> bool:
        return self.audience == FACILITATOR


PRESENTER = App(
    "praesentation.ipynb",
    "Præsentation (live-workshop)",
    "Opret en workshop eller en pilot, vis kode og QR-kode, sæt en øvelse i spil, og se svarene live.",
    audience=FACILITATOR,
)

APPS: tuple[App, ...] = (
    *(
        App(e.app, e.title, e.description, FACILITATOR if e.name in _FACILITATOR_EXERCISES else EVERYONE)
        for e in EXERCISES
    ),
    PRESENTER,
)


@dataclass(frozen=True)
class Lesson:
    """A lesson notebook: its path under the lessons folder and its title (the first heading)."""

    path: str
    title: str

    @property
    def render_path(self) -> str:
        return f"{LESSONS_FOLDER}/{self.path}"


@cache
def lessons(folder: Path | None = None) -> tuple[Lesson, ...]:
    """Every lesson notebook, in file-name order (``00-start-her`` first, the glossary last)."""
    root = folder or lessons_dir()
    found = []
    for path in sorted(root.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        relative = path.relative_to(root).as_posix()
        found.append(Lesson(relative, _title(path)))
    found.sort(key=lambda lesson: (lesson.path.startswith("ordliste"), lesson.path))
    return tuple(found)


def _title(path: Path) -> str:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook.get("cells", ()):
        if cell.get("cell_type") != "markdown":
            continue
        for line in "".join(cell.get("source", "")).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem


def render_paths() -> dict[str, App | Lesson]:
    """Every notebook path the server renders, relative to its root: the apps and the lessons."""
    paths: dict[str, App | Lesson] = {app.notebook: app for app in APPS}
    paths.update({lesson.render_path: lesson for lesson in lessons()})
    return paths
