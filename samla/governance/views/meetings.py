"""Governance bodies, meetings, the decision register, action items, the project's tab of
meetings and decisions, the minutes and decision-memo documents, and the private calendar
feed. Managers change everything here; everyone with a role reads."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.core.dates import today
from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.core.xlsx import Column, register_xlsx
from samla.governance import access as gov_access
from samla.governance import ical, selectors, selectors_meetings, services
from samla.governance.documents.decision_memo import decision_memo_docx as build_memo
from samla.governance.documents.minutes import minutes_docx as build_minutes
from samla.governance.forms.meetings import (
    ActionItemForm,
    AgendaItemForm,
    BodyForm,
    BodyMemberForm,
    DecisionEditForm,
    DecisionForm,
    MeetingForm,
    PresenceForm,
    RegisterFilterForm,
)
from samla.governance.models import (
    ActionItem,
    Body,
    CalendarFeed,
    Decision,
    Gate,
    Meeting,
    Milestone,
)
from samla.governance.views.common import DOCX, ICS, XLSX, delete_then_redirect, download, form_page
from samla.organisations.access import CollaborationAccess

P = "s/<slug:slug>/prosjekter/"


def _url(name: str, slug: str, **kwargs: Any) -> str:
    return reverse(f"governance:{name}", kwargs={"slug": slug, **kwargs})


def _body_url(body: Body) -> str:
    return _url("body_detail", body.collaboration.slug, body_id=body.uuid)


def _meeting_url(slug: str, meeting: Meeting) -> str:
    return _url("meeting_detail", slug, meeting_id=meeting.uuid)


def _decision_url(slug: str, decision: Decision) -> str:
    return _url("decision_detail", slug, decision_id=decision.uuid)


def _initial(instance: Any, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


# --- Bodies and members ---------------------------------------------------------------------


@collaboration_view
def body_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    return render(
        request,
        "governance/meetings/body_list.html",
        {
            "bodies": list(selectors_meetings.bodies(access.collaboration)),
            "may_manage": gov_access.may_manage_governance(access),
        },
    )


@collaboration_view
def body_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = BodyForm(request.POST or None, access=access)
    return form_page(
        request,
        form,
        lambda data: services.body_create(collaboration=access.collaboration, **data),
        success_url=_body_url,
        title=_("Nytt styringsorgan"),
        context={"cancel_url": _url("body_list", access.collaboration.slug)},
    )


@collaboration_view
def body_detail(request: HttpRequest, access: CollaborationAccess, body_id: str) -> HttpResponse:
    body = gov_access.access_body(access, body_id)
    return render(
        request,
        "governance/meetings/body_detail.html",
        {
            "body": body,
            "members": selectors_meetings.body_members(body),
            "meetings": selectors_meetings.body_meetings(body),
            "decisions": list(selectors.decisions(access.collaboration, body=body)[:10]),
            "may_manage": gov_access.may_manage_governance(access),
            "history": history_of(body),
        },
    )


@collaboration_view
def body_edit(request: HttpRequest, access: CollaborationAccess, body_id: str) -> HttpResponse:
    body = gov_access.access_body(access, body_id, for_change=True)
    fields = ["kind", "name", "abbreviation", "description", "programme", "project"]
    form = BodyForm(request.POST or None, access=access, initial=_initial(body, fields))
    return form_page(
        request,
        form,
        lambda data: services.body_update(body=body, **data),
        success_url=_body_url(body),
        title=_("Endre %(name)s") % {"name": body.name},
        instance=body,
        context={"cancel_url": _body_url(body), "history": history_of(body)},
    )


@require_POST
@collaboration_view
def body_delete(request: HttpRequest, access: CollaborationAccess, body_id: str) -> HttpResponse:
    body = gov_access.access_body(access, body_id, for_change=True)
    response = delete_then_redirect(
        request,
        lambda: services.body_delete(body=body),
        _url("body_list", access.collaboration.slug),
    )
    if Body.objects.filter(pk=body.pk).exists():
        return redirect(_body_url(body))
    return response


@collaboration_view
def body_member_create(
    request: HttpRequest, access: CollaborationAccess, body_id: str
) -> HttpResponse:
    body = gov_access.access_body(access, body_id, for_change=True)
    form = BodyMemberForm(request.POST or None, access=access)
    return form_page(
        request,
        form,
        lambda data: services.body_member_create(body=body, **data),
        success_url=_body_url(body),
        title=_("Nytt medlem i %(body)s") % {"body": body.name},
        context={"cancel_url": _body_url(body)},
    )


@collaboration_view
def body_member_edit(
    request: HttpRequest, access: CollaborationAccess, member_id: str
) -> HttpResponse:
    member = gov_access.access_body_member(access, member_id, for_change=True)
    form = BodyMemberForm(
        request.POST or None,
        access=access,
        initial=_initial(member, ["user", "name", "organisation", "role"]),
    )
    return form_page(
        request,
        form,
        lambda data: services.body_member_update(member=member, **data),
        success_url=_body_url(member.body),
        title=_("Endre medlem av %(body)s") % {"body": member.body.name},
        instance=member,
        context={"cancel_url": _body_url(member.body), "history": history_of(member)},
    )


@require_POST
@collaboration_view
def body_member_delete(
    request: HttpRequest, access: CollaborationAccess, member_id: str
) -> HttpResponse:
    member = gov_access.access_body_member(access, member_id, for_change=True)
    return delete_then_redirect(
        request, lambda: services.body_member_delete(member=member), _body_url(member.body)
    )


# --- Meetings and agenda items --------------------------------------------------------------

MEETING_FIELDS = ["title", "starts_at", "ends_at", "location", "status", "guests", "minutes"]


@collaboration_view
def meeting_create(request: HttpRequest, access: CollaborationAccess, body_id: str) -> HttpResponse:
    body = gov_access.access_body(access, body_id, for_change=True)
    form = MeetingForm(request.POST or None)
    slug = access.collaboration.slug
    return form_page(
        request,
        form,
        lambda data: services.meeting_create(body=body, **data),
        success_url=lambda meeting: _meeting_url(slug, meeting),
        title=_("Nytt møte i %(body)s") % {"body": body.name},
        context={"cancel_url": _body_url(body)},
    )


@collaboration_view
def meeting_detail(
    request: HttpRequest, access: CollaborationAccess, meeting_id: str
) -> HttpResponse:
    meeting = gov_access.access_meeting(access, meeting_id)
    page = selectors_meetings.meeting_page(meeting)
    may_manage = gov_access.may_manage_governance(access)
    return render(
        request,
        "governance/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "page": page,
            "may_manage": may_manage,
            "presence_form": (
                PresenceForm(meeting=meeting, initial={"present": page.present})
                if may_manage
                else None
            ),
            "history": history_of(meeting),
        },
    )


@collaboration_view
def meeting_edit(
    request: HttpRequest, access: CollaborationAccess, meeting_id: str
) -> HttpResponse:
    meeting = gov_access.access_meeting(access, meeting_id, for_change=True)
    slug = access.collaboration.slug
    form = MeetingForm(request.POST or None, initial=_initial(meeting, MEETING_FIELDS))
    return form_page(
        request,
        form,
        lambda data: services.meeting_update(meeting=meeting, **data),
        success_url=_meeting_url(slug, meeting),
        title=_("Endre møtet %(meeting)s") % {"meeting": meeting},
        instance=meeting,
        context={"cancel_url": _meeting_url(slug, meeting), "history": history_of(meeting)},
    )


@require_POST
@collaboration_view
def meeting_presence(
    request: HttpRequest, access: CollaborationAccess, meeting_id: str
) -> HttpResponse:
    meeting = gov_access.access_meeting(access, meeting_id, for_change=True)
    form = PresenceForm(request.POST, meeting=meeting)
    if form.is_valid():
        services.meeting_set_present(meeting=meeting, members=form.cleaned_data["present"])
        messages.success(request, _("Oppmøtet er lagret."))
    else:
        messages.error(request, _("Velg blant organets medlemmer. Ingenting er lagret."))
    return redirect(_meeting_url(access.collaboration.slug, meeting) + "#presence-heading")


@require_POST
@collaboration_view
def meeting_delete(
    request: HttpRequest, access: CollaborationAccess, meeting_id: str
) -> HttpResponse:
    meeting = gov_access.access_meeting(access, meeting_id, for_change=True)
    response = delete_then_redirect(
        request,
        lambda: services.meeting_delete(meeting=meeting),
        _url("body_detail", access.collaboration.slug, body_id=meeting.body.uuid),
    )
    if Meeting.objects.filter(pk=meeting.pk).exists():
        return redirect(_meeting_url(access.collaboration.slug, meeting))
    return response


@collaboration_view
def minutes_docx(
    request: HttpRequest, access: CollaborationAccess, meeting_id: str
) -> HttpResponse:
    meeting = gov_access.access_meeting(access, meeting_id)
    name = slugify(f"referat-{meeting.body.abbreviation}-{meeting.starts_at:%Y-%m-%d}")
    return download(build_minutes(meeting), f"{name}.docx", DOCX)


AGENDA_FIELDS = [
    "number",
    "title",
    "kind",
    "presenter",
    "case_paper_url",
    "proposal",
    "notes",
    "project",
]


@collaboration_view
def agenda_item_create(
    request: HttpRequest, access: CollaborationAccess, meeting_id: str
) -> HttpResponse:
    meeting = gov_access.access_meeting(access, meeting_id, for_change=True)
    slug = access.collaboration.slug
    form = AgendaItemForm(request.POST or None, access=access)
    return form_page(
        request,
        form,
        lambda data: services.agenda_item_create(meeting=meeting, **data),
        success_url=_meeting_url(slug, meeting) + "#agenda-heading",
        title=_("Ny sak til %(meeting)s") % {"meeting": meeting},
        context={"cancel_url": _meeting_url(slug, meeting)},
    )


@collaboration_view
def agenda_item_edit(
    request: HttpRequest, access: CollaborationAccess, agenda_item_id: str
) -> HttpResponse:
    item = gov_access.access_agenda_item(access, agenda_item_id, for_change=True)
    slug = access.collaboration.slug
    form = AgendaItemForm(
        request.POST or None, access=access, initial=_initial(item, AGENDA_FIELDS)
    )
    return form_page(
        request,
        form,
        lambda data: services.agenda_item_update(item=item, **data),
        success_url=_meeting_url(slug, item.meeting) + "#agenda-heading",
        title=_("Endre saken %(item)s") % {"item": item},
        instance=item,
        context={"cancel_url": _meeting_url(slug, item.meeting), "history": history_of(item)},
    )


@require_POST
@collaboration_view
def agenda_item_delete(
    request: HttpRequest, access: CollaborationAccess, agenda_item_id: str
) -> HttpResponse:
    item = gov_access.access_agenda_item(access, agenda_item_id, for_change=True)
    return delete_then_redirect(
        request,
        lambda: services.agenda_item_delete(item=item),
        _meeting_url(access.collaboration.slug, item.meeting),
    )


# --- Decisions ------------------------------------------------------------------------------


def _optional(request: HttpRequest, name: str, fetch: Any, access: CollaborationAccess) -> Any:
    value = request.GET.get(name)
    return fetch(access, value) if value else None


@collaboration_view
def decision_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """Record a decision; ``?gate=``, ``?milestone=``, ``?meeting=``, ``?agenda_item=`` and
    ``?project=`` fill in what it decides and where."""
    access.require_manager()
    gate: Gate | None = _optional(request, "gate", gov_access.access_gate, access)
    milestone: Milestone | None = _optional(
        request, "milestone", gov_access.access_milestone, access
    )
    agenda_item = _optional(request, "agenda_item", gov_access.access_agenda_item, access)
    meeting = _optional(request, "meeting", gov_access.access_meeting, access)
    project = _optional(request, "project", gov_access.access_project, access)
    if agenda_item is not None:
        meeting = agenda_item.meeting
        project = project or agenda_item.project
    initial: dict[str, Any] = {"gate": gate, "milestone": milestone, "agenda_item": agenda_item}
    if meeting is not None:
        initial.update(meeting=meeting, body=meeting.body, decided_on=meeting.starts_at.date())
    if project is not None:
        initial["project"] = project
    if agenda_item is not None:
        initial.update(title=agenda_item.title, text=agenda_item.proposal)
    if gate is not None:
        initial.setdefault("body", gate.approver_body)
        initial.setdefault(
            "title",
            _("%(gate)s %(name)s: %(project)s")
            % {"gate": gate.code, "name": gate.name, "project": gate.project.name},
        )
    if milestone is not None:
        initial.setdefault("body", milestone.approver_body)
        initial.setdefault(
            "title", _("Godkjenning av milepæl: %(name)s") % {"name": milestone.name}
        )
    initial = {key: value for key, value in initial.items() if value is not None}
    if gate is not None:
        initial["gate_outcome"] = Decision.GateOutcome.PASSED
    form = DecisionForm(
        request.POST or None, access=access, gate=gate, milestone=milestone, initial=initial
    )
    slug = access.collaboration.slug

    def save(data: dict[str, Any]) -> Decision:
        if data.get("gate") is None:
            data.pop("gate_outcome", None)
        return services.decision_record(user=request.user, **data)  # type: ignore[arg-type]

    checklist = (
        list(gate.checklist.select_related("done_by").order_by("order", "pk"))
        if gate is not None
        else []
    )
    return form_page(
        request,
        form,
        save,
        success_url=lambda decision: _decision_url(slug, decision),
        title=_("Registrer vedtak"),
        template="governance/meetings/decision_form.html",
        success_message=_("Vedtaket er registrert."),
        context={
            "gate": gate,
            "milestone": milestone,
            "meeting": meeting,
            "agenda_item": agenda_item,
            "checklist": checklist,
            "open_mandatory": [i for i in checklist if i.mandatory and not i.done],
            "cancel_url": (
                _meeting_url(slug, meeting) if meeting else _url("decision_register", slug)
            ),
        },
    )


@collaboration_view
def decision_detail(
    request: HttpRequest, access: CollaborationAccess, decision_id: str
) -> HttpResponse:
    decision = gov_access.access_decision(access, decision_id)
    return render(
        request,
        "governance/meetings/decision_detail.html",
        {
            "decision": decision,
            "checklist": selectors_meetings.decision_checklist(decision),
            "may_manage": gov_access.may_manage_governance(access),
            "may_delete": decision.gate_id is None and decision.milestone_id is None,
            "history": history_of(decision),
        },
    )


@collaboration_view
def decision_edit(
    request: HttpRequest, access: CollaborationAccess, decision_id: str
) -> HttpResponse:
    decision = gov_access.access_decision(access, decision_id, for_change=True)
    slug = access.collaboration.slug
    form = DecisionEditForm(
        request.POST or None, initial=_initial(decision, ["title", "text", "alternatives"])
    )
    return form_page(
        request,
        form,
        lambda data: services.decision_update(decision=decision, **data),
        success_url=_decision_url(slug, decision),
        title=_("Endre ordlyden i vedtak %(number)s") % {"number": decision.number},
        instance=decision,
        context={
            "cancel_url": _decision_url(slug, decision),
            "lead": _("Dato, organ og det vedtaket avgjorde kan ikke endres; bare ordlyden."),
            "history": history_of(decision),
        },
    )


@require_POST
@collaboration_view
def decision_delete(
    request: HttpRequest, access: CollaborationAccess, decision_id: str
) -> HttpResponse:
    decision = gov_access.access_decision(access, decision_id, for_change=True)
    slug = access.collaboration.slug
    response = delete_then_redirect(
        request,
        lambda: services.decision_delete(decision=decision),
        _url("decision_register", slug),
    )
    if Decision.objects.filter(pk=decision.pk).exists():
        return redirect(_decision_url(slug, decision))
    return response


@collaboration_view
def decision_memo_docx(
    request: HttpRequest, access: CollaborationAccess, decision_id: str
) -> HttpResponse:
    decision = gov_access.access_decision(access, decision_id)
    name = slugify(
        f"notat-for-beslutning-{decision.body.abbreviation}-{decision.sequence}-{decision.year}"
    )
    return download(build_memo(decision), f"{name}.docx", DOCX)


REGISTER_COLUMNS = [
    Column(_("Nummer"), 12),
    Column(_("Dato"), 12, "date"),
    Column(_("Organ"), 24),
    Column(_("Tittel"), 40, wrap=True),
    Column(_("Vedtak"), 60, wrap=True),
    Column(_("Alternativer som ble vurdert"), 40, wrap=True),
    Column(_("Prosjekt"), 28),
    Column(_("Beslutningspunkt"), 20),
    Column(_("Utfall"), 26),
    Column(_("Godkjent milepæl"), 30),
    Column(_("Valg av målsystem"), 30),
    Column(_("Business case"), 30),
    Column(_("Møte"), 28),
    Column(_("Registrert av"), 20),
]


def _register_rows(decisions: Any) -> Any:
    for d in decisions:
        yield [
            d.number,
            d.decided_on,
            d.body.name,
            d.title,
            d.text,
            d.alternatives,
            d.project.name if d.project else "",
            d.gate.code if d.gate else "",
            d.get_gate_outcome_display() if d.gate_outcome else "",
            d.milestone.name if d.milestone else "",
            str(d.target_choice) if d.target_choice else "",
            str(d.case_version) if d.case_version else "",
            str(d.meeting) if d.meeting else "",
            str(d.recorded_by) if d.recorded_by else "",
        ]


@collaboration_view
def decision_register(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    collaboration = access.collaboration
    years = selectors.decision_years(collaboration)
    form = RegisterFilterForm(request.GET or None, access=access, years=years)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "body": form.cleaned_data["organ"],
            "year": form.cleaned_data["ar"],
            "project": form.cleaned_data["prosjekt"],
        }
    if request.GET.get("format") == "xlsx":
        rows = _register_rows(
            selectors.decisions(collaboration, **filters).iterator(chunk_size=500)
        )
        content = register_xlsx(str(_("Vedtaksregister")), REGISTER_COLUMNS, rows)
        return download(content, f"vedtaksregister-{collaboration.slug}.xlsx", XLSX)
    page = selectors.decision_register(collaboration, page=request.GET.get("side") or 1, **filters)
    query = request.GET.copy()
    query.pop("side", None)
    query["format"] = "xlsx"
    return render(
        request,
        "governance/meetings/decision_register.html",
        {
            "form": form,
            "page": page,
            "filtered": any(v is not None for v in filters.values()),
            "xlsx_query": query.urlencode(),
            "may_manage": gov_access.may_manage_governance(access),
        },
    )


# --- Action items ---------------------------------------------------------------------------

ACTION_FIELDS = ["text", "owner", "owner_name", "due", "status", "project", "meeting"]


@collaboration_view
def action_item_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    status = request.GET.get("status", ActionItem.Status.OPEN)
    if status not in {*ActionItem.Status.values, "alle"}:
        status = ActionItem.Status.OPEN
    items = list(
        selectors_meetings.action_items(
            access.collaboration, status=None if status == "alle" else status
        )[:500]
    )
    return render(
        request,
        "governance/meetings/action_item_list.html",
        {
            "items": items,
            "status": status,
            "statuses": [("alle", _("Alle")), *ActionItem.Status.choices],
            "today": today(),
            "may_manage": gov_access.may_manage_governance(access),
        },
    )


@collaboration_view
def action_item_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    meeting = _optional(request, "meeting", gov_access.access_meeting, access)
    project = _optional(request, "project", gov_access.access_project, access)
    slug = access.collaboration.slug
    back = (
        _meeting_url(slug, meeting)
        if meeting
        else _url("project_decisions", slug, project_id=project.uuid)
        if project
        else _url("action_item_list", slug)
    )
    form = ActionItemForm(
        request.POST or None,
        access=access,
        initial={"meeting": meeting, "project": project, "status": ActionItem.Status.OPEN},
    )
    return form_page(
        request,
        form,
        lambda data: services.action_item_create(collaboration=access.collaboration, **data),
        success_url=back,
        title=_("Nytt oppfølgingspunkt"),
        context={"cancel_url": back},
    )


@collaboration_view
def action_item_edit(
    request: HttpRequest, access: CollaborationAccess, action_item_id: str
) -> HttpResponse:
    item = gov_access.access_action_item(access, action_item_id, for_change=True)
    slug = access.collaboration.slug
    form = ActionItemForm(
        request.POST or None, access=access, initial=_initial(item, ACTION_FIELDS)
    )
    back = _url("action_item_list", slug)
    return form_page(
        request,
        form,
        lambda data: services.action_item_update(item=item, **data),
        success_url=back,
        title=_("Endre oppfølgingspunkt"),
        instance=item,
        context={"cancel_url": back, "history": history_of(item)},
    )


@require_POST
@collaboration_view
def action_item_delete(
    request: HttpRequest, access: CollaborationAccess, action_item_id: str
) -> HttpResponse:
    item = gov_access.access_action_item(access, action_item_id, for_change=True)
    return delete_then_redirect(
        request,
        lambda: services.action_item_delete(item=item),
        _url("action_item_list", access.collaboration.slug),
    )


# --- The project's tab ----------------------------------------------------------------------


@collaboration_view
def project_decisions(
    request: HttpRequest, access: CollaborationAccess, project_id: str
) -> HttpResponse:
    project = gov_access.access_project(access, project_id)
    return render(
        request,
        "governance/meetings/project_decisions.html",
        {
            "project": project,
            "data": selectors_meetings.project_decisions(project),
            "may_manage": gov_access.may_manage_governance(access),
        },
    )


# --- Calendar feed --------------------------------------------------------------------------


def _feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("governance:calendar_ics", kwargs={"token": token}))


@collaboration_view
def calendar_feed(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """Where a user makes (or remakes) and revokes their private feed address. The address
    is shown once, right after it is made: only a digest of the token is stored."""
    user = access.user
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _feed, token = services.calendar_feed_create(user=user)
            new_url = _feed_url(request, token)
            messages.success(
                request, _("Ny kalenderadresse laget. Den forrige virker ikke lenger.")
            )
        elif action == "revoke":
            for feed in CalendarFeed.objects.filter(user=user, revoked_at__isnull=True):
                services.calendar_feed_revoke(feed=feed)
            messages.success(request, _("Kalenderadressen er trukket tilbake."))
            return redirect(_url("calendar_feed", access.collaboration.slug))
        else:
            raise Http404
    active = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()
    entries = selectors.calendar_entries(
        user, since=today(), until=today() + datetime.timedelta(days=120)
    )
    return render(
        request,
        "governance/meetings/calendar_feed.html",
        {"active": active, "new_url": new_url, "entries": entries[:20]},
    )


def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no log-in, the token is the key; 404 for an unknown or revoked one."""
    user = services.calendar_feed_user(token)
    if user is None:
        raise Http404
    entries = selectors.calendar_entries(user)
    content = ical.calendar_bytes(
        entries,
        name=_("Samla: møter og milepæler"),
        url_for=lambda entry: _entry_url(request, entry),
    )
    response = HttpResponse(content, content_type=ICS)
    response["Content-Disposition"] = 'inline; filename="samla.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _entry_url(request: HttpRequest, entry: selectors.CalendarEntry) -> str:
    if entry.kind != "meeting":
        return ""
    meeting_uuid = entry.uid.removeprefix("meeting-").split("@", 1)[0]
    return request.build_absolute_uri(
        _url("meeting_detail", entry.collaboration_slug, meeting_id=meeting_uuid)
    )


