"""The kit's errors, in one module that every layer may import.

Every error a user can cause is a :class:`UserError` (a ``ValueError``) whose message is Danish and safe to
show as it is: views show it in their status line, the CLI prints it after "Fejl:", a report names it.
Anything else is a bug; views and the CLI then show a generic Danish message and log the details.
"""

from __future__ import annotations


class UserError(ValueError):
    """Something the user can fix; the message is Danish and meant for them."""


class DatasetError(UserError):
    """A dataset file is missing or does not follow its schema."""


class ReportError(UserError):
    """A report cannot be made."""


class StoreError(RuntimeError):
    """The store could not be reached or written. The message is Danish and safe to show."""
