"""The private calendar feed as iCalendar text (RFC 5545), written by hand: the format is
small, and the rules that matter are kept here and tested by parsing the result with the
``icalendar`` package.

- Lines end with CRLF and are folded so that no line is longer than 75 octets: a longer
  line continues on the next one after a single space, never splitting a UTF-8 character.
- TEXT values escape backslash, semicolon, comma and newline.
- Every VEVENT has a stable UID and a DTSTAMP in UTC. Meetings have DTSTART and DTEND as
  UTC date-times; milestones and gates are all-day events: DTSTART;VALUE=DATE and DTEND the
  day after (DTEND is exclusive).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from samla.governance.selectors import CalendarEntry

PRODID = "-//Samla//Styring og prosjekter//NO"
LINE_LIMIT = 75  # octets, not counting the CRLF
KIND_CATEGORY = {"meeting": "Møte", "milestone": "Milepæl", "gate": "Beslutningspunkt"}
MEETING_LENGTH = datetime.timedelta(hours=1)  # a meeting without an end


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 section 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """One content line, folded at 75 octets (section 3.1), joined with CRLF."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_LIMIT:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = LINE_LIMIT - 1  # continuation lines begin with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc_stamp(moment: datetime.datetime) -> str:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def date_value(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def _event(entry: CalendarEntry, stamp: str, url: str) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{escape_text(entry.uid)}", f"DTSTAMP:{stamp}"]
    start: Any = entry.start
    if entry.all_day:
        day = start.date() if isinstance(start, datetime.datetime) else start
        lines.append(f"DTSTART;VALUE=DATE:{date_value(day)}")
        lines.append(f"DTEND;VALUE=DATE:{date_value(day + datetime.timedelta(days=1))}")
        lines.append("TRANSP:TRANSPARENT")
    else:
        end = entry.end if isinstance(entry.end, datetime.datetime) else start + MEETING_LENGTH
        lines.append(f"DTSTART:{utc_stamp(start)}")
        lines.append(f"DTEND:{utc_stamp(end)}")
    lines.append(f"SUMMARY:{escape_text(entry.summary)}")
    if entry.description:
        lines.append(f"DESCRIPTION:{escape_text(entry.description)}")
    if entry.location:
        lines.append(f"LOCATION:{escape_text(entry.location)}")
    category = KIND_CATEGORY.get(entry.kind)
    if category:
        lines.append(f"CATEGORIES:{escape_text(category)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(
    entries: Iterable[CalendarEntry],
    *,
    name: str,
    url_for: Callable[[CalendarEntry], str] | None = None,
    now: datetime.datetime | None = None,
) -> str:
    stamp = utc_stamp(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-PUBLISHED-TTL:PT1H",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    ]
    for entry in entries:
        lines.extend(_event(entry, stamp, url_for(entry) if url_for else ""))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar_bytes(
    entries: Iterable[CalendarEntry],
    *,
    name: str,
    url_for: Callable[[CalendarEntry], str] | None = None,
    now: datetime.datetime | None = None,
) -> bytes:
    return calendar_text(entries, name=name, url_for=url_for, now=now).encode("utf-8")
