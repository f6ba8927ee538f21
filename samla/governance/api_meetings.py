"""API: decision-making bodies, their members and meetings, agenda items, the decision
register and action items. Managers change all of these; everyone in the collaboration reads.

Recording a decision (``POST …/decisions``) is how a gate is passed (``gate``, with
``gate_outcome``) and a milestone approved (``milestone``): the gate needs its mandatory
checklist items done and the earlier gates passed, and when a gate or milestone names an
approving body the decision must be that body's (422 otherwise)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from ninja import Router

from samla.governance import access as rights
from samla.governance import services
from samla.governance.api_common import Shape, child, crud, input_schema
from samla.governance.models import (
    ActionItem,
    AgendaItem,
    Body,
    BodyMember,
    Decision,
    Meeting,
)
from samla.organisations.access import CollaborationAccess

router = Router()


def _manager(access: CollaborationAccess, _obj: Any = None) -> None:
    access.require_manager()


BODY = child(None, "body", Body, "bodies", rights.access_body)
MEMBER = child(
    BODY, "body_member", BodyMember, "members", rights.access_body_member, "body", param="member_id"
)
MEETING = child(BODY, "meeting", Meeting, "meetings", rights.access_meeting, "body")
AGENDA_ITEM = child(
    MEETING,
    "agenda_item",
    AgendaItem,
    "agenda-items",
    rights.access_agenda_item,
    "meeting",
    param="item_id",
)
DECISION = child(None, "decision", Decision, "decisions", rights.access_decision)
ACTION_ITEM = child(
    None, "action_item", ActionItem, "action-items", rights.access_action_item, param="item_id"
)

# --- Bodies and members ------------------------------------------------------------------------


def _bodies(access: CollaborationAccess, _p: Any, given: dict[str, Any]) -> Any:
    bodies = Body.objects.filter(collaboration=access.collaboration)
    if given["project"] is not None:
        bodies = bodies.filter(project__uuid=given["project"])
    if given["programme"] is not None:
        bodies = bodies.filter(programme__uuid=given["programme"])
    return bodies.select_related("programme", "project").order_by("name")


crud(
    router,
    BODY,
    Shape("BodyOut", Body, services.BODY_FIELDS),
    listing=_bodies,
    filters={"project": UUID, "programme": UUID},
    may_create=_manager,
    create=lambda access, _p, f: services.body_create(collaboration=access.collaboration, **f),
    create_in=input_schema("BodyIn", Body, services.BODY_FIELDS),
    update=lambda _a, obj, f: services.body_update(body=obj, **f),
    update_in=input_schema("BodyPatch", Body, services.BODY_FIELDS, partial=True),
    delete=lambda _a, obj: services.body_delete(body=obj),
    text={
        "update": "The abbreviation is part of the decision numbers: it cannot change once "
        "the body has decisions (422).",
        "delete": "A body with decisions cannot be deleted (422).",
    },
)
crud(
    router,
    MEMBER,
    Shape("BodyMemberOut", BodyMember, services.BODY_MEMBER_FIELDS),
    listing=lambda _a, body, _f: body.members.select_related("user", "organisation").order_by(
        "order", "pk"
    ),
    may_create=_manager,
    create=lambda _a, body, f: services.body_member_create(body=body, **f),
    create_in=input_schema(
        "BodyMemberIn", BodyMember, services.BODY_MEMBER_FIELDS, optional=["order"]
    ),
    update=lambda _a, obj, f: services.body_member_update(member=obj, **f),
    update_in=input_schema(
        "BodyMemberPatch", BodyMember, services.BODY_MEMBER_FIELDS, partial=True
    ),
    delete=lambda _a, obj: services.body_member_delete(member=obj),
    text={"create": "A user of the collaboration (``user``), or someone named (``name``)."},
)

# --- Meetings and agenda items -----------------------------------------------------------------

MEETING_IN = (*services.MEETING_FIELDS, "present")


@transaction.atomic
def _meeting_create(access: CollaborationAccess, body: Body, fields: dict[str, Any]) -> Meeting:
    present = fields.pop("present", None)
    meeting = services.meeting_create(body=body, **fields)
    if present is not None:
        services.meeting_set_present(meeting=meeting, members=present)
    return meeting


def _meeting_update(access: CollaborationAccess, meeting: Meeting, fields: dict[str, Any]) -> Any:
    """The meeting's fields, then who was present (members of its body); in the caller's
    transaction."""
    present = fields.pop("present", None)
    services.meeting_update(meeting=meeting, **fields)
    if present is not None:
        services.meeting_set_present(meeting=meeting, members=present)
    return meeting


crud(
    router,
    MEETING,
    Shape("MeetingOut", Meeting, MEETING_IN),
    listing=lambda _a, body, _f: body.meetings.prefetch_related("present").order_by("starts_at"),
    may_create=_manager,
    create=_meeting_create,
    create_in=input_schema("MeetingIn", Meeting, MEETING_IN),
    update=_meeting_update,
    update_in=input_schema("MeetingPatch", Meeting, MEETING_IN, partial=True),
    delete=lambda _a, obj: services.meeting_delete(meeting=obj),
    text={"update": "Only the fields given are changed; ``present`` replaces who was present."},
)
crud(
    router,
    AGENDA_ITEM,
    Shape("AgendaItemOut", AgendaItem, services.AGENDA_FIELDS),
    listing=lambda _a, meeting, _f: meeting.agenda_items.select_related("project").order_by(
        "order", "pk"
    ),
    may_create=_manager,
    create=lambda _a, meeting, f: services.agenda_item_create(meeting=meeting, **f),
    create_in=input_schema("AgendaItemIn", AgendaItem, services.AGENDA_FIELDS, optional=["order"]),
    update=lambda _a, obj, f: services.agenda_item_update(item=obj, **f),
    update_in=input_schema("AgendaItemPatch", AgendaItem, services.AGENDA_FIELDS, partial=True),
    delete=lambda _a, obj: services.agenda_item_delete(item=obj),
)

# --- Decisions ---------------------------------------------------------------------------------

DECISION_IN = (
    "body",
    "decided_on",
    "title",
    "text",
    "alternatives",
    "meeting",
    "agenda_item",
    "project",
    "gate",
    "gate_outcome",
    "milestone",
    "target_choice",
    "case_version",
)
DECISION_OUT = Shape(
    "DecisionOut",
    Decision,
    (*DECISION_IN, "year", "sequence", "recorded_by", "created_at"),
    extras={"number": (str, lambda decision: decision.number)},
)


def _decisions(access: CollaborationAccess, _p: Any, given: dict[str, Any]) -> Any:
    decisions = Decision.objects.filter(collaboration=access.collaboration)
    if given["body"] is not None:
        decisions = decisions.filter(body__uuid=given["body"])
    if given["project"] is not None:
        decisions = decisions.filter(project__uuid=given["project"])
    if given["year"] is not None:
        decisions = decisions.filter(year=given["year"])
    return decisions.select_related(
        "body",
        "meeting",
        "agenda_item",
        "project",
        "gate",
        "milestone",
        "target_choice",
        "case_version",
        "recorded_by",
    ).order_by("-decided_on", "-sequence")


def _decision_record(access: CollaborationAccess, _p: Any, fields: dict[str, Any]) -> Decision:
    return services.decision_record(user=access.user, **fields)


crud(
    router,
    DECISION,
    DECISION_OUT,
    listing=_decisions,
    filters={"body": UUID, "project": UUID, "year": int},
    may_create=_manager,
    create=_decision_record,
    create_in=input_schema(
        "DecisionIn", Decision, DECISION_IN, optional=["gate_outcome"], required=["body"]
    ),
    update=lambda _a, obj, f: services.decision_update(decision=obj, **f),
    update_in=input_schema("DecisionPatch", Decision, services.DECISION_EDIT_FIELDS, partial=True),
    delete=lambda _a, obj: services.decision_delete(decision=obj),
    text={
        "list": "The decision register, newest first; filter by body, project and year.",
        "create": "Record a decision of ``body``, numbered «ABBR n/year» (managers). With "
        "``gate`` it passes the gate (``gate_outcome`` 'passed', the default) or refuses it "
        "('rejected'); with ``milestone`` it approves the milestone. It may also name a system "
        "choice of the target portfolio (``target_choice``) or a business-case version "
        "(``case_version``).",
        "update": "The wording may be corrected (title, text, alternatives, agenda item); "
        "what was decided may not.",
        "delete": "A decision that passed a gate or approved a milestone cannot be deleted (422).",
    },
)

# --- Action items ------------------------------------------------------------------------------


def _action_items(access: CollaborationAccess, _p: Any, given: dict[str, Any]) -> Any:
    items = ActionItem.objects.filter(collaboration=access.collaboration)
    if given["project"] is not None:
        items = items.filter(project__uuid=given["project"])
    if given["meeting"] is not None:
        items = items.filter(meeting__uuid=given["meeting"])
    if given["status"]:
        items = items.filter(status=given["status"])
    return items.select_related("meeting", "project", "owner").order_by("due", "pk")


crud(
    router,
    ACTION_ITEM,
    Shape("ActionItemOut", ActionItem, services.ACTION_FIELDS),
    listing=_action_items,
    filters={"project": UUID, "meeting": UUID, "status": str},
    may_create=_manager,
    create=lambda access, _p, f: services.action_item_create(
        collaboration=access.collaboration, **f
    ),
    create_in=input_schema("ActionItemIn", ActionItem, services.ACTION_FIELDS),
    update=lambda _a, obj, f: services.action_item_update(item=obj, **f),
    update_in=input_schema("ActionItemPatch", ActionItem, services.ACTION_FIELDS, partial=True),
    delete=lambda _a, obj: services.action_item_delete(item=obj),
)
