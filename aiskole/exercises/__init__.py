"""The registry of exercises: the one list that the store, the presenter, the join view, the landing page,
the reports and the demo data read.

Each exercise is a unit in its own module here (``aiskole/exercises/<name>.py``), pure: its dataset content,
its typed and versioned submission model, its scoring and its aggregator. Its view is in
``aiskole/widgets/``, its templates in ``aiskole/templates/exercises/<name>/``, its app in
``notebooks/apps/``. Adding an exercise adds one line to :data:`EXERCISES` (see CONTRIBUTING.md).

The registry itself imports none of the units: the store validates a name and the landing page lists titles
without loading eight dataset models (~0.15 s of pydantic model building in a kernel that needs one of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from aiskole.errors import UserError


@dataclass(frozen=True)
class Exercise:
    """One exercise, as every part of the kit knows it.

    Attributes
    ----------
    name
        Stored in every submission (``submissions.exercise``); never change it.
    title
        The Danish name users see.
    app
        Its Voilà app in ``notebooks/apps``.
    description
        One Danish line for the landing page.
    view
        ``"module:Class"`` of its ipywidgets view.
    live
        Whether a presenter can put it in play in a live workshop.
    pilot
        Whether a pilot report includes it (canvas, heatmap, mini-DPIA and the gain calculation).
    """

    name: str
    title: str
    app: str
    description: str
    view: str
    live: bool = False
    pilot: bool = False

    @property
    def unit(self) -> ModuleType:
        """The exercise's module (``aiskole.exercises.<name>``), imported on first use."""
        return import_module(f"{__name__}.{self.name}")

    def view_class(self) -> type:
        """The view class, imported on first use (a phone's join page loads only the exercise in play)."""
        module, _, cls = self.view.partition(":")
        return getattr(import_module(module), cls)


#: Every exercise, in the order of a typical kick-off (how do you feel, what may we, what can we, what should
#: we do, what did we learn); menus, reports and the landing page list them in this order.
EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "poll",
        "Kick-off-afstemning",
        "afstemning.ipynb",
        "Hvordan har du det med AI i dit arbejde? Svar anonymt, og se resultaterne.",
        "aiskole.widgets.poll:PollView",
        live=True,
    ),
    Exercise(
        "prompt",
        "Promptlaboratorium",
        "promptlab.ipynb",
        "Skriv en prompt, og få feedback på opbygningen og på personoplysninger. Selve prompten gemmes ikke.",
        "aiskole.widgets.prompt:PromptLabView",
    ),
    Exercise(
        "dpia",
        "Mini-DPIA",
        "mini-dpia.ipynb",
        "Skal I lave en konsekvensanalyse? Ti ja/nej-spørgsmål om jeres AI-løsning.",
        "aiskole.widgets.dpia:DpiaView",
        live=True,
        pilot=True,
    ),
    Exercise(
        "quiz",
        "Quiz",
        "quiz.ipynb",
        "Test din viden om jura, gode prompts og procesledelse – med forklaring og kilde til hvert svar.",
        "aiskole.widgets.quiz:QuizView",
        live=True,
    ),
    Exercise(
        "canvas",
        "Use-case-canvas",
        "use-case-canvas.ipynb",
        "Placér jeres AI-idé: gevinst, kompleksitet og jura – og print den som A3-plakat.",
        "aiskole.widgets.canvas:CanvasView",
        live=True,
        pilot=True,
    ),
    Exercise(
        "heatmap",
        "Risikokort",
        "risiko-heatmap.ipynb",
        "Hvor er risikoen størst for borgeren? Sæt jeres AI-risici ind på et risikokort.",
        "aiskole.widgets.heatmap:HeatmapView",
        live=True,
        pilot=True,
    ),
    Exercise(
        "kpi",
        "Gevinst- og KPI-beregner",
        "gevinst.ipynb",
        "Hvor meget tid kan en AI-løsning frigøre? Tre scenarier, årsværk og KPI'er.",
        "aiskole.widgets.kpi:KpiView",
        pilot=True,
    ),
    Exercise(
        "story",
        "Historiebank",
        "historiebank.ipynb",
        "Saml kollegers citater om AI – med samtykke – og hent dem til nyhedsbrevet.",
        "aiskole.widgets.storybank:StorybankView",
    ),
)

_BY_NAME = {e.name: e for e in EXERCISES}
#: The names of every exercise, in registry order.
NAMES: tuple[str, ...] = tuple(_BY_NAME)
#: The exercises a presenter can put in play, in registry order.
LIVE: tuple[Exercise, ...] = tuple(e for e in EXERCISES if e.live)
#: The parts of a pilot report, in registry order.
PILOT: tuple[Exercise, ...] = tuple(e for e in EXERCISES if e.pilot)


def get(name: str) -> Exercise:
    """The exercise called ``name``.

    Raises
    ------
    aiskole.errors.UserError
        No exercise has that name (Danish message).
    """
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise UserError(f"Ukendt øvelse: {name!r}.") from None


def is_exercise(name: object) -> bool:
    return isinstance(name, str) and name in _BY_NAME
