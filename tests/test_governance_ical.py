"""The private calendar feed: valid RFC 5545 as the ``icalendar`` package reads it (CRLF,
lines folded at 75 octets without splitting a character, escaped text, UID, DTSTAMP,
all-day DATE values with an exclusive end), no log-in needed, and 404 for an unknown or
revoked token."""

from __future__ import annotations

import datetime

import icalendar
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from samla.governance import ical, services
from samla.governance.selectors import CalendarEntry
from tests.test_governance_services import make_body, make_project


def feed_url(token: str) -> str:
    return reverse("governance:calendar_ics", kwargs={"token": token})


def test_escape_and_fold() -> None:
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "æøå" * 40  # 8 + 240 octets
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line
    assert ical.fold("SHORT") == "SHORT"


def test_calendar_text_parses_with_icalendar() -> None:
    start = timezone.make_aware(datetime.datetime(2026, 2, 2, 9, 0))
    long_text = "Styringsgruppemøte om sak/arkiv, økonomi; og «gevinster» " * 4
    entries = [
        CalendarEntry(
            uid="meeting-1@samla",
            kind="meeting",
            summary=long_text.strip(),
            start=start,
            end=start + datetime.timedelta(hours=2),
            all_day=False,
            location="Rådhuset, møterom 2",
            description="Linje 1\nLinje 2",
            collaboration_slug="a",
        ),
        CalendarEntry(
            uid="milestone-2@samla",
            kind="milestone",
            summary="E-handel: Mandat godkjent",
            start=datetime.date(2026, 3, 31),
            end=None,
            all_day=True,
            location="",
            description="",
            collaboration_slug="a",
        ),
        CalendarEntry(
            uid="meeting-3@samla",
            kind="meeting",
            summary="Uten slutt",
            start=start,
            end=None,
            all_day=False,
            location="",
            description="",
            collaboration_slug="a",
        ),
    ]
    now = timezone.make_aware(datetime.datetime(2026, 1, 1, 12, 0))
    raw = ical.calendar_bytes(
        entries, name="Samla: test", url_for=lambda e: "https://x.no/m/1", now=now
    )
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == ical.PRODID
    assert str(calendar["X-WR-CALNAME"]) == "Samla: test"
    events = list(calendar.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [
        "meeting-1@samla",
        "milestone-2@samla",
        "meeting-3@samla",
    ]
    meeting, milestone, open_ended = events
    assert str(meeting["SUMMARY"]) == long_text.strip()
    assert str(meeting["LOCATION"]) == "Rådhuset, møterom 2"
    assert str(meeting["DESCRIPTION"]) == "Linje 1\nLinje 2"
    assert meeting.decoded("DTSTART") == start
    assert meeting.decoded("DTEND") == start + datetime.timedelta(hours=2)
    assert meeting.decoded("DTSTAMP") == now
    assert str(meeting["URL"]) == "https://x.no/m/1"
    assert milestone.decoded("DTSTART") == datetime.date(2026, 3, 31)
    assert not isinstance(milestone.decoded("DTSTART"), datetime.datetime)
    assert milestone.decoded("DTEND") == datetime.date(2026, 4, 1)
    assert milestone["DTSTART"].params["VALUE"] == "DATE"
    assert open_ended.decoded("DTEND") - open_ended.decoded("DTSTART") == datetime.timedelta(
        hours=1
    )
    assert b"DTSTART:20260202T080000Z" in raw  # Oslo winter time in UTC


def test_feed_has_the_users_meetings_milestones_and_gates(world: World) -> None:
    project = make_project(world, leader=world.office, name="Felles arkiv, fase 1")
    body = make_body(world)
    services.body_member_create(body=body, user=world.office)
    meeting = services.meeting_create(
        body=body,
        title="Møte; med, tegn",
        starts_at=timezone.make_aware(datetime.datetime(2026, 2, 1, 9)),
        location="Kristiansand",
    )
    _feed, token = services.calendar_feed_create(user=world.office)
    response = Client().get(feed_url(token))  # no log-in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    by_uid = {str(e["UID"]): e for e in events}
    assert str(by_uid[f"meeting-{meeting.uuid}@samla"]["SUMMARY"]) == "Møte; med, tegn"
    assert f"/s/alfa/prosjekter/moter/{meeting.uuid}/" in str(
        by_uid[f"meeting-{meeting.uuid}@samla"]["URL"]
    )
    gates = [e for e in events if str(e["UID"]).startswith("gate-")]
    assert len(gates) == project.gates.count() == 5
    assert all(g["DTSTART"].params["VALUE"] == "DATE" for g in gates)
    milestones = [e for e in events if str(e["UID"]).startswith("milestone-")]
    assert len(milestones) == project.milestones.count()
    assert all("DTSTAMP" in e for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events)
    # Another user's feed holds none of it.
    _other, other_token = services.calendar_feed_create(user=world.outsider)
    other = icalendar.Calendar.from_ical(Client().get(feed_url(other_token)).content)
    assert list(other.walk("VEVENT")) == []


def test_unknown_and_revoked_tokens_are_404(world: World) -> None:
    client = Client()
    assert client.get(feed_url("samlacal_unknown")).status_code == 404
    assert client.get(feed_url("something-else")).status_code == 404
    feed, token = services.calendar_feed_create(user=world.viewer)
    assert client.get(feed_url(token)).status_code == 200
    feed.refresh_from_db()
    assert feed.last_used_at is not None
    services.calendar_feed_revoke(feed=feed)
    assert client.get(feed_url(token)).status_code == 404
    # A new token replaces the old one.
    _first, first = services.calendar_feed_create(user=world.viewer)
    _second, second = services.calendar_feed_create(user=world.viewer)
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    # An inactive user's feed stops working.
    world.viewer.is_active = False
    world.viewer.save()
    assert client.get(feed_url(second)).status_code == 404
