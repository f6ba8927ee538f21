"""Every governance edit page, saved unchanged the way a browser would send it back, changes
nothing: each field shows what is stored (a select keyed by uuid must select the stored
object, not its first option), and the save keeps it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.db import models
from django.forms.models import model_to_dict
from django.urls import reverse

from conftest import World
from loadtest.forms import form_index, read_form
from samla.governance import models as g
from samla.governance.demo import seed_demo_governance

pytestmark = pytest.mark.django_db

# URL name → (kwarg, model, extra filter); the object is the first match in the collaboration.
EDIT_PAGES: list[tuple[str, str, type[models.Model], dict[str, Any]]] = [
    ("project_edit", "project_id", g.Project, {}),
    ("project_phase_edit", "phase_id", g.ProjectPhase, {}),
    # A passed gate and its checklist are closed to edits (a refusal tested elsewhere).
    ("gate_edit", "gate_id", g.Gate, {"status": "open"}),
    ("checklist_item_edit", "item_id", g.ChecklistItem, {"gate__status": "open"}),
    ("milestone_edit", "milestone_id", g.Milestone, {"approved_by__isnull": True}),
    ("programme_edit", "programme_id", g.Programme, {}),
    ("phase_model_edit", "phase_model_id", g.PhaseModel, {}),
    ("template_phase_edit", "phase_id", g.PhaseModelPhase, {}),
    ("template_gate_edit", "gate_id", g.PhaseModelGate, {}),
    ("template_checklist_item_edit", "item_id", g.PhaseModelChecklistItem, {}),
    ("template_milestone_edit", "milestone_id", g.PhaseModelMilestone, {}),
    ("mandate_edit", "project_id", g.Mandate, {}),
    ("sub_goal_edit", "sub_goal_id", g.SubGoal, {}),
    ("concept_edit", "concept_id", g.Concept, {}),
    ("mandate_role_edit", "mandate_role_id", g.MandateRole, {}),
    ("cost_line_edit", "cost_line_id", g.CostLine, {}),
    ("financing_edit", "financing_id", g.Financing, {}),
    ("resource_line_edit", "resource_line_id", g.ResourceLine, {}),
    ("body_edit", "body_id", g.Body, {}),
    ("body_member_edit", "member_id", g.BodyMember, {}),
    ("meeting_edit", "meeting_id", g.Meeting, {}),
    ("agenda_item_edit", "agenda_item_id", g.AgendaItem, {}),
    ("decision_edit", "decision_id", g.Decision, {}),
    ("action_item_edit", "action_item_id", g.ActionItem, {}),
    ("risk_edit", "risk_id", g.Risk, {}),
    ("status_report_edit", "report_id", g.StatusReport, {"state": "draft"}),
    ("status_cost_line_edit", "line_id", g.StatusCostLine, {"report__state": "draft"}),
    ("activity_edit", "activity_id", g.Activity, {}),
    ("stakeholder_edit", "stakeholder_id", g.Stakeholder, {}),
    ("communication_item_edit", "communication_item_id", g.CommunicationItem, {}),
    ("log_entry_edit", "log_entry_id", g.LogEntry, {}),
]

IGNORED = {"version", "row_version", "updated_at"}


def _in_collaboration(model: type[models.Model], world: World) -> models.QuerySet[Any]:
    for path in (
        "collaboration",
        "project__collaboration",
        "phase_model__collaboration",
        "gate__project__collaboration",
        "gate__phase_model__collaboration",
        "mandate__project__collaboration",
        "body__collaboration",
        "meeting__body__collaboration",
        "report__project__collaboration",
    ):
        try:
            queryset = model.objects.filter(**{path: world.alfa})  # type: ignore[attr-defined]
            queryset.exists()
        except (FieldError, ValueError):
            continue  # not this model's way to its collaboration
        return queryset
    raise AssertionError(f"no way to {model.__name__}'s collaboration")


def _snapshot(obj: models.Model) -> dict[str, Any]:
    fresh = type(obj).objects.get(pk=obj.pk)  # type: ignore[attr-defined]
    data = model_to_dict(fresh)
    return {
        k: sorted(x.pk for x in v) if isinstance(v, list) else v
        for k, v in data.items()
        if k not in IGNORED
    }


def test_every_edit_page_saved_unchanged_changes_nothing(world: World) -> None:
    from samla.governance.urls import urlpatterns

    seed_demo_governance(world.alfa)
    edit_names = {p.name for p in urlpatterns if p.name and p.name.endswith("_edit")}
    assert edit_names == {name for name, *_ in EDIT_PAGES}, "an edit page without a round-trip entry"
    client = world.client_for("admin")
    problems = []
    for name, kwarg, model, extra in EDIT_PAGES:
        obj = _in_collaboration(model, world).filter(**extra).order_by("pk").first()
        assert obj is not None, f"the demo has no {model.__name__} for {name}"
        key = obj.project.uuid if model is g.Mandate else obj.uuid  # type: ignore[attr-defined]
        address = reverse(f"governance:{name}", kwargs={"slug": "alfa", kwarg: key})
        before = _snapshot(obj)
        page = client.get(address)
        assert page.status_code == 200, (name, page.status_code)
        html = page.content.decode()
        values, _, _ = read_form(html, form_index(html, 'class="samla-form'))
        data: dict[str, list[str]] = {}
        for field, value in values:
            data.setdefault(field, []).append(value)
        response = client.post(address, data)
        if response.status_code != 302:
            body = response.content.decode()
            start = body.find("error-summary-heading")
            summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body[start : start + 600]))
            problems.append(f"{name}: {response.status_code} {summary}")
            continue
        after = _snapshot(obj)
        changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
        if changed:
            problems.append(f"{name}: {changed}")
    assert not problems, "\n".join(problems)
