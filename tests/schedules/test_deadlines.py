"""Deadlines reach the calendar by themselves: open tasks, open instructions and unread
circulations, each on its person's own calendar and feed, and gone once done."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context
from icalendar import Calendar

from core.approvals import services as approvals
from core.schedules.models import FeedToken
from core.work import services as work
from core.work.models import TaskStatus
from tests.conftest import agency_client
from tests.work.helpers import make_document, make_task


def _week(people, persona: str, day, **params) -> str:
    client = agency_client("alpha", getattr(people, persona).user)
    return client.get("/schedules/week/", {"date": day.isoformat(), **params}).content.decode()


def test_a_task_due_date_shows_on_its_owners_calendar_until_done(alpha_people):
    due = timezone.localdate() + timedelta(days=2)
    task = make_task(alpha_people, title="규제 개선 과제", due_date=due)

    assert "과제 마감" in _week(alpha_people, "staff", due)
    assert "규제 개선 과제" in _week(alpha_people, "staff", due)
    assert "규제 개선 과제" not in _week(alpha_people, "other", due)
    assert "규제 개선 과제" not in _week(alpha_people, "staff", due, scope="unit")
    with schema_context("alpha"):
        work.task_update(task=task, actor=alpha_people.staff, status=TaskStatus.DONE)
    assert "규제 개선 과제" not in _week(alpha_people, "staff", due)


def test_instructions_and_circulations_join_the_month_and_the_feed(alpha_people):
    people, due = alpha_people, timezone.localdate() + timedelta(days=5)
    document = make_document(people, title="민원 대응 지침")
    with schema_context("alpha"):
        document = approvals.step_approve(document=document, actor=people.head)
        approvals.document_circulate(document=document, people=[people.staff],
                                     actor=people.head, deadline=due)
        work.instruction_issue(actor=people.head, assignees=[people.staff], title="현황 보고",
                               body="이번 주까지", due_date=due)
    month = agency_client("alpha", people.staff.user).get(
        "/schedules/", {"date": due.isoformat()}).content.decode()
    assert "공람 기한" in month and "민원 대응 지침" in month
    assert "지시 기한" in month and "현황 보고" in month

    client = agency_client("alpha", people.staff.user)
    client.post("/schedules/feed/", {"action": "rotate"})
    with schema_context("alpha"):
        key = FeedToken.objects.get(person=people.staff).key
    feed = Calendar.from_ical(agency_client("alpha").get(f"/schedules/feed/{key}.ics").content)
    summaries = {str(e["SUMMARY"]) for e in feed.walk("VEVENT")}
    assert summaries >= {"[공람 기한] 민원 대응 지침", "[지시 기한] 현황 보고"}

    client.get(f"/approvals/{document.pk}/")  # reading it ends the circulation's deadline
    assert "민원 대응 지침" not in client.get("/schedules/", {"date": due.isoformat()}
                                         ).content.decode()
