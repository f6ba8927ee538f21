"""Forms for programmes, projects, their phases, gates, checklists and milestones, and the
phase-model library. They validate what the user typed, and offer only what belongs to the
collaboration (people with a role, member organisations, its own programmes and bodies).
Services write and check the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from samla.core.forms import DateField
from samla.governance.models import (
    Body,
    ChecklistItem,
    Gate,
    Lifecycle,
    Milestone,
    PhaseModel,
    PhaseModelChecklistItem,
    PhaseModelGate,
    PhaseModelMilestone,
    PhaseModelPhase,
    Programme,
    Project,
    ProjectPhase,
)
from samla.governance.phase_library import LIBRARY
from samla.organisations.access import CollaborationAccess
from samla.organisations.models import Organisation, User


def _date_field(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Date inputs that accept ``2026-03-01`` and ``01.03.2026``."""
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return DateField(
            label=field.verbose_name, required=not field.blank, help_text=field.help_text
        )
    return field.formfield(**kwargs)


class ScopedForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form whose choices are limited to the collaboration (and the project, for
    phases), chosen by UUID rather than by database key."""

    def __init__(
        self,
        *args: Any,
        access: CollaborationAccess,
        project: Project | None = None,
        phase_model: PhaseModel | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        collaboration = access.collaboration
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            assert field.queryset is not None
            model = field.queryset.model
            queryset: Any
            if model is User:
                queryset = (
                    User.objects.filter(roles__collaboration=collaboration)
                    .distinct()
                    .order_by("first_name", "last_name", "username")
                )
            elif model is Organisation:
                queryset = Organisation.objects.filter(
                    memberships__collaboration=collaboration
                ).order_by("name")
            elif model is ProjectPhase:
                queryset = ProjectPhase.objects.filter(project=project).order_by("order")
            elif model is PhaseModelPhase:
                queryset = PhaseModelPhase.objects.filter(phase_model=phase_model).order_by("order")
            elif hasattr(model, "collaboration"):
                queryset = model._default_manager.filter(collaboration=collaboration)
            else:
                queryset = model._default_manager.none()
            field.queryset = queryset
            field.to_field_name = "uuid"
            if isinstance(field, forms.ModelMultipleChoiceField):
                field.widget = forms.CheckboxSelectMultiple()
                field.widget.choices = field.choices
            elif self.instance is not None and self.instance.pk:
                current = getattr(self.instance, name, None)
                if current is not None:
                    self.initial[name] = current.uuid


# --- Programmes and projects ----------------------------------------------------------------


class ProgrammeForm(ScopedForm):
    class Meta:
        model = Programme
        fields = ["name", "code", "description", "owner", "manager", "status", "start", "end"]
        formfield_callback = _date_field
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ProjectForm(ScopedForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "code",
            "description",
            "programme",
            "organisations",
            "owner",
            "leader",
            "status",
            "start",
            "end",
        ]
        formfield_callback = _date_field
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "organisations": _(
                "Medlemmene prosjektet gjelder. Redaktørene deres kan melde risiko og føre logg."
            ),
            "leader": _(
                "Prosjektlederen driver prosjektet: faser, milepæler, sjekklister, plan og status."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].empty_label = _("Ikke i et program")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Sluttdatoen kan ikke være før startdatoen."))
        return data


class ProjectCreateForm(ProjectForm):
    """A new project; with a phase model, its phases, gates and milestones are copied in."""

    class Meta(ProjectForm.Meta):
        fields = ["phase_model", *ProjectForm.Meta.fields]
        help_texts = {
            **ProjectForm.Meta.help_texts,
            "phase_model": _(
                "Fasene, beslutningspunktene med sjekklister og milepælene kopieres inn med "
                "planlagte datoer fra start (og tilpasset sluttdatoen, om den er gitt)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase_model"].empty_label = _("Ingen – jeg legger inn faser selv")  # type: ignore[attr-defined]
        self.fields["status"].initial = Lifecycle.ACTIVE


# --- Phases, gates, checklists, milestones of a project -------------------------------------


class ProjectPhaseForm(ScopedForm):
    class Meta:
        model = ProjectPhase
        fields = [
            "name",
            "description",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ]
        formfield_callback = _date_field
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class GateForm(ScopedForm):
    class Meta:
        model = Gate
        fields = [
            "code",
            "name",
            "description",
            "phase",
            "approver",
            "approver_kind",
            "approver_body",
            "planned_date",
            "forecast_date",
        ]
        formfield_callback = _date_field
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ChecklistItemForm(ScopedForm):
    class Meta:
        model = ChecklistItem
        fields = ["text", "mandatory", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}


class ChecklistTickForm(forms.Form):
    done = forms.BooleanField(required=False)
    comment = forms.CharField(required=False, max_length=2000)


class MilestoneForm(ScopedForm):
    class Meta:
        model = Milestone
        fields = [
            "code",
            "name",
            "phase",
            "deliverable",
            "responsible_role",
            "responsible",
            "approver",
            "approver_kind",
            "approver_body",
            "planned_date",
            "forecast_date",
            "actual_date",
            "status",
        ]
        formfield_callback = _date_field
        widgets = {"deliverable": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "status": _("«Godkjent» settes av et vedtak i vedtaksregisteret, ikke her."),
        }

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        stored = self.instance.status if self.instance.pk else None
        if status == Milestone.Status.APPROVED and stored != Milestone.Status.APPROVED:
            raise forms.ValidationError(
                _("En milepæl godkjennes ved et vedtak i vedtaksregisteret.")
            )
        return str(status)


# --- Phase models ---------------------------------------------------------------------------


class PhaseModelForm(ScopedForm):
    class Meta:
        model = PhaseModel
        fields = ["name", "description", "source", "language"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PhaseModelCopyForm(forms.Form):
    name = forms.CharField(label=_("Navn på kopien"), max_length=200)


class PhaseModelInstallForm(forms.Form):
    key = forms.ChoiceField(label=_("Fasemodell fra biblioteket"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(key, t.name) for key, t in LIBRARY.items()]  # type: ignore[attr-defined]


class TemplatePhaseForm(ScopedForm):
    class Meta:
        model = PhaseModelPhase
        fields = ["order", "name", "original_name", "description", "duration_weeks"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TemplateGateForm(ScopedForm):
    class Meta:
        model = PhaseModelGate
        fields = ["phase", "code", "name", "description", "approver", "approver_kind"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TemplateChecklistItemForm(ScopedForm):
    class Meta:
        model = PhaseModelChecklistItem
        fields = ["text", "mandatory"]


class TemplateMilestoneForm(ScopedForm):
    class Meta:
        model = PhaseModelMilestone
        fields = [
            "phase",
            "code",
            "name",
            "original_name",
            "deliverable",
            "responsible_role",
            "approver",
            "approver_kind",
        ]
        widgets = {"deliverable": forms.Textarea(attrs={"rows": 2})}


class ApproverForm(forms.Form):
    """Which body approves the gates and milestones whose template names a kind of body."""

    kind = forms.ChoiceField(label=_("Godkjennes i malen av"), choices=())
    body = forms.ModelChoiceField(
        label=_("Organ i samarbeidet"),
        queryset=Body.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Ingen (fjern koblingen)"),
        help_text=_(
            "Vedtak som passerer beslutningspunktene eller godkjenner milepælene, må da fattes av dette organet."
        ),
    )

    def __init__(
        self, *args: Any, access: CollaborationAccess, kinds: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["body"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        ).order_by("name")
