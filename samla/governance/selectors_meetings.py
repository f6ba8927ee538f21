"""Reads for the pages of governance bodies, meetings, decisions and action items (and the
minutes and decision memo documents). Each runs a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from samla.core.dates import today as current_day
from samla.governance import selectors
from samla.governance.models import (
    ActionItem,
    AgendaItem,
    Body,
    BodyMember,
    ChecklistItem,
    Decision,
    Meeting,
    Project,
)
from samla.organisations.models import Collaboration


def bodies(collaboration: Collaboration) -> QuerySet[Body]:
    return (
        Body.objects.filter(collaboration=collaboration)
        .select_related("programme", "project")
        .annotate(
            member_count=Count("members", distinct=True),
            meeting_count=Count("meetings", distinct=True),
        )
        .order_by("name")
    )


def body_members(body: Body) -> list[BodyMember]:
    return list(body.members.select_related("user", "organisation").order_by("order", "pk"))


def body_meetings(body: Body) -> list[Meeting]:
    return list(
        body.meetings.annotate(
            item_count=Count("agenda_items", distinct=True),
            decision_count=Count("decisions", distinct=True),
        ).order_by("-starts_at")
    )


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    members: list[BodyMember]
    present_ids: set[int]
    agenda: list[AgendaItem]  # each with ``decision_list`` prefetched
    decisions: list[Decision]
    action_items: list[ActionItem]
    next_meeting: Meeting | None

    @property
    def present(self) -> list[BodyMember]:
        return [m for m in self.members if m.pk in self.present_ids]

    @property
    def absent(self) -> list[BodyMember]:
        return [m for m in self.members if m.pk not in self.present_ids]

    @property
    def loose_decisions(self) -> list[Decision]:
        """Decisions of the meeting not tied to an agenda item."""
        return [d for d in self.decisions if d.agenda_item_id is None]


def meeting_page(meeting: Meeting) -> MeetingPage:
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .select_related("body", "project", "gate", "milestone")
        .order_by("sequence")
    )
    agenda = list(
        AgendaItem.objects.filter(meeting=meeting).select_related("project").order_by("order", "pk")
    )
    by_item: dict[int, list[Decision]] = {}
    for decision in decisions:
        if decision.agenda_item_id is not None:
            by_item.setdefault(decision.agenda_item_id, []).append(decision)
    for item in agenda:
        item.decision_list = by_item.get(item.pk, [])  # type: ignore[attr-defined]
    return MeetingPage(
        meeting=meeting,
        members=body_members(meeting.body),
        present_ids=set(meeting.present.values_list("pk", flat=True)),
        agenda=agenda,
        decisions=decisions,
        action_items=list(
            ActionItem.objects.filter(meeting=meeting)
            .select_related("owner", "project")
            .order_by("due", "pk")
        ),
        next_meeting=selectors.next_meeting(meeting),
    )


def action_items(
    collaboration: Collaboration, *, status: str | None = None, project: Project | None = None
) -> QuerySet[ActionItem]:
    queryset = ActionItem.objects.filter(collaboration=collaboration).select_related(
        "owner", "project", "meeting__body"
    )
    if status:
        queryset = queryset.filter(status=status)
    if project is not None:
        queryset = queryset.filter(project=project)
    return queryset.order_by("status", "due", "pk")


@dataclass(frozen=True)
class ProjectDecisions:
    meetings: list[Meeting]
    decisions: list[Decision]
    action_items: list[ActionItem]
    today: datetime.date


def project_decisions(project: Project) -> ProjectDecisions:
    """The meetings that treated the project, its decisions and its action items."""
    meetings = list(
        Meeting.objects.filter(
            Q(agenda_items__project=project)
            | Q(decisions__project=project)
            | Q(body__project=project)
        )
        .select_related("body")
        .distinct()
        .order_by("-starts_at")
    )
    return ProjectDecisions(
        meetings=meetings,
        decisions=list(selectors.decisions(project.collaboration, project=project)),
        action_items=list(action_items(project.collaboration, project=project)),
        today=current_day(),
    )


def decision_checklist(decision: Decision) -> list[ChecklistItem]:
    if decision.gate_id is None:
        return []
    return list(
        ChecklistItem.objects.filter(gate_id=decision.gate_id)
        .select_related("done_by")
        .order_by("order", "pk")
    )
