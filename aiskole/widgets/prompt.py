"""The prompt lab as an ipywidgets view: write a prompt, check it, learn from a before/after gallery.

The checks are :func:`aiskole.pii.scan` (personal data, highlighted in the text) and
:func:`aiskole.exercises.prompt.review` (heuristic R-K-O-F-E-B feedback), shown by the templates in
``aiskole/templates/exercises/prompt``. Sending to a language model is offered only
when one is configured, and :func:`aiskole.llm.send` refuses any prompt with findings. "Gem" stores the task,
the rubric result and the number of findings per kind – never the prompt text or the matched data.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from aiskole import llm
from aiskole.exercises.prompt import (
    MAX_CHARS,
    PromptContent,
    PromptSubmission,
    Review,
    load_prompts,
    review,
    validate_prompt,
)
from aiskole.pii import Finding, findings_summary, scan, segments
from aiskole.render import render
from aiskole.settings import Settings, get_settings
from aiskole.store import Store, open_store
from aiskole.widgets.base import ExerciseView, paragraph, workshop_code_field


class PromptLabView(ExerciseView):
    """The prompt lab ("Promptlaboratorium").

    Parameters
    ----------
    store_factory
        Returns the store to save into; called at the first save.
    content
        The dataset content (defaults to ``datasets/prompts.yaml``).
    settings
        Where the optional language model is configured (defaults to the environment).
    workshop_code
        Pre-filled workshop code, e.g. from a join link.
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        content: PromptContent | None = None,
        settings: Settings | None = None,
        workshop_code: str | None = None,
    ) -> None:
        super().__init__(store_factory, stylesheets=("prompt",))
        self._content = content or load_prompts()
        self._settings = settings or get_settings()
        self.saved_id: int | None = None
        self.last_review: Review | None = None
        self.last_findings: list[Finding] = []
        buttons = self._build_editor()
        self.findings = w.HTML()
        self.result = w.HTML()
        self.answer = w.HTML()
        self._build_gallery()
        self.workshop_code = workshop_code_field(workshop_code)
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem vurderingen (anonymt, uden prompten)"
        )
        self.save_button.on_click(self._on_save)
        self.widget = self._wrap(
            [
                w.HTML(render("exercises/prompt/intro.html.j2", note=self._content.synthesis_note)),
                self.task,
                self.task_info,
                w.HTML(paragraph("Din prompt", "aiskole-gallery-label")),
                self.prompt,
                self.counter,
                buttons,
                self.llm_note,
                self.findings,
                self.result,
                self.answer,
                w.HTML(render("exercises/prompt/gallery_head.html.j2")),
                self.gallery,
                self.example,
                self.try_button,
                w.HTML(render("exercises/prompt/save_head.html.j2")),
                self.workshop_code,
                self.save_button,
            ]
        )
        self._show_task()
        self._show_example()
        self._on_prompt_change()

    # -- building ------------------------------------------------------------------------------------

    def _build_editor(self) -> w.HBox:
        """The task, the prompt field with its counter, and the buttons to check and to send it."""
        self.task = w.Dropdown(
            options=[(t.title, t.id) for t in self._content.tasks],
            value=self._content.tasks[0].id,
            description="Opgave",
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.task.observe(self.guard(self._show_task), names="value")
        self.task_info = w.HTML()
        self.prompt = w.Textarea(
            value="",
            placeholder="Skriv din prompt her. Brug [NAVN], [CPR] og [ADRESSE] i stedet for personoplysninger.",
            rows=8,
            continuous_update=False,
            layout=w.Layout(width="100%", max_width="100%"),
        )
        self.prompt.add_class("aiskole-prompt-area")
        self.prompt.observe(self.guard(self._on_prompt_change), names="value")
        self.counter = w.HTML()
        self.check_button = w.Button(
            description="Tjek prompten", button_style="primary", tooltip="Tjek opbygning og personoplysninger"
        )
        self.check_button.on_click(self._on_check)
        self.send_button = w.Button(
            description="Send til sprogmodellen",
            tooltip="Send prompten til kommunens sprogmodel",
            layout=w.Layout(display="flex" if self._settings.llm_configured else "none"),
        )
        self.send_button.on_click(self._on_send)
        self.llm_note = w.HTML(paragraph(llm.describe(self._settings), "aiskole-note"))
        return w.HBox(
            [self.check_button, self.send_button],
            layout=w.Layout(flex_flow="row wrap", width="auto", max_width="100%"),
        )

    def _build_gallery(self) -> None:
        """The before/after examples and the button that puts the weak prompt in the field."""
        self.gallery = w.Dropdown(
            options=[(g.title, g.id) for g in self._content.gallery],
            value=self._content.gallery[0].id,
            description="Eksempel",
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.gallery.observe(self.guard(self._show_example), names="value")
        self.example = w.HTML()
        self.try_button = w.Button(
            description="Øv dig på den svage prompt",
            tooltip="Sæt den svage prompt ind i feltet, så du kan forbedre den",
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.try_button.on_click(self.guard(self._try_example))

    # -- rendering -----------------------------------------------------------------------------------

    def _show_task(self, _change=None) -> None:
        task = self._content.task(self.task.value)
        self.task_info.value = render("exercises/prompt/task.html.j2", task=task, content=self._content)
        if self.last_review is not None:
            self.result.value = ""  # the feedback was for another task

    def _show_example(self, _change=None) -> None:
        example = next(g for g in self._content.gallery if g.id == self.gallery.value)
        self.example.value = render("exercises/prompt/example.html.j2", example=example)

    def _on_prompt_change(self, _change=None) -> None:
        self.counter.value = render(
            "exercises/prompt/counter.html.j2", n=len(self.prompt.value), limit=MAX_CHARS
        )
        # Feedback for an older version of the prompt would mislead.
        self.findings.value = ""
        self.result.value = ""
        self.answer.value = ""

    def _findings_html(self, text: str, findings: list[Finding]) -> str:
        bases = sorted({f.basis or f.kind for f in findings}, key=list(self._content.findings).index)
        return render(
            "exercises/prompt/findings.html.j2",
            findings=findings,
            summary=findings_summary(findings) if findings else "",
            parts=segments(text, findings),
            bases=bases,
            content=self._content,
        )

    def _review_html(self, result: Review) -> str:
        keys = sorted(
            {k for c in self._content.criteria for k in c.sources}, key=list(self._content.sources).index
        )
        return render(
            "exercises/prompt/review.html.j2", result=result, criteria_sources=self._content.sources_for(keys)
        )

    # -- actions -------------------------------------------------------------------------------------

    def check(self) -> tuple[Review, list[Finding]]:
        """Scan and review the current prompt and show the results. Raises ``ValueError`` (Danish)."""
        text = validate_prompt(self.prompt.value)
        findings = scan(text)
        result = review(text, self.task.value, content=self._content)
        self.last_review, self.last_findings = result, findings
        self.findings.value = self._findings_html(text, findings)
        self.result.value = self._review_html(result)
        return result, findings

    def _on_check(self, _button=None) -> None:
        self.clear_status()
        self.guard(self.check)()

    def send(self) -> str:
        """Send the current prompt to the language model (refused with findings). Returns the answer."""
        text = validate_prompt(self.prompt.value)
        findings = scan(text)
        self.last_findings = findings
        self.findings.value = self._findings_html(text, findings) if findings else ""
        self.answer.value = ""
        answer = llm.send(text, settings=self._settings)  # raises a Danish ValueError on findings
        self.answer.value = render("exercises/prompt/answer.html.j2", answer=answer)
        self.set_status("Svaret er kommet. Prompten er ikke gemt.")
        return answer

    def _on_send(self, _button=None) -> None:
        if not self._settings.llm_configured:
            self.set_status(llm.NOT_CONFIGURED, error=True)
            return
        self.send_button.disabled = True
        self.set_status("Sender prompten …")
        try:
            self.guard(self.send)()
        finally:
            self.send_button.disabled = False

    def _try_example(self, _button=None) -> None:
        example = next(g for g in self._content.gallery if g.id == self.gallery.value)
        self.task.value = example.task
        self.prompt.value = example.before
        self.set_status("Den svage prompt står nu i feltet ovenfor. Forbedr den, og tryk på »Tjek prompten«.")

    def save(self) -> int:
        """Check the prompt and store task, rubric result and finding counts. Never the prompt text."""
        result, findings = self.check()
        submission_id = self.save_model(PromptSubmission.of(result, findings), self.workshop_code.value)
        self.saved_id = submission_id
        self.set_status(
            f"Gemt som nr. {submission_id}: opgavetype, vurdering og antal fund. Selve prompten er ikke gemt."
        )
        return submission_id
