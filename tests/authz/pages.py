"""The page half of the authorisation matrix, keyed by URL name.

Every named URL of ``samla.urls`` (outside the API, which has its own table keyed by the
OpenAPI operation) must be here, or the test fails and names it. Personas:
``anonymous``, ``admin`` and ``office`` (managers), ``editor_a`` (editor of A, the
organisation every per-organisation object belongs to), ``editor_b``, ``viewer`` — all in
"alfa" — and ``outsider``, the administrator of "beta".
"""

from __future__ import annotations

from tests.authz import (
    pages_benefits_register,
    pages_benefits_reports,
    pages_portfolio_proposals,
    pages_portfolio_scenarios,
)
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
# Governance (samla/governance/access.py): alfa's project concerns A only and is led by B's
# editor; A's editor may add risks and log entries, and wrote the log entry.
LEAD = MANAGERS | {"editor_b"}
CONTRIBUTORS = LEAD | {"editor_a"}

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


GOVERNANCE_READ = (
    "action_item_list",
    "body_detail",
    "body_list",
    "decision_detail",
    "decision_memo_docx",
    "decision_register",
    "lessons_learned",
    "mandate_detail",
    "mandate_docx",
    "meeting_detail",
    "minutes_docx",
    "phase_model_detail",
    "phase_model_list",
    "programme_detail",
    "programme_list",
    "programme_risks",
    "programme_risks_xlsx",
    "project_decisions",
    "project_detail",
    "project_list",
    "project_list_xlsx",
    "project_log",
    "project_phases",
    "project_plan",
    "project_risks",
    "project_risks_xlsx",
    "risk_detail",
    "stakeholder_list",
    "status_report_detail",
    "status_report_docx",
    "status_report_list",
    "status_reports_xlsx",
    "top_risks",
)


def governance_changes() -> dict[str, Page | list[Page]]:
    """Forms (``*_create``, ``*_edit`` and the like) and buttons (``*_delete``) of
    governance, by who may use them."""
    managers = (
        "action_item",
        "agenda_item",
        "body",
        "body_member",
        "decision",
        "meeting",
        "programme",
        "programme_risk",
        "project",
        "gate",
        "checklist_item",
        "phase_model",
        "template_phase",
        "template_gate",
        "template_checklist_item",
        "template_milestone",
    )
    leads = (
        "project_phase",
        "milestone",
        "sub_goal",
        "concept",
        "mandate_role",
        "cost_line",
        "financing",
        "resource_line",
        "activity",
        "dependency",
        "stakeholder",
        "communication_item",
        "status_report",
        "status_cost_line",
        "risk",
        "log_entry",
    )
    # URL argument of the objects whose names do not say their kind
    kwargs = {
        "template_phase": {"phase_id": "template_phase"},
        "template_gate": {"gate_id": "template_gate"},
        "template_checklist_item": {
            "item_id": "template_checklist_item",
            "gate_id": "template_gate",
        },
        "template_milestone": {"milestone_id": "template_milestone"},
        "status_cost_line": {"line_id": "status_cost_line"},
    }
    table: dict[str, Page | list[Page]] = {}
    for kinds, who in ((managers, MANAGERS), (leads, LEAD)):
        for kind in kinds:
            extra = kwargs.get(kind, {})
            table[f"{kind}_create"] = form(who, **extra)
            table[f"{kind}_edit"] = form(who, **extra)
            table[f"{kind}_delete"] = action(who, **extra)
    # a project led by nobody that concerns B only: B's editor contributes, A's does not
    other = {"project_id": "other_project"}
    b_contributors = MANAGERS | {"editor_b"}
    table.update(
        {
            "risk_create": [
                Page(CONTRIBUTORS, CONTRIBUTORS, {}, "A"),
                Page(b_contributors, b_contributors, other, "B"),
            ],
            "log_entry_create": [
                Page(CONTRIBUTORS, CONTRIBUTORS, {}, "A"),
                Page(b_contributors, b_contributors, other, "B"),
            ],
            # the leader changes every entry, its author (A's editor) their own
            "log_entry_edit": form(CONTRIBUTORS),
            "log_entry_delete": action(CONTRIBUTORS),
            "checklist_item_tick": action(LEAD),
            "mandate_edit": form(LEAD),
            "financing_compute": form(LEAD),
            "status_report_publish": form(LEAD),  # shown before it is published
            "project_approvers": form(MANAGERS),
            "meeting_presence": action(MANAGERS),
            "phase_model_copy": form(MANAGERS),
            "phase_model_install": action(MANAGERS),
        }
    )
    # deleting these asks first (what goes with them): a page, then the button
    for kind in (
        "checklist_item",
        "gate",
        "milestone",
        "phase_model",
        "programme",
        "project",
        "project_phase",
        "template_checklist_item",
        "template_gate",
        "template_milestone",
        "template_phase",
    ):
        who = LEAD if kind in leads else MANAGERS
        table[f"{kind}_delete"] = form(who, **kwargs.get(kind, {}))
    for name in ("programme_risk_edit", "programme_risk_delete", "dependency_edit"):
        del table[name]
    # a programme's risks are changed on the same pages as a project's, by managers only
    programme_risk = {"risk_id": "programme_risk"}
    table["risk_edit"] = [
        Page(LEAD, LEAD, {}, "project"),
        Page(MANAGERS, MANAGERS, programme_risk, "programme"),
    ]
    table["risk_delete"] = [
        Page(None, LEAD, {}, "project"),
        Page(None, MANAGERS, programme_risk, "programme"),
    ]
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
    # --- governance ---------------------------------------------------------------------
    **{f"governance:{name}": read() for name in GOVERNANCE_READ},
    "governance:calendar_ics": Page(
        EVERYONE, None, {"token": "calendar_token"}
    ),  # the token is the right (the viewer's)
    # one's own feed token; an empty form names no action: 404
    "governance:calendar_feed": Page(ALFA, NOBODY),
    **{f"governance:{name}": page for name, page in governance_changes().items()},
    # --- portfolio and benefits (a file per part, so that each can grow on its own) -----
    **pages_portfolio_proposals.PAGES,
    **pages_portfolio_scenarios.PAGES,
    **pages_benefits_register.PAGES,
    **pages_benefits_reports.PAGES,
}
