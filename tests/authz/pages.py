"""The page half of the authorisation matrix, keyed by URL name.

Every named URL of ``samla.urls`` (outside the API, which has its own table keyed by the
OpenAPI operation) must be here, or the test fails and names it. Personas:
``anonymous``, ``admin`` and ``office`` (managers), ``editor_a`` (editor of A, the
organisation every per-organisation object belongs to), ``editor_b``, ``viewer`` — all in
"alfa" — and ``outsider``, the administrator of "beta".
"""

from __future__ import annotations

from tests.authz.objects import REGISTER_OBJECTS
from tests.authz.rules import (
    ADMINS,
    ALFA,
    EVERYONE,
    LOGGED_IN,
    MANAGERS,
    NOBODY,
    OFFICE,
    Page,
    action,
    form,
    read,
)

A_EDITORS = MANAGERS | {"editor_a"}
ANY_EDITOR = MANAGERS | {"editor_a", "editor_b"}

# Reached without an account, or the account pages of allauth: each is still requested by
# every persona (never a 500, never alfa's data), with the rules below.
PUBLIC: dict[str, Page | list[Page]] = {
    "health": read(EVERYONE),
    "set_language": Page(get=EVERYONE, post=EVERYONE),
    "account_login": form(EVERYONE),
    # logging out lands on the log-in page, which the matrix reads as a refusal
    "account_logout": Page(get=LOGGED_IN, post=NOBODY),
    "account_signup": form(EVERYONE),
    "account_inactive": read(EVERYONE),
    "account_reset_password": form(EVERYONE),
    "account_reset_password_done": read(EVERYONE),
    "account_reset_password_from_key": form(EVERYONE, uidb36="=0", key="=ugyldig-nokkel"),
    "account_reset_password_from_key_done": read(EVERYONE),
    "account_confirm_email": Page(EVERYONE, NOBODY, {"key": "=ugyldig-nokkel"}),  # bad key: 404
    "account_email_verification_sent": read(EVERYONE),
    "account_confirm_login_code": form(LOGGED_IN),  # no code asked for: to log-in
    "account_change_password": form(LOGGED_IN),
    "account_set_password": form(LOGGED_IN),
    "account_email": form(LOGGED_IN),
    "account_reauthenticate": form(LOGGED_IN),
    "mfa_index": read(LOGGED_IN),
    "mfa_activate_totp": form(LOGGED_IN),
    # Nobody here has TOTP yet: the pages of an activated authenticator answer 404.
    "mfa_deactivate_totp": form(NOBODY),
    "mfa_authenticate": form(LOGGED_IN),  # only in the middle of a log-in
    "mfa_reauthenticate": form(LOGGED_IN),
    "mfa_generate_recovery_codes": form(LOGGED_IN),
    "mfa_view_recovery_codes": read(NOBODY),
    "mfa_download_recovery_codes": read(NOBODY),
    "socialaccount_connections": form(LOGGED_IN),
    "socialaccount_login_cancelled": read(EVERYONE),
    "socialaccount_login_error": read(NOBODY),  # the error page answers 401
    "socialaccount_signup": form(NOBODY),  # only in the middle of a log-in
    "openid_connect_login": form(NOBODY, provider_id="=ukjent"),  # unknown provider: 404
    "openid_connect_callback": form(NOBODY, provider_id="=ukjent"),
    # allauth's old, unnamed addresses (keyed by their path): redirects to the new ones
    "accounts/social/connections/": form(EVERYONE),
    "accounts/social/login/cancelled/": read(EVERYONE),
    "accounts/social/login/error/": read(EVERYONE),
    "accounts/social/signup/": form(EVERYONE),
    # the API's own pages; its operations are in api.py
    "api:api-root": read(NOBODY),
    "api:openapi-json": read(EVERYONE),
    "api:openapi-view": read(EVERYONE),
    # respondents answer through their link, without an account
    "surveys:respond": form(EVERYONE, token="personal_token"),
    "surveys:respond_open": form(EVERYONE, token="open_token"),
    "surveys:respond_thanks": read(EVERYONE),
}


def registers() -> dict[str, list[Page]]:
    """The landscape's registers: installations, ICT costs and contracts (of A only) are A's
    editor's too; editors add vendors and systems but only managers change them; the
    catalogue is the managers'."""
    creators = {
        "installasjoner": ANY_EDITOR,
        "avtaler": ANY_EDITOR,
        "kostnader": ANY_EDITOR,
        "systemer": ANY_EDITOR,
        "leverandorer": ANY_EDITOR,
        "kategorier": MANAGERS,
        "tjenesteomrader": MANAGERS,
    }
    changers = {
        "installasjoner": A_EDITORS,
        "avtaler": A_EDITORS,
        "kostnader": A_EDITORS,
        "systemer": MANAGERS,
        "leverandorer": MANAGERS,
        "kategorier": MANAGERS,
        "tjenesteomrader": MANAGERS,
    }
    table: dict[str, list[Page]] = {
        "landscape:register_list": [],
        "landscape:register_create": [],
        "landscape:register_detail": [],
        "landscape:register_edit": [],
        "landscape:register_delete": [],
    }
    for slug, kind in REGISTER_OBJECTS.items():
        one = {"register": f"={slug}"}
        obj = {**one, "object_id": kind}
        table["landscape:register_list"].append(Page(ALFA, None, one, slug))
        table["landscape:register_create"].append(Page(creators[slug], creators[slug], one, slug))
        table["landscape:register_detail"].append(Page(ALFA, None, obj, slug))
        table["landscape:register_edit"].append(Page(changers[slug], changers[slug], obj, slug))
        table["landscape:register_delete"].append(Page(None, changers[slug], obj, slug))
    return table


