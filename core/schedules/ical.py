"""Write a person's calendar as iCalendar (RFC 5545) with the `icalendar` package, which does
the line folding at 75 octets and the escaping of commas, semicolons and newlines."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from core.schedules.deadlines import Deadline
from core.schedules.models import Entry, Scope

PRODID = "-//Harmony//Schedules 1.0//KO"


def _event(entry: Entry, uid_domain: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"schedule-{entry.pk}@{uid_domain}")
    event.add("dtstamp", stamp)
    if entry.all_day:
        event.add("dtstart", entry.first_day)
        event.add("dtend", entry.last_day + timedelta(days=1))  # DTEND is exclusive
    else:
        event.add("dtstart", entry.starts_at.astimezone(UTC))
        event.add("dtend", entry.ends_at.astimezone(UTC))
    event.add("summary", entry.title)
    if entry.location:
        event.add("location", entry.location)
    if entry.note:
        event.add("description", entry.note)
    event.add("last-modified", entry.updated_at.astimezone(UTC))
    event.add("categories", [entry.get_scope_display()])
    private = entry.scope == Scope.PERSONAL and not entry.is_key
    event.add("class", "PRIVATE" if private else "PUBLIC")
    return event


def _deadline_event(deadline: Deadline, uid_domain: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{deadline.kind}-{deadline.pk}@{uid_domain}")
    event.add("dtstamp", stamp)
    event.add("dtstart", deadline.day)
    event.add("dtend", deadline.day + timedelta(days=1))
    event.add("summary", f"[{deadline.label}] {deadline.title}")
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT")  # a due date does not make the person busy
    return event


def calendar_bytes(entries: Iterable[Entry], *, deadlines: Iterable[Deadline] = (), name: str,
                   uid_domain: str) -> bytes:
    """Return the iCalendar text of ``entries`` and ``deadlines`` (UTF-8, CRLF line ends)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Seoul")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for entry in entries:
        cal.add_component(_event(entry, uid_domain, stamp))
    for deadline in deadlines:
        cal.add_component(_deadline_event(deadline, uid_domain, stamp))
    return cal.to_ical()
