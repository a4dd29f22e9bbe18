"""Memo reports (메모보고): sent to superiors, read receipts on first opening, replies."""

from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.work.models import Memo, MemoRecipient, MemoReply
from tests.conftest import agency_client
from tests.work.helpers import events


def _send(client, people, **extra):
    return client.post("/work/memos/new/", {
        "recipients": [people.head.pk, people.admin.pk], "title": "민원 급증 보고",
        "body": "오늘 오전 민원이 두 배로 늘었습니다.", **extra})


def test_a_memo_reaches_each_recipients_inbox_unread(alpha_people):
    staff = agency_client("alpha", alpha_people.staff.user)
    assert _send(staff, alpha_people).status_code == 302

    for persona in ("head", "admin"):
        inbox = agency_client("alpha", getattr(alpha_people, persona).user).get("/work/memos/")
        body = inbox.content.decode()
        assert "민원 급증 보고" in body and "읽지 않음" in body
    sent = staff.get("/work/memos/", {"box": "sent"}).content.decode()
    assert "민원 급증 보고" in sent and "0/2명 열람" in sent
    assert events("work.memo_sent") == 1


def test_the_read_receipt_is_recorded_the_first_time_only(alpha_people):
    staff = agency_client("alpha", alpha_people.staff.user)
    _send(staff, alpha_people)
    with schema_context("alpha"):
        memo = Memo.objects.get()
    head = agency_client("alpha", alpha_people.head.user)

    head.get(f"/work/memos/{memo.pk}/")
    with schema_context("alpha"):
        first = MemoRecipient.objects.get(memo=memo, person=alpha_people.head).read_at
    head.get(f"/work/memos/{memo.pk}/")
    staff.get(f"/work/memos/{memo.pk}/")  # the author opening it is no receipt

    with schema_context("alpha"):
        receipts = dict(MemoRecipient.objects.values_list("person_id", "read_at"))
    assert first is not None and receipts[alpha_people.head.pk] == first
    assert receipts[alpha_people.admin.pk] is None
    assert events("work.memo_read") == 1
    assert "1/2명 열람" in staff.get("/work/memos/", {"box": "sent"}).content.decode()


def test_recipients_and_the_author_reply(alpha_people):
    staff = agency_client("alpha", alpha_people.staff.user)
    _send(staff, alpha_people)
    with schema_context("alpha"):
        memo = Memo.objects.get()
    head = agency_client("alpha", alpha_people.head.user)

    head.post(f"/work/memos/{memo.pk}/reply/", {"body": "인력 충원 검토하세요."})
    staff.post(f"/work/memos/{memo.pk}/reply/", {"body": "검토하겠습니다."})

    page = staff.get(f"/work/memos/{memo.pk}/").content.decode()
    assert page.index("인력 충원 검토하세요.") < page.index("검토하겠습니다.")
    assert events("work.memo_replied") == 2


def test_outsiders_cannot_read_or_reply_to_a_memo(alpha_people):
    _send(agency_client("alpha", alpha_people.staff.user), alpha_people)
    with schema_context("alpha"):
        memo = Memo.objects.get()
    other = agency_client("alpha", alpha_people.other.user)
    assert other.get(f"/work/memos/{memo.pk}/").status_code == 404
    assert other.post(f"/work/memos/{memo.pk}/reply/", {"body": "끼어들기"}).status_code == 404
    assert "민원 급증 보고" not in other.get("/work/memos/").content.decode()
    with schema_context("alpha"):
        assert not MemoReply.objects.exists()
        assert not AuditEvent.objects.filter(action="work.memo_read").exists()


def test_a_memo_without_recipients_or_to_oneself_is_refused(alpha_people):
    staff = agency_client("alpha", alpha_people.staff.user)
    empty = _send(staff, alpha_people, recipients=[])
    assert empty.status_code == 400
    assert "받는 사람을 한 명 이상 지정하세요" in empty.content.decode()
    myself = _send(staff, alpha_people, recipients=[alpha_people.staff.pk])
    assert myself.status_code == 400
    assert "자기 자신은 받는 사람" in myself.content.decode()
    with schema_context("alpha"):
        assert not Memo.objects.exists()
    assert events("work.memo_sent") == 0


def test_an_empty_reply_is_refused_and_nothing_is_written(alpha_people):
    staff = agency_client("alpha", alpha_people.staff.user)
    _send(staff, alpha_people)
    with schema_context("alpha"):
        memo = Memo.objects.get()
    response = agency_client("alpha", alpha_people.head.user).post(
        f"/work/memos/{memo.pk}/reply/", {"body": ""})
    assert response.status_code == 400 and "답신 내용을 입력하세요" in response.content.decode()
    with schema_context("alpha"):
        assert not MemoReply.objects.exists()


def test_the_inbox_shows_an_empty_state_and_filters_unread(alpha_people):
    head = agency_client("alpha", alpha_people.head.user)
    assert "받은 메모보고가 없습니다" in head.get("/work/memos/").content.decode()
    _send(agency_client("alpha", alpha_people.staff.user), alpha_people)
    with schema_context("alpha"):
        memo = Memo.objects.get()
    head.get(f"/work/memos/{memo.pk}/")
    assert "민원 급증 보고" not in head.get("/work/memos/", {"unread": "1"}).content.decode()
    assert "민원 급증 보고" in head.get("/work/memos/", {"q": "급증"}).content.decode()

