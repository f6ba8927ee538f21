"""Indicators, their intermediate targets (the trajectory) and measurements: entered one by
one, or many at once from an XLSX file (checked and shown first, saved only on confirmation,
all or nothing). See samla/benefits/urls.py.

Who may: the owner, the responsible person and managers change a benefit's indicators and
enter its measurements; an editor of an organisation the benefit accrues to enters
measurements for that organisation (samla/benefits/access.py)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samla.benefits import imports, services
from samla.benefits.access import (
    access_benefit,
    access_indicator,
    access_measurement,
    require_measure,
)
from samla.benefits.forms.indicators import (
    IndicatorForm,
    IndicatorTargetForm,
    MeasurementForm,
    MeasurementImportForm,
)
from samla.benefits.models import Indicator, IndicatorTarget
from samla.benefits.selectors_pages import (
    may_change_measurement,
    may_import,
    measurement_organisations,
)
from samla.benefits.views.register import BENEFIT, FORM_TEMPLATE, G, benefit_url
from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.core.templatetags.samla import format_number
from samla.governance.views.common import XLSX, download, form_page
from samla.organisations.access import CollaborationAccess

INDICATOR = G + "indikatorer/<uuid:indicator_id>/"
MEASUREMENT = G + "maalinger/<uuid:measurement_id>/"


def indicator_url(indicator: Indicator) -> str:
    return f"{benefit_url(indicator.benefit)}#indikator-{indicator.uuid}"


def _indicator_context(indicator: Indicator, **extra: Any) -> dict[str, Any]:
    return {"benefit": indicator.benefit, "indicator": indicator, **extra}


# --- Indicators ---------------------------------------------------------------------------


@collaboration_view
def indicator_detail(
    request: HttpRequest, access: CollaborationAccess, indicator_id: str
) -> HttpResponse:
    """An indicator is shown on its benefit's page: this address leads there."""
    indicator = access_indicator(access, indicator_id)
    return redirect(indicator_url(indicator))


@collaboration_view
def indicator_create(
    request: HttpRequest, access: CollaborationAccess, benefit_id: str
) -> HttpResponse:
    benefit = access_benefit(access, benefit_id, for_change=True)
    form = IndicatorForm(request.POST or None)
    return form_page(
        request,
        cast(Form, form),
        lambda data: services.indicator_create(benefit=benefit, **data),
        success_url=indicator_url,
        title=_("Ny indikator"),
        template=FORM_TEMPLATE,
        success_message=_("Indikatoren er lagt til. Legg inn delmål for å få en bane mot målet."),
        context={
            "benefit": benefit,
            "cancel_url": benefit_url(benefit),
            "lead": _(
                "Realiseringsgrad = (målt verdi − nullpunkt) ÷ (mål − nullpunkt). Målet kan "
                "ligge over eller under nullpunktet, men ikke være lik det."
            ),
        },
    )


@collaboration_view
def indicator_edit(
    request: HttpRequest, access: CollaborationAccess, indicator_id: str
) -> HttpResponse:
    indicator = access_indicator(access, indicator_id, for_change=True)
    form = IndicatorForm(request.POST or None, instance=indicator)
    return form_page(
        request,
        cast(Form, form),
        lambda data: services.indicator_update(indicator=indicator, **data),
        success_url=indicator_url,
        title=_("Endre indikatoren %(name)s") % {"name": indicator.name},
        template=FORM_TEMPLATE,
        instance=indicator,
        context=_indicator_context(
            indicator, cancel_url=indicator_url(indicator), history=history_of(indicator)
        ),
    )


@collaboration_view
@require_POST
def indicator_delete(
    request: HttpRequest, access: CollaborationAccess, indicator_id: str
) -> HttpResponse:
    indicator = access_indicator(access, indicator_id, for_change=True)
    benefit = indicator.benefit
    services.indicator_delete(indicator=indicator)
    messages.success(request, _("Indikatoren og målingene er slettet."))
    return redirect(benefit_url(benefit))


