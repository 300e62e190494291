"""The kit's CSS (:data:`aiskole.html.CSS`), injected once per view through an HTML widget."""

from __future__ import annotations

import ipywidgets as w

from aiskole.html import CSS


def style_widget(extra_css: str = "") -> w.HTML:
    """An invisible HTML widget carrying the kit's stylesheet plus ``extra_css``."""
    return w.HTML(f"<style>{CSS}{extra_css}</style>", layout=w.Layout(display="none"))
