"""Vocabulary of the authorisation matrix: who may, and how one URL is filled and judged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
ADMINS = frozenset({"admin"})
OFFICE = frozenset({"office"})
MANAGERS = frozenset({"admin", "office"})
EDITORS = frozenset({"editor_a", "editor_b"})
ALFA = frozenset({"admin", "office", "editor_a", "editor_b", "viewer"})
LOGGED_IN = ALFA | {"outsider"}
EVERYONE = LOGGED_IN | {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Page:
    """Who may GET and who may POST one page.

    ``get=None``: the URL takes POST only, so GET answers 405 (or a refusal) for everyone.
    ``post=None``: the URL takes no POST, so POST answers 405 (or a refusal) for everyone.
    ``kwargs`` fills URL arguments that the defaults do not (object keys of ``Objects``,
    or ``=literal`` for a fixed value); ``label`` tells variants of one URL apart.
    """

    get: frozenset[str] | None
    post: frozenset[str] | None = None
    kwargs: Mapping[str, str] = field(default_factory=dict)
    label: str = ""


def read(who: frozenset[str] = ALFA) -> Page:
    """A page that only shows."""
    return Page(get=who, post=None)


def form(who: frozenset[str], *, readers: frozenset[str] | None = None, **kwargs: str) -> Page:
    """A form page: shown and posted by the same personas (unless ``readers`` is given)."""
    return Page(get=who if readers is None else readers, post=who, kwargs=kwargs)


def action(who: frozenset[str], **kwargs: str) -> Page:
    """A button: POST only."""
    return Page(get=None, post=who, kwargs=kwargs)
