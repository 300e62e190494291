"""Every free-text field sends its value when the user leaves it, never keystroke by keystroke.

Why: ipywidgets buffers a field's next value while its previous one is still unacknowledged, but a
button click is sent at once. With ``continuous_update=True`` a user who types and taps "Send" within
one round trip (a phone on a busy Wi-Fi) has the click handled with the value *before* the last
keystrokes: a quote or a word is stored cut short. With ``continuous_update=False`` the value is sent
on leaving the field, which happens before the click. It also spares the kernel one message per key.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ipywidgets as w
import pytest
from ipywidgets.widgets.widget import _instances

from aiskole.store import Store
from aiskole.widgets.canvas import CanvasView
from aiskole.widgets.dpia import DpiaView
from aiskole.widgets.heatmap import HeatmapView
from aiskole.widgets.kpi import KpiView
from aiskole.widgets.poll import PollView
from aiskole.widgets.presenter import PresenterView
from aiskole.widgets.prompt import PromptLabView
from aiskole.widgets.quiz import QuizView
from aiskole.widgets.storybank import StorybankView

PACKAGE = Path(__file__).resolve().parent.parent / "aiskole"
#: Widgets whose ``continuous_update`` defaults to True in ipywidgets 8.
TYPED = {"Text", "Textarea", "Password", "Combobox"}
VIEWS = [
    CanvasView,
    DpiaView,
    HeatmapView,
    KpiView,
    PollView,
    PromptLabView,
    QuizView,
    StorybankView,
    pytest.param(lambda factory: PresenterView(factory, live_refresh=False), id="PresenterView"),
]


def typed_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in TYPED:
            yield node


def test_every_text_field_in_the_source_sends_on_leaving_it():
    """Does every Text/Textarea/Password/Combobox call in the package pass continuous_update=False?"""
    offenders, seen = [], 0
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in typed_calls(ast.parse(path.read_text(encoding="utf-8"))):
            seen += 1
            kw = {k.arg: k.value for k in call.keywords}
            value = kw.get("continuous_update")
            if not (isinstance(value, ast.Constant) and value.value is False):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{call.lineno}")
    assert seen >= 10, "the scan found too few text fields: is it still looking at the widgets?"
    assert not offenders, offenders


@pytest.mark.parametrize("make", VIEWS, ids=lambda v: v.__name__)
def test_every_text_field_a_view_builds_sends_on_leaving_it(sqlite_url, make):
    """Built for real (also fields made through a variable, which the source scan cannot see)."""
    store = Store(sqlite_url)
    store.migrate()
    before = set(_instances)
    make(lambda: store)
    created = [_instances[k] for k in set(_instances) - before]
    typed = [x for x in created if isinstance(x, (w.Text, w.Textarea, w.Password, w.Combobox))]
    store.dispose()
    assert [x for x in typed if x.continuous_update] == []