urlpatterns: list[URLPattern] = [
    path(P + "organer/", body_list, name="body_list"),
    path(P + "organer/nytt/", body_create, name="body_create"),
    path(P + "organer/<uuid:body_id>/", body_detail, name="body_detail"),
    path(P + "organer/<uuid:body_id>/endre/", body_edit, name="body_edit"),
    path(P + "organer/<uuid:body_id>/slett/", body_delete, name="body_delete"),
    path(P + "organer/<uuid:body_id>/medlemmer/ny/", body_member_create, name="body_member_create"),
    path(P + "medlemmer/<uuid:member_id>/endre/", body_member_edit, name="body_member_edit"),
    path(P + "medlemmer/<uuid:member_id>/slett/", body_member_delete, name="body_member_delete"),
    path(P + "organer/<uuid:body_id>/moter/nytt/", meeting_create, name="meeting_create"),
    path(P + "moter/<uuid:meeting_id>/", meeting_detail, name="meeting_detail"),
    path(P + "moter/<uuid:meeting_id>/endre/", meeting_edit, name="meeting_edit"),
    path(P + "moter/<uuid:meeting_id>/slett/", meeting_delete, name="meeting_delete"),
    path(P + "moter/<uuid:meeting_id>/oppmote/", meeting_presence, name="meeting_presence"),
    path(P + "moter/<uuid:meeting_id>/referat.docx", minutes_docx, name="minutes_docx"),
    path(P + "moter/<uuid:meeting_id>/saker/ny/", agenda_item_create, name="agenda_item_create"),
    path(P + "saker/<uuid:agenda_item_id>/endre/", agenda_item_edit, name="agenda_item_edit"),
    path(P + "saker/<uuid:agenda_item_id>/slett/", agenda_item_delete, name="agenda_item_delete"),
    path(P + "vedtak/", decision_register, name="decision_register"),
    path(P + "vedtak/nytt/", decision_create, name="decision_create"),
    path(P + "vedtak/<uuid:decision_id>/", decision_detail, name="decision_detail"),
    path(P + "vedtak/<uuid:decision_id>/endre/", decision_edit, name="decision_edit"),
    path(P + "vedtak/<uuid:decision_id>/slett/", decision_delete, name="decision_delete"),
    path(P + "vedtak/<uuid:decision_id>/notat.docx", decision_memo_docx, name="decision_memo_docx"),
    path(P + "oppfolging/", action_item_list, name="action_item_list"),
    path(P + "oppfolging/ny/", action_item_create, name="action_item_create"),
    path(P + "oppfolging/<uuid:action_item_id>/endre/", action_item_edit, name="action_item_edit"),
    path(
        P + "oppfolging/<uuid:action_item_id>/slett/", action_item_delete, name="action_item_delete"
    ),
    path(P + "<uuid:project_id>/moter-og-vedtak/", project_decisions, name="project_decisions"),
    path(P + "kalender/", calendar_feed, name="calendar_feed"),
    path("kalender/<str:token>.ics", calendar_ics, name="calendar_ics"),
]
