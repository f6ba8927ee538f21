"""API resources for questionnaires, their sections and their questions.

Same rules as the pages and the rest of the API (``samla.landscape.api``): everyone with a
role in the collaboration reads, administrators and the programme office change, outsiders
get 404, other roles 403 for a change. A service's ``ValidationError`` answers 422 with its
message and writes nothing; so does every change to the sections and questions of a
questionnaire that has answers (it is locked: copy it to change the questions).

Sections and questions are nested under their questionnaire; one that belongs to another
questionnaire answers 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import WithJsonSchema

from samla.api.enums import enum_schema
from samla.api.transactions import atomic
from samla.api.versioning import VersionIn, VersionOut
from samla.core.locking import check_version
from samla.organisations.access import CollaborationAccess, access_collaboration
from samla.organisations.api import READ_ERRORS, WRITE_ERRORS, DecimalString
from samla.organisations.models import User
from samla.surveys import services, template
from samla.surveys.access import access_question, access_questionnaire, access_section
from samla.surveys.models import Answer, Campaign, Question, Questionnaire, Section
from samla.surveys.questionnaire_forms import free_questionnaire_name, name_taken

# Enums whose class name another API enum shares are written out inline (samla.api.enums).
QuestionKind = Annotated[Question.Kind, WithJsonSchema(enum_schema(Question.Kind, "QuestionKind"))]

router = Router(tags=["surveys"])

SMALL = 32767  # PositiveSmallIntegerField's upper bound
PREFIX = "/collaborations/{slug}/questionnaires"
ONE = PREFIX + "/{uuid:questionnaire_id}"


# --- Schemas ---------------------------------------------------------------------------------


class OptionSchema(Schema):
    nb: str = Field(max_length=200, description="The option in bokmål.")
    en: str = Field("", max_length=200, description="The option in English, if any.")


class QuestionOut(VersionOut):
    uuid: UUID
    section: UUID
    order: int
    kind: QuestionKind
    text: str
    text_en: str
    help_text: str
    help_text_en: str
    required: bool
    options: list[OptionSchema] = Field(
        description="Single and multiple choice; answers give the 1-based position."
    )
    minimum: DecimalString | None
    maximum: DecimalString | None
    measures: str = Field(description="functional_fit, technical_fit or empty (Likert only).")

    @staticmethod
    def resolve_section(obj: Question) -> UUID:
        return obj.section.uuid


class SectionOut(VersionOut):
    uuid: UUID
    order: int
    title: str
    title_en: str


class SectionDetailOut(SectionOut):
    questions: list[QuestionOut] = Field(description="In the order the respondent sees them.")

    @staticmethod
    def resolve_questions(obj: Section) -> list[Question]:
        return list(obj.questions.all())


class CampaignRefOut(Schema):
    uuid: UUID
    name: str


class QuestionnaireOut(VersionOut):
    uuid: UUID
    name: str
    name_en: str
    introduction: str
    introduction_en: str
    question_count: int
    locked: bool = Field(description="It has answers: its sections and questions cannot change.")
    campaigns: list[CampaignRefOut] = Field(description="Campaigns that use it.")

    @staticmethod
    def resolve_campaigns(obj: Questionnaire) -> list[Campaign]:
        return list(obj.campaigns.all())


class QuestionnaireDetailOut(QuestionnaireOut):
    sections: list[SectionDetailOut]

    @staticmethod
    def resolve_sections(obj: Questionnaire) -> list[Section]:
        return list(obj.sections.all())


class QuestionnaireCreateIn(Schema):
    from_template: bool = Field(
        False,
        description=f"Start from the shipped questionnaire «{template.NAME}» with all its "
        "sections and questions; name is then optional.",
    )
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    introduction: str | None = Field(
        None, description="Left out with from_template: the template's."
    )
    introduction_en: str | None = None


class QuestionnaireUpdateIn(VersionIn):
    """Only the fields given are changed; also allowed when the questionnaire is locked."""

    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    introduction: str | None = None
    introduction_en: str | None = None


class QuestionnaireCopyIn(Schema):
    name: str = Field(min_length=1, max_length=200)


class SectionCreateIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    title_en: str = Field("", max_length=200)
    order: int | None = Field(None, ge=0, le=SMALL, description="Left out: after the last.")


class SectionUpdateIn(VersionIn):
    """Only the fields given are changed."""

    title: str | None = Field(None, min_length=1, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    order: int | None = Field(None, ge=0, le=SMALL)


LIMIT = Field(None, max_digits=14, decimal_places=2, description="Number questions only.")


class QuestionCreateIn(Schema):
    section: UUID = Field(description="The uuid of a section of this questionnaire.")
    kind: QuestionKind
    text: str = Field(min_length=1, max_length=500)
    text_en: str = Field("", max_length=500)
    help_text: str = Field("", max_length=500)
    help_text_en: str = Field("", max_length=500)
    required: bool = False
    options: list[OptionSchema] = Field(
        [], description="Two or more for single and multiple choice."
    )
    minimum: Decimal | None = LIMIT
    maximum: Decimal | None = LIMIT
    measures: Question.Measures = Question.Measures.NOTHING
    order: int | None = Field(None, ge=0, le=SMALL, description="Left out: after the last.")


class QuestionUpdateIn(VersionIn):
    """Only the fields given are changed; ``section`` moves it to another section."""

    section: UUID | None = None
    kind: QuestionKind | None = None
    text: str | None = Field(None, min_length=1, max_length=500)
    text_en: str | None = Field(None, max_length=500)
    help_text: str | None = Field(None, max_length=500)
    help_text_en: str | None = Field(None, max_length=500)
    required: bool | None = None
    options: list[OptionSchema] | None = None
    minimum: Decimal | None = LIMIT
    maximum: Decimal | None = LIMIT
    measures: Question.Measures | None = None
    order: int | None = Field(None, ge=0, le=SMALL)


class QuestionMoveIn(Schema):
    direction: Literal["up", "down"] = Field(description="Swap with the neighbour in its section.")


# --- Helpers -----------------------------------------------------------------------------------


def _access(request: HttpRequest, slug: str) -> CollaborationAccess:
    user: User = request.auth  # type: ignore[attr-defined]
    return access_collaboration(user, slug)


def _questionnaires(access: CollaborationAccess) -> QuerySet[Questionnaire]:
    return (
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


def _detail(access: CollaborationAccess, questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire again with its counts, campaigns, sections and questions (four queries)."""
    return (
        _questionnaires(access)
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.prefetch_related(
                    Prefetch("questions", queryset=Question.objects.order_by("order", "pk"))
                ),
            )
        )
        .get(pk=questionnaire.pk)
    )


