"""``samla remind``: owners and responsible persons are e-mailed about measurements due (a week
ahead, then weekly while unmeasured), with a link to the measurement page; realised and
abandoned benefits are left alone; a second run the same day sends nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from conftest import World
from samla.benefits import services as benefits
from samla.benefits.models import Indicator, ReminderSent
from samla.benefits.reminders import due_indicators, measurement_path, reminders_send
from tests.test_benefits_selectors import make_benefit, make_indicator, measure

D = datetime.date


@pytest.fixture
def send(django_capture_on_commit_callbacks: Any) -> Any:
    """Run ``reminders_send`` and deliver its mail as a committed transaction would."""

    def run(today: datetime.date, **kwargs: Any) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(today=today, **kwargs)

    return run


def quarterly(world: World, title: str = "E-handel", **fields: Any) -> Indicator:
    """Measured quarterly from a baseline on 1 January 2026: first due 1 April 2026."""
    benefit = make_benefit(world, title, **fields)
    return make_indicator(benefit, f"Andel {title}")


def test_a_week_ahead_owner_and_responsible_get_the_link(world: World, send: Any) -> None:
    indicator = quarterly(world, responsible=world.editor_a)
    assert send(D(2026, 3, 24)) == 0  # eight days ahead: not yet
    assert mail.outbox == []
    assert send(D(2026, 3, 25), base_url="https://samla.example.no/") == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["editor_a@example.no", "office@example.no"]
    body = mail.outbox[0].body
    assert "Andel E-handel" in body and "E-handel" in body
    assert "forfaller 01.04.2026" in body and "ikke målt ennå" in body
    link = f"https://samla.example.no/s/alfa/gevinster/indikatorer/{indicator.uuid}/maalinger/ny/"
    assert link in body
    assert mail.outbox[0].subject == "Måling av gevinst: Andel E-handel"
    row = ReminderSent.objects.get()
    assert (row.indicator, row.sent_on, row.due_on) == (indicator, D(2026, 3, 25), D(2026, 4, 1))


def test_measurement_path_is_the_measurement_page(world: World) -> None:
    indicator = quarterly(world)
    expected = f"/s/alfa/gevinster/indikatorer/{indicator.uuid}/maalinger/ny/"
    assert measurement_path(indicator) == expected


def test_second_run_the_same_day_sends_nothing(world: World, send: Any) -> None:
    quarterly(world)
    assert send(D(2026, 4, 2)) == 1
    assert send(D(2026, 4, 2)) == 0
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1


def test_repeated_weekly_while_unmeasured_and_says_overdue(world: World, send: Any) -> None:
    quarterly(world)
    sent = [day for day in range(25, 32) if send(D(2026, 3, day))]
    sent += [day for day in range(1, 16) if send(D(2026, 4, day))]
    # 25 March (a week ahead), then 1 April and 8 April, then 15 April.
    assert sent == [25, 1, 8, 15]
    assert "forfalt 01.04.2026" in mail.outbox[-1].body


def test_a_measurement_moves_the_due_date(world: World, send: Any) -> None:
    indicator = quarterly(world)
    assert send(D(2026, 3, 25)) == 1
    measure(indicator, D(2026, 3, 30), 1)  # next due 30 June
    assert [i.due for i in due_indicators(today=D(2026, 6, 23))] == [D(2026, 6, 30)]
    assert send(D(2026, 4, 1)) == 0
    assert send(D(2026, 6, 22)) == 0
    assert send(D(2026, 6, 23)) == 1
    assert "sist målt 30.03.2026" in mail.outbox[-1].body


def test_one_mail_per_person_lists_all_their_indicators(world: World, send: Any) -> None:
    quarterly(world, "E-handel")
    quarterly(world, "Arkiv")
    quarterly(world, "Lisenser", owner=world.editor_b)
    assert send(D(2026, 3, 30)) == 2
    office = next(m for m in mail.outbox if m.to == ["office@example.no"])
    assert office.subject == "Målinger av gevinster: 2 indikatorer skal måles"
    assert "Andel E-handel" in office.body and "Andel Arkiv" in office.body
    assert "Lisenser" not in office.body
    assert ReminderSent.objects.count() == 3


@pytest.mark.parametrize("status", ["realised", "abandoned"])
def test_closed_benefits_are_not_chased(world: World, send: Any, status: str) -> None:
    indicator = quarterly(world)
    benefits.benefit_update(benefit=indicator.benefit, status=status)
    assert send(D(2026, 5, 1)) == 0
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    benefits.benefit_update(benefit=indicator.benefit, status="realising")
    assert send(D(2026, 5, 1)) == 1


def test_people_without_address_or_account_get_nothing(world: World, send: Any) -> None:
    quarterly(world, responsible=world.editor_a)
    world.office.email = ""
    world.office.save()
    world.editor_a.is_active = False
    world.editor_a.save()
    assert send(D(2026, 4, 1)) == 0
    assert mail.outbox == []


def test_dry_run_sends_and_writes_nothing(world: World, send: Any) -> None:
    quarterly(world)
    assert send(D(2026, 4, 1), dry_run=True) == 1
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_yearly_indicator_is_due_a_year_after_its_baseline(world: World) -> None:
    benefit = make_benefit(world)
    make_indicator(
        benefit, "Årlig", frequency="yearly", baseline_date=D(2026, 2, 28), target_value=Decimal(9)
    )
    assert due_indicators(today=D(2027, 2, 20)) == []
    assert [i.due for i in due_indicators(today=D(2027, 2, 21))] == [D(2027, 2, 28)]


# --- The command ------------------------------------------------------------------------------


def test_command_sends_then_nothing(world: World, django_capture_on_commit_callbacks: Any) -> None:
    quarterly(world)
    out = StringIO()
    with (
        override_settings(CSRF_TRUSTED_ORIGINS=["https://samla.kommune.no"]),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("remind", "--date", "2026-04-01", stdout=out)
        call_command("remind", "--date", "2026-04-01", stdout=out)
    assert "Reminders for 2026-04-01: 1 e-mails sent." in out.getvalue()
    assert "Reminders for 2026-04-01: 0 e-mails sent." in out.getvalue()
    assert len(mail.outbox) == 1
    assert "https://samla.kommune.no/s/alfa/gevinster/" in mail.outbox[0].body


def test_command_dry_run_lists_recipients(world: World) -> None:
    quarterly(world)
    out = StringIO()
    call_command("remind", "--date", "2026-04-01", "--dry-run", stdout=out)
    assert "office@example.no: Andel E-handel (2026-04-01)" in out.getvalue()
    assert "1 e-mails would be sent" in out.getvalue()
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_command_refuses_a_bad_date(world: World) -> None:
    with pytest.raises(CommandError, match="Not a date"):
        call_command("remind", "--date", "1. april", stdout=StringIO())
