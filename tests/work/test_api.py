"""The work API: task cards with progress reports; memo reports with read receipts."""

from django_tenants.utils import schema_context

from core.work.models import MemoRecipient, ProgressReport, Task
from tests.work.helpers import api, days, events, make_task


def test_a_task_is_created_reported_on_and_listed_through_the_api(alpha_people):
    staff = api(alpha_people, "staff")
    created = staff.post("/api/v1/tasks/", {"title": "API 과제", "due_date": days(3).isoformat(),
                                            "priority": 1}, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["owner"] == alpha_people.staff.pk

    report = staff.post(f"/api/v1/tasks/{pk}/progress/", {"percent": 40, "text": "진행 중"},
                        content_type="application/json")
    assert report.status_code == 201 and report.json()["percent"] == 40

    detail = api(alpha_people, "other").get(f"/api/v1/tasks/{pk}/").json()
    assert detail["progress"] == 40 and detail["reports"][0]["text"] == "진행 중"
    listed = api(alpha_people, "head").get("/api/v1/tasks/", {"mine": "0"}).json()
    assert [row["id"] for row in listed["results"]] == [pk]


def test_progress_through_the_api_is_refused_to_others_and_checked(alpha_people):
    task = make_task(alpha_people)
    refused = api(alpha_people, "other").post(f"/api/v1/tasks/{task.pk}/progress/",
                                              {"percent": 50, "text": "남의 과제"},
                                              content_type="application/json")
    assert refused.status_code == 403
    bad = api(alpha_people, "staff").post(f"/api/v1/tasks/{task.pk}/progress/",
                                          {"percent": 101, "text": "초과"},
                                          content_type="application/json")
    assert bad.status_code == 400
    with schema_context("alpha"):
        assert not ProgressReport.objects.exists()
    assert events("work.progress_reported") == 0


def test_creating_a_task_for_another_units_person_is_refused(alpha_people):
    response = api(alpha_people, "staff").post(
        "/api/v1/tasks/", {"title": "남의 과제", "owner": alpha_people.other.pk},
        content_type="application/json")
    assert response.status_code == 403
    with schema_context("alpha"):
        assert not Task.objects.exists()


def test_memos_through_the_api_record_the_receipt_on_retrieve(alpha_people):
    sent = api(alpha_people, "staff").post(
        "/api/v1/memos/", {"recipients": [alpha_people.head.pk], "title": "API 메모",
                           "body": "보고드립니다."}, content_type="application/json")
    assert sent.status_code == 201
    pk = sent.json()["id"]

    head = api(alpha_people, "head")
    assert [m["id"] for m in head.get("/api/v1/memos/").json()["results"]] == [pk]
    detail = head.get(f"/api/v1/memos/{pk}/").json()
    assert detail["recipients"][0]["read_at"] is not None
    with schema_context("alpha"):
        assert MemoRecipient.objects.get().read_at is not None
    outbox = api(alpha_people, "staff").get("/api/v1/memos/", {"box": "sent"}).json()
    assert [m["id"] for m in outbox["results"]] == [pk]
    assert api(alpha_people, "other").get(f"/api/v1/memos/{pk}/").status_code == 404


def test_a_memo_without_recipients_is_a_400(alpha_people):
    response = api(alpha_people, "staff").post(
        "/api/v1/memos/", {"recipients": [], "title": "빈 메모", "body": "내용"},
        content_type="application/json")
    assert response.status_code == 400
    assert events("work.memo_sent") == 0


def test_the_api_needs_credentials(alpha):
    from tests.conftest import agency_client

    assert agency_client("alpha").get("/api/v1/tasks/").status_code == 401
    assert agency_client("alpha").get("/api/v1/memos/").status_code == 401
