"""The kit's CSS, injected once per view through an HTML widget (Voilà and JupyterLab alike).

Nothing is loaded from outside: system fonts only.
"""

from __future__ import annotations

import ipywidgets as w

CSS = """
.aiskole { max-width: 760px; font-size: 16px; line-height: 1.45; }
.aiskole, .aiskole * { box-sizing: border-box; }
.aiskole .widget-html-content, .aiskole .widget-html { white-space: normal; overflow-wrap: anywhere;
  line-height: 1.45; }
.aiskole p { margin: 0.35em 0; }
.aiskole a { color: #1a5fb4; text-decoration: underline; }
.aiskole h2, .aiskole h3 { margin: 0.6em 0 0.3em; line-height: 1.25; }
.aiskole-question { border-left: 4px solid #c9c9c9; padding: 6px 0 6px 10px; margin: 10px 0 2px; }
.aiskole-question.aiskole-missing { border-left-color: #b3261e; background: #fdf0ef; }
.aiskole-missing-label { color: #8c1d18; font-weight: 600; }
.aiskole-yesno .widget-radio-box { flex-direction: row; flex-wrap: wrap; gap: 4px 24px; }
.aiskole-yesno .widget-radio-box label { font-size: 17px; min-height: 36px; align-items: center; }
.aiskole-yesno .widget-radio-box input { width: 22px; height: 22px; margin-right: 8px; }
.aiskole-verdict { font-size: 1.2em; font-weight: 700; padding: 10px 14px; border-radius: 6px; margin: 8px 0; }
.aiskole-reason { border-top: 1px solid #ddd; padding-top: 6px; }
.aiskole-basis { font-size: 0.92em; color: #333; }
.aiskole-sources { font-size: 0.9em; margin: 0 0 8px; padding-left: 1.2em; }
.aiskole-disclaimer { background: #f3f3f3; padding: 8px 10px; border-radius: 4px; }
.aiskole-status-ok { color: #0b3d5c; background: #d9ecf7; padding: 8px 10px; border-radius: 4px; }
.aiskole-status-error { color: #7a1d14; background: #fbe3e0; padding: 8px 10px; border-radius: 4px; }
.aiskole-status-error::before { content: "Fejl: "; font-weight: 700; }
.aiskole-progress { font-weight: 600; }
.aiskole button.jupyter-button { min-height: 44px; font-size: 16px; padding: 0 20px; }
.aiskole button.jupyter-button:focus-visible, .aiskole input:focus-visible {
  outline: 3px solid #1a5fb4; outline-offset: 2px; }
.aiskole-claim { border-left: 4px solid #1a5fb4; padding: 2px 0 2px 10px; margin: 8px 0; }
.aiskole-claim-source { font-size: 0.88em; color: #444; }
@media (max-width: 480px) {
  .aiskole { font-size: 16px; }
  .aiskole-question { padding-left: 8px; }
}
"""


def style_widget() -> w.HTML:
    """An HTML widget carrying the kit's stylesheet."""
    return w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