@collaboration_view
def indicator_target_create(
    request: HttpRequest, access: CollaborationAccess, indicator_id: str
) -> HttpResponse:
    indicator = access_indicator(access, indicator_id, for_change=True)
    form = IndicatorTargetForm(request.POST or None)
    return form_page(
        request,
        cast(Form, form),
        lambda data: services.indicator_target_set(indicator=indicator, **data),
        success_url=indicator_url(indicator),
        title=_("Nytt delmål for %(name)s") % {"name": indicator.name},
        template=FORM_TEMPLATE,
        success_message=_("Delmålet er lagret."),
        context=_indicator_context(
            indicator,
            cancel_url=indicator_url(indicator),
            lead=_(
                "Et delmål ligger mellom nullpunktet (%(start)s) og målet (%(end)s). Finnes "
                "det et delmål på datoen fra før, får det den nye verdien."
            )
            % {
                "start": indicator.baseline_date.strftime("%d.%m.%Y"),
                "end": indicator.target_date.strftime("%d.%m.%Y"),
            },
        ),
    )


@collaboration_view
@require_POST
def indicator_target_delete(
    request: HttpRequest, access: CollaborationAccess, indicator_id: str, date: str
) -> HttpResponse:
    indicator = access_indicator(access, indicator_id, for_change=True)
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError as exc:
        raise Http404 from exc
    target = IndicatorTarget.objects.filter(indicator=indicator, date=day).first()
    if target is None:
        raise Http404
    services.indicator_target_delete(target=target)
    messages.success(request, _("Delmålet er slettet."))
    return redirect(indicator_url(indicator))


# --- Measurements -------------------------------------------------------------------------


@collaboration_view
def measurement_create(
    request: HttpRequest, access: CollaborationAccess, indicator_id: str
) -> HttpResponse:
    indicator = access_indicator(access, indicator_id)
    benefit = indicator.benefit
    require_measure(access, benefit)
    organisations, own_only = measurement_organisations(access, benefit)
    form = MeasurementForm(
        request.POST or None,
        indicator=indicator,
        organisations=organisations,
        own_organisation_only=own_only,
    )

    def save(data: dict[str, Any]) -> Any:
        require_measure(access, benefit, data.get("organisation"))
        return services.measurement_create(indicator=indicator, user=access.user, **data)

    return form_page(
        request,
        form,
        save,
        success_url=indicator_url(indicator),
        title=_("Ny måling: %(name)s") % {"name": indicator.name},
        template=FORM_TEMPLATE,
        success_message=_("Målingen er registrert."),
        context=_indicator_context(
            indicator,
            cancel_url=indicator_url(indicator),
            lead=_("Nullpunkt %(baseline)s %(unit)s, mål %(target)s %(unit)s innen %(date)s.")
            % {
                "baseline": _plain(indicator.baseline_value),
                "target": _plain(indicator.target_value),
                "unit": indicator.unit_label,
                "date": indicator.target_date.strftime("%d.%m.%Y"),
            },
        ),
    )


def _plain(value: Any) -> str:
    decimals = 0 if value == value.to_integral_value() else 2
    return format_number(value, decimals)


def _require_own_measurement(access: CollaborationAccess, measurement: Any) -> None:
    """An editor who measures for their organisation changes that organisation's
    measurements only, not those of the whole benefit."""
    if not may_change_measurement(access, measurement.indicator.benefit, measurement):
        raise PermissionDenied(_("Du kan bare endre målinger for din egen organisasjon."))


