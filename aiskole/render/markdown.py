"""Markdown for the internal newsletter: free text escaped so a quote cannot add links, images or HTML.

Only consented stories are ever written (:func:`aiskole.exercises.story.visible_stories`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aiskole.exercises.story import Story, StorybankContent, load_storybank, visible_stories

# Backslash-escape every character that could start Markdown markup or HTML: links and images need "[",
# HTML needs "<", entities "&", emphasis "*" "_" "~", code "`", tables "|", headings "#".
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>#+|~&@])")
_MD_LINE_START = re.compile(r"(?m)^(\s*)([-=]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Escape free text so that Markdown shows it literally: no links, images, HTML, headings or lists."""
    text = _MD_INLINE.sub(r"\\\1", str(text))
    # bare URLs and www. addresses are turned into links by GitHub-flavoured renderers (autolinks)
    text = re.sub(r"(?i)(?<=[a-z0-9]):(?=//)", r"\\:", text)
    text = re.sub(r"(?i)\b(www)\.", r"\1\\.", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def story_markdown(story: Story) -> str:
    """One consented quote as a Markdown blockquote followed by "— rolle, afdeling".

    Raises
    ------
    ValueError
        The story has no consent (it must never be exported).
    """
    if not story.visible:
        raise ValueError("Citatet har ikke samtykke og kan ikke eksporteres.")
    quote = "\n".join(f"> {escape_markdown(line)}".rstrip() for line in story.quote.split("\n"))
    return f"{quote}\n>\n> — {escape_markdown(story.role)}, {escape_markdown(story.department)}\n"


def export_markdown(stories: Iterable[Story], content: StorybankContent | None = None) -> str:
    """Newsletter-ready Markdown of the consented stories (the others are left out, always).

    Raises
    ------
    ValueError
        There is no consented story to export (Danish message).
    """
    shown = visible_stories(stories)
    if not shown:
        raise ValueError("Der er ingen citater med samtykke at eksportere endnu.")
    content = content or load_storybank()
    parts = [f"## {escape_markdown(content.export.heading)}", "", escape_markdown(content.export.intro), ""]
    for story in shown:
        parts += [story_markdown(story)]
    return "\n".join(parts)
