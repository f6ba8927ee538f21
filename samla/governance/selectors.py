"""Reads for the governance pages, the API, the exports and the calendar feed.

Every function runs a fixed number of queries whatever the amount of data (pinned in
tests/test_governance_services.py at two data sizes):

- ``portfolio_heat_map``: 1 query (the latest published report is a column of the project);
- ``decision_register``: 2 queries (count and page);
- ``project_overview``: 6 queries;
- ``portfolio_top_risks``, ``risk_matrix``, ``lessons_learned``: 1 query each;
- ``project_plan``: 2 queries;
- ``calendar_entries``: 4 queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from samla.core.dates import today as current_day
from samla.governance import scheduling
from samla.governance.models import (
    Activity,
    BodyMember,
    Decision,
    Dependency,
    Gate,
    LogEntry,
    Meeting,
    Milestone,
    PhaseModel,
    Programme,
    Project,
    ProjectPhase,
    Risk,
    StatusReport,
)
from samla.organisations.models import Collaboration, Role, User

# --- Lists ----------------------------------------------------------------------------------


def phase_models(collaboration: Collaboration) -> QuerySet[PhaseModel]:
    return PhaseModel.objects.filter(collaboration=collaboration).annotate(
        phase_count=Count("phases", distinct=True),
        milestone_count=Count("milestones", distinct=True),
    )


def programmes(collaboration: Collaboration) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(collaboration=collaboration)
        .select_related("owner", "manager")
        .annotate(project_count=Count("projects"))
    )


def projects(
    collaboration: Collaboration, *, programme: Programme | None = None
) -> QuerySet[Project]:
    queryset = Project.objects.filter(collaboration=collaboration).select_related(
        "programme", "leader", "owner", "current_phase", "latest_status_report"
    )
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset


# --- Portfolio heat map ---------------------------------------------------------------------


def portfolio_heat_map(
    collaboration: Collaboration, *, programme: Programme | None = None
) -> list[Project]:
    """Every project with its latest published status report
    (``project.latest_status_report``, None before the first), in one query. The frozen
    snapshots and long texts are left out: the map shows colours and comments."""
    return list(portfolio_heat_map_queryset(collaboration, programme=programme))


def portfolio_heat_map_queryset(
    collaboration: Collaboration, *, programme: Programme | None = None
) -> QuerySet[Project]:
    queryset = (
        Project.objects.filter(collaboration=collaboration)
        .select_related("programme", "leader", "current_phase", "latest_status_report")
        .defer(
            "description",
            "programme__description",
            "current_phase__description",
            "latest_status_report__snapshot",
            "latest_status_report__changes",
            "latest_status_report__summary",
            "latest_status_report__next_steps",
        )
    )
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset.order_by("programme__name", "name")


# --- Decision register ----------------------------------------------------------------------


def decisions(
    collaboration: Collaboration,
    *,
    body: Any = None,
    year: int | None = None,
    project: Project | None = None,
) -> QuerySet[Decision]:
    queryset = Decision.objects.filter(collaboration=collaboration).select_related(
        "body",
        "meeting",
        "project",
        "gate",
        "milestone",
        "target_choice__category",
        "target_choice__product",
        "case_version__case",
        "recorded_by",
    )
    if body is not None:
        queryset = queryset.filter(body=body)
    if year is not None:
        queryset = queryset.filter(year=year)
    if project is not None:
        queryset = queryset.filter(project=project)
    return queryset.order_by("-decided_on", "-sequence", "-pk")


def decision_register(
    collaboration: Collaboration,
    *,
    body: Any = None,
    year: int | None = None,
    project: Project | None = None,
    page: int | str = 1,
    per_page: int = 50,
) -> Page[Decision]:
    """One page of the register, newest first, filtered by body, year and project."""
    paginator = Paginator(decisions(collaboration, body=body, year=year, project=project), per_page)
    return paginator.get_page(page)


def decision_years(collaboration: Collaboration) -> list[int]:
    return list(
        Decision.objects.filter(collaboration=collaboration)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


# --- Project overview -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectOverview:
    project: Project
    phases: list[ProjectPhase]
    gates: list[Gate]  # each with ``open_mandatory`` and ``checklist_total`` annotated
    next_milestones: list[Milestone]
    late_milestones: list[Milestone]
    top_risks: list[Risk]  # each with ``score_value`` annotated
    latest_status: StatusReport | None
    today: datetime.date

    @property
    def current_phase(self) -> ProjectPhase | None:
        return next((p for p in self.phases if p.pk == self.project.current_phase_id), None)

    @property
    def next_gate(self) -> Gate | None:
        return next((g for g in self.gates if g.status != Gate.Status.PASSED), None)


def _due() -> Any:
    return Coalesce("forecast_date", "planned_date")


def open_risks_by_score(queryset: QuerySet[Risk]) -> QuerySet[Risk]:
    return (
        queryset.filter(status=Risk.Status.OPEN)
        .annotate(score_value=F("probability") * F("impact"))
        .order_by("-score_value", "-impact", "number")
    )


def project_overview(
    project: Project,
    *,
    today: datetime.date | None = None,
    milestones: int = 5,
    risks: int = 5,
) -> ProjectOverview:
    """Phases, gates, the next and the late milestones, top risks and the latest status of
    one project, in six queries."""
    today = today or current_day()
    unfinished = Milestone.objects.filter(project=project).exclude(status__in=Milestone.FINISHED)
    latest = (
        StatusReport.objects.filter(pk=project.latest_status_report_id)
        .select_related("published_by")
        .first()
        if project.latest_status_report_id
        else None
    )
    return ProjectOverview(
        project=project,
        phases=list(ProjectPhase.objects.filter(project=project).order_by("order")),
        gates=list(
            Gate.objects.filter(project=project)
            .select_related("phase", "approver_body", "decided_by__body")
            .annotate(
                open_mandatory=Count(
                    "checklist", filter=Q(checklist__mandatory=True, checklist__done=False)
                ),
                checklist_total=Count("checklist"),
            )
            .order_by("order")
        ),
        next_milestones=list(
            unfinished.annotate(due=_due())
            .filter(due__gte=today)
            .select_related("phase", "responsible", "approver_body")
            .order_by("due", "order", "pk")[:milestones]
        ),
        late_milestones=list(
            unfinished.annotate(due=_due())
            .filter(due__lt=today)
            .select_related("phase", "responsible", "approver_body")
            .order_by("due", "order", "pk")
        ),
        top_risks=list(
            open_risks_by_score(Risk.objects.filter(project=project)).select_related("owner")[
                :risks
            ]
        ),
        latest_status=latest,
        today=today,
    )


def late_milestones(
    collaboration: Collaboration, *, today: datetime.date | None = None
) -> QuerySet[Milestone]:
    """Late milestones across the portfolio (due before today and not finished)."""
    return (
        Milestone.objects.filter(project__collaboration=collaboration)
        .exclude(status__in=Milestone.FINISHED)
        .annotate(due=_due())
        .filter(due__lt=today or current_day())
        .select_related("project", "responsible")
        .order_by("due", "project__name")
    )


# --- Risks ----------------------------------------------------------------------------------


def portfolio_top_risks(collaboration: Collaboration, *, limit: int = 10) -> list[Risk]:
    """The open risks with the highest score (probability × impact) across all projects
    and programmes, in one query."""
    return list(
        open_risks_by_score(Risk.objects.filter(collaboration=collaboration)).select_related(
            "project", "programme", "owner"
        )[:limit]
    )


def risk_matrix(risks: QuerySet[Risk], *, residual: bool = False) -> list[list[int]]:
    """A 5×5 matrix of risk counts: ``matrix[impact - 1][probability - 1]``, in one query.
    With ``residual``, the scores after mitigation (risks without them are left out)."""
    probability, impact = (
        ("residual_probability", "residual_impact") if residual else ("probability", "impact")
    )
    matrix = [[0] * 5 for _ in range(5)]
    rows = (
        risks.filter(**{f"{probability}__isnull": False, f"{impact}__isnull": False})
        .order_by()
        .values(probability, impact)
        .annotate(n=Count("pk"))
    )
    for row in rows:
        matrix[row[impact] - 1][row[probability] - 1] = row["n"]
    return matrix


def project_risks(project: Project) -> QuerySet[Risk]:
    return (
        Risk.objects.filter(project=project)
        .select_related("owner")
        .annotate(score_value=F("probability") * F("impact"))
        .order_by("status", "-score_value", "number")
    )


# --- Status reports -------------------------------------------------------------------------


def status_reports(project: Project) -> QuerySet[StatusReport]:
    return (
        StatusReport.objects.filter(project=project)
        .select_related("published_by", "created_by")
        .order_by("-period")
    )


# --- Plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectPlan:
    activities: list[Activity]
    dependencies: list[Dependency]
    schedule: scheduling.DatedSchedule[int] | None

    def is_critical(self, activity: Activity) -> bool:
        return self.schedule is not None and activity.pk in self.schedule.critical


def project_plan(project: Project) -> ProjectPlan:
    """Activities, dependencies and the critical path, in two queries."""
    activities = list(
        Activity.objects.filter(project=project)
        .select_related("responsible", "milestone", "phase")
        .order_by("start", "order", "pk")
    )
    dependencies = list(Dependency.objects.filter(predecessor__project=project).order_by("pk"))
    schedule = scheduling.schedule_dates(
        [scheduling.DatedActivity(a.pk, a.start, a.end) for a in activities],
        [scheduling.Link(d.predecessor_id, d.successor_id, d.lag_days) for d in dependencies],
    )
    return ProjectPlan(activities=activities, dependencies=dependencies, schedule=schedule)


# --- Log ------------------------------------------------------------------------------------


def project_log(project: Project, *, kind: str | None = None) -> QuerySet[LogEntry]:
    queryset = LogEntry.objects.filter(project=project).select_related("author", "decision__body")
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-date", "-pk")


def lessons_learned(collaboration: Collaboration) -> QuerySet[LogEntry]:
    """Lessons learned from every project of the collaboration, newest first."""
    return (
        LogEntry.objects.filter(project__collaboration=collaboration, kind=LogEntry.Kind.LESSON)
        .select_related("project", "author")
        .order_by("-date", "-pk")
    )


# --- Meetings -------------------------------------------------------------------------------


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The body's next meeting after this one («neste møte»)."""
    return (
        Meeting.objects.filter(body_id=meeting.body_id, starts_at__gt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
        .first()
    )


# --- Calendar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    """One event of a user's calendar feed. ``uid`` is stable across feeds."""

    uid: str
    kind: str  # "meeting", "milestone" or "gate"
    summary: str
    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime | None
    all_day: bool
    location: str
    description: str
    collaboration_slug: str


def calendar_entries(
    user: User, *, since: datetime.date | None = None, until: datetime.date | None = None
) -> list[CalendarEntry]:
    """The user's meetings, milestones and gates in the collaborations they have a role in:
    meetings of bodies they sit in; milestones and gates of projects they lead or own; and
    milestones they are responsible for. Four queries."""
    since = since or current_day() - datetime.timedelta(days=365)
    until = until or current_day() + datetime.timedelta(days=3 * 365)
    collaboration_ids = list(
        Role.objects.filter(user=user).values_list("collaboration_id", flat=True)
    )
    involved = Q(project__leader=user) | Q(project__owner=user)
    entries: list[CalendarEntry] = []
    body_ids = BodyMember.objects.filter(user=user).values("body_id")
    for meeting in (
        Meeting.objects.filter(
            body__collaboration_id__in=collaboration_ids,
            body_id__in=body_ids,
            starts_at__date__gte=since,
            starts_at__date__lte=until,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("body__collaboration")
        .order_by("starts_at")
    ):
        entries.append(
            CalendarEntry(
                uid=f"meeting-{meeting.uuid}@samla",
                kind="meeting",
                summary=str(meeting),
                start=meeting.starts_at,
                end=meeting.ends_at,
                all_day=False,
                location=meeting.location,
                description=meeting.body.name,
                collaboration_slug=meeting.body.collaboration.slug,
            )
        )
    for milestone in (
        Milestone.objects.filter(project__collaboration_id__in=collaboration_ids)
        .filter(involved | Q(responsible=user))
        .exclude(status=Milestone.Status.CANCELLED)
        .annotate(due=_due())
        .filter(due__gte=since, due__lte=until)
        .select_related("project__collaboration")
        .order_by("due")
    ):
        entries.append(
            CalendarEntry(
                uid=f"milestone-{milestone.uuid}@samla",
                kind="milestone",
                summary=f"{milestone.project.name}: {milestone.name}",
                start=milestone.due_date,
                end=None,
                all_day=True,
                location="",
                description=milestone.deliverable,
                collaboration_slug=milestone.project.collaboration.slug,
            )
        )
    for gate in (
        Gate.objects.filter(project__collaboration_id__in=collaboration_ids)
        .filter(involved)
        .annotate(due=_due())
        .filter(due__isnull=False, due__gte=since, due__lte=until)
        .select_related("project__collaboration")
        .order_by("due")
    ):
        assert gate.due_date is not None
        entries.append(
            CalendarEntry(
                uid=f"gate-{gate.uuid}@samla",
                kind="gate",
                summary=f"{gate.project.name}: {gate.code} {gate.name}",
                start=gate.due_date,
                end=None,
                all_day=True,
                location="",
                description=gate.approver,
                collaboration_slug=gate.project.collaboration.slug,
            )
        )
    return entries