def _section_with_questions(section: Section) -> Section:
    return Section.objects.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order", "pk"))
    ).get(pk=section.pk)


def _section_of(
    access: CollaborationAccess,
    questionnaire: Questionnaire,
    section_id: UUID,
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
    question_id: UUID,
    *,
    for_change: bool = False,
) -> Question:
    question = access_question(access, question_id, for_change=for_change)
    if question.questionnaire_id != questionnaire.pk:
        raise Http404
    return question


def _section_in(questionnaire: Questionnaire, section_id: UUID) -> Section:
    """The section a question is put in: one of this questionnaire's, else 422."""
    section = questionnaire.sections.filter(uuid=section_id).first()
    if section is None:
        raise ValidationError({"section": _("Delen finnes ikke i dette spørreskjemaet.")})
    return section


def _texts(given: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """``null`` empties an optional text; a required one cannot be emptied."""
    fields = {}
    for name, value in given.items():
        if value is None:
            if name in required:
                raise ValidationError({name: _("Feltet kan ikke være tomt.")})
            value = ""
        fields[name] = value.strip() if isinstance(value, str) else value
    return fields


def _require_free_name(
    access: CollaborationAccess, name: str, questionnaire: Questionnaire | None = None
) -> None:
    if name_taken(access.collaboration, name, questionnaire):
        raise ValidationError({"name": _("Et spørreskjema med dette navnet finnes allerede.")})


def _question_fields(questionnaire: Questionnaire, given: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in given.items():
        if name == "section":
            if value is None:
                raise ValidationError({"section": _("Feltet kan ikke være tomt.")})
            fields["section"] = _section_in(questionnaire, value)
        elif name == "options":
            options = value or []
            fields["options"] = [{"nb": o["nb"].strip(), "en": o["en"].strip()} for o in options]
        elif name in ("kind", "required"):
            if value is None:
                raise ValidationError({name: _("Feltet kan ikke være tomt.")})
            fields[name] = value
        elif name == "order":
            if value is not None:
                fields["order"] = value
        elif name in ("minimum", "maximum"):
            fields[name] = value
        elif name == "measures":
            fields["measures"] = value or ""
        else:
            fields.update(_texts({name: value}, required=("text",)))
    return fields


# --- Questionnaires ------------------------------------------------------------------------------


@router.get(PREFIX, response={200: list[QuestionnaireOut], **READ_ERRORS})
def questionnaire_list(request: HttpRequest, slug: str) -> Any:
    return _questionnaires(_access(request, slug))


@router.post(PREFIX, response={201: QuestionnaireDetailOut, **WRITE_ERRORS})
def questionnaire_create(request: HttpRequest, slug: str, payload: QuestionnaireCreateIn) -> Any:
    """A new questionnaire, empty or from the shipped template (administrators and the
    programme office)."""
    access = _access(request, slug)
    access.require_manager()
    collaboration = access.collaboration
    name = (payload.name or "").strip()
    if name:
        _require_free_name(access, name)
    if payload.from_template:
        if not name:
            name, number = free_questionnaire_name(collaboration, template.NAME)
            name_en = payload.name_en or (
                template.NAME_EN if number == 1 else f"{template.NAME_EN} ({number})"
            )
        else:
            name_en = payload.name_en
        questionnaire = services.questionnaire_create_from_template(
            collaboration=collaboration, name=name, name_en=name_en
        )
        introductions = _texts(
            {
                k: v
                for k, v in payload.dict(include={"introduction", "introduction_en"}).items()
                if v is not None
            }
        )
        if introductions:
            services.questionnaire_update(questionnaire=questionnaire, **introductions)
    else:
        if not name:
            raise ValidationError({"name": _("Gi spørreskjemaet et navn.")})
        fields = _texts(payload.dict(exclude={"from_template", "name"}))
        questionnaire = services.questionnaire_create(
            collaboration=collaboration, name=name, **fields
        )
    return Status(201, _detail(access, questionnaire))


@router.get(ONE, response={200: QuestionnaireDetailOut, **READ_ERRORS})
def questionnaire_detail(request: HttpRequest, slug: str, questionnaire_id: UUID) -> Any:
    """The questionnaire with its sections and questions in order."""
    access = _access(request, slug)
    return _detail(access, access_questionnaire(access, questionnaire_id))


@router.patch(ONE, response={200: QuestionnaireDetailOut, **WRITE_ERRORS})
@atomic
def questionnaire_update(
    request: HttpRequest, slug: str, questionnaire_id: UUID, payload: QuestionnaireUpdateIn
) -> Any:
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    check_version(questionnaire, payload.version)
    fields = _texts(payload.dict(exclude_unset=True), required=("name",))
    if "name" in fields:
        _require_free_name(access, fields["name"], questionnaire)
    services.questionnaire_update(questionnaire=questionnaire, **fields)
    return _detail(access, questionnaire)


@router.delete(ONE, response={204: None, **WRITE_ERRORS})
def questionnaire_delete(request: HttpRequest, slug: str, questionnaire_id: UUID) -> Any:
    """Refused (422) while a campaign uses it."""
    questionnaire = access_questionnaire(_access(request, slug), questionnaire_id, for_change=True)
    services.questionnaire_delete(questionnaire=questionnaire)
    return Status(204, None)


@router.post(ONE + "/copy", response={201: QuestionnaireDetailOut, **WRITE_ERRORS})
def questionnaire_copy(
    request: HttpRequest, slug: str, questionnaire_id: UUID, payload: QuestionnaireCopyIn
) -> Any:
    """A new, unlocked questionnaire with the same sections and questions."""
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    name = payload.name.strip()
    _require_free_name(access, name)
    copy = services.questionnaire_copy(questionnaire=questionnaire, name=name)
    return Status(201, _detail(access, copy))


# --- Sections ------------------------------------------------------------------------------------


@router.get(ONE + "/sections", response={200: list[SectionDetailOut], **READ_ERRORS})
def section_list(request: HttpRequest, slug: str, questionnaire_id: UUID) -> Any:
    access = _access(request, slug)
    return _detail(access, access_questionnaire(access, questionnaire_id)).sections.all()


@router.post(ONE + "/sections", response={201: SectionDetailOut, **WRITE_ERRORS})
def section_create(
    request: HttpRequest, slug: str, questionnaire_id: UUID, payload: SectionCreateIn
) -> Any:
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    fields = _texts(payload.dict(exclude_none=True), required=("title",))
    section = services.section_create(questionnaire=questionnaire, **fields)
    return Status(201, _section_with_questions(section))


@router.get(ONE + "/sections/{uuid:section_id}", response={200: SectionDetailOut, **READ_ERRORS})
def section_detail(
    request: HttpRequest, slug: str, questionnaire_id: UUID, section_id: UUID
) -> Any:
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id)
    return _section_with_questions(_section_of(access, questionnaire, section_id))


@router.patch(ONE + "/sections/{uuid:section_id}", response={200: SectionDetailOut, **WRITE_ERRORS})
@atomic
def section_update(
    request: HttpRequest,
    slug: str,
    questionnaire_id: UUID,
    section_id: UUID,
    payload: SectionUpdateIn,
) -> Any:
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    section = _section_of(access, questionnaire, section_id, for_change=True)
    check_version(section, payload.version)
    given = payload.dict(exclude_unset=True)
    if given.get("order", 0) is None:
        raise ValidationError({"order": _("Feltet kan ikke være tomt.")})
    services.section_update(section=section, **_texts(given, required=("title",)))
    return _section_with_questions(section)


@router.delete(ONE + "/sections/{uuid:section_id}", response={204: None, **WRITE_ERRORS})
def section_delete(
    request: HttpRequest, slug: str, questionnaire_id: UUID, section_id: UUID
) -> Any:
    """The section and its questions."""
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    services.section_delete(section=_section_of(access, questionnaire, section_id, for_change=True))
    return Status(204, None)


# --- Questions -----------------------------------------------------------------------------------


def _question_out(question: Question) -> Question:
    return Question.objects.select_related("section").get(pk=question.pk)


@router.get(ONE + "/questions", response={200: list[QuestionOut], **READ_ERRORS})
def question_list(request: HttpRequest, slug: str, questionnaire_id: UUID) -> Any:
    """Every question, section by section, in the order the respondent sees them."""
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id)
    return questionnaire.questions.select_related("section").order_by(
        "section__order", "section_id", "order", "pk"
    )


