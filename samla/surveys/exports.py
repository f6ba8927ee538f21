"""Downloads of survey results: the aggregates as XLSX or CSV, and, for the programme office
in campaigns that are not anonymous, the raw answers as XLSX.

The aggregates follow the same anonymity rules as the pages (``samla.surveys.results``): a
hidden group is written as "Skjult: færre enn N svar" with no figures, and free text only
where a product has enough of it. Every text cell is neutralised as ``samla.core.xlsx``
does, in the CSV too, so an answer such as ``=HYPERLINK(…)`` stays text in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from samla.core.xlsx import Column, add_register_sheet, neutralise, new_workbook, workbook_bytes
from samla.surveys.models import Answer, Campaign, Question, Response
from samla.surveys.results import CampaignResults, ProductResult, QuestionResult, Stats


def _summary_columns() -> list[Column]:
    return [
        Column(_("Del"), 18),
        Column(_("Spørsmål"), 48),
        Column(_("System"), 22),
        Column(_("Organisasjon"), 22),
        Column(_("Svar (n)"), 12),
        Column(_("Snitt"), 9),
        Column(_("Median"), 9),
        Column(_("Minste"), 9),
        Column(_("Største"), 9),
        Column(_("Vet ikke"), 9),
    ]


def _distribution_columns() -> list[Column]:
    return [
        Column(_("Spørsmål"), 48),
        Column(_("System"), 22),
        Column(_("Organisasjon"), 22),
        Column(_("Svaralternativ"), 26),
        Column(_("Antall"), 9),
        Column(_("Andel (%)"), 10),
    ]


def _all_organisations() -> str:
    return _("Alle organisasjoner")


def _groups(row: ProductResult) -> Iterator[tuple[str, Stats]]:
    yield _all_organisations(), row.stats
    for organisation, stats in row.organisations:
        yield organisation.name, stats


def summary_rows(results: CampaignResults) -> Iterator[list[Any]]:
    hidden = results.hidden_label
    for question_result in results.questions:
        question = question_result.question
        for row in question_result.products:
            if not row.evaluated:
                continue
            for organisation_name, stats in _groups(row):
                head = [
                    question.section.display_title,
                    question.display_text,
                    row.product.name,
                    organisation_name,
                ]
                if stats.hidden:
                    yield [*head, hidden, None, None, None, None, None]
                    continue
                yield [
                    *head,
                    stats.n,
                    stats.mean,
                    stats.median,
                    stats.minimum,
                    stats.maximum,
                    stats.dont_know if question_result.kind == Question.Kind.LIKERT else None,
                ]


def distribution_rows(results: CampaignResults) -> Iterator[list[Any]]:
    for question_result in results.questions:
        if not question_result.has_distribution:
            continue
        labels = question_result.option_labels
        for row in question_result.products:
            if not row.evaluated:
                continue
            for organisation_name, stats in _groups(row):
                if stats.hidden:
                    continue
                for label, (count, share) in zip(labels, stats.options, strict=True):
                    yield [
                        question_result.question.display_text,
                        row.product.name,
                        organisation_name,
                        label,
                        count,
                        share,
                    ]
                if question_result.kind == Question.Kind.LIKERT:
                    yield [
                        question_result.question.display_text,
                        row.product.name,
                        organisation_name,
                        _("Vet ikke"),
                        stats.dont_know,
                        None,
                    ]


def text_rows(results: CampaignResults) -> Iterator[list[Any]]:
    for question_result in _text_questions(results):
        for row in question_result.products:
            for text in row.texts or []:
                yield [question_result.question.display_text, row.product.name, text]


def _text_questions(results: CampaignResults) -> list[QuestionResult]:
    return [q for q in results.questions if q.kind == Question.Kind.TEXT]


def fit_rows(results: CampaignResults) -> Iterator[list[Any]]:
    for fit in results.fits:
        assert fit.organisation is not None
        yield [
            fit.organisation.name,
            fit.product.name,
            fit.functional.mean if fit.functional else None,
            fit.functional.fit if fit.functional else None,
            fit.technical.mean if fit.technical else None,
            fit.technical.fit if fit.technical else None,
        ]


def results_xlsx(results: CampaignResults) -> bytes:
    """Summary, distribution, free text (where allowed) and fit, one sheet each."""
    with translation.override("nb"):
        workbook = new_workbook()
        add_register_sheet(workbook, _("Sammendrag"), _summary_columns(), summary_rows(results))
        add_register_sheet(
            workbook, _("Fordeling"), _distribution_columns(), distribution_rows(results)
        )
        add_register_sheet(
            workbook,
            _("Fritekst"),
            [
                Column(_("Spørsmål"), 40),
                Column(_("System"), 22),
                Column(_("Svar"), 80),
            ],
            text_rows(results),
        )
        add_register_sheet(
            workbook,
            _("Egnethet"),
            [
                Column(_("Organisasjon"), 22),
                Column(_("System"), 22),
                Column(_("Funksjonell egnethet, snitt 1–5"), 16),
                Column(_("Funksjonell egnethet 1–4"), 14),
                Column(_("Teknisk egnethet, snitt 1–5"), 16),
                Column(_("Teknisk egnethet 1–4"), 14),
            ],
            fit_rows(results),
        )
        return workbook_bytes(workbook)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(neutralise(str(value)))


def results_csv(results: CampaignResults) -> bytes:
    """One table for Excel (UTF-8 with BOM, semicolons, decimal commas): each group's summary
    row, followed by a row per answer option with its count."""
    with translation.override("nb"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([c.header for c in _summary_columns()] + [_("Svaralternativ"), _("Antall")])
        hidden = results.hidden_label
        for question_result in results.questions:
            question = question_result.question
            labels = question_result.option_labels if question_result.has_distribution else []
            for row in question_result.products:
                if not row.evaluated:
                    continue
                for organisation_name, stats in _groups(row):
                    head = [
                        question.section.display_title,
                        question.display_text,
                        row.product.name,
                        organisation_name,
                    ]
                    if stats.hidden:
                        writer.writerow([_csv_value(v) for v in [*head, hidden]])
                        continue
                    dont_know = (
                        stats.dont_know if question_result.kind == Question.Kind.LIKERT else None
                    )
                    summary = [
                        stats.n,
                        stats.mean,
                        stats.median,
                        stats.minimum,
                        stats.maximum,
                        dont_know,
                    ]
                    writer.writerow([_csv_value(v) for v in [*head, *summary]])
                    for label, count in zip(labels, stats.counts, strict=True):
                        writer.writerow(
                            [_csv_value(v) for v in [*head, *([None] * 6), label, count]]
                        )
    return buffer.getvalue().encode("utf-8-sig")


# --- Raw answers ---------------------------------------------------------------------------------


def raw_responses(campaign: Campaign) -> QuerySet[Response]:
    return (
        Response.objects.filter(campaign=campaign)
        .select_related("organisation", "product", "user_group", "invitation")
        .order_by("submitted_on", "organisation__name", "product__name", "pk")
    )


def raw_answer_rows(
    campaign: Campaign, responses: Sequence[Response] | None = None
) -> tuple[list[Question], Iterator[list[Any]]]:
    """One row per response (default: all of them) with the respondent's address and every
    answer, in three queries.

    Only for campaigns that are not anonymous; the caller checks the permission.
    """
    assert not campaign.anonymous
    questions = list(
        Question.objects.filter(questionnaire_id=campaign.questionnaire_id)
        .select_related("section")
        .order_by("section__order", "section__pk", "order", "pk")
    )
    if responses is None:
        responses = list(raw_responses(campaign))
    answers: dict[Any, dict[int, list[Answer]]] = {}
    for answer in Answer.objects.filter(response__in=[r.pk for r in responses]).order_by("pk"):
        answers.setdefault(answer.response_id, {}).setdefault(answer.question_id, []).append(answer)

    def value_of(question: Question, given: list[Answer]) -> Any:
        if not given:
            return None
        if given[0].dont_know:
            return _("Vet ikke")
        if question.kind == Question.Kind.NUMBER:
            return given[0].number
        if question.kind == Question.Kind.TEXT:
            return given[0].text
        if question.kind == Question.Kind.LIKERT:
            return given[0].option
        labels = question.option_labels
        return "; ".join(
            labels[a.option - 1] if a.option and 0 < a.option <= len(labels) else str(a.option)
            for a in given
        )

    def rows() -> Iterator[list[Any]]:
        for response in responses:
            given = answers.get(response.pk, {})
            yield [
                response.submitted_on,
                response.organisation.name,
                response.product.name,
                response.user_group.name,
                response.invitation.email if response.invitation else "",
                *(value_of(q, given.get(q.pk, [])) for q in questions),
            ]

    return questions, rows()


def raw_answers_xlsx(campaign: Campaign) -> bytes:
    with translation.override("nb"):
        questions, rows = raw_answer_rows(campaign)
        columns = [
            Column(_("Dato"), 12, kind="date"),
            Column(_("Organisasjon"), 22),
            Column(_("System"), 22),
            Column(_("Brukergruppe"), 22),
            Column(_("E-post"), 28),
            *(Column(q.display_text, 24, wrap=True) for q in questions),
        ]
        workbook = new_workbook()
        add_register_sheet(workbook, _("Enkeltsvar"), columns, rows)
        return workbook_bytes(workbook)
