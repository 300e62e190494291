"""The registry of Voilà apps: notebook file, Danish title and a one-line Danish description.

The landing page of the lunch-demo server lists exactly these, in this order (the order of a typical
kick-off: how do you feel, what may we, what can we, what should we do, and what did we learn).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class App:
    notebook: str
    title: str
    description: str
    #: "alle" are listed for everybody; "oplægsholder" under the facilitator's heading on the landing page.
    audience: str = "alle"


APPS: tuple[App, ...] = (
    App(
        notebook="deltag.ipynb",
        title="Deltag i en workshop",
        description="Har du fået en kode? Skriv den her, og svar med på din telefon – anonymt.",
    ),
    App(
        notebook="afstemning.ipynb",
        title="Kick-off-afstemning",
        description="Hvordan har du det med AI i dit arbejde? Svar anonymt, og se resultaterne.",
    ),
    App(
        notebook="promptlab.ipynb",
        title="Promptlaboratorium",
        description="Skriv en prompt, og få feedback på opbygningen og på personoplysninger. Selve prompten gemmes ikke.",
    ),
    App(
        notebook="mini-dpia.ipynb",
        title="Mini-DPIA",
        description="Skal I lave en konsekvensanalyse? Ti ja/nej-spørgsmål om jeres AI-løsning.",
    ),
    App(
        notebook="quiz.ipynb",
        title="Quiz",
        description="Test din viden om jura, gode prompts og procesledelse – med forklaring og kilde til hvert svar.",
    ),
    App(
        notebook="use-case-canvas.ipynb",
        title="Use-case-canvas",
        description="Placér jeres AI-idé: gevinst, kompleksitet og jura – og print den som A3-plakat.",
    ),
    App(
        notebook="risiko-heatmap.ipynb",
        title="Risiko-heatmap",
        description="Hvor er risikoen størst for borgeren? Sæt jeres AI-risici ind i et heatmap.",
    ),
    App(
        notebook="gevinst.ipynb",
        title="Gevinst- og KPI-beregner",
        description="Hvor meget tid kan en AI-løsning frigøre? Tre scenarier, årsværk og KPI'er.",
    ),
    App(
        notebook="historiebank.ipynb",
        title="Historiebank",
        description="Saml kollegers citater om AI – med samtykke – og hent dem til nyhedsbrevet.",
    ),
    App(
        notebook="praesentation.ipynb",
        title="Præsentation (live-workshop)",
        description="Opret en workshop, vis kode og QR-kode, sæt en øvelse i spil, og se svarene live.",
        audience="oplægsholder",
    ),
    App(
        notebook="infoskaerm.ipynb",
        title="Infoskærm",
        description="Vis resultaterne fra en workshop på kontorets infoskærm – én øvelse ad gangen.",
        audience="oplægsholder",
    ),
)