PAGES: dict[str, Page | list[Page]] = {
    **PUBLIC,
    # --- organisations ------------------------------------------------------------------
    "organisations:home": read(LOGGED_IN),
    "organisations:profile": form(LOGGED_IN),
    "organisations:api_token_create": action(LOGGED_IN),
    "organisations:api_token_revoke": action(frozenset({"admin"}), token_id="api_token"),
    # an empty form names no collaboration: 404 for everyone
    "organisations:switch_collaboration": action(NOBODY),
    "organisations:collaboration_create": form(NOBODY),  # superusers only
    "organisations:collaboration_edit": form(ADMINS),
    "organisations:dashboard": read(),
    "organisations:coming_module": Page(ALFA, None, {"module": "=gevinster"}),
    "organisations:organisation_list": read(),
    "organisations:organisation_detail": read(),
    "organisations:organisation_create": form(MANAGERS),
    "organisations:organisation_edit": [
        Page(A_EDITORS, A_EDITORS, {}, "A"),
        Page(
            MANAGERS | {"editor_b"},
            MANAGERS | {"editor_b"},
            {"organisation_id": "other_organisation"},
            "B",
        ),
    ],
    "organisations:member_list": form(MANAGERS, readers=ALFA),  # adds an existing organisation
    "organisations:member_edit": form(MANAGERS),
    "organisations:member_remove": action(MANAGERS),
    "organisations:role_list": read(MANAGERS),
    "organisations:role_invite": form(ADMINS),
    "organisations:role_edit": form(ADMINS),
    "organisations:role_remove": action(ADMINS),
    "organisations:cost_key_list": read(),
    "organisations:cost_key_detail": Page(ALFA, ALFA),  # the split calculator posts
    "organisations:cost_key_create": form(MANAGERS),
    "organisations:cost_key_edit": form(MANAGERS),
    "organisations:cost_key_delete": action(MANAGERS),
    # --- landscape ----------------------------------------------------------------------
    "landscape:matrix": read(),
    "landscape:harmonisation": read(),
    "landscape:consolidation": read(),
    "landscape:contract_timeline": read(),
    "landscape:ict_costs": read(),
    "landscape:target_portfolio": form(MANAGERS, readers=ALFA),
    "landscape:target_choice_remove": action(MANAGERS),
    "landscape:import_export": form(ANY_EDITOR, readers=ALFA),
    **registers(),
    # --- surveys ------------------------------------------------------------------------
    "surveys:questionnaire_list": read(),
    "surveys:questionnaire_detail": read(),
    "surveys:questionnaire_create": form(MANAGERS),
    "surveys:questionnaire_create_from_template": action(MANAGERS),
    "surveys:questionnaire_edit": form(MANAGERS),
    "surveys:questionnaire_copy": form(MANAGERS),
    "surveys:questionnaire_delete": action(MANAGERS),
    "surveys:section_create": form(MANAGERS),
    "surveys:section_edit": form(MANAGERS),
    "surveys:section_delete": action(MANAGERS),
    "surveys:question_create": form(MANAGERS),
    "surveys:question_edit": form(MANAGERS),
    "surveys:question_delete": action(MANAGERS),
    "surveys:question_move": action(MANAGERS),
    "surveys:campaign_list": read(),
    "surveys:campaign_detail": read(),
    "surveys:campaign_create": form(MANAGERS),
    "surveys:campaign_edit": form(MANAGERS),
    "surveys:campaign_delete": action(MANAGERS),
    "surveys:campaign_launch": action(MANAGERS),
    "surveys:campaign_close": action(MANAGERS),
    "surveys:campaign_remind": action(MANAGERS),
    "surveys:campaign_accept_results": form(MANAGERS),  # shows the fit it would set
    "surveys:campaign_tracking": read(),
    "surveys:campaign_results": read(),
    "surveys:campaign_raw_answers": read(OFFICE | {"admin"}),
    "surveys:category_comparison": read(),
    "surveys:user_group_create": form(ANY_EDITOR),
    "surveys:user_group_edit": form(A_EDITORS),
    "surveys:user_group_delete": action(A_EDITORS),
    "surveys:user_group_invite": form(A_EDITORS),
    "surveys:user_group_open_link": action(A_EDITORS),
    # --- business cases -----------------------------------------------------------------
    "cases:case_list": read(),
    "cases:case_detail": read(),
    "cases:compare": read(),
    "cases:version_detail": read(),
    "cases:monte_carlo": Page(ALFA, ALFA),  # a reader may run the simulation: it changes no data
    "cases:case_create": form(MANAGERS),
    "cases:case_import": form(MANAGERS),
    "cases:case_edit": form(MANAGERS),
    "cases:case_delete": action(MANAGERS),
    "cases:version_new": action(MANAGERS),
    "cases:version_edit": form(MANAGERS),
    "cases:version_freeze": action(MANAGERS),
    "cases:alternative_create": form(MANAGERS),
    "cases:alternative_edit": form(MANAGERS),
    "cases:alternative_delete": action(MANAGERS),
    "cases:line_create": form(MANAGERS),
    "cases:line_edit": form(MANAGERS),
    "cases:line_delete": action(MANAGERS),
    "cases:effect_create": form(MANAGERS),
    "cases:effect_edit": form(MANAGERS),
    "cases:effect_delete": action(MANAGERS),
    "cases:assumption_create": form(MANAGERS),
    "cases:assumption_edit": form(MANAGERS),
    "cases:assumption_delete": action(MANAGERS),
}
