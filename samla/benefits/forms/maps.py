"""Forms for benefit maps, their elements (nodes) and the links between them. They offer
only what belongs to the collaboration, chosen by UUID; the services check the rest (a node
of another map, a link to itself, a register benefit on a node that is not a benefit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.benefits.models import Benefit, BenefitMap, MapNode, NodeKind
from samla.governance.models import Programme, Project
from samla.organisations.models import Collaboration


def _choice(queryset: Any, label: Any, *, required: bool = False, **kwargs: Any) -> Any:
    return forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        required=required,
        to_field_name="uuid",
        error_messages={
            "invalid_choice": _("Velg et av alternativene i listen."),
            "required": _("Velg et av alternativene i listen."),
        },
        **kwargs,
    )


def _uuid_initial(instance: Any, names: list[str]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name in names:
        value = getattr(instance, name, None)
        initial[name] = getattr(value, "uuid", value)
    return initial


class BenefitMapForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    programme = _choice(Programme.objects.none(), _("Program"))
    project = _choice(Project.objects.none(), _("Prosjekt"))

    def __init__(
        self,
        *args: Any,
        collaboration: Collaboration,
        instance: BenefitMap | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = _uuid_initial(
                instance, ["name", "description", "programme", "project"]
            )
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(  # type: ignore[attr-defined]
            collaboration=collaboration
        ).order_by("name")
        self.fields["project"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            collaboration=collaboration
        ).order_by("name")
        self.fields["project"].help_text = _(
            "Et gevinstkart hører til et program eller et prosjekt (eller ingen av dem)."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("programme") and data.get("project"):
            self.add_error(
                "project",
                _("Et gevinstkart hører til et program eller et prosjekt, ikke begge."),
            )
        return data


class MapNodeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=NodeKind.choices,
        help_text=_("Kolonnen i kartet: utfordring → mål → endring → gevinst."),
        error_messages={"invalid_choice": _("Velg en av typene i listen.")},
    )
    title = forms.CharField(label=_("Tekst"), max_length=300)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    benefit = _choice(
        Benefit.objects.none(),
        _("Gevinst i registeret"),
        help_text=_("Bare for elementer av typen gevinst."),
    )
    project = _choice(
        Project.objects.none(),
        _("Leveres av prosjekt"),
        help_text=_("Bare for endringer: prosjektet som leverer endringen."),
    )
    order = forms.IntegerField(
        label=_("Rekkefølge"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Tom: nederst i kolonnen."),
    )

    def __init__(
        self,
        *args: Any,
        collaboration: Collaboration,
        instance: MapNode | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = _uuid_initial(
                instance, ["kind", "title", "description", "benefit", "project", "order"]
            )
        super().__init__(*args, **kwargs)
        self.fields["benefit"].queryset = Benefit.objects.filter(  # type: ignore[attr-defined]
            collaboration=collaboration
        ).order_by("code", "title")
        self.fields["project"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            collaboration=collaboration
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("order") is None:
            data.pop("order", None)
        return data


class MapLinkForm(forms.Form):
    """The choices shown are the map's own elements; an element of another map of the
    collaboration is still accepted here, so that the service can refuse it with its message."""

    source = _choice(MapNode.objects.none(), _("Fra"), required=True)
    target = _choice(
        MapNode.objects.none(),
        _("Til"),
        required=True,
        help_text=_("Fra-elementet fører til dette elementet."),
    )

    def __init__(self, *args: Any, benefit_map: BenefitMap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = [
            (str(node.uuid), f"{node.get_kind_display()}: {node.title}")
            for node in benefit_map.nodes.all()
        ]
        for name in ("source", "target"):
            field = self.fields[name]
            field.queryset = MapNode.objects.filter(  # type: ignore[attr-defined]
                map__collaboration_id=benefit_map.collaboration_id
            )
            field.widget.choices = [("", "---------"), *own]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source, target = data.get("source"), data.get("target")
        if source is not None and source == target:
            self.add_error("target", _("Et element kan ikke kobles til seg selv."))
        return data
