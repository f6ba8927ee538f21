"""What every governance page shares: downloads, the save-or-show-errors loop of a form page,
and deleting by POST. Views stay thin: forms validate, services write, selectors read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samla.core import locking
from samla.organisations.views import _add_validation_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ICS = "text/calendar; charset=utf-8"


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def form_page(
    request: HttpRequest,
    form: Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    success_url: str | Callable[[Any], str],
    title: str,
    template: str = "governance/object_form.html",
    context: dict[str, Any] | None = None,
    success_message: str | None = None,
    instance: Any = None,
) -> HttpResponse:
    """Show ``form``; on a valid POST let ``save`` (a service call) write, and go to
    ``success_url`` (or ``success_url(saved_object)``). A service's ValidationError lands on
    the form and nothing is written.

    Pass ``instance`` when editing an existing object: the page carries its version, and a
    save over someone else's newer edit is refused (see ``samla.core.locking``)."""
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if instance is not None:
                    locking.check_version(instance, locking.submitted_version(request))
                saved = save(form.cleaned_data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, success_message or _("Lagret."))
            return redirect(success_url(saved) if callable(success_url) else success_url)
    return render(
        request,
        template,
        {"form": form, "title": title, "instance": instance, **(context or {})},
    )


def delete_then_redirect(
    request: HttpRequest, delete: Callable[[], None], success_url: str
) -> HttpResponse:
    """POST only (guard the view with ``require_POST``); a refusal becomes an error message."""
    try:
        delete()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Slettet."))
    return redirect(success_url)