@router.post(ONE + "/questions", response={201: QuestionOut, **WRITE_ERRORS})
def question_create(
    request: HttpRequest, slug: str, questionnaire_id: UUID, payload: QuestionCreateIn
) -> Any:
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    fields = _question_fields(questionnaire, payload.dict(exclude_none=False))
    question = services.question_create(questionnaire=questionnaire, **fields)
    return Status(201, _question_out(question))


@router.get(ONE + "/questions/{uuid:question_id}", response={200: QuestionOut, **READ_ERRORS})
def question_detail(
    request: HttpRequest, slug: str, questionnaire_id: UUID, question_id: UUID
) -> Any:
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id)
    return _question_of(access, questionnaire, question_id)


@router.patch(ONE + "/questions/{uuid:question_id}", response={200: QuestionOut, **WRITE_ERRORS})
@atomic
def question_update(
    request: HttpRequest,
    slug: str,
    questionnaire_id: UUID,
    question_id: UUID,
    payload: QuestionUpdateIn,
) -> Any:
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    question = _question_of(access, questionnaire, question_id, for_change=True)
    check_version(question, payload.version)
    fields = _question_fields(questionnaire, payload.dict(exclude_unset=True))
    services.question_update(question=question, **fields)
    return _question_out(question)


@router.delete(ONE + "/questions/{uuid:question_id}", response={204: None, **WRITE_ERRORS})
def question_delete(
    request: HttpRequest, slug: str, questionnaire_id: UUID, question_id: UUID
) -> Any:
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    services.question_delete(
        question=_question_of(access, questionnaire, question_id, for_change=True)
    )
    return Status(204, None)


@router.post(
    ONE + "/questions/{uuid:question_id}/move", response={200: SectionDetailOut, **WRITE_ERRORS}
)
def question_move(
    request: HttpRequest,
    slug: str,
    questionnaire_id: UUID,
    question_id: UUID,
    payload: QuestionMoveIn,
) -> Any:
    """Swap with the question above or below in the same section; answers the section with its
    questions in the new order. At the top (or bottom) nothing changes."""
    access = _access(request, slug)
    questionnaire = access_questionnaire(access, questionnaire_id, for_change=True)
    question = _question_of(access, questionnaire, question_id, for_change=True)
    services.question_move(question=question, step=-1 if payload.direction == "up" else 1)
    return _section_with_questions(question.section)
