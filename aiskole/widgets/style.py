"""The kit's CSS (:data:`aiskole.html.CSS`), injected once per view through an HTML widget."""

from __future__ import annotations

import ipywidgets as w

from aiskole.html import CSS



def style_widget() -> w.HTML:
    """An HTML widget carrying the kit's stylesheet."""
    return w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
