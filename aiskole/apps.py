"""The registry of Voilà apps: notebook file, Danish title and a one-line Danish description.

The landing page of the lunch-demo server lists exactly these, in this order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class App:
    notebook: str
    title: str
    description: str


APPS: tuple[App, ...] = (
    App(
        notebook="mini-dpia.ipynb",
        title="Mini-DPIA",
        description="Skal I lave en konsekvensanalyse? Ti ja/nej-spørgsmål om jeres AI-løsning.",
    ),
)
