from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.benefits.reminders import (
    NOTICE_DAYS,
    default_base_url,
    reminders_preview,
    reminders_send,
)
from samla.core.dates import today as current_day


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = (
        "E-mail benefit owners and responsible persons about measurements due within "
        f"{NOTICE_DAYS} days or overdue. Meant for a daily cron job; idempotent within a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would get what; send nothing."
        )
        parser.add_argument(
            "--base-url",
            help="Address the links in the e-mails start with, e.g. https://samla.kommune.no "
            "(default: the first of CSRF_TRUSTED_ORIGINS).",
        )

    def handle(
        self,
        *args: Any,
        date: str | None,
        dry_run: bool,
        base_url: str | None,
        **options: Any,
    ) -> None:
        today = _date(date) if date else current_day()
        if dry_run:
            reminders = reminders_preview(today=today)
            for reminder in reminders:
                names = ", ".join(
                    f"{item.indicator.name} ({item.due.isoformat()})" for item in reminder.items
                )
                self.stdout.write(f"{reminder.recipient.email}: {names}")
            self.stdout.write(
                f"Dry run for {today.isoformat()}: {len(reminders)} e-mails would be sent."
            )
            return
        sent = reminders_send(
            today=today, base_url=default_base_url() if base_url is None else base_url
        )
        self.stdout.write(
            self.style.SUCCESS(f"Reminders for {today.isoformat()}: {sent} e-mails sent.")
        )
