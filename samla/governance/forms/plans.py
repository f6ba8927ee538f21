"""Forms of the plan, the stakeholder register, the communication plan and the project log.

They validate what the user typed and offer only choices of the project (its phases,
milestones, activities, stakeholders) and people with a role in the collaboration; the
services check the rest (end before start, cycles, objects of another project)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from samla.core.forms import DateField
from samla.governance.models import (
    Activity,
    CommunicationItem,
    Decision,
    Level,
    LogEntry,
    Milestone,
    Project,
    ProjectPhase,
    Stakeholder,
)
from samla.organisations.models import Organisation, User

MAX_LAG_DAYS = 3650


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


def collaboration_users(project: Project) -> Any:
    return (
        User.objects.filter(roles__collaboration_id=project.collaboration_id)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _user_field(label: Any) -> UserChoiceField:
    return UserChoiceField(
        queryset=User.objects.none(),
        to_field_name="uuid",
        label=label,
        required=False,
        empty_label=_("Ingen valgt"),
    )


class ActivityForm(forms.Form):
    code = forms.CharField(
        label=_("Nummer"), max_length=20, required=False, help_text=_("For eksempel 2.1.")
    )
    name = forms.CharField(label=_("Aktivitet"), max_length=300)
    start = DateField(label=_("Start"))
    end = DateField(label=_("Slutt"), help_text=_("Siste dag aktiviteten pågår."))
    responsible = _user_field(_("Ansvarlig"))
    phase = forms.ModelChoiceField(
        queryset=ProjectPhase.objects.none(),
        to_field_name="uuid",
        label=_("Fase"),
        required=False,
        empty_label=_("Ingen"),
    )
    milestone = forms.ModelChoiceField(
        queryset=Milestone.objects.none(),
        to_field_name="uuid",
        label=_("Milepæl"),
        required=False,
        empty_label=_("Ingen"),
        help_text=_("Milepælen aktiviteten leverer til."),
    )
    progress = forms.IntegerField(
        label=_("Fullført (%)"),
        initial=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = collaboration_users(project)  # type: ignore[attr-defined]
        self.fields["phase"].queryset = ProjectPhase.objects.filter(project=project)  # type: ignore[attr-defined]
        self.fields["milestone"].queryset = Milestone.objects.filter(project=project)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Sluttdatoen kan ikke være før startdatoen."))
        return data

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        return {
            "code": activity.code,
            "name": activity.name,
            "start": activity.start,
            "end": activity.end,
            "responsible": activity.responsible.uuid if activity.responsible else None,
            "phase": activity.phase.uuid if activity.phase else None,
            "milestone": activity.milestone.uuid if activity.milestone else None,
            "progress": activity.progress,
        }


class ActivityChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}".strip()


class DependencyForm(forms.Form):
    predecessor = ActivityChoiceField(
        queryset=Activity.objects.none(),
        to_field_name="uuid",
        label=_("Forgjenger"),
        help_text=_("Aktiviteten som må bli ferdig først."),
    )
    successor = ActivityChoiceField(
        queryset=Activity.objects.none(),
        to_field_name="uuid",
        label=_("Etterfølger"),
        help_text=_("Aktiviteten som kan starte når forgjengeren er ferdig."),
    )
    lag_days = forms.IntegerField(
        label=_("Etterslep (dager)"),
        initial=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_LAG_DAYS)],
        help_text=_("Dager mellom slutten på forgjengeren og starten på etterfølgeren."),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activities = Activity.objects.filter(project=project).order_by("start", "order", "pk")
        self.fields["predecessor"].queryset = activities  # type: ignore[attr-defined]
        self.fields["successor"].queryset = activities  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        predecessor, successor = data.get("predecessor"), data.get("successor")
        if predecessor and successor and predecessor == successor:
            self.add_error("successor", _("En aktivitet kan ikke avhenge av seg selv."))
        return data


class StakeholderForm(forms.Form):
    name = forms.CharField(label=_("Interessent"), max_length=200)
    group = forms.CharField(
        label=_("Gruppe"),
        max_length=200,
        required=False,
        help_text=_("For eksempel «tillitsvalgte» eller «innbyggere»."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        label=_("Organisasjon"),
        required=False,
        empty_label=_("Ingen"),
    )
    interest = forms.CharField(
        label=_("Interesse og forventninger"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    interest_level = forms.ChoiceField(
        label=_("Interesse"), choices=Level.choices, initial=Level.MEDIUM
    )
    influence = forms.ChoiceField(
        label=_("Innflytelse"), choices=Level.choices, initial=Level.MEDIUM
    )
    affected = forms.CharField(
        label=_("Hvordan berøres de"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=_("Tiltak"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            memberships__collaboration_id=project.collaboration_id
        ).order_by("name")

    @staticmethod
    def initial_for(stakeholder: Stakeholder) -> dict[str, Any]:
        return {
            "name": stakeholder.name,
            "group": stakeholder.group,
            "organisation": stakeholder.organisation.uuid if stakeholder.organisation else None,
            "interest": stakeholder.interest,
            "interest_level": stakeholder.interest_level,
            "influence": stakeholder.influence,
            "affected": stakeholder.affected,
            "measures": stakeholder.measures,
        }


class CommunicationItemForm(forms.Form):
    stakeholder = forms.ModelChoiceField(
        queryset=Stakeholder.objects.none(),
        to_field_name="uuid",
        label=_("Interessent"),
        required=False,
        empty_label=_("Ingen bestemt"),
    )
    audience = forms.CharField(label=_("Målgruppe"), max_length=200)
    message = forms.CharField(label=_("Budskap"), widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.ChoiceField(label=_("Kanal"), choices=CommunicationItem.Channel.choices)
    date = DateField(label=_("Dato"), required=False)
    responsible = _user_field(_("Ansvarlig"))
    responsible_name = forms.CharField(
        label=_("Ansvarlig (navn)"),
        max_length=200,
        required=False,
        help_text=_("Når den ansvarlige ikke er bruker i Samla."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=CommunicationItem.Status.choices,
        initial=CommunicationItem.Status.PLANNED,
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = Stakeholder.objects.filter(project=project)  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = collaboration_users(project)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(item: CommunicationItem) -> dict[str, Any]:
        return {
            "stakeholder": item.stakeholder.uuid if item.stakeholder else None,
            "audience": item.audience,
            "message": item.message,
            "channel": item.channel,
            "date": item.date,
            "responsible": item.responsible.uuid if item.responsible else None,
            "responsible_name": item.responsible_name,
            "status": item.status,
        }


class DecisionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class LogEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=LogEntry.Kind.choices)
    title = forms.CharField(label=_("Tittel"), max_length=300)
    text = forms.CharField(
        label=_("Tekst"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    date = DateField(label=_("Dato"), required=False, help_text=_("Tom betyr i dag."))
    status = forms.ChoiceField(
        label=_("Status"), choices=LogEntry.Status.choices, initial=LogEntry.Status.OPEN
    )
    decision = DecisionChoiceField(
        queryset=Decision.objects.none(),
        to_field_name="uuid",
        label=_("Behandlet i vedtak"),
        required=False,
        empty_label=_("Ikke behandlet"),
        help_text=_("For endringsønsker og avvik som er avgjort av et styringsorgan."),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = (  # type: ignore[attr-defined]
            Decision.objects.filter(project=project).select_related("body").order_by("-pk")
        )

    def clean_date(self) -> Any:
        return self.cleaned_data.get("date") or None

    @staticmethod
    def initial_for(entry: LogEntry) -> dict[str, Any]:
        return {
            "kind": entry.kind,
            "title": entry.title,
            "text": entry.text,
            "date": entry.date,
            "status": entry.status,
            "decision": entry.decision.uuid if entry.decision else None,
        }


class LogFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("Alle typer")), *LogEntry.Kind.choices],
        required=False,
    )
