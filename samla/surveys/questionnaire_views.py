"""The questionnaire editor: list, preview with edit controls, forms, DOCX and history.

Everyone with a role in the collaboration reads; administrators and the programme office
change (``samla.surveys.access``). A questionnaire with answers is locked: the services
refuse every change to its sections and questions, and the page shows why.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.text import Truncator
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samla.core import docx, locking
from samla.core.dates import today
from samla.core.decorators import collaboration_view
from samla.core.history import TYPE_LABELS, FieldChange, HistoryEntry
from samla.core.templatetags.samla import format_number
from samla.organisations.access import CollaborationAccess
from samla.organisations.views import _add_validation_error
from samla.surveys import services, template
from samla.surveys.access import access_question, access_questionnaire, access_section
from samla.surveys.models import Answer, Campaign, Question, Questionnaire, Section
from samla.surveys.questionnaire_forms import (
    QuestionForm,
    QuestionnaireCopyForm,
    QuestionnaireForm,
    SectionForm,
    free_questionnaire_name,
)
from samla.surveys.respond_forms import likert_choices
from samla.surveys.services import DONT_KNOW

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HISTORY_LIMIT = 50
LANGUAGES = ("nb", "en")


# --- What the respondent sees, in one language --------------------------------------------


@dataclass(frozen=True)
class QuestionView:
    number: int
    question: Question
    text: str
    help_text: str
    options: list[str]
    range_text: str
    first: bool
    last: bool

    @property
    def kind(self) -> str:
        return self.question.kind


@dataclass(frozen=True)
class SectionView:
    section: Section
    title: str
    questions: list[QuestionView]


@dataclass(frozen=True)
class Preview:
    language: str
    name: str
    introduction: str
    sections: list[SectionView]
    likert: list[tuple[str, str]]
    dont_know: str
    required: str

    @property
    def question_count(self) -> int:
        return sum(len(s.questions) for s in self.sections)


def _range_text(question: Question, language: str) -> str:
    if question.kind != Question.Kind.NUMBER:
        return ""
    low, high = question.minimum, question.maximum

    def show(value: Decimal) -> str:
        decimals = 0 if value == value.to_integral_value() else 2
        return format_number(value, decimals, language)

    if low is not None and high is not None:
        return _("Et tall fra %(low)s til %(high)s.") % {"low": show(low), "high": show(high)}
    if low is not None:
        return _("Et tall, minst %(low)s.") % {"low": show(low)}
    if high is not None:
        return _("Et tall, høyst %(high)s.") % {"high": show(high)}
    return _("Et tall.")


def questionnaire_preview(questionnaire: Questionnaire, language: str) -> Preview:
    """Sections and questions numbered through, worded in ``language`` (two queries)."""
    sections = list(
        questionnaire.sections.prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("order", "pk"))
        )
    )
    with override(language):
        scale = likert_choices()  # worded as on the answer form
        number = 0
        views = []
        for section in sections:
            questions = list(section.questions.all())
            rows = []
            for index, question in enumerate(questions):
                number += 1
                rows.append(
                    QuestionView(
                        number=number,
                        question=question,
                        text=question.display_text,
                        help_text=question.display_help_text,
                        options=question.option_labels,
                        range_text=_range_text(question, language),
                        first=index == 0,
                        last=index == len(questions) - 1,
                    )
                )
            views.append(SectionView(section=section, title=section.display_title, questions=rows))
        return Preview(
            language=language,
            name=questionnaire.display_name,
            introduction=questionnaire.display_introduction,
            sections=views,
            likert=[(value, label) for value, label in scale if value != DONT_KNOW],
            dont_know=dict(scale)[DONT_KNOW],
            required=_("må besvares"),
        )


def _preview_language(request: HttpRequest) -> str:
    wanted = request.GET.get("sprak") or request.POST.get("sprak")
    if wanted in LANGUAGES:
        return wanted
    return "en" if (get_language() or "nb").startswith("en") else "nb"


# --- History of the questionnaire with its sections and questions -------------------------


def _shown(model: type[Any], field_name: str, value: Any, section_titles: dict[int, str]) -> Any:
    if value is None or value == "":
        return ""
    if field_name == "section":
        return section_titles.get(value, value)
    if field_name == "options":
        return "; ".join(str(o.get("nb", "")) for o in value if isinstance(o, dict))
    field: Any = model._meta.get_field(field_name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, Decimal):
        return format_number(value, 0 if value == value.to_integral_value() else 2)
    return value


def questionnaire_history(
    questionnaire: Questionnaire, limit: int = HISTORY_LIMIT
) -> list[HistoryEntry]:
    """Newest first: changes to the questionnaire, its sections and its questions, also those
    since deleted (three queries)."""
    sources: list[tuple[type[Any], Iterable[Any]]] = [
        (Questionnaire, questionnaire.history.all()),  # type: ignore[attr-defined]
        (Section, Section.history.filter(questionnaire_id=questionnaire.pk)),  # type: ignore[attr-defined]
        (Question, Question.history.filter(questionnaire_id=questionnaire.pk)),  # type: ignore[attr-defined]
    ]
    loaded = [
        (model, list(rows.select_related("history_user").order_by("history_date", "history_id")))  # type: ignore[attr-defined]
        for model, rows in sources
    ]
    section_titles = {record.id: record.title for record in loaded[1][1]}
    entries: list[tuple[Any, int, HistoryEntry]] = []
    for model, records in loaded:
        previous: dict[int, Any] = {}
        for record in records:
            before = previous.get(record.id)
            previous[record.id] = record
            changes = []
            if before is not None and record.history_type == "~":
                for change in record.diff_against(before, excluded_fields=["version"]).changes:
                    field: Any = model._meta.get_field(change.field)
                    changes.append(
                        FieldChange(
                            field=str(field.verbose_name),
                            old=_shown(model, change.field, change.old, section_titles),
                            new=_shown(model, change.field, change.new, section_titles),
                        )
                    )
            action = str(TYPE_LABELS.get(record.history_type, record.history_type))
            if model is not Questionnaire:
                name = record.title if model is Section else record.text
                action = _("%(action)s %(thing)s «%(name)s»") % {
                    "action": action,
                    "thing": model._meta.verbose_name,
                    "name": Truncator(name).chars(60),
                }
            entry = HistoryEntry(
                when=record.history_date, who=record.history_user, action=action, changes=changes
            )
            entries.append((record.history_date, record.history_id, entry))
    entries.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [entry for _when, _id, entry in entries[:limit]]


# --- DOCX for reference groups ------------------------------------------------------------


def questionnaire_docx(preview: Preview) -> bytes:
    """The questionnaire on paper: every section and question with boxes to tick."""
    box = "☐"
    with override(preview.language):
        document = docx.new_document(
            preview.name,
            _("Spørreskjema til utskrift, laget %(day)s. Spørsmål merket * må besvares.")
            % {"day": today().strftime("%d.%m.%Y")},
        )
        if preview.introduction:
            document.add_paragraph(preview.introduction)
        for section in preview.sections:
            document.add_heading(section.title, level=1)
            for row in section.questions:
                paragraph = document.add_paragraph()
                run = paragraph.add_run(
                    f"{row.number}. {row.text}{' *' if row.question.required else ''}"
                )
                run.bold = True
                if row.help_text:
                    paragraph.add_run("\n" + row.help_text).italic = True
                kind = row.question.kind
                if kind == Question.Kind.LIKERT:
                    headers = [label for _value, label in preview.likert] + [preview.dont_know]
                    docx.add_table(document, headers, [[box] * len(headers)])
                elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
                    hint = (
                        _("Velg ett svar.")
                        if kind == Question.Kind.SINGLE
                        else _("Velg ett eller flere svar.")
                    )
                    document.add_paragraph(hint).runs[0].italic = True
                    for label in row.options:
                        document.add_paragraph(f"{box} {label}")
                elif kind == Question.Kind.NUMBER:
                    document.add_paragraph(f"{row.range_text} ______________")
                else:
                    for _line in range(3):
                        document.add_paragraph("_" * 60)
        return docx.document_bytes(document)


# --- Helpers ------------------------------------------------------------------------------


def _detail_url(
    access: CollaborationAccess, questionnaire: Questionnaire, anchor: str = "", language: str = ""
) -> str:
    url = reverse(
        "surveys:questionnaire_detail", args=[access.collaboration.slug, questionnaire.uuid]
    )
    if language:
        url += f"?sprak={language}"
    return url + (f"#{anchor}" if anchor else "")


def _section_of(
    access: CollaborationAccess,
    questionnaire: Questionnaire,
    section_id: Any,
    *,
    for_change: bool = False,
) -> Section:
    section = access_section(access, section_id, for_change=for_change)
    if section.questionnaire_id != questionnaire.pk:
        raise Http404
    return section


def _question_of(
    access: CollaborationAccess,
    questionnaire: Questionnaire,
    question_id: Any,
    *,
    for_change: bool = False,
) -> Question:
    question = access_question(access, question_id, for_change=for_change)
    if question.questionnaire_id != questionnaire.pk:
        raise Http404
    return question


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "surveys/questionnaires/form.html", context)


def _refuse_if_locked(
    request: HttpRequest, access: CollaborationAccess, questionnaire: Questionnaire
) -> HttpResponse | None:
    """Forms of a locked questionnaire are not offered: back to the page, which says why."""
    if services.questionnaire_is_locked(questionnaire):
        messages.error(request, str(services.QUESTIONNAIRE_LOCKED))
        return redirect(_detail_url(access, questionnaire))
    return None


# --- Questionnaires -------------------------------------------------------------------------


@collaboration_view
def questionnaire_list(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    questionnaires = (
        Questionnaire.objects.filter(collaboration=access.collaboration)
        .annotate(
            question_count=Count("questions", distinct=True),
            locked=Exists(Answer.objects.filter(question__questionnaire=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch(
                "campaigns",
                queryset=Campaign.objects.only("id", "uuid", "name", "questionnaire_id").order_by(
                    "name"
                ),
            )
        )
        .order_by("name")
    )
    return render(
        request,
        "surveys/questionnaires/list.html",
        {
            "questionnaires": questionnaires,
            "may_edit": access.is_manager,
            "template_name": template.NAME,
        },
    )


@collaboration_view
@require_POST
def questionnaire_create_from_template(
    request: HttpRequest, access: CollaborationAccess
) -> HttpResponse:
    access.require_manager()
    name, number = free_questionnaire_name(access.collaboration, template.NAME)
    name_en = template.NAME_EN if number == 1 else f"{template.NAME_EN} ({number})"
    questionnaire = services.questionnaire_create_from_template(
        collaboration=access.collaboration, name=name, name_en=name_en
    )
    messages.success(request, _("Spørreskjemaet er laget fra malen. Endre det som passer dere."))
    return redirect(_detail_url(access, questionnaire))


@collaboration_view
def questionnaire_create(request: HttpRequest, access: CollaborationAccess) -> HttpResponse:
    access.require_manager()
    form = QuestionnaireForm(request.POST or None, collaboration=access.collaboration)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.questionnaire_create(
                collaboration=access.collaboration, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(
                request, _("Spørreskjemaet er opprettet. Legg til en del og spørsmål.")
            )
            return redirect(_detail_url(access, questionnaire))
    return _form_page(
        request,
        {
            "form": form,
            "heading": _("Nytt tomt spørreskjema"),
            "cancel_url": reverse("surveys:questionnaire_list", args=[access.collaboration.slug]),
        },
    )


@collaboration_view
def questionnaire_detail(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str
) -> HttpResponse:
    questionnaire = access_questionnaire(access, questionnaire_id)
    language = _preview_language(request)
    preview = questionnaire_preview(questionnaire, language)
    if request.GET.get("format") == "docx":
        response = HttpResponse(questionnaire_docx(preview), content_type=DOCX)
        filename = f"sporreskjema-{questionnaire.uuid}.docx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request,
        "surveys/questionnaires/detail.html",
        {
            **_body_context(access, questionnaire, preview),
            "campaigns": list(questionnaire.campaigns.only("uuid", "name").order_by("name")),
            "history": questionnaire_history(questionnaire),
        },
    )


def _body_context(
    access: CollaborationAccess, questionnaire: Questionnaire, preview: Preview
) -> dict[str, Any]:
    locked = services.questionnaire_is_locked(questionnaire)
    return {
        "questionnaire": questionnaire,
        "preview": preview,
        "locked": locked,
        "locked_message": services.QUESTIONNAIRE_LOCKED,
        "may_edit": access.is_manager,
        "may_change_questions": access.is_manager and not locked,
        "languages": [("nb", "Bokmål"), ("en", "English")],
    }


@collaboration_view
def questionnaire_edit(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str
) -> HttpResponse:
    """Name and introduction; their wording may change also after answers."""
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    form = QuestionnaireForm(
        request.POST or None, instance=questionnaire, collaboration=access.collaboration
    )
    if request.method == "POST" and form.is_valid():
        try:
            with locking.checked(request, questionnaire):
                services.questionnaire_update(questionnaire=questionnaire, **form.cleaned_data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect(_detail_url(access, questionnaire))
    return _form_page(
        request,
        {
            "form": form,
            "questionnaire": questionnaire,
            "edited": questionnaire,
            "heading": _("Endre navn og innledning"),
            "cancel_url": _detail_url(access, questionnaire),
        },
    )


@collaboration_view
def questionnaire_copy(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str
) -> HttpResponse:
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    initial_name, _number = free_questionnaire_name(
        access.collaboration, _("Kopi av %(name)s") % {"name": questionnaire.name}
    )
    form = QuestionnaireCopyForm(
        request.POST or None,
        collaboration=access.collaboration,
        initial={"name": initial_name[:200]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.questionnaire_copy(
                questionnaire=questionnaire, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Kopien er laget, og den kan endres."))
            return redirect(_detail_url(access, copy))
    return _form_page(
        request,
        {
            "form": form,
            "questionnaire": questionnaire,
            "heading": _("Kopier spørreskjemaet"),
            "lead": _(
                "Kopien får de samme delene og spørsmålene, men ingen svar, så den kan endres."
            ),
            "submit_label": _("Lag kopi"),
            "cancel_url": _detail_url(access, questionnaire),
        },
    )


@collaboration_view
@require_POST
def questionnaire_delete(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str
) -> HttpResponse:
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    try:
        services.questionnaire_delete(questionnaire=questionnaire)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_detail_url(access, questionnaire))
    messages.success(request, _("Spørreskjemaet er slettet."))
    return redirect("surveys:questionnaire_list", slug=access.collaboration.slug)


# --- Sections -------------------------------------------------------------------------------


def _section_form(
    request: HttpRequest,
    access: CollaborationAccess,
    questionnaire: Questionnaire,
    section: Section | None,
) -> HttpResponse:
    if request.method != "POST" and (refused := _refuse_if_locked(request, access, questionnaire)):
        return refused
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            if section is None:
                saved = services.section_create(questionnaire=questionnaire, **form.cleaned_data)
            else:
                with locking.checked(request, section):
                    saved = services.section_update(section=section, **form.cleaned_data)
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Delen er lagret."))
            return redirect(_detail_url(access, questionnaire, f"del-{saved.uuid}"))
    return _form_page(
        request,
        {
            "form": form,
            "questionnaire": questionnaire,
            "edited": section,
            "heading": _("Ny del") if section is None else _("Endre delen"),
            "lead": _(
                "En del samler spørsmål under en overskrift, for eksempel «Brukervennlighet»."
            ),
            "cancel_url": _detail_url(access, questionnaire),
        },
    )


@collaboration_view
def section_create(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str
) -> HttpResponse:
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    return _section_form(request, access, questionnaire, None)


@collaboration_view
def section_edit(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str, section_id: str
) -> HttpResponse:
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    section = _section_of(access, questionnaire, section_id, for_change=True)
    return _section_form(request, access, questionnaire, section)


@collaboration_view
@require_POST
def section_delete(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str, section_id: str
) -> HttpResponse:
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    section = _section_of(access, questionnaire, section_id, for_change=True)
    try:
        services.section_delete(section=section)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Delen og spørsmålene i den er slettet."))
    return redirect(_detail_url(access, questionnaire))


# --- Questions ------------------------------------------------------------------------------


def _question_form(
    request: HttpRequest,
    access: CollaborationAccess,
    questionnaire: Questionnaire,
    question: Question | None,
) -> HttpResponse:
    if request.method != "POST" and (refused := _refuse_if_locked(request, access, questionnaire)):
        return refused
    section = None
    if question is None and request.GET.get("del"):
        section = questionnaire.sections.filter(
            uuid__in=[_uuid_or_none(request.GET["del"])]
        ).first()
    form = QuestionForm(
        request.POST or None, questionnaire=questionnaire, question=question, section=section
    )
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                saved = services.question_create(
                    questionnaire=questionnaire, **form.service_fields()
                )
            else:
                with locking.checked(request, question):
                    saved = services.question_update(question=question, **form.service_fields())
        except ValidationError as exc:
            _add_validation_error(form, exc)
        else:
            messages.success(request, _("Spørsmålet er lagret."))
            if request.POST.get("neste") == "ny":
                url = reverse(
                    "surveys:question_create", args=[access.collaboration.slug, questionnaire.uuid]
                )
                return redirect(f"{url}?del={saved.section.uuid}")
            return redirect(_detail_url(access, questionnaire, f"sporsmal-{saved.uuid}"))
    return _form_page(
        request,
        {
            "form": form,
            "questionnaire": questionnaire,
            "edited": question,
            "heading": _("Nytt spørsmål") if question is None else _("Endre spørsmålet"),
            "no_sections": not questionnaire.sections.exists(),
            "question_form": True,
            "cancel_url": _detail_url(access, questionnaire),
        },
    )


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@collaboration_view
def question_create(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str
) -> HttpResponse:
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    return _question_form(request, access, questionnaire, None)


@collaboration_view
def question_edit(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str, question_id: str
) -> HttpResponse:
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    question = _question_of(access, questionnaire, question_id, for_change=True)
    return _question_form(request, access, questionnaire, question)


@collaboration_view
@require_POST
def question_delete(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str, question_id: str
) -> HttpResponse:
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    question = _question_of(access, questionnaire, question_id, for_change=True)
    try:
        services.question_delete(question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Spørsmålet er slettet."))
    return redirect(_detail_url(access, questionnaire, language=_preview_language(request)))


@collaboration_view
@require_POST
def question_move(
    request: HttpRequest, access: CollaborationAccess, questionnaire_id: str, question_id: str
) -> HttpResponse:
    """Up or down within its section; with htmx the questions are swapped in place."""
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    question = _question_of(access, questionnaire, question_id, for_change=True)
    direction = request.POST.get("retning")
    language = _preview_language(request)
    status, failed = "", False
    if direction not in ("opp", "ned"):
        status, failed = _("Velg om spørsmålet skal flyttes opp eller ned."), True
    else:
        try:
            services.question_move(question=question, step=-1 if direction == "opp" else 1)
        except ValidationError as exc:
            status, failed = " ".join(exc.messages), True
        else:
            status = (
                _("Spørsmålet er flyttet opp.")
                if direction == "opp"
                else _("Spørsmålet er flyttet ned.")
            )
    if request.htmx:  # type: ignore[attr-defined]
        context = _body_context(
            access, questionnaire, questionnaire_preview(questionnaire, language)
        )
        return render(
            request,
            "surveys/questionnaires/partials/_body.html",
            {**context, "status": status, "status_failed": failed, "oob_status": True},
        )
    (messages.error if failed else messages.success)(request, status)
    return redirect(_detail_url(access, questionnaire, f"sporsmal-{question.uuid}", language))


P = "s/<slug:slug>/sporreskjemaer/"
Q = P + "<uuid:questionnaire_id>/"

urlpatterns: list[URLPattern] = [
    path(P, questionnaire_list, name="questionnaire_list"),
    path(P + "ny/", questionnaire_create, name="questionnaire_create"),
    path(
        P + "fra-mal/",
        questionnaire_create_from_template,
        name="questionnaire_create_from_template",
    ),
    path(Q, questionnaire_detail, name="questionnaire_detail"),
    path(Q + "endre/", questionnaire_edit, name="questionnaire_edit"),
    path(Q + "kopier/", questionnaire_copy, name="questionnaire_copy"),
    path(Q + "slett/", questionnaire_delete, name="questionnaire_delete"),
    path(Q + "deler/ny/", section_create, name="section_create"),
    path(Q + "deler/<uuid:section_id>/endre/", section_edit, name="section_edit"),
    path(Q + "deler/<uuid:section_id>/slett/", section_delete, name="section_delete"),
    path(Q + "sporsmal/ny/", question_create, name="question_create"),
    path(Q + "sporsmal/<uuid:question_id>/endre/", question_edit, name="question_edit"),
    path(Q + "sporsmal/<uuid:question_id>/slett/", question_delete, name="question_delete"),
    path(Q + "sporsmal/<uuid:question_id>/flytt/", question_move, name="question_move"),
]
