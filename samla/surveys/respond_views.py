"""The respondent's pages: answering a survey from a personal or open link, without an account.

The link is the only access. An unknown or altered token gets a plain 404 page; a campaign
that is not open, or a personal link already used, gets a page that says so and stores
nothing. Answers are validated by ``ResponseForm`` and stored once by
``services.response_submit``; the browser is then sent to a thank-you page whose address
carries nothing about the respondent.

Nothing here writes the token, the address or the browser to a log or to the database:
Django's request logger would write the path (and so the token) of every 4xx answer, so
those answers are marked as logged already.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import translation

from samla.core.dates import today
from samla.surveys import services
from samla.surveys.models import Campaign, Question
from samla.surveys.respond_forms import ResponseForm, field_name
from samla.surveys.services import AlreadyAnswered, Link

LANGUAGES = ("nb", "en")
# Tokens are URL-safe base64 (``secrets.token_urlsafe``). Anything else, such as a NUL that
# PostgreSQL would refuse in a query, is an invalid link before it reaches the database.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def respondent_language(request: HttpRequest) -> str:
    """``?lang=en``/``?lang=nb`` first, then what the browser (or the profile) prefers."""
    chosen = request.GET.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    return "en" if (translation.get_language() or "nb").startswith("en") else "nb"


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], lang: str, status: int = 200
) -> HttpResponse:
    with translation.override(lang):
        response = render(request, template, {**context, "lang": lang}, status=status)
    response["Content-Language"] = lang
    # The address holds the link: no shared cache may keep it, and search engines keep out.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    if status >= 400:
        response._has_been_logged = True  # type: ignore[attr-defined]  # keep the token out of logs
    return response


def _questions(campaign: Campaign) -> list[Question]:
    return list(
        Question.objects.filter(questionnaire_id=campaign.questionnaire_id)
        .select_related("section")
        .order_by("section__order", "section__pk", "order", "pk")
    )


def _sections(form: ResponseForm) -> list[dict[str, Any]]:
    """Questions grouped by section, in order, each with its bound field."""
    sections: list[dict[str, Any]] = []
    for question in form.questions:
        if not sections or sections[-1]["section"].pk != question.section_id:
            sections.append({"section": question.section, "items": []})
        sections[-1]["items"].append({"question": question, "field": form[field_name(question)]})
    return sections


def _status_page(request: HttpRequest, link: Link, status: str, lang: str) -> HttpResponse:
    """Why this link cannot be answered now: not open yet, or closed."""
    campaign = link.campaign
    context = {
        "link": link,
        "campaign": campaign,
        "status": status,
        "today": today(),
        "posted": request.method == "POST",
    }
    if status == Campaign.Status.CLOSED:
        return _page(request, "surveys/respond/closed.html", context, lang, status=410)
    return _page(request, "surveys/respond/not_open.html", context, lang)


def _answer(request: HttpRequest, token: str, *, open_link: bool) -> HttpResponse:
    lang = respondent_language(request)
    link = (
        services.link_resolve(token, open_link=open_link)
        if TOKEN_PATTERN.fullmatch(token)
        else None
    )
    if link is None:
        return _page(request, "surveys/respond/invalid.html", {}, lang, status=404)
    if link.invitation is not None and link.invitation.answered:
        return _page(request, "surveys/respond/already.html", {"link": link}, lang)
    status = services.respondent_may_answer(link)
    if status != Campaign.Status.OPEN:
        return _status_page(request, link, status, lang)

    campaign = link.campaign
    # The salt ties a form's key to this link; it holds no part of the token itself.
    salt = f"samla.surveys.respond:{services.hash_token(token)}"
    with translation.override(lang):
        form = ResponseForm(
            request.POST if request.method == "POST" else None,
            questions=_questions(campaign),
            key_salt=salt,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.response_submit(
                    link=link, answers=form.answers(), submission_key=form.raw_submission_key
                )
            except AlreadyAnswered:
                return _page(request, "surveys/respond/already.html", {"link": link}, lang)
            except ValidationError as exc:
                # The campaign closed between showing the form and sending it.
                status = services.respondent_may_answer(link)
                if status != Campaign.Status.OPEN:
                    return _status_page(request, link, status, lang)
                form.add_error(None, exc)
            else:
                return redirect(f"{reverse('surveys:respond_thanks')}?lang={lang}")
        context = {
            "link": link,
            "campaign": campaign,
            "questionnaire": campaign.questionnaire,
            "form": form,
            "sections": _sections(form),
        }
        return _page(request, "surveys/respond/form.html", context, lang)


def _public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No log-in; GET and POST only, refused without writing the path to the log."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "POST"):
            refused = HttpResponseNotAllowed(["GET", "POST"])
            refused._has_been_logged = True  # type: ignore[attr-defined]
            return refused
        return view(request, *args, **kwargs)

    return wrapper


@_public
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """A personal, single-use link from an invitation e-mail."""
    return _answer(request, token, open_link=False)


@_public
def respond_open(request: HttpRequest, token: str) -> HttpResponse:
    """A user group's shared link."""
    return _answer(request, token, open_link=True)


@_public
def respond_thanks(request: HttpRequest) -> HttpResponse:
    return _page(request, "surveys/respond/thanks.html", {}, respondent_language(request))


urlpatterns: list[URLPattern] = [
    # Before the personal link, whose pattern would otherwise take "takk" for a token.
    path("svar/takk/", respond_thanks, name="respond_thanks"),
    path("svar/apen/<str:token>/", respond_open, name="respond_open"),
    path("svar/<str:token>/", respond, name="respond"),
]
