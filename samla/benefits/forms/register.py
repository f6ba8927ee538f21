"""The benefit form: choices limited to the collaboration (people with a role, member
organisations, its projects and programmes, the monetised lines of its business cases),
chosen by UUID; the owner is required."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.benefits.models import Benefit
from samla.benefits.services import MONETISED_LINE_KINDS
from samla.cases.models import Line
from samla.governance.forms.projects import ScopedForm, _date_field
from samla.organisations.access import CollaborationAccess

OWNER_REQUIRED = _("En gevinst må ha en gevinsteier.")


def case_line_label(line: Line) -> str:
    version = line.alternative.version
    return f"{version.case.name} v{version.number} – {line.alternative.name}: {line.name}"


class CaseLineChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return case_line_label(obj)


class BenefitForm(ScopedForm):
    class Meta:
        model = Benefit
        fields = [
            "code",
            "title",
            "description",
            "benefit_class",
            "kind",
            "status",
            "owner",
            "responsible",
            "organisations",
            "project",
            "programme",
            "case_line",
            "preconditions",
        ]
        formfield_callback = _date_field
        field_classes = {"case_line": CaseLineChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "preconditions": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"owner": {"required": OWNER_REQUIRED}}
        help_texts = {
            "code": _("Valgfritt, for eksempel G-01. Brukes i importfiler: «G-01/indikator»."),
            "owner": _("Gevinsteieren svarer for at gevinsten tas ut (ofte en linjeleder)."),
            "responsible": _("Gevinstansvarlig følger opp målingene og gjør jobben."),
            "organisations": _(
                "Medlemmene gevinsten tilfaller. Redaktørene deres kan registrere målinger for egen organisasjon."
            ),
            "case_line": _(
                "Linjen i business caset som lovet gevinsten (prissatt gevinst eller spart tid)."
            ),
        }

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, access=access, **kwargs)
        lines = self.fields["case_line"]
        lines.queryset = (  # type: ignore[attr-defined]
            Line.objects.filter(
                alternative__version__case__collaboration=access.collaboration,
                kind__in=MONETISED_LINE_KINDS,
            )
            .select_related("alternative__version__case")
            .order_by(
                "alternative__version__case__name",
                "alternative__version__number",
                "alternative__order",
                "order",
                "pk",
            )
        )
        lines.empty_label = _("Ingen")  # type: ignore[attr-defined]
        self.fields["project"].empty_label = _("Ingen")  # type: ignore[attr-defined]
        self.fields["programme"].empty_label = _("Ingen")  # type: ignore[attr-defined]
        self.fields["responsible"].empty_label = _("Ingen valgt")  # type: ignore[attr-defined]
        self.fields["owner"].empty_label = _("Velg gevinsteier")  # type: ignore[attr-defined]