@collaboration_view
def measurement_edit(
    request: HttpRequest, access: CollaborationAccess, measurement_id: str
) -> HttpResponse:
    measurement = access_measurement(access, measurement_id, for_change=True)
    _require_own_measurement(access, measurement)
    indicator = measurement.indicator
    benefit = indicator.benefit
    organisations, own_only = measurement_organisations(access, benefit)
    form = MeasurementForm(
        request.POST or None,
        indicator=indicator,
        organisations=organisations,
        own_organisation_only=own_only,
        instance=measurement,
    )

    def save(data: dict[str, Any]) -> Any:
        require_measure(access, benefit, data.get("organisation"))
        return services.measurement_update(measurement=measurement, **data)

    return form_page(
        request,
        form,
        save,
        success_url=indicator_url(indicator),
        title=_("Endre måling: %(name)s") % {"name": indicator.name},
        template=FORM_TEMPLATE,
        instance=measurement,
        context=_indicator_context(
            indicator, cancel_url=indicator_url(indicator), history=history_of(measurement)
        ),
    )


@collaboration_view
@require_POST
def measurement_delete(
    request: HttpRequest, access: CollaborationAccess, measurement_id: str
) -> HttpResponse:
    measurement = access_measurement(access, measurement_id, for_change=True)
    _require_own_measurement(access, measurement)
    indicator = measurement.indicator
    services.measurement_delete(measurement=measurement)
    messages.success(request, _("Målingen er slettet."))
    return redirect(indicator_url(indicator))


# --- Import -------------------------------------------------------------------------------


def _require_import(access: CollaborationAccess) -> None:
    if not may_import(access):
        raise PermissionDenied(
            _(
                "Målinger leses inn av programkontoret, redaktørene og gevinsteiere eller gevinstansvarlige."
            )
        )


@collaboration_view
def measurement_import(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """Step 1: upload (the file is read and every row checked, nothing saved); step 2:
    confirm the rows shown (checked again, then saved in one transaction)."""
    _require_import(access)
    form = MeasurementImportForm()
    result: imports.ImportResult | None = None
    file_error = ""
    if request.method == "POST" and "payload" in request.POST:
        try:
            rows = imports.unsign_rows(request.POST["payload"], access)
        except imports.FileRejected as exc:
            file_error = str(exc)
        else:
            result = imports.import_measurements(access, rows, dry_run=False)
            if result.saved:
                count = len(result.rows)
                messages.success(
                    request,
                    ngettext("%(count)s måling er lagret.", "%(count)s målinger er lagret.", count)
                    % {"count": count},
                )
                return redirect("benefits:measurement_import", slug=access.collaboration.slug)
    elif request.method == "POST":
        form = MeasurementImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = imports.read_rows(form.cleaned_data["file"])
            except imports.FileRejected as exc:
                form.add_error("file", str(exc))
            else:
                result = imports.import_measurements(access, rows, dry_run=True)
    return render(
        request,
        "benefits/indicators/measurement_import.html",
        {
            "form": form,
            "result": result,
            "file_error": file_error,
            "payload": imports.sign_rows(result.source, access) if result and result.ok else "",
            "columns": imports.COLUMN_HELP,
        },
    )


@collaboration_view
def measurement_import_template(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    _require_import(access)
    content = imports.template_xlsx(access)
    return download(content, f"maalinger-{access.collaboration.slug}.xlsx", XLSX)


urlpatterns: list[URLPattern] = [
    path(BENEFIT + "indikatorer/ny/", indicator_create, name="indicator_create"),
    path(INDICATOR, indicator_detail, name="indicator_detail"),
    path(INDICATOR + "endre/", indicator_edit, name="indicator_edit"),
    path(INDICATOR + "slett/", indicator_delete, name="indicator_delete"),
    path(INDICATOR + "delmal/ny/", indicator_target_create, name="indicator_target_create"),
    path(
        INDICATOR + "delmal/<str:date>/slett/",
        indicator_target_delete,
        name="indicator_target_delete",
    ),
    path(INDICATOR + "maalinger/ny/", measurement_create, name="measurement_create"),
    path(MEASUREMENT + "endre/", measurement_edit, name="measurement_edit"),
    path(MEASUREMENT + "slett/", measurement_delete, name="measurement_delete"),
    path(G + "maalinger/import/", measurement_import, name="measurement_import"),
    path(
        G + "maalinger/import/maalinger-mal.xlsx",
        measurement_import_template,
        name="measurement_import_template",
    ),
]
