"""The fixed scales that exercises store and reports count: the kick-off poll's 1–5 and the quiz's topics.

Kept apart from the dataset models so that a report kernel can count answers without loading the
validation layer (pydantic costs a report over 10,000 answers more than its own work).
"""

from __future__ import annotations

#: The kick-off poll's answers, from 1 (utryg) to 5 (tryg og motiveret).
SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)

#: The quiz's topics, in the order they are offered and reported.
TOPICS: tuple[str, ...] = ("jura", "prompt", "proces")
