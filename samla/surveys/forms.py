"""Forms for campaigns, user groups and invitations. They validate; services write."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samla.core.dates import today
from samla.core.forms import DateField
from samla.landscape.forms import UuidChoiceField, UuidMultipleChoiceField, member_queryset
from samla.landscape.models import Product, SystemCategory
from samla.organisations.access import CollaborationAccess
from samla.organisations.models import Organisation
from samla.surveys import services, template
from samla.surveys.models import Campaign, Questionnaire, UserGroup

# The questionnaire choice that makes a copy of the shipped template in the same step.
FROM_TEMPLATE = "mal"


class CampaignForm(forms.Form):
    """A campaign: what is asked (questionnaire), about which systems, when and how anonymously.

    With a category chosen, the product choices are the systems installed in it (all ticked
    when the category was just chosen); without one, every system of the collaboration.
    """

    name = forms.CharField(label=_("navn"), max_length=200)
    questionnaire = forms.ChoiceField(label=_("spørreskjema"))
    category = UuidChoiceField(
        SystemCategory.objects.none(),
        label=_("systemkategori"),
        required=False,
        empty_label=_("Ingen – velg blant alle systemer"),
        help_text=_("Velg en kategori for å få forslag til systemer som er i bruk i den."),
    )
    products = UuidMultipleChoiceField(
        Product.objects.none(),
        label=_("systemer som evalueres"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        error_messages={"required": _("Velg minst ett system som skal evalueres.")},
    )
    opens_on = DateField(label=_("åpner"))
    closes_on = DateField(label=_("stenger"))
    anonymous = forms.BooleanField(
        label=_("anonym"),
        required=False,
        initial=True,
        help_text=_(
            "Anbefalt. Svarene lagres uten kobling til e-postadresse eller lenke, bare med dagen "
            "de ble gitt. Resultater vises bare for grupper med minst %(answers)s svar, og "
            "fritekst bare med minst %(free_text)s. Kan ikke slås av når det finnes svar."
        ),
    )

    def __init__(
        self,
        *args: Any,
        access: CollaborationAccess,
        campaign: Campaign | None = None,
        has_answers: bool = False,
        category: SystemCategory | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        self.campaign = campaign
        collaboration = access.collaboration
        self.questionnaires = {
            str(q.uuid): q for q in Questionnaire.objects.filter(collaboration=collaboration)
        }
        choices: list[tuple[str, str]] = [(key, q.name) for key, q in self.questionnaires.items()]
        if not choices:
            choices = [(FROM_TEMPLATE, _("Nytt fra malen: %(name)s") % {"name": template.NAME})]
            self.fields["questionnaire"].help_text = _(
                "Samarbeidet har ingen spørreskjemaer ennå. Malen kopieres, og kopien kan endres "
                "før undersøkelsen sendes ut."
            )
        self.fields["questionnaire"].choices = [("", "–"), *choices]  # type: ignore[attr-defined]
        if len(choices) == 1 and not self.initial.get("questionnaire"):
            self.initial["questionnaire"] = choices[0][0]
        # Why a field cannot be changed. Shown beside the field rather than as its help text,
        # which Designsystemet greys out (too faint to read) on a disabled field.
        self.locked: dict[str, Any] = {}
        if campaign is not None and campaign.launched_at is not None:
            self._lock(
                "questionnaire",
                _("Spørreskjemaet kan ikke byttes etter at undersøkelsen er sendt ut."),
            )
        self.fields["category"].queryset = SystemCategory.objects.filter(  # type: ignore[attr-defined]
            collaboration=collaboration
        ).order_by("name")
        self._limit_products(category)
        settings = {
            "answers": collaboration.survey_min_answers,
            "free_text": collaboration.survey_min_free_text,
        }
        self.fields["anonymous"].help_text = str(self.fields["anonymous"].help_text) % settings
        if campaign is not None and campaign.anonymous and has_answers:
            self._lock(
                "anonymous",
                _("Undersøkelsen har svar som ble gitt anonymt; den kan ikke gjøres ikke-anonym."),
            )

    def _lock(self, name: str, reason: Any) -> None:
        field = self.fields[name]
        field.disabled = True
        field.help_text = ""
        field.widget.attrs["aria-describedby"] = f"{name}-locked"
        self.locked[name] = reason

    def _limit_products(self, category: SystemCategory | None) -> None:
        """The category's systems (and any already chosen), or all when no category."""
        categories = self.fields["category"].queryset  # type: ignore[attr-defined]
        if category is None:
            key = (
                self.data.get(self.add_prefix("category"))
                if self.is_bound
                else self.initial.get("category")
            )
            category = categories.filter(uuid=key).first() if is_uuid(key) else None
        products = Product.objects.filter(collaboration=self.access.collaboration)
        if category is not None:
            if self.is_bound:
                values = self.data.getlist(self.add_prefix("products"))  # type: ignore[attr-defined]
                chosen = [v for v in values if is_uuid(v)]
            else:
                chosen = [str(v) for v in self.initial.get("products") or []]
            in_category = [p.pk for p in services.category_products(category)]
            products = products.filter(Q(pk__in=in_category) | Q(uuid__in=chosen))
            self.fields["products"].help_text = _(
                "Systemene som er i bruk i kategorien. Velg «Ingen» som kategori for å se alle."
            )
        self.fields["products"].queryset = products.order_by("name")  # type: ignore[attr-defined]

    def clean_questionnaire(self) -> Questionnaire | str:
        value = self.cleaned_data["questionnaire"]
        if value == FROM_TEMPLATE:
            return FROM_TEMPLATE
        if self.fields["questionnaire"].disabled and self.campaign is not None:
            return self.campaign.questionnaire
        questionnaire = self.questionnaires.get(str(value))
        if questionnaire is None:
            raise ValidationError(_("Velg et spørreskjema."))
        return questionnaire

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Sluttdatoen kan ikke være før åpningsdatoen."))
        elif (
            closes
            and closes < today()
            and (self.campaign is None or "closes_on" in self.changed_data)
        ):
            self.add_error("closes_on", _("Sluttdatoen er passert. Velg en senere dato."))
        return data


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class UserGroupForm(forms.Form):
    """A user group: people in one organisation who use one of the systems evaluated.

    An editor is offered only their own organisation.
    """

    name = forms.CharField(
        label=_("navn"),
        max_length=200,
        help_text=_("For eksempel «Saksbehandlere i byggesak»."),
    )
    organisation = UuidChoiceField(Organisation.objects.none(), label=_("organisasjon"))
    product = UuidChoiceField(Product.objects.none(), label=_("system gruppen bruker"))
    size = forms.IntegerField(
        label=_("antall personer"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("Trengs for svarprosent når gruppen svarer via en åpen lenke."),
        error_messages={"invalid": _("Skriv et helt tall.")},
    )
    open_link = forms.BooleanField(
        label=_("lag en åpen lenke for gruppen"),
        required=False,
        help_text=_(
            "Én felles lenke alle i gruppen kan bruke, for grupper uten e-postadresser. "
            "Hvem som helst med lenken kan svare."
        ),
    )

    def __init__(
        self,
        *args: Any,
        access: CollaborationAccess,
        campaign: Campaign,
        group: UserGroup | None = None,
        **kwargs: Any,
    ) -> None:
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": group.name,
                    "organisation": group.organisation.uuid,
                    "product": group.product.uuid,
                    "size": group.size,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = member_queryset(access, editable_only=True)  # type: ignore[attr-defined]
        if not access.is_manager:
            self.fields["organisation"].help_text = _(
                "Du kan legge til grupper for din egen organisasjon."
            )
        self.fields["product"].queryset = campaign.products.order_by("name")  # type: ignore[attr-defined]
        if group is not None:
            del self.fields["open_link"]


class InviteForm(forms.Form):
    addresses = forms.CharField(
        label=_("e-postadresser"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Lim inn adresser skilt med komma, semikolon eller linjeskift, for eksempel fra Outlook. "
            "Adresser som allerede er invitert, hoppes over."
        ),
        error_messages={"required": _("Lim inn minst én e-postadresse.")},
    )

    def clean_addresses(self) -> list[str]:
        addresses = services.parse_email_list(self.cleaned_data["addresses"])
        if not addresses:
            raise ValidationError(_("Lim inn minst én e-postadresse."))
        return addresses
