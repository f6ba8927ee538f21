"""The API for campaigns, user groups, invitations and tracking: who may do what, bad input.

The same permissions as the pages: everyone with a role reads; managers run campaigns;
user groups and their invitations are changed by managers and by an editor for their own
organisation. Anonymous callers get 401, the outsider (of collaboration beta) 404, other
roles 403 for a change; a refused input answers 422 and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail

from conftest import World
from samla.surveys import services
from samla.surveys.models import Campaign, Invitation, UserGroup
from tests.test_api_organisations import EVERYONE_IN_ALFA, MANAGERS, PERSONAS, api, expected
from tests.test_survey_campaigns import (
    INVITEES_A,
    TODAY,
    Scenario,
    answer,
    build_scenario,
    frozen_today,  # noqa: F401 - the autouse fixture that pins "today"
    launch,
)

OWN_A = MANAGERS | {"editor_a"}
OWN_B = MANAGERS | {"editor_b"}


@pytest.fixture
def scenario(world: World) -> Scenario:
    return build_scenario(world)


def base(s: Scenario) -> str:
    return f"/collaborations/alfa/campaigns/{s.campaign.uuid}"


def group_path(s: Scenario, group: UserGroup) -> str:
    return f"{base(s)}/user-groups/{group.uuid}"


def new_campaign(s: Scenario, **change: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Fra API",
        "questionnaire": str(s.questionnaire.uuid),
        "category": str(s.sak.uuid),
        "products": [str(s.elements.uuid)],
        "opens_on": "2026-03-10",
        "closes_on": "2026-04-10",
    }
    body.update(change)
    return body


def new_group(s: Scenario, **change: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Fra API",
        "organisation": str(s.world.org_a.uuid),
        "product": str(s.elements.uuid),
        "size": 7,
    }
    body.update(change)
    return body


# --- Reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_reads(scenario: Scenario, persona: str) -> None:
    for path in (
        "/collaborations/alfa/campaigns",
        base(scenario),
        f"{base(scenario)}/tracking",
        f"{base(scenario)}/user-groups",
        group_path(scenario, scenario.group_a),
    ):
        response = api(scenario.world, persona, "GET", path)
        assert response.status_code == expected(persona, EVERYONE_IN_ALFA), path


def test_campaign_out(scenario: Scenario) -> None:
    body = api(scenario.world, "viewer", "GET", base(scenario)).json()
    assert body["name"] == "Sak/arkiv 2026"
    assert body["status"] == "draft"
    assert [p["name"] for p in body["products"]] == ["Elements", "Public 360"]
    assert body["category"] == {"uuid": str(scenario.sak.uuid), "name": "Sak/arkiv"}
    assert body["anonymous"] is True
    assert (body["invited"], body["answered"], body["expected"]) == (5, 0, 15)
    listed = api(scenario.world, "viewer", "GET", "/collaborations/alfa/campaigns").json()
    assert [c["uuid"] for c in listed] == [str(scenario.campaign.uuid)]


def test_tracking_out(scenario: Scenario, django_capture_on_commit_callbacks: Any) -> None:
    tokens = launch(scenario, django_capture_on_commit_callbacks)
    answer(tokens["kari@a.kommune.no"])
    answer(scenario.open_b.open_token, open_link=True)
    body = api(scenario.world, "viewer", "GET", f"{base(scenario)}/tracking").json()
    assert body["status"] == "open"
    assert (body["invited"], body["answered"], body["expected"]) == (5, 2, 15)
    assert body["response_rate"] == pytest.approx(2 / 15)
    a, b = body["organisations"]
    assert a["organisation"]["name"] == "A kommune"
    assert (a["invited"], a["answered"], a["response_rate"]) == (3, 1, pytest.approx(1 / 3))
    archive = next(g for g in b["user_groups"] if g["name"] == "Arkiv B")
    assert archive == {
        "uuid": str(scenario.open_b.uuid),
        "name": "Arkiv B",
        "product": {"uuid": str(scenario.p360.uuid), "name": "Public 360"},
        "open_link": True,
        "size": 10,
        "invited": 0,
        "answered": 1,
        "expected": 10,
        "response_rate": 0.1,
    }
    assert "email" not in str(body) and "@" not in str(body)


def test_open_link_url_only_for_those_who_manage_the_group(scenario: Scenario) -> None:
    path = group_path(scenario, scenario.open_b)
    url = f"http://testserver/svar/apen/{scenario.open_b.open_token}/"
    for persona, shown in [
        ("office", True),
        ("editor_b", True),
        ("editor_a", False),
        ("viewer", False),
    ]:
        body = api(scenario.world, persona, "GET", path).json()
        assert body["open_link"] is True
        assert body["open_link_url"] == (url if shown else None), persona


# --- Campaigns -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_campaign_create(scenario: Scenario, persona: str) -> None:
    response = api(
        scenario.world, persona, "POST", "/collaborations/alfa/campaigns", new_campaign(scenario)
    )
    assert response.status_code == expected(persona, MANAGERS, 201)
    created = Campaign.objects.filter(name="Fra API").first()
    if response.status_code == 201:
        assert created is not None and response.json()["uuid"] == str(created.uuid)
        assert response.json()["anonymous"] is True
    else:
        assert created is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"closes_on": "2026-03-01"}, "__all__"),
        ({"products": []}, "products"),
        ({"products": ["00000000-0000-0000-0000-000000000000"]}, "products"),
        ({"questionnaire": "00000000-0000-0000-0000-000000000000"}, "questionnaire"),
        ({"category": "00000000-0000-0000-0000-000000000000"}, "category"),
        ({"name": "Sak/arkiv 2026"}, "__all__"),
        ({"name": ""}, "name"),
    ],
)
def test_campaign_create_bad_input(scenario: Scenario, change: dict[str, Any], field: str) -> None:
    before = Campaign.objects.count()
    response = api(
        scenario.world,
        "office",
        "POST",
        "/collaborations/alfa/campaigns",
        new_campaign(scenario, **change),
    )
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"], response.json()
    assert Campaign.objects.count() == before


def test_campaign_from_another_collaboration_is_refused(scenario: Scenario) -> None:
    from samla.landscape import services as landscape_services

    beta_product = landscape_services.product_save(
        collaboration=scenario.world.beta, name="Beta-system"
    )
    response = api(
        scenario.world,
        "office",
        "POST",
        "/collaborations/alfa/campaigns",
        new_campaign(scenario, products=[str(beta_product.uuid)]),
    )
    assert response.status_code == 422
    path = f"/collaborations/beta/campaigns/{scenario.campaign.uuid}"
    assert api(scenario.world, "outsider", "GET", path).status_code == 404
    assert api(scenario.world, "outsider", "PATCH", path, {"name": "Kapret"}).status_code == 404
    assert Campaign.objects.get(pk=scenario.campaign.pk).name == "Sak/arkiv 2026"


@pytest.mark.parametrize("persona", PERSONAS)
def test_campaign_update_and_delete(scenario: Scenario, persona: str) -> None:
    response = api(
        scenario.world, persona, "PATCH", base(scenario), {"name": "Omdøpt", "category": None}
    )
    assert response.status_code == expected(persona, MANAGERS)
    campaign = Campaign.objects.get(pk=scenario.campaign.pk)
    assert (campaign.name == "Omdøpt") is (response.status_code == 200)
    if response.status_code == 200:
        assert campaign.category is None
        assert response.json()["name"] == "Omdøpt"
    response = api(scenario.world, persona, "DELETE", base(scenario))
    assert response.status_code == expected(persona, MANAGERS, 204)
    assert Campaign.objects.filter(pk=scenario.campaign.pk).exists() is (
        response.status_code != 204
    )


def test_anonymity_cannot_be_weakened_once_answered(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    tokens = launch(scenario, django_capture_on_commit_callbacks)
    answer(tokens["per@a.kommune.no"])
    response = api(
        scenario.world, "admin", "PATCH", base(scenario), {"anonymous": False, "name": "Ny"}
    )
    assert response.status_code == 422
    assert "ikke-anonym" in response.json()["detail"]
    campaign = Campaign.objects.get(pk=scenario.campaign.pk)
    assert (campaign.anonymous, campaign.name) == (True, "Sak/arkiv 2026")
    assert api(scenario.world, "admin", "DELETE", base(scenario)).status_code == 422


def test_anonymity_may_change_before_answers(scenario: Scenario) -> None:
    response = api(scenario.world, "office", "PATCH", base(scenario), {"anonymous": False})
    assert response.status_code == 200
    assert response.json()["anonymous"] is False


@pytest.mark.parametrize("persona", PERSONAS)
def test_launch_remind_close(
    scenario: Scenario, persona: str, django_capture_on_commit_callbacks: Any
) -> None:
    allowed = persona in MANAGERS
    with django_capture_on_commit_callbacks(execute=True):
        response = api(scenario.world, persona, "POST", f"{base(scenario)}/launch")
    assert response.status_code == expected(persona, MANAGERS)
    if not allowed:
        assert Campaign.objects.get(pk=scenario.campaign.pk).launched_at is None
        assert not mail.outbox
        services.campaign_launch(campaign=scenario.campaign, base_url="http://testserver/")
    else:
        assert response.json() == {"status": "open", "sent": 5}
        assert len(mail.outbox) == 5
        assert "svar/" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(scenario.world, persona, "POST", f"{base(scenario)}/remind")
    assert response.status_code == expected(persona, MANAGERS)
    reminded = Invitation.objects.filter(campaign=scenario.campaign, reminders=1).count()
    assert reminded == (5 if allowed else 0)
    if allowed:
        assert response.json() == {"reminded": 5}
    response = api(scenario.world, persona, "POST", f"{base(scenario)}/close")
    assert response.status_code == expected(persona, MANAGERS)
    closed = Campaign.objects.get(pk=scenario.campaign.pk).closed_early_on
    assert closed == (TODAY if allowed else None)
    if allowed:
        assert response.json()["status"] == "closed"


def test_actions_refused_in_the_wrong_state(scenario: Scenario) -> None:
    for action in ("remind", "close"):
        response = api(scenario.world, "office", "POST", f"{base(scenario)}/{action}")
        assert response.status_code == 422, action
    UserGroup.objects.filter(campaign=scenario.campaign).delete()
    response = api(scenario.world, "office", "POST", f"{base(scenario)}/launch")
    assert response.status_code == 422
    assert "brukergruppe" in response.json()["detail"]
    assert Campaign.objects.get(pk=scenario.campaign.pk).launched_at is None


# --- User groups -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCase:
    name: str
    method: str
    path: Callable[[Scenario], str]
    body: Callable[[Scenario], dict[str, Any] | None]
    allowed: set[str]
    success: int
    done: Callable[[Scenario], bool]


def _group(s: Scenario, group: UserGroup) -> UserGroup | None:
    return UserGroup.objects.filter(pk=group.pk).first()


GROUP_CASES = [
    GroupCase(
        "create for A",
        "POST",
        lambda s: f"{base(s)}/user-groups",
        new_group,
        OWN_A,
        201,
        lambda s: UserGroup.objects.filter(name="Fra API").exists(),
    ),
    GroupCase(
        "create for B",
        "POST",
        lambda s: f"{base(s)}/user-groups",
        lambda s: new_group(s, organisation=str(s.world.org_b.uuid), product=str(s.p360.uuid)),
        OWN_B,
        201,
        lambda s: UserGroup.objects.filter(name="Fra API").exists(),
    ),
    GroupCase(
        "update A",
        "PATCH",
        lambda s: group_path(s, s.group_a),
        lambda s: {"name": "Omdøpt", "size": 40},
        OWN_A,
        200,
        lambda s: _group(s, s.group_a).name == "Omdøpt",  # type: ignore[union-attr]
    ),
    GroupCase(
        "update B",
        "PATCH",
        lambda s: group_path(s, s.group_b),
        lambda s: {"name": "Omdøpt"},
        OWN_B,
        200,
        lambda s: _group(s, s.group_b).name == "Omdøpt",  # type: ignore[union-attr]
    ),
    GroupCase(
        "delete A",
        "DELETE",
        lambda s: group_path(s, s.group_a),
        lambda s: None,
        OWN_A,
        204,
        lambda s: _group(s, s.group_a) is None,
    ),
    GroupCase(
        "open link A",
        "POST",
        lambda s: group_path(s, s.group_a) + "/open-link",
        lambda s: {"enabled": True},
        OWN_A,
        200,
        lambda s: _group(s, s.group_a).open_token != "",  # type: ignore[union-attr]
    ),
    GroupCase(
        "invite to A",
        "POST",
        lambda s: group_path(s, s.group_a) + "/invitations",
        lambda s: {"emails": ["ny@a.kommune.no", "KARI@a.kommune.no"]},
        OWN_A,
        200,
        lambda s: Invitation.objects.filter(email="ny@a.kommune.no").exists(),
    ),
    GroupCase(
        "invite to B",
        "POST",
        lambda s: group_path(s, s.group_b) + "/invitations",
        lambda s: {"emails": ["ny@b.kommune.no"]},
        OWN_B,
        200,
        lambda s: Invitation.objects.filter(email="ny@b.kommune.no").exists(),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", GROUP_CASES, ids=[c.name for c in GROUP_CASES])
def test_user_group_permissions(scenario: Scenario, case: GroupCase, persona: str) -> None:
    response = api(scenario.world, persona, case.method, case.path(scenario), case.body(scenario))
    assert response.status_code == expected(persona, case.allowed, case.success), response.content
    assert case.done(scenario) is (persona in case.allowed)


def test_invitations_answer_counts_never_tokens(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    launch(scenario, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(
            scenario.world,
            "editor_a",
            "POST",
            group_path(scenario, scenario.group_a) + "/invitations",
            {"emails": ["ny@a.kommune.no", "Kari@A.kommune.no", "ny@a.kommune.no"]},
        )
    assert response.status_code == 200
    assert response.json() == {"added": 1, "skipped": 1, "sent": True}
    assert mail.outbox[-1].to == ["ny@a.kommune.no"]
    assert "/svar/" not in response.content.decode()
    assert sorted(scenario.group_a.invitations.values_list("email", flat=True)) == sorted(
        [*INVITEES_A, "ny@a.kommune.no"]
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"emails": ["ikke-en-adresse", "ny@a.kommune.no"]}, "__all__"),
        ({"emails": [" ; "]}, "emails"),
    ],
)
def test_invitations_bad_input(scenario: Scenario, body: dict[str, Any], field: str) -> None:
    before = Invitation.objects.count()
    response = api(
        scenario.world,
        "editor_a",
        "POST",
        group_path(scenario, scenario.group_a) + "/invitations",
        body,
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Invitation.objects.count() == before
    empty = api(
        scenario.world,
        "editor_a",
        "POST",
        group_path(scenario, scenario.group_a) + "/invitations",
        {"emails": []},
    )
    assert empty.status_code == 422
    assert Invitation.objects.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"product": "spare"}, "product"),
        ({"organisation": "org_c"}, "organisation"),
        ({"name": "Saksbehandlere A"}, "__all__"),
        ({"size": 0}, None),
        ({"name": ""}, "name"),
    ],
)
def test_user_group_bad_input(
    scenario: Scenario, change: dict[str, Any], field: str | None
) -> None:
    values = {"spare": str(scenario.spare.uuid), "org_c": str(scenario.world.org_c.uuid)}
    change = {k: values.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    before = UserGroup.objects.count()
    response = api(
        scenario.world,
        "editor_a",
        "POST",
        f"{base(scenario)}/user-groups",
        new_group(scenario, **change),
    )
    assert response.status_code == 422, response.json()
    if field is not None:
        assert field in response.json()["errors"], response.json()
    assert UserGroup.objects.count() == before


def test_editor_cannot_move_own_group_to_another_organisation(scenario: Scenario) -> None:
    response = api(
        scenario.world,
        "editor_a",
        "PATCH",
        group_path(scenario, scenario.group_a),
        {"organisation": str(scenario.world.org_b.uuid), "product": str(scenario.p360.uuid)},
    )
    assert response.status_code == 403
    group = UserGroup.objects.get(pk=scenario.group_a.pk)
    assert group.organisation == scenario.world.org_a


def test_group_of_another_campaign_is_404(scenario: Scenario) -> None:
    other = services.campaign_create(
        collaboration=scenario.world.alfa,
        products=[scenario.elements],
        name="Annen",
        questionnaire=scenario.questionnaire,
        opens_on=TODAY,
        closes_on=TODAY,
    )
    path = f"/collaborations/alfa/campaigns/{other.uuid}/user-groups/{scenario.group_a.uuid}"
    assert api(scenario.world, "admin", "GET", path).status_code == 404
    assert api(scenario.world, "admin", "DELETE", path).status_code == 404
    assert UserGroup.objects.filter(pk=scenario.group_a.pk).exists()


def test_closed_campaign_takes_no_new_groups_or_invitations(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    launch(scenario, django_capture_on_commit_callbacks)
    services.campaign_close(campaign=scenario.campaign)
    before = UserGroup.objects.count(), Invitation.objects.count()
    assert (
        api(
            scenario.world, "office", "POST", f"{base(scenario)}/user-groups", new_group(scenario)
        ).status_code
        == 422
    )
    response = api(
        scenario.world,
        "office",
        "POST",
        group_path(scenario, scenario.group_a) + "/invitations",
        {"emails": ["sen@a.kommune.no"]},
    )
    assert response.status_code == 422
    assert "avsluttet" in response.json()["detail"]
    assert (UserGroup.objects.count(), Invitation.objects.count()) == before
