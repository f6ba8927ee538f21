"""Forms for governance bodies, meetings, the decision register and action items. They check
what the user typed and that chosen objects belong to the collaboration; the services check
the rest (a gate with open mandatory items, approving twice …)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.cases.models import CaseVersion
from samla.core.dates import today
from samla.core.forms import DateField, FastSelect
from samla.governance.models import (
    ActionItem,
    AgendaItem,
    Body,
    BodyKind,
    BodyMember,
    Decision,
    Gate,
    Meeting,
    Milestone,
    Programme,
    Project,
)
from samla.landscape.models import TargetChoice
from samla.organisations.access import CollaborationAccess
from samla.organisations.models import Organisation, User


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)

    def format_value(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return super().format_value(value)


class DateTimeField(forms.DateTimeField):
    widget = DateTimeLocalInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
        super().__init__(**kwargs)


def collaboration_users(access: CollaborationAccess) -> Any:
    return (
        User.objects.filter(roles__collaboration=access.collaboration)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


def _uuid_choice(
    label: Any, queryset: Any, *, required: bool = False, empty: Any = None, **kwargs: Any
) -> forms.ModelChoiceField[Any]:
    return forms.ModelChoiceField(
        queryset=queryset,
        to_field_name="uuid",
        label=label,
        required=required,
        empty_label=empty if empty is not None else _("Ingen"),
        **kwargs,
    )


class BodyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=BodyKind.choices)
    name = forms.CharField(label=_("Navn"), max_length=200)
    abbreviation = forms.CharField(
        label=_("Forkortelse"),
        max_length=12,
        help_text=_("Brukes i vedtaksnummeret, for eksempel «PS» i «PS 12/2026»."),
    )
    description = forms.CharField(
        label=_("Mandat og sammensetning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    programme = _uuid_choice(_("Program"), Programme.objects.none())
    project = _uuid_choice(_("Prosjekt"), Project.objects.none())

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        collaboration = access.collaboration
        self.fields["programme"].queryset = Programme.objects.filter(  # type: ignore[attr-defined]
            collaboration=collaboration
        )
        self.fields["project"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            collaboration=collaboration
        )


class BodyMemberForm(forms.Form):
    user = _uuid_choice(
        _("Person"),
        User.objects.none(),
        help_text=_("En bruker i samarbeidet. Eller skriv et navn under."),
    )
    name = forms.CharField(label=_("Navn (uten brukerkonto)"), max_length=200, required=False)
    organisation = _uuid_choice(_("Representerer"), Organisation.objects.none())
    role = forms.ChoiceField(label=_("Rolle"), choices=BodyMember.Role.choices)

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field: Any = self.fields["user"]
        user_field.queryset = collaboration_users(access)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            memberships__collaboration=access.collaboration
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not (data.get("name") or "").strip():
            raise forms.ValidationError(_("Velg en person eller skriv et navn."))
        return data


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=_("Tittel"),
        max_length=200,
        required=False,
        help_text=_("Tom: organets navn og datoen."),
    )
    starts_at = DateTimeField(label=_("Starter"))
    ends_at = DateTimeField(label=_("Slutter"), required=False)
    location = forms.CharField(label=_("Sted"), max_length=300, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Meeting.Status.choices)
    guests = forms.CharField(
        label=_("Andre til stede"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(
        label=_("Referat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Det som ble sagt utenom sakene; sakene har hvert sitt referatfelt."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("Møtet kan ikke slutte før det starter."))
        return data


class PresenceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        queryset=BodyMember.objects.none(),
        to_field_name="uuid",
        label=_("Kryss av for dem som var til stede"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["present"]
        field.queryset = BodyMember.objects.filter(body_id=meeting.body_id).select_related("user")
        field.label_from_instance = lambda m: f"{m.person_name} ({m.get_role_display().lower()})"


class AgendaItemForm(forms.Form):
    number = forms.CharField(
        label=_("Saksnummer"), max_length=20, required=False, help_text=_("For eksempel «12/26».")
    )
    title = forms.CharField(label=_("Sak"), max_length=300)
    kind = forms.ChoiceField(label=_("Type sak"), choices=AgendaItem.Kind.choices)
    presenter = forms.CharField(label=_("Innleder"), max_length=200, required=False)
    case_paper_url = forms.URLField(
        label=_("Saksframlegg (lenke)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Lenke til saksframlegget i sak/arkiv eller på nettsiden."),
    )
    proposal = forms.CharField(
        label=_("Forslag til vedtak"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        label=_("Referat fra saken"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    project = _uuid_choice(_("Prosjekt"), Project.objects.none())

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        )


class DecisionForm(forms.Form):
    """Record a decision. A gate or a milestone comes from the page it was opened from
    (``?gate=`` / ``?milestone=``) and rides along as a hidden field."""

    body = _uuid_choice(_("Organ"), Body.objects.none(), required=True, empty="")
    meeting = _uuid_choice(_("Møte"), Meeting.objects.none())
    agenda_item = _uuid_choice(_("Sak"), AgendaItem.objects.none(), widget=forms.HiddenInput)
    decided_on = DateField(label=_("Dato"))
    title = forms.CharField(label=_("Tittel"), max_length=300)
    text = forms.CharField(label=_("Vedtak"), widget=forms.Textarea(attrs={"rows": 4}))
    alternatives = forms.CharField(
        label=_("Alternativer som ble vurdert"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ett alternativ per avsnitt (tom linje mellom)."),
    )
    gate = _uuid_choice(_("Beslutningspunkt"), Gate.objects.none(), widget=forms.HiddenInput)
    gate_outcome = forms.ChoiceField(
        label=_("Utfall for beslutningspunktet"),
        choices=[c for c in Decision.GateOutcome.choices if c[0]],
        initial=Decision.GateOutcome.PASSED,
        required=False,
    )
    milestone = _uuid_choice(
        _("Milepæl som godkjennes"), Milestone.objects.none(), widget=forms.HiddenInput
    )
    project = _uuid_choice(_("Prosjekt"), Project.objects.none())
    target_choice = _uuid_choice(
        _("Valg av målsystem"),
        TargetChoice.objects.none(),
        help_text=_("Et valg i målporteføljen som vedtaket slutter seg til."),
    )
    case_version = _uuid_choice(
        _("Versjon av business case som godkjennes"),
        CaseVersion.objects.none(),
        help_text=_("Bare låste versjoner kan velges."),
    )

    def __init__(
        self,
        *args: Any,
        access: CollaborationAccess,
        gate: Gate | None = None,
        milestone: Milestone | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        collaboration = access.collaboration
        querysets: dict[str, Any] = {
            "body": Body.objects.filter(collaboration=collaboration),
            "meeting": Meeting.objects.filter(body__collaboration=collaboration)
            .select_related("body")
            .order_by("-starts_at"),
            "agenda_item": AgendaItem.objects.filter(meeting__body__collaboration=collaboration),
            "gate": Gate.objects.filter(project__collaboration=collaboration),
            "milestone": Milestone.objects.filter(project__collaboration=collaboration),
            "project": Project.objects.filter(collaboration=collaboration),
            "target_choice": TargetChoice.objects.filter(
                collaboration=collaboration
            ).select_related("category", "product"),
            "case_version": CaseVersion.objects.filter(case__collaboration=collaboration)
            .exclude(stage=CaseVersion.Stage.DRAFT)
            .select_related("case")
            .order_by("case__name", "number"),
        }
        for name, queryset in querysets.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        self.fields["decided_on"].initial = today()
        if gate is None:
            del self.fields["gate_outcome"]
        if gate is not None or milestone is not None:
            # The project follows from the gate or milestone.
            del self.fields["project"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("gate") is not None and not data.get("gate_outcome"):
            self.add_error("gate_outcome", _("Velg om beslutningspunktet passeres eller ikke."))
        return data


class DecisionEditForm(forms.Form):
    title = forms.CharField(label=_("Tittel"), max_length=300)
    text = forms.CharField(label=_("Vedtak"), widget=forms.Textarea(attrs={"rows": 4}))
    alternatives = forms.CharField(
        label=_("Alternativer som ble vurdert"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ett alternativ per avsnitt (tom linje mellom)."),
    )


class RegisterFilterForm(forms.Form):
    organ = _uuid_choice(_("Organ"), Body.objects.none(), empty=_("Alle"))
    ar = forms.TypedChoiceField(label=_("År"), coerce=int, required=False, empty_value=None)
    prosjekt = _uuid_choice(_("Prosjekt"), Project.objects.none(), empty=_("Alle"))

    def __init__(
        self, *args: Any, access: CollaborationAccess, years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Hundreds of projects: options joined in Python, not one template each.
        self.fields["organ"].widget = FastSelect()
        self.fields["prosjekt"].widget = FastSelect()
        self.fields["organ"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        )
        self.fields["prosjekt"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        )
        self.fields["ar"].choices = [("", _("Alle")), *[(y, str(y)) for y in years]]  # type: ignore[attr-defined]


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Oppgave"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = _uuid_choice(_("Ansvarlig"), User.objects.none())
    owner_name = forms.CharField(
        label=_("Ansvarlig (navn uten brukerkonto)"), max_length=200, required=False
    )
    due = DateField(label=_("Frist"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    project = _uuid_choice(_("Prosjekt"), Project.objects.none())
    meeting = _uuid_choice(_("Fra møte"), Meeting.objects.none())

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = collaboration_users(access)
        self.fields["project"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        )
        self.fields["meeting"].queryset = (  # type: ignore[attr-defined]
            Meeting.objects.filter(body__collaboration=access.collaboration)
            .select_related("body")
            .order_by("-starts_at")
        )
