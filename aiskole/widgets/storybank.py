"""The storybank (historiebank) as an ipywidgets view: collect colleagues' quotes with consent.

A form (quote, role, department, the consent text and a checkbox), "Gem", the list of consented quotes with
"Træk samtykke tilbage" and "Slet" (each asks for confirmation first), and a download of the consented quotes
as Markdown for the newsletter. Without consent a quote is not saved at all (the text stays in the form until
the colleague has said yes): a kommune should not keep a colleague's words they have not agreed to share.
Which stories may be shown is decided by :func:`aiskole.exercises.story.visible_stories`, never here.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from aiskole import l10n
from aiskole.exercises import story as storybank
from aiskole.exercises.base import read, read_all
from aiskole.render import markdown as md
from aiskole.render import render
from aiskole.store import Store, normalise_workshop_code, open_store
from aiskole.widgets.base import ExerciseView, download_link, heading, paragraph


def _auto() -> w.Layout:
    """A fresh auto-width layout (never shared between widgets)."""
    return w.Layout(width="auto", max_width="100%")


def _story_html(story: storybank.Story) -> str:
    """One consented story, every free text escaped."""
    return render("exercises/story/story.html.j2", story=story)


def _label(text: str) -> w.HTML:
    return w.HTML(paragraph(text, "aiskole-field-label"))


class _StoryRow:
    """A story in the list with its buttons and the confirmation step."""

    def __init__(self, view: StorybankView, story: storybank.Story) -> None:
        self.story = story
        self.text = w.HTML(_story_html(story))
        self.withdraw_button = w.Button(
            description="Træk samtykke tilbage", tooltip="Kollegaen har fortrudt", layout=_auto()
        )
        self.delete_button = w.Button(description="Slet", tooltip="Slet citatet helt", layout=_auto())
        self.confirm_text = w.HTML()
        self.confirm_button = w.Button(button_style="danger", layout=_auto())
        self.cancel_button = w.Button(description="Fortryd", layout=_auto())
        self._action: str | None = None
        self.withdraw_button.on_click(view.guard(lambda _b: self.ask("withdraw")))
        self.delete_button.on_click(view.guard(lambda _b: self.ask("delete")))
        self.cancel_button.on_click(view.guard(lambda _b: self.cancel()))
        self.confirm_button.on_click(lambda _b: view.list_action(self))
        self.actions = w.HBox([self.withdraw_button, self.delete_button], layout=w.Layout(width="auto"))
        self.actions.add_class("aiskole-buttons")
        self.confirm_buttons = w.HBox(
            [self.confirm_button, self.cancel_button], layout=w.Layout(width="auto")
        )
        self.confirm_buttons.add_class("aiskole-buttons")
        self.confirm_box = w.VBox(
            [self.confirm_text, self.confirm_buttons], layout=w.Layout(width="auto", display="none")
        )
        self.box = w.VBox([self.text, self.actions, self.confirm_box], layout=w.Layout(width="auto"))
        self.box.add_class("aiskole-story")

    @property
    def action(self) -> str | None:
        return self._action

    def ask(self, action: str) -> None:
        self._action = action
        self.confirm_text.value = render("exercises/story/confirm.html.j2", action=action)
        if action == "delete":
            self.confirm_button.description = "Ja, slet citatet"
        else:
            self.confirm_button.description = "Ja, træk samtykket tilbage"
        self.actions.layout.display = "none"
        self.confirm_box.layout.display = "flex"

    def cancel(self) -> None:
        self._action = None
        self.confirm_box.layout.display = "none"
        self.actions.layout.display = "flex"


class StorybankView(ExerciseView):
    """Storybank view.

    Parameters
    ----------
    store_factory
        Returns the store (the stories live there, exercise ``"story"``).
    content
        The consent text and export texts (defaults to ``datasets/storybank.yaml``).
    manage
        ``True`` (the champion's own JupyterLab): the whole storybank is listed and exported, and any quote can
        be withdrawn or deleted. ``False`` (the shared lunch-demo server): only the quotes saved in this browser
        session are listed, exported and can be changed, so one participant can never delete another's quote.
    workshop_code
        Stories collected at a workshop are saved with its code, so the workshop report can include them
        (consented ones only).
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        content: storybank.StorybankContent | None = None,
        *,
        manage: bool = True,
        workshop_code: str | None = None,
    ) -> None:
        super().__init__(store_factory, stylesheets=("storybank",))
        self._content = content or storybank.load_storybank()
        self.manage = manage
        self.workshop_code = normalise_workshop_code(workshop_code)
        self._own_ids: set[int] = set()
        self.rows: list[_StoryRow] = []
        self.saved_id: int | None = None

        form = self._build_form()
        self.list_heading = w.HTML()
        #: Messages about the list (deleted, withdrawn) are shown at the list, not under the form.
        self.list_status = w.HTML()
        self._list_action = False
        self.list_box = w.VBox(layout=w.Layout(width="auto"))
        self.export = w.HTML()
        session_hint = [] if manage else [w.HTML(render("exercises/story/session_hint.html.j2"))]
        self.widget = self._wrap(
            [
                w.HTML(render("exercises/story/intro.html.j2")),
                *form,
                self.list_heading,
                w.HTML(render("exercises/story/list_hint.html.j2")),
                *session_hint,
                self.list_status,
                self.list_box,
                self.export,
            ]
        )
        # the status line belongs under "Gem" (where the user looks after pressing it), not below the list
        children = [c for c in self.widget.children if c is not self.status]
        at = children.index(self.save_button) + 1
        self.widget.children = (*children[:at], self.status, *children[at:])
        self._count()
        self.guard(self.refresh)()

    def _build_form(self) -> list[w.Widget]:
        """The quote, the colleague's role and department, the consent text and its checkbox, and "Gem"."""
        self.quote = w.Textarea(
            continuous_update=False,
            placeholder="Fx: Jeg bruger AI til første udkast til referater. Det sparer mig en time om ugen.",
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.quote.add_class("aiskole-storybank-quote")
        self.counter = w.HTML()
        self.quote.observe(self.guard(self._count), names="value")
        self.role = w.Text(
            placeholder="fx Sagsbehandler",
            continuous_update=False,
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.department = w.Text(
            placeholder="fx Borgerservice",
            continuous_update=False,
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.consent = w.Checkbox(
            value=False,
            description="Min kollega har læst teksten og sagt ja",
            indent=False,
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.consent.add_class("aiskole-consent-check")
        self.save_button = w.Button(
            description="Gem",
            button_style="primary",
            tooltip="Gem citatet i historiebanken",
            layout=w.Layout(width="auto", max_width="100%", align_self="flex-start"),
        )
        self.save_button.on_click(self._on_save)
        return [
            _label("Citat"),
            self.quote,
            self.counter,
            _label("Kollegaens rolle"),
            self.role,
            _label("Afdeling"),
            self.department,
            _label("Samtykke"),
            w.HTML(paragraph(self._content.consent.text, "aiskole-consent-text")),
            self.consent,
            w.HTML(render("exercises/story/consent_hint.html.j2")),
            self.save_button,
        ]

    # -- feedback ------------------------------------------------------------------------------------

    def set_status(self, message: str, *, error: bool = False) -> None:
        """Messages about the list go above the list; all others under "Gem" (same markup as the base)."""
        target, other = (
            (self.list_status, self.status) if self._list_action else (self.status, self.list_status)
        )
        other.value = ""
        target.value = render("widgets/status.html.j2", message=message, error=error)

    def clear_status(self) -> None:
        super().clear_status()
        self.list_status.value = ""

    # -- state ---------------------------------------------------------------------------------------

    def _count(self, _change=None) -> None:
        # The text reaches the kernel when the user leaves the field, so the count follows then; an empty
        # field shows the limit, not a "0" that would stay while the user types.
        self.counter.value = render(
            "exercises/story/counter.html.j2", n=len(self.quote.value), limit=storybank.QUOTE_MAX
        )

    def stories(self) -> list[storybank.Story]:
        """The stories that may be shown (consented), oldest first, read from the store."""
        rows = self.store().list_submissions(exercise=storybank.Story.exercise)
        if not self.manage:
            rows = [r for r in rows if r.id in self._own_ids]
        return storybank.visible_stories(storybank.stories(read_all(storybank.Story, rows)[0]))

    def refresh(self) -> None:
        """Re-read the list of consented stories and rebuild the list and the download link."""
        shown = self.stories()
        self.rows = [_StoryRow(self, s) for s in shown]
        self.list_box.children = [r.box for r in self.rows]
        self.list_heading.value = heading(f"Citater med samtykke ({len(shown)})")
        if not shown:
            self.list_box.children = [w.HTML(paragraph("Der er ingen citater med samtykke endnu."))]
            self.export.value = ""
            return
        markdown = md.export_markdown(shown, self._content)
        link = download_link(
            markdown.encode("utf-8"),
            "historiebank.md",
            "text/markdown",
            f"Hent {l10n.count(len(shown), 'citat', 'citater')} (Markdown)",
        )
        self.export.value = render("exercises/story/export.html.j2", link=link)

    # -- events --------------------------------------------------------------------------------------

    def save(self) -> int:
        """Validate and store the quote (only with consent), clear the form and refresh the list.

        Raises
        ------
        ValueError, StoreError
            With Danish messages; nothing typed is lost.
        """
        story = storybank.new_story(
            self.quote.value,
            self.role.value,
            self.department.value,
            consent=self.consent.value,
            content=self._content,
        )
        submission_id = self.store().save(story, workshop_code=self.workshop_code)
        self.saved_id = submission_id
        self._own_ids.add(submission_id)
        self.quote.value = ""
        self.role.value = ""
        self.department.value = ""
        self.consent.value = False
        self.refresh()
        self.set_status("Citatet er gemt og står nu i listen nedenfor.")
        return submission_id

    def row_for(self, story_id: int) -> _StoryRow:
        for row in self.rows:
            if row.story.id == story_id:
                return row
        raise ValueError("Citatet findes ikke længere i listen.")

    def list_action(self, row: _StoryRow) -> None:
        """The confirm button of a row: messages (and errors) are shown at the list."""
        self._list_action = True
        try:
            self.guard(self.confirm)(row)
        finally:
            self._list_action = False

    def confirm(self, row: _StoryRow) -> None:
        """Carry out the confirmed action of a row: withdraw consent or delete."""
        if row.action == "delete":
            self.delete(row.story.id)
        elif row.action == "withdraw":
            self.withdraw(row.story.id)

    def _own_row(self, store: Store, story_id: int):
        if not self.manage and story_id not in self._own_ids:
            raise ValueError("Du kan kun ændre citater, du selv har gemt i denne session.")
        row = store.get_submission(story_id)
        if row is None or row.exercise != storybank.Story.exercise:
            self.refresh()
            raise ValueError("Citatet findes ikke længere. Listen er opdateret.")
        return row

    def delete(self, story_id: int) -> None:
        """Erase a story for good."""
        store = self.store()
        self._own_row(store, story_id)
        store.delete_submission(story_id)
        self.refresh()
        self.set_status("Citatet er slettet.")

    def withdraw(self, story_id: int) -> None:
        """Record that consent was withdrawn: the text is erased and the story leaves the list and the export."""
        store = self.store()
        row = self._own_row(store, story_id)
        withdrawn = storybank.withdraw(storybank.stories([read(storybank.Story, row)])[0])
        store.replace(story_id, withdrawn)
        self.refresh()
        self.set_status("Samtykket er trukket tilbage. Citatet er fjernet fra listen og eksporten.")
