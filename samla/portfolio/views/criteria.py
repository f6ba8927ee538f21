"""Portfolio pages: criteria with their weights, entered directly or by AHP (pairwise
comparisons on Saaty's 1–9 scale, with the consistency ratio and the comparisons that
contradict the result most). See samla/portfolio/urls.py.

Everyone in the collaboration reads, and may try comparisons on the AHP page (that writes
nothing); managers change criteria and apply weights."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.core.decorators import collaboration_view
from samla.core.history import history_of
from samla.finance import portfolio as engine
from samla.governance.views.common import XLSX, delete_then_redirect, download, form_page
from samla.organisations.access import CollaborationAccess
from samla.organisations.views import _add_validation_error
from samla.portfolio import exports, selectors, services
from samla.portfolio.access import access_criterion, may_manage_portfolio
from samla.portfolio.forms.criteria import AhpForm, CriterionForm, WeightsForm, scale_label
from samla.portfolio.models import Criterion

P = "s/<slug:slug>/portefolje/kriterier/"
CRITERION = P + "<uuid:criterion_id>/"
FORM = "portfolio/object_form.html"


def _url(name: str, access: CollaborationAccess) -> str:
    return reverse(f"portfolio:{name}", kwargs={"slug": access.collaboration.slug})


@collaboration_view
def criteria(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """The criteria with weights and their sum; managers set the weights directly here."""
    items = selectors.criteria(access.collaboration)
    manager = may_manage_portfolio(access)
    if request.method == "POST":
        access.require_manager()
    form = WeightsForm(request.POST or None, criteria=items) if manager else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.weights_set(collaboration=access.collaboration, weights=form.weights())
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Vektene er lagret."))
            return redirect(_url("criteria", access))
    matrix = selectors.stored_matrix(items, selectors.stored_comparisons(access.collaboration))
    from_ahp = matrix is not None
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        result = engine.ahp(matrix) if matrix is not None else None
        return download(
            exports.criteria_xlsx(items, matrix, result),
            f"kriterier-{access.collaboration.slug}.xlsx",
            XLSX,
        )
    return render(
        request,
        "portfolio/criteria/criteria.html",
        {
            "criteria": items,
            "weight_total": selectors.weight_total(items),
            "form": form,
            "may_manage": manager,
            "from_ahp": from_ahp,
        },
    )


@collaboration_view
def criterion_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = CriterionForm(request.POST or None)

    def save(data: dict[str, Any]) -> Criterion:
        if data.get("order") is None:
            data.pop("order", None)
        return services.criterion_create(collaboration=access.collaboration, **data)

    return form_page(
        request,
        form,
        save,
        success_url=_url("criteria", access),
        title=_("Nytt kriterium"),
        template=FORM,
        success_message=_("Kriteriet er lagt til. Sett vektene på nytt, så de summerer til 1."),
        context={"cancel_url": _url("criteria", access)},
    )


@collaboration_view
def criterion_edit(
    request: HttpRequest, access: CollaborationAccess, criterion_id: str
) -> HttpResponse:
    criterion = access_criterion(access, criterion_id, for_change=True)
    form = CriterionForm(request.POST or None, instance=criterion)

    def save(data: dict[str, Any]) -> Criterion:
        if data.get("order") is None:
            data["order"] = criterion.order
        return services.criterion_update(criterion=criterion, **data)

    return form_page(
        request,
        form,
        save,
        success_url=_url("criteria", access),
        title=_("Endre kriteriet %(name)s") % {"name": criterion.name},
        template=FORM,
        context={"cancel_url": _url("criteria", access), "history": history_of(criterion)},
        instance=criterion,
    )


@collaboration_view
@require_POST
def criterion_delete(
    request: HttpRequest, access: CollaborationAccess, criterion_id: str
) -> HttpResponse:
    criterion = access_criterion(access, criterion_id, for_change=True)
    return delete_then_redirect(
        request, lambda: services.criterion_delete(criterion=criterion), _url("criteria", access)
    )


def _result_context(items: list[Criterion], result: engine.AhpResult) -> dict[str, Any]:
    return {
        "weights": list(zip(items, result.weights, strict=True)),
        "lambda_max": result.lambda_max,
        "ci": result.consistency_index,
        "ri": result.random_index,
        "cr": result.consistency_ratio,
        "consistent": result.consistent,
        "limit": engine.CR_LIMIT,
        "inconsistencies": [
            {
                "first": items[x.row],
                "second": items[x.column],
                "given": scale_label(x.given),
                "implied": x.implied,
            }
            for x in result.inconsistencies
        ],
    }


@collaboration_view
def ahp(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    """GET: the comparisons behind the current weights and their result. POST «Beregn»:
    the result of the comparisons given, nothing saved (anyone); POST «Bruk vektene»:
    save them as the criteria's weights (managers)."""
    items = selectors.criteria(access.collaboration)
    stored = selectors.stored_comparisons(access.collaboration)
    manager = may_manage_portfolio(access)
    apply = request.method == "POST" and "apply" in request.POST
    if apply and not manager:
        raise PermissionDenied(_("Bare programkontoret kan endre vektene."))
    too_many = len(items) > len(engine.RANDOM_INDEX)
    form = AhpForm(request.POST or None, criteria=items, stored=stored)
    context: dict[str, Any] = {
        "criteria": items,
        "form": form,
        "may_manage": manager,
        "too_many": too_many,
        "too_few": len(items) < 2,
        "current": None,
        "result": None,
    }
    current = selectors.stored_matrix(items, stored)
    if current is not None:
        try:
            context["current"] = _result_context(items, selectors.ahp_evaluate(items, current))
        except ValidationError:
            context["current"] = None
        else:
            context["current_matrix"] = [
                (criterion, [scale_label(value) for value in row])
                for criterion, row in zip(items, current, strict=True)
            ]
    if request.method == "POST" and form.is_valid() and not too_many and len(items) >= 2:
        matrix = form.matrix()
        try:
            if apply:
                with transaction.atomic():
                    result = services.weights_from_ahp(
                        collaboration=access.collaboration, matrix=matrix
                    )
            else:
                result = selectors.ahp_evaluate(items, matrix)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            if apply:
                messages.success(
                    request,
                    _("Vektene fra AHP er lagret.")
                    if result.consistent
                    else _(
                        "Vektene fra AHP er lagret, men sammenligningene er inkonsistente (CR over 0,10)."
                    ),
                )
                return redirect(_url("ahp", access))
            context["result"] = _result_context(items, result)
    return render(request, "portfolio/criteria/ahp.html", context)


urlpatterns: list[URLPattern] = [
    path(P, criteria, name="criteria"),
    path(P + "ny/", criterion_create, name="criterion_create"),
    path(P + "ahp/", ahp, name="ahp"),
    path(CRITERION + "endre/", criterion_edit, name="criterion_edit"),
    path(CRITERION + "slett/", criterion_delete, name="criterion_delete"),
]
