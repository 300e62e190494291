"""Which of the kit's apps go on the static site, and why the others do not.

Titles and descriptions come from the app registry (:data:`aiskole.apps.APPS`); the code that starts an exercise
is the app notebook's own code, so the static site shows exactly what the Voilà app shows. Every app in the
registry is either in :data:`STATIC` or has a reason in :data:`EXCLUDED`: the front page lists the excluded
ones with a link to the kit's server, so none goes silently missing (``tests/test_site.py`` checks this).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiskole.apps import APPS, App

#: The apps whose widget path imports nothing that Pyodide lacks (no pandas, numpy or matplotlib) and needs
#: no shared server. Order: the order of the registry.
STATIC: tuple[str, ...] = ("promptlab.ipynb", "mini-dpia.ipynb", "quiz.ipynb", "historiebank.ipynb")

_MATPLOTLIB = "matplotlib findes ikke til browseren (der er ingen Pyodide-udgave af den på PyPI)"

#: Why an app is not on the static site (Danish: shown on the front page).
EXCLUDED: dict[str, str] = {
    "afstemning.ipynb": "Afstemningen viser hele holdets svar som diagram: det kræver en fælles server, og "
    f"diagrammet tegnes med matplotlib – {_MATPLOTLIB}.",
    "use-case-canvas.ipynb": f"Canvasset og A3-plakaten tegnes med matplotlib – {_MATPLOTLIB}.",
    "risiko-heatmap.ipynb": f"Heatmappet kan hentes som billede, og det tegnes med matplotlib – {_MATPLOTLIB}.",
    "gevinst.ipynb": f"Beregneren viser scenarierne som diagram, og det tegnes med matplotlib – {_MATPLOTLIB}.",
    "praesentation.ipynb": "Oplægsholderens værktøj styrer en live-workshop på kittets server.",
}


@dataclass(frozen=True)
class SiteExercise:
    """An app as the static site shows it."""

    app: App
    #: The file name of its page on the site (``ovelser/<slug>.html``).
    slug: str
    #: Danish reason, when it is not on the static site.
    excluded_because: str | None = None

    @property
    def static(self) -> bool:
        return self.excluded_because is None


def _slug(notebook: str) -> str:
    return notebook.removesuffix(".ipynb")


def site_exercises() -> list[SiteExercise]:
    """Every app of the registry, in its order, marked static or excluded.

    Raises
    ------
    ValueError
        An app that is neither static nor excluded (the site would silently leave it out), or a name here
        that is not in the registry.
    """
    known = {app.notebook for app in APPS}
    unknown = (set(STATIC) | set(EXCLUDED)) - known
    if unknown:
        raise ValueError(f"Ukendte apps i aiskole.site.exercises: {', '.join(sorted(unknown))}")
    result = []
    for app in APPS:
        if app.notebook in STATIC:
            result.append(SiteExercise(app, _slug(app.notebook)))
        elif app.notebook in EXCLUDED:
            result.append(SiteExercise(app, _slug(app.notebook), EXCLUDED[app.notebook]))
        else:
            raise ValueError(
                f"Appen {app.notebook} er hverken med på den statiske side eller forklaret i EXCLUDED."
            )
    return result
