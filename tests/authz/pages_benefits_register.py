"""Authorisation matrix entries (pages, keyed by URL name) for one part of a module; merged
into ``tests.authz.pages.PAGES``. Vocabulary in ``tests.authz.rules``."""

from __future__ import annotations

from tests.authz.rules import Page

PAGES: dict[str, Page | list[Page]] = {}
