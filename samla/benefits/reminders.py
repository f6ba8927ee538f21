"""Reminders of measurements due: ``samla remind``, meant for a daily cron job.

The rule (also in docs/operations.md, «Reminders of benefit measurements»):
- an indicator is *due* on its next measurement date: a frequency's worth of months after its
  latest measurement, or after the baseline when it has none (``samla.finance.benefits.next_due``);
- only indicators of benefits still being pursued are considered (not realised, not abandoned);
- the first reminder goes out ``NOTICE_DAYS`` (7) days before the due date, so the figures can
  be gathered in time; while nothing is measured it is repeated every ``REPEAT_DAYS`` (7) days,
  overdue or not; a new measurement moves the due date and starts afresh;
- the benefit's owner (gevinsteier) and responsible person (gevinstansvarlig), when they have
  an e-mail address and an active account, get one e-mail each per run listing all their
  indicators due, each with its due date and a link to the page where the measurement is
  entered;
- a ``ReminderSent`` row per indicator and day makes the run idempotent: running it twice the
  same day sends nothing the second time (the database's unique constraint backs this).

The e-mails are sent when the transaction that recorded them commits, like the survey
invitations.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from samla.benefits.models import FREQUENCY_MONTHS, Frequency, Indicator, Measurement, ReminderSent
from samla.benefits.selectors import CLOSED_STATUSES
from samla.finance.benefits import next_due
from samla.organisations.models import User

NOTICE_DAYS = 7
REPEAT_DAYS = 7
CHUNK = 500  # indicators fetched per query (SQLite limits the parameters of IN)


@dataclass
class DueIndicator:
    indicator: Indicator
    due: datetime.date
    last_measured: datetime.date | None

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due < today


@dataclass
class Reminder:
    """One e-mail: a person and the indicators due that they answer for."""

    recipient: User
    items: list[DueIndicator] = field(default_factory=list)


def measurement_path(indicator: Indicator) -> str:
    """The page where a measurement of ``indicator`` is entered."""
    slug = indicator.benefit.collaboration.slug
    try:
        return reverse(
            "benefits:measurement_create", kwargs={"slug": slug, "indicator_id": indicator.uuid}
        )
    except NoReverseMatch:
        return f"/s/{slug}/gevinster/indikatorer/{indicator.uuid}/maalinger/ny/"


def due_indicators(*, today: datetime.date) -> list[DueIndicator]:
    """Indicators of pursued benefits due within the notice period and not reminded of the
    same due date in the last ``REPEAT_DAYS`` days (nor at all today).

    Two steps, so that a daily run over thousands of indicators stays quick: the due dates
    from plain values first, then the full objects of the few that are due."""
    # A subquery per indicator uses the index on (indicator, date); a join with MAX would
    # group every measurement.
    last_measured = (
        Measurement.objects.filter(indicator=OuterRef("pk"))
        .order_by("-measured_on")
        .values("measured_on")[:1]
    )
    rows = (
        Indicator.objects.exclude(benefit__status__in=CLOSED_STATUSES)
        .annotate(last_measured=Subquery(last_measured))
        .values_list("pk", "baseline_date", "frequency", "last_measured")
    )
    recent: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for indicator_id, sent_on, due_on in ReminderSent.objects.filter(
        sent_on__gt=today - datetime.timedelta(days=REPEAT_DAYS)
    ).values_list("indicator_id", "sent_on", "due_on"):
        recent.setdefault(indicator_id, []).append((sent_on, due_on))
    horizon = today + datetime.timedelta(days=NOTICE_DAYS)
    wanted: dict[int, tuple[datetime.date, datetime.date | None]] = {}
    for pk, baseline_date, frequency, last in rows:
        when = next_due(last, baseline_date, FREQUENCY_MONTHS[Frequency(frequency)])
        if when > horizon:
            continue
        if any(sent_on == today or due_on == when for sent_on, due_on in recent.get(pk, [])):
            continue
        wanted[pk] = (when, last)
    due: list[DueIndicator] = []
    ids = list(wanted)
    for start in range(0, len(ids), CHUNK):
        indicators = Indicator.objects.filter(pk__in=ids[start : start + CHUNK]).select_related(
            "benefit__collaboration", "benefit__owner", "benefit__responsible"
        )
        due.extend(DueIndicator(i, *wanted[i.pk]) for i in indicators)
    due.sort(
        key=lambda d: (
            d.indicator.benefit.collaboration.name,
            d.indicator.benefit.code,
            d.indicator.benefit.title,
            d.indicator.order,
            d.indicator.pk,
        )
    )
    return due


def _recipients(item: DueIndicator) -> list[User]:
    benefit = item.indicator.benefit
    people = []
    for user in (benefit.owner, benefit.responsible):
        if user is not None and user.is_active and user.email and user not in people:
            people.append(user)
    return people


def group_by_recipient(items: Iterable[DueIndicator]) -> list[Reminder]:
    reminders: dict[int, Reminder] = {}
    for item in items:
        for user in _recipients(item):
            reminders.setdefault(user.pk, Reminder(user)).items.append(item)
    return list(reminders.values())


def _mail(
    reminder: Reminder, *, today: datetime.date, base_url: str
) -> tuple[str, str, str, list[str]]:
    with override("nb"):
        lines = []
        for item in reminder.items:
            indicator = item.indicator
            benefit = indicator.benefit
            when = item.due.strftime("%d.%m.%Y")
            state = (
                _("forfalt %(date)s") % {"date": when}
                if item.is_overdue(today)
                else _("forfaller %(date)s") % {"date": when}
            )
            last = (
                _("sist målt %(date)s") % {"date": item.last_measured.strftime("%d.%m.%Y")}
                if item.last_measured
                else _("ikke målt ennå")
            )
            lines.append(
                _(
                    "- %(indicator)s (%(unit)s), gevinst «%(benefit)s» i %(collaboration)s: "
                    "%(state)s, %(last)s.\n  Registrer målingen: %(link)s"
                )
                % {
                    "indicator": indicator.name,
                    "unit": indicator.unit_label,
                    "benefit": benefit.title,
                    "collaboration": benefit.collaboration.name,
                    "state": state,
                    "last": last,
                    "link": base_url.rstrip("/") + measurement_path(indicator),
                }
            )
        count = len(reminder.items)
        subject = (
            _("Måling av gevinst: %(indicator)s") % {"indicator": reminder.items[0].indicator.name}
            if count == 1
            else _("Målinger av gevinster: %(count)s indikatorer skal måles") % {"count": count}
        )
        body = _(
            "Hei %(name)s!\n\nDu er gevinsteier eller gevinstansvarlig for gevinster som skal "
            "måles:\n\n%(lines)s\n\nPåminnelsen kommer en uke før målingen forfaller og deretter "
            "hver uke til målingen er registrert.\n"
        ) % {
            "name": reminder.recipient.get_full_name() or reminder.recipient.username,
            "lines": "\n".join(lines),
        }
    return subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.recipient.email]


def default_base_url() -> str:
    """Where links in e-mails point: the first of ``CSRF_TRUSTED_ORIGINS`` (the address the
    site is reached at), or nothing (links relative to the site)."""
    origins = list(getattr(settings, "CSRF_TRUSTED_ORIGINS", []) or [])
    return origins[0] if origins else ""


@transaction.atomic
def reminders_send(
    *, today: datetime.date, base_url: str | None = None, dry_run: bool = False
) -> int:
    """Send today's reminders; returns the number of e-mails. ``dry_run`` writes and sends
    nothing and returns how many would go out."""
    items = due_indicators(today=today)
    reminders = group_by_recipient(items)
    if dry_run:
        return len(reminders)
    ReminderSent.objects.bulk_create(
        ReminderSent(
            indicator=item.indicator,
            sent_on=today,
            due_on=item.due,
            recipient=item.indicator.benefit.owner,
        )
        for item in items
    )
    url = default_base_url() if base_url is None else base_url
    messages = [_mail(reminder, today=today, base_url=url) for reminder in reminders]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(messages)


def reminders_preview(*, today: datetime.date) -> list[Reminder]:
    """What ``reminders_send`` would send today, for ``--dry-run``."""
    return group_by_recipient(due_indicators(today=today))
