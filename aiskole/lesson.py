"""Helpers for lesson notebooks: render sourced claims from ``datasets/claims.yaml``.

Lessons never state a legal or statistical fact in their own cells; they call :func:`claims` with ids.
"""

from __future__ import annotations

from IPython.display import HTML

from aiskole.datasets import DatasetError, load_claims
from aiskole.render import render


def claims(*ids: str) -> HTML:
    """Show the claims with these ids, each with its source and the date it was checked.

    Raises
    ------
    DatasetError
        An id that is not in ``claims.yaml`` (so a lesson can never cite an unsourced claim).
    """
    known = load_claims()
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise DatasetError(f"Ukendte påstande i lektionen: {', '.join(unknown)} (se datasets/claims.yaml).")
    return HTML(render("lesson/claims.html.j2", claims=[known[i] for i in ids]))
