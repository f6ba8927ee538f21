"""Authorisation matrix entries (pages, keyed by URL name) for one part of a module; merged
into ``tests.authz.pages.PAGES``. Vocabulary in ``tests.authz.rules``.

The benefit register, indicators and measurements (samla/benefits/access.py). The matrix's
benefit is owned by B's editor and accrues to A: managers and B's editor change it and its
indicators; A's editor also enters measurements (for A); only managers register and delete
benefits. The import page is for everyone who may measure something: managers and editors."""

from __future__ import annotations

from tests.authz.rules import ALFA, MANAGERS, Page, action, form, read

CHANGE = MANAGERS | {"editor_b"}
MEASURE = CHANGE | {"editor_a"}

PAGES: dict[str, Page | list[Page]] = {
    "benefits:benefit_list": read(ALFA),
    "benefits:benefit_list_xlsx": read(ALFA),
    "benefits:benefit_create": form(MANAGERS),
    "benefits:benefit_detail": read(ALFA),
    "benefits:benefit_edit": form(CHANGE),
    "benefits:benefit_delete": action(MANAGERS),
    "benefits:indicator_create": form(CHANGE),
    "benefits:indicator_detail": read(ALFA),
    "benefits:indicator_edit": form(CHANGE),
    "benefits:indicator_delete": action(CHANGE),
    "benefits:indicator_target_create": form(CHANGE),
    "benefits:indicator_target_delete": action(CHANGE, date="=2027-01-01"),
    "benefits:measurement_create": form(MEASURE),
    "benefits:measurement_edit": form(MEASURE),
    "benefits:measurement_delete": action(MEASURE),
    "benefits:measurement_import": form(MEASURE),
    "benefits:measurement_import_template": read(MEASURE),
}
