"""LIX (læsbarhedsindeks), the Danish readability index: words per sentence + percentage of long words.

LIX = W/S + 100·L/W, where W is the number of words, S the number of sentences (ended by . : ! ? or a
line break before a capital) and L the words with more than six letters. Below 25 is very easy, 25-34 easy,
35-44 medium, 45-54 hard and 55 or more very hard (Björnsson's scale as used in Denmark).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]+(?:[-'][A-Za-zÆØÅæøåÉéÜüÖöÄä]+)*")
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)|\n\s*\n|\n(?=\s*[-*•|#])")
_MARKDOWN_NOISE = re.compile(r"`[^`]*`|\[([^\]]*)\]\([^)]*\)|https?://\S+|[*_#>|]")


def clean_markdown(text: str) -> str:
    """Markdown to plain text: drop code spans, URLs and markup; keep link texts."""
    return _MARKDOWN_NOISE.sub(lambda m: m.group(1) or " ", text)


def lix(text: str) -> float:
    """The LIX of ``text`` (0 for text without words)."""
    plain = clean_markdown(text)
    words = _WORD.findall(plain)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(plain) if _WORD.search(s)]))
    long_words = sum(1 for w in words if len(w.replace("-", "")) > 6)
    return len(words) / sentences + 100 * long_words / len(words)


def band(value: float) -> str:
    """The Danish name of the LIX band."""
    if value < 25:
        return "meget let"
    if value < 35:
        return "let"
    if value < 45:
        return "middel"
    if value < 55:
        return "svær"
    return "meget svær"
