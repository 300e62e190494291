"""The kit's stylesheets (``aiskole/templates/css``), injected once per view through an HTML widget."""

from __future__ import annotations

import ipywidgets as w

from aiskole.render import render


def style_widget(*sheets: str) -> w.HTML:
    """An invisible HTML widget carrying the kit's stylesheet plus the named extra ones (e.g. ``"quiz"``)."""
    return w.HTML(render("widgets/style.html.j2", sheets=("kit", *sheets)), layout=w.Layout(display="none"))
