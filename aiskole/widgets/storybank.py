"""The storybank (historiebank) as an ipywidgets view: collect colleagues' quotes with consent.

A form (quote, role, department, the consent text and a checkbox), "Gem", the list of consented quotes with
"Træk samtykke tilbage" and "Slet" (each asks for confirmation first), and a download of the consented quotes
as Markdown for the newsletter. Without consent a quote is not saved at all (the text stays in the form until
the colleague has said yes): a kommune should not keep a colleague's words they have not agreed to share.
Which stories may be shown is decided by :func:`aiskole.storybank.visible_stories`, never here.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from aiskole.exercises import story as storybank
from aiskole.exercises.base import read, read_all
from aiskole.render import markdown as md
from aiskole.store import Store, normalise_workshop_code, open_store
from aiskole.widgets.base import ExerciseView, download_link


def _auto() -> w.Layout:
    """A fresh auto-width layout (never shared between widgets)."""
    return w.Layout(width="auto", max_width="100%")


def _story_html(story: storybank.Story) -> str:
    """One consented story, every free text escaped."""
    return (
        f"<blockquote>{escape(story.quote)}</blockquote>"
        f'<p class="aiskole-story-by">— {escape(story.role)}, {escape(story.department)}</p>'
    )


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
        if action == "delete":
            self.confirm_text.value = (
                '<p class="aiskole-confirm" role="alert"><strong>Vil du slette citatet for altid?</strong> '
                "Det kan ikke fortrydes.</p>"
            )
            self.confirm_button.description = "Ja, slet citatet"
        else:
            self.confirm_text.value = (
                '<p class="aiskole-confirm" role="alert"><strong>Har kollegaen trukket samtykket tilbage?'
                "</strong> Så forsvinder citatet fra listen og fra eksporten, og teksten slettes. Vi gemmer "
                "kun, at samtykket er trukket tilbage, og hvornår.</p>"
            )
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

        self.list_heading = w.HTML()
        #: Messages about the list (deleted, withdrawn) are shown at the list, not under the form.
        self.list_status = w.HTML()
        self._list_action = False
        self.list_box = w.VBox(layout=w.Layout(width="auto"))
        self.export = w.HTML()

        def label(text: str) -> w.HTML:
            return w.HTML(f'<p class="aiskole-field-label">{escape(text)}</p>')

        intro = w.HTML(
            "<h2>Historiebank: kollegernes egne ord om AI</h2>"
            "<p>Saml korte citater fra kolleger om, hvordan de bruger kunstig intelligens i arbejdet. Citaterne "
            "kan bruges i det interne nyhedsbrev og på intranettet – men kun med kollegaens samtykke.</p>"
            '<p class="aiskole-disclaimer aiskole-hint"><strong>Husk:</strong> Skriv ikke navne – kun rolle og '
            "afdeling. Skriv aldrig oplysninger om borgere i et citat.</p>"
        )
        form = [
            label("Citat"),
            self.quote,
            self.counter,
            label("Kollegaens rolle"),
            self.role,
            label("Afdeling"),
            self.department,
            label("Samtykke"),
            w.HTML(f'<p class="aiskole-consent-text">{escape(self._content.consent.text)}</p>'),
            self.consent,
            w.HTML(
                '<p class="aiskole-hint">Uden samtykke bliver citatet ikke gemt. Din tekst bliver stående her, '
                "så du kan spørge kollegaen først.</p>"
            ),
            self.save_button,
        ]
        self.widget = self._wrap(
            [
                intro,
                *form,
                self.list_heading,
                w.HTML(
                    '<p class="aiskole-hint"><strong>Træk samtykke tilbage</strong>, når en kollega fortryder: '
                    "citatet forsvinder, og kun datoen gemmes. <strong>Slet</strong> fjerner et citat helt, "
                    "fx hvis det er gemt ved en fejl.</p>"
                ),
                *(
                    []
                    if manage
                    else [
                        w.HTML(
                            '<p class="aiskole-hint">Her ser du kun de citater, du selv har gemt i denne '
                            "session. Hele historiebanken ligger hos den, der står for den.</p>"
                        )
                    ]
                ),
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

    # -- feedback ------------------------------------------------------------------------------------

    def set_status(self, message: str, *, error: bool = False) -> None:
        """Messages about the list go above the list; all others under "Gem" (same markup as the base)."""
        target, other = (
            (self.list_status, self.status) if self._list_action else (self.status, self.list_status)
        )
        other.value = ""
        css = "aiskole-status-error" if error else "aiskole-status-ok"
        role = "alert" if error else "status"
        target.value = f'<p class="{css}" role="{role}">{escape(message)}</p>'

    def clear_status(self) -> None:
        super().clear_status()
        self.list_status.value = ""

    # -- state ---------------------------------------------------------------------------------------

    def _count(self, _change=None) -> None:
        # The text reaches the kernel when the user leaves the field, so the count follows then; an empty
        # field shows the limit, not a "0" that would stay while the user types.
        n = len(self.quote.value)
        if not n:
            self.counter.value = f'<p class="aiskole-counter">Højst {storybank.QUOTE_MAX} tegn.</p>'
            return
        over = " – for langt, forkort lidt" if n > storybank.QUOTE_MAX else ""
        self.counter.value = f'<p class="aiskole-counter">{n} af højst {storybank.QUOTE_MAX} tegn{over}</p>'

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
        self.list_heading.value = f"<h3>Citater med samtykke ({len(shown)})</h3>"
        if not shown:
            self.list_box.children = [w.HTML("<p>Der er ingen citater med samtykke endnu.</p>")]
            self.export.value = ""
            return
        markdown = md.export_markdown(shown, self._content)
        self.export.value = (
            "<h3>Til nyhedsbrevet</h3>"
            "<p>Hent citaterne som Markdown – en tekst, der kan sættes ind i nyhedsbrevet eller på intranettet. "
            "Kun citater med samtykke kommer med.</p>"
            + download_link(
                markdown.encode("utf-8"),
                "historiebank.md",
                "text/markdown",
                f"Hent {len(shown)} citat{'er' if len(shown) != 1 else ''} (Markdown)",
            )
        )

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
