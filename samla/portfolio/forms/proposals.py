"""Forms for proposals, their costs per year, scores, dependencies, groups and the start as a
project. They check what the user typed; the services check the rest (members of the
collaboration, dependency cycles, the status flow) and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samla.core.forms import AmountField, DateField
from samla.governance.forms.risks import collaboration_users
from samla.governance.models import PhaseModel
from samla.organisations.access import CollaborationAccess
from samla.organisations.models import Organisation, User
from samla.portfolio.access import may_manage_portfolio
from samla.portfolio.models import Criterion, Proposal, ProposalCost, ProposalGroup, Score

RISK_CHOICES = [
    (1, _("1 – svært lav")),
    (2, _("2 – lav")),
    (3, _("3 – middels")),
    (4, _("4 – høy")),
    (5, _("5 – svært høy")),
]
SCORE_CHOICES = [
    ("", _("Ikke vurdert")),
    (0, _("0 – ikke i det hele tatt")),
    (1, _("1 – svært lite")),
    (2, _("2 – lite")),
    (3, _("3 – noe")),
    (4, _("4 – mye")),
    (5, _("5 – svært mye")),
]


def _initial(instance: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names} if instance is not None else {}


def sponsor_choices(access: CollaborationAccess) -> QuerySet[Organisation]:
    """Managers submit for any member; an editor only for their own organisation."""
    members = Organisation.objects.filter(memberships__collaboration=access.collaboration).order_by(
        "name"
    )
    if may_manage_portfolio(access):
        return members
    return members.filter(pk=access.editable_organisation_id or 0)


class ProposalForm(forms.Form):
    code = forms.CharField(
        label=_("Nummer"), max_length=30, required=False, help_text=_("For eksempel F-2027-04.")
    )
    title = forms.CharField(label=_("Tittel"), max_length=300)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    sponsor = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        label=_("Innmeldt av"),
        empty_label=None,
    )
    contact = forms.ModelChoiceField(
        queryset=User.objects.none(),
        to_field_name="uuid",
        label=_("Kontaktperson"),
        required=False,
        empty_label=_("Ingen valgt"),
    )
    expected_benefits = forms.CharField(
        label=_("Forventede gevinster"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    risk = forms.TypedChoiceField(
        label=_("Risiko (1–5)"),
        choices=RISK_CHOICES,
        coerce=int,
        error_messages={"invalid_choice": _("Risikoen må være fra 1 til 5.")},
    )
    earliest_start = forms.IntegerField(
        label=_("Tidligste oppstart (år)"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "min_value": _("Skriv et årstall mellom 2000 og 2100."),
            "max_value": _("Skriv et årstall mellom 2000 og 2100."),
            "invalid": _("Skriv et årstall, for eksempel 2027."),
        },
    )
    npv = AmountField(
        label=_("Netto nåverdi (kr)"),
        required=False,
        max_digits=16,
        decimal_places=0,
        help_text=_("Brukes når et scenario maksimerer netto nåverdi i stedet for vektet score."),
    )
    case_version = forms.ModelChoiceField(
        queryset=Proposal.objects.none(),
        to_field_name="uuid",
        label=_("Business case"),
        required=False,  # type: ignore[arg-type]
        empty_label=_("Ingen"),
    )
    category = forms.ModelChoiceField(
        queryset=Proposal.objects.none(),
        to_field_name="uuid",
        label=_("Systemkategori (konsolideringsmulighet)"),
        required=False,
        empty_label=_("Ingen"),
    )

    FIELDS = [
        "code",
        "title",
        "description",
        "sponsor",
        "contact",
        "expected_benefits",
        "risk",
        "earliest_start",
        "npv",
        "case_version",
        "category",
    ]

    def __init__(
        self,
        *args: Any,
        access: CollaborationAccess,
        instance: Proposal | None = None,
        **kwargs: Any,
    ) -> None:
        from samla.cases.models import CaseVersion
        from samla.landscape.models import SystemCategory

        initial = _initial(instance, self.FIELDS) or {"risk": 3}
        initial.update(kwargs.pop("initial", None) or {})
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        collaboration = access.collaboration
        sponsors = sponsor_choices(access)
        if instance is not None and not may_manage_portfolio(access):
            sponsors = sponsors | Organisation.objects.filter(pk=instance.sponsor_id)
        self.fields["sponsor"].queryset = sponsors  # type: ignore[attr-defined]
        self.fields["contact"].queryset = collaboration_users(collaboration)  # type: ignore[attr-defined]
        self.fields["case_version"].queryset = (  # type: ignore[attr-defined]
            CaseVersion.objects.filter(case__collaboration=collaboration)
            .select_related("case")
            .order_by("case__name", "-number")
        )
        self.fields["category"].queryset = SystemCategory.objects.filter(  # type: ignore[attr-defined]
            collaboration=collaboration
        ).order_by("name")


class ProposalCostForm(forms.Form):
    year = forms.IntegerField(
        label=_("År"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "min_value": _("Skriv et årstall mellom 2000 og 2100."),
            "max_value": _("Skriv et årstall mellom 2000 og 2100."),
            "invalid": _("Skriv et årstall, for eksempel 2027."),
        },
    )
    amount = AmountField(
        label=_("Beløp (kr)"), max_digits=14, decimal_places=0, min_value=Decimal(0)
    )
    hours = AmountField(
        label=_("Timer"), required=False, max_digits=10, decimal_places=0, min_value=Decimal(0)
    )

    def __init__(
        self, *args: Any, proposal: Proposal, instance: ProposalCost | None = None, **kwargs: Any
    ) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {"amount": instance.amount, "hours": instance.hours})
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        if instance is not None:
            del self.fields["year"]  # the year is the row's address; delete and add to move it

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if (
            year is not None
            and ProposalCost.objects.filter(proposal=self.proposal, year=year).exists()
        ):
            raise forms.ValidationError(
                _("Forslaget har allerede en kostnad for dette året. Endre den i stedet.")
            )
        return year

    def clean_hours(self) -> Decimal:
        return self.cleaned_data.get("hours") or Decimal(0)


class ScoresForm(forms.Form):
    """One score (0–5, or not assessed) and a rationale per criterion."""

    def __init__(
        self, *args: Any, criteria: list[Criterion], scores: dict[int, Score], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            given = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(name)s: score (0–5)") % {"name": criterion.name},
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=criterion.description,
                initial=given.score if given else "",
                error_messages={"invalid_choice": _("Scoren må være fra 0 til 5.")},
            )
            self.fields[f"rationale_{criterion.pk}"] = forms.CharField(
                label=_("%(name)s: begrunnelse") % {"name": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=given.rationale if given else "",
            )

    def rows(self) -> list[tuple[Criterion, int | None, str]]:
        return [
            (
                c,
                self.cleaned_data.get(f"score_{c.pk}"),
                self.cleaned_data.get(f"rationale_{c.pk}", ""),
            )
            for c in self.criteria
        ]

    def pairs(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"score_{c.pk}"], self[f"rationale_{c.pk}"]) for c in self.criteria]


class RequiresForm(forms.Form):
    requires = forms.ModelMultipleChoiceField(
        queryset=Proposal.objects.none(),
        to_field_name="uuid",
        required=False,
        label=_("Forutsetter"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Forslagene som må gjennomføres for at dette kan velges."),
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"requires": list(proposal.requires.all())})
        super().__init__(*args, **kwargs)
        self.fields["requires"].queryset = (  # type: ignore[attr-defined]
            Proposal.objects.filter(collaboration_id=proposal.collaboration_id)
            .exclude(pk=proposal.pk)
            .order_by("title")
        )


class StatusForm(forms.Form):
    status = forms.CharField(max_length=20)


class StartProjectForm(forms.Form):
    phase_model = forms.ModelChoiceField(
        queryset=PhaseModel.objects.none(),
        to_field_name="uuid",
        label=_("Fasemodell"),
        required=False,
        empty_label=_("Ingen (prosjekt uten faser)"),
        help_text=_("Prosjektet får fasene, beslutningspunktene og milepælene i modellen."),
    )
    leader = forms.ModelChoiceField(
        queryset=User.objects.none(),
        to_field_name="uuid",
        label=_("Prosjektleder"),
        required=False,
        empty_label=_("Ingen valgt"),
    )
    start = DateField(label=_("Start"))
    end = DateField(label=_("Planlagt slutt"), required=False)

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase_model"].queryset = PhaseModel.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        ).order_by("name")
        self.fields["leader"].queryset = collaboration_users(access.collaboration)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutt kan ikke være før start."))
        return cleaned


class GroupForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ProposalGroup.Kind.choices)
    name = forms.CharField(label=_("Navn"), max_length=200)
    members = forms.ModelMultipleChoiceField(
        queryset=Proposal.objects.none(),
        to_field_name="uuid",
        label=_("Forslag"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst to forslag.")},
    )

    def __init__(
        self,
        *args: Any,
        access: CollaborationAccess,
        instance: ProposalGroup | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial", {"name": instance.name, "members": list(instance.members.all())}
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["kind"]  # the kind is chosen once; make a new group for the other
        self.fields["members"].queryset = Proposal.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        ).order_by("title")
