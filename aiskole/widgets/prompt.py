"""The prompt lab as an ipywidgets view: write a prompt, check it, learn from a before/after gallery.

The checks are :func:`aiskole.prompt.scan` (personal data, highlighted in the text) and
:func:`aiskole.prompt.review` (heuristic R-K-O-F-E-B feedback). Sending to a language model is offered only
when one is configured, and :func:`aiskole.llm.send` refuses any prompt with findings. "Gem" stores the task,
the rubric result and the number of findings per kind – never the prompt text or the matched data.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

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
from aiskole.widgets.base import ExerciseView, workshop_code_field

#: Review levels drawn with the kit's verdict badges (colour, symbol and label together).
LEVEL_BADGE = {"stærk": "none", "god": "grey", "svag": "full"}


CRITERION_STATE = {True: ("✓", "Opfyldt"), False: ("✗", "Mangler")}


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

        intro = w.HTML(
            "<h2>Promptlaboratorium</h2>"
            "<p>Skriv en prompt til en typisk opgave i kommunen, og få feedback på, hvordan den er bygget op, "
            "og om der er personoplysninger i den. <strong>Selve prompten gemmes ikke.</strong></p>"
            f'<p class="aiskole-disclaimer">{escape(self._content.synthesis_note)}</p>'
        )

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
        self.llm_note = w.HTML(f'<p class="aiskole-note">{escape(llm.describe(self._settings))}</p>')

        self.findings = w.HTML()
        self.result = w.HTML()
        self.answer = w.HTML()

        gallery_head = w.HTML(
            '<div class="aiskole-section"><h3>Før og efter: eksempler</h3>'
            "<p>Se en svag og en bedre prompt til samme opgave. Alle eksempler bruger pladsholdere i stedet "
            "for personoplysninger.</p></div>"
        )
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

        save_head = w.HTML(
            '<div class="aiskole-section"><h3>Gem resultatet</h3>'
            "<p>Gem gemmer opgavetypen, vurderingen og hvor mange personoplysninger af hver slags der blev "
            "fundet – anonymt. <strong>Selve prompten gemmes ikke</strong>, heller ikke de fundne "
            "oplysninger.</p></div>"
        )
        self.workshop_code = workshop_code_field(workshop_code)
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem vurderingen (anonymt, uden prompten)"
        )
        self.save_button.on_click(self._on_save)

        buttons = w.HBox(
            [self.check_button, self.send_button],
            layout=w.Layout(flex_flow="row wrap", width="auto", max_width="100%"),
        )
        self.widget = self._wrap(
            [
                intro,
                self.task,
                self.task_info,
                w.HTML('<p class="aiskole-gallery-label">Din prompt</p>'),
                self.prompt,
                self.counter,
                buttons,
                self.llm_note,
                self.findings,
                self.result,
                self.answer,
                gallery_head,
                self.gallery,
                self.example,
                self.try_button,
                save_head,
                self.workshop_code,
                self.save_button,
            ]
        )
        self._show_task()
        self._show_example()
        self._on_prompt_change()

    # -- rendering -----------------------------------------------------------------------------------

    def _show_task(self, _change=None) -> None:
        task = self._content.task(self.task.value)
        self.task_info.value = (
            f"<p>{escape(task.description)}</p>"
            f'<p class="aiskole-note"><strong>Tip:</strong> {escape(task.tip)}</p>'
            + (render_sources(self._content.sources_for(task.sources)) if task.sources else "")
        )
        if self.last_review is not None:
            self.result.value = ""  # the feedback was for another task

    def _show_example(self, _change=None) -> None:
        example = next(g for g in self._content.gallery if g.id == self.gallery.value)
        self.example.value = (
            '<p class="aiskole-gallery-label">Før (svag):</p>'
            f'<div class="aiskole-prompt-view">{escape(example.before)}</div>'
            '<p class="aiskole-gallery-label">Efter (bedre):</p>'
            f'<div class="aiskole-prompt-view">{escape(example.after)}</div>'
            f"<p><strong>Hvorfor er den bedre?</strong> {escape(example.why)}</p>"
        )

    def _on_prompt_change(self, _change=None) -> None:
        n = len(self.prompt.value)
        shown = f"{n:,}".replace(",", ".")
        limit = f"{MAX_CHARS:,}".replace(",", ".")
        if n > MAX_CHARS:
            self.counter.value = (
                f'<p class="aiskole-counter aiskole-counter-over">{shown} af højst {limit} tegn – '
                "for lang. Forkort prompten.</p>"
            )
        elif n:
            self.counter.value = f'<p class="aiskole-counter">{shown} af højst {limit} tegn</p>'
        else:  # counted when the user leaves the field; a "0" would stay on screen while they type
            self.counter.value = f'<p class="aiskole-counter">Højst {limit} tegn.</p>'
        # Feedback for an older version of the prompt would mislead.
        self.findings.value = ""
        self.result.value = ""
        self.answer.value = ""

    def _findings_html(self, text: str, findings: list[Finding]) -> str:
        if not findings:
            return (
                '<div class="aiskole-section"><h3>Personoplysninger</h3>'
                '<p class="aiskole-status-ok"><span aria-hidden="true">✓</span> Ingen personoplysninger fundet.</p>'
                f'<p class="aiskole-note">{escape(self._content.scan_note)}</p></div>'
            )
        bases = sorted({f.basis or f.kind for f in findings}, key=list(self._content.findings).index)
        items = "".join(
            f'<li><span class="aiskole-find-label">{escape(f.label)}</span> {escape(f.message)}</li>'
            for f in findings
        )
        about = "".join(
            f"<p><strong>{escape(self._content.findings[b].name)}:</strong> "
            f"{escape(self._content.findings[b].why)}</p>"
            f"{render_sources(self._content.sources_for(self._content.findings[b].sources))}"
            for b in bases
        )
        return (
            '<div class="aiskole-section"><h3>Personoplysninger</h3>'
            f'<p class="aiskole-find-alert" role="alert"><span aria-hidden="true">▲</span> <strong>Pas på:</strong> '
            f"Fundet: {escape(findings_summary(findings))}. "
            "Erstat personoplysningerne med pladsholdere, før du bruger prompten.</p>"
            "<p>Her er de markeret i din prompt:</p>"
            + render("exercises/prompt/highlight.html.j2", parts=segments(text, findings))
            + f'<ul class="aiskole-findings">{items}</ul>'
            '<details class="aiskole-details"><summary>Hvorfor må det ikke stå i en prompt? (kilder)</summary>'
            f"{about}</details>"
            f'<p class="aiskole-note">{escape(self._content.scan_note)}</p></div>'
        )

    def _review_html(self, result: Review) -> str:
        parts = [
            '<div class="aiskole-section"><h3>Sådan er prompten bygget op</h3>',
            render_verdict(
                LEVEL_BADGE[result.level], f"{result.label}: {result.score} af {result.max_score}"
            ),
            f"<p>{escape(result.summary)}</p>",
        ]
        for c in result.criteria:
            symbol, state = CRITERION_STATE[c.met]
            css = "aiskole-crit-met" if c.met else "aiskole-crit-missing"
            parts.append(
                f'<div class="aiskole-crit {css}">'
                f'<p><span class="aiskole-crit-letter">{escape(c.letter)}</span><strong>{escape(c.name)}</strong>'
                f' – <span class="aiskole-crit-state"><span aria-hidden="true">{symbol}</span> {state}</span></p>'
                f"<p>{escape(c.why)}</p>"
                + ("" if c.met else f"<p><strong>Forslag:</strong> {escape(c.suggestion)}</p>")
                + "</div>"
            )
        parts.append(
            f"<p><strong>Tip til »{escape(result.task_title)}«:</strong> {escape(result.task_tip)}</p>"
            f'<p class="aiskole-disclaimer"><strong>Bemærk:</strong> {escape(result.heuristic_note)}</p>'
        )
        keys = sorted(
            {k for c in self._content.criteria for k in c.sources}, key=list(self._content.sources).index
        )
        parts.append(f"<p>Kilder til kriterierne:</p>{render_sources(self._content.sources_for(keys))}</div>")
        return "".join(parts)

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
        self.answer.value = (
            '<div class="aiskole-answer"><h3>Svar fra sprogmodellen</h3>'
            '<p class="aiskole-note">Tjek altid svaret selv, før du bruger det. Sprogmodeller kan tage fejl.</p>'
            f'<div class="aiskole-prompt-view">{escape(answer)}</div></div>'
        )
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


def render_sources(sources) -> str:
    return render("partials/sources.html.j2", sources=sources)


def render_verdict(verdict: str, label: str) -> str:
    return render("exercises/dpia/verdict.html.j2", verdict=verdict, label=label)
