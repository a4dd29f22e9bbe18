"""The work API: task cards with progress reports; memo reports with read receipts and
replies; instructions tracked per assignee."""

from django_tenants.utils import schema_context

from core.work import services
from core.work.models import (
    AssignmentStatus,
    Instruction,
    InstructionAssignment,
    MemoRecipient,
    MemoReply,
    ProgressReport,
    Task,
)
from tests.conftest import agency_client
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
    assert agency_client("alpha").get("/api/v1/tasks/").status_code == 401
    assert agency_client("alpha").get("/api/v1/memos/").status_code == 401
    assert agency_client("alpha").get("/api/v1/instructions/").status_code == 401


# --- memo replies ------------------------------------------------------------------------


def _memo(people):
    with schema_context("alpha"):
        return services.memo_send(actor=people.staff, recipients=[people.head],
                                  title="민원 급증 보고", body="민원이 두 배로 늘었습니다.")


def test_a_recipient_replies_to_a_memo_through_the_api(alpha_people):
    memo = _memo(alpha_people)
    reply = api(alpha_people, "head").post(f"/api/v1/memos/{memo.pk}/reply/",
                                           {"body": "인력 지원을 검토하겠습니다."},
                                           content_type="application/json")
    assert reply.status_code == 201
    assert reply.json()["author"] == alpha_people.head.pk

    detail = api(alpha_people, "staff").get(f"/api/v1/memos/{memo.pk}/").json()
    assert [r["body"] for r in detail["replies"]] == ["인력 지원을 검토하겠습니다."]
    assert events("work.memo_replied") == 1


def test_a_memo_reply_is_refused_to_outsiders_and_needs_a_body(alpha_people):
    memo = _memo(alpha_people)
    outsider = api(alpha_people, "other").post(f"/api/v1/memos/{memo.pk}/reply/",
                                               {"body": "끼어들기"},
                                               content_type="application/json")
    assert outsider.status_code == 404
    blank = api(alpha_people, "head").post(f"/api/v1/memos/{memo.pk}/reply/", {"body": "  "},
                                           content_type="application/json")
    assert blank.status_code == 400
    assert blank.json()["body"] == ["답신 내용을 입력하세요."]
    with schema_context("alpha"):
        assert not MemoReply.objects.exists()
    assert events("work.memo_replied") == 0


# --- instructions ------------------------------------------------------------------------


def _issue(people, *, issuer="head", assignees=("staff", "admin"), title="매뉴얼 정비"):
    with schema_context("alpha"):
        return services.instruction_issue(
            actor=getattr(people, issuer), title=title, body="초안을 준비하세요.",
            assignees=[getattr(people, persona) for persona in assignees], due_date=days(7))


def _post_instruction(client, people, **extra):
    return client.post("/api/v1/instructions/", {
        "assignees": [people.staff.pk, people.admin.pk], "title": "민원 대응 매뉴얼 정비",
        "body": "이번 주까지 초안을 준비하세요.", "due_date": days(7).isoformat(), **extra},
        content_type="application/json")


def _parts(instruction_json) -> dict[int, str]:
    return {part["assignee"]: part["status"] for part in instruction_json["assignments"]}


def test_a_unit_head_issues_an_instruction_and_an_assignee_completes_it(alpha_people):
    people = alpha_people
    issued = _post_instruction(api(people, "head"), people)
    assert issued.status_code == 201
    pk = issued.json()["id"]
    assert _parts(issued.json()) == {people.staff.pk: "open", people.admin.pk: "open"}

    staff = api(people, "staff")
    mine = staff.get("/api/v1/instructions/", {"role": "assigned"}).json()
    assert [row["id"] for row in mine["results"]] == [pk]
    done = staff.post(f"/api/v1/instructions/{pk}/complete/", {"note": "초안 작성 완료"},
                      content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done"

    detail = api(people, "head").get(f"/api/v1/instructions/{pk}/").json()
    assert detail["body"] == "이번 주까지 초안을 준비하세요."
    assert _parts(detail) == {people.staff.pk: "done", people.admin.pk: "open"}
    assert detail["assignments"][0]["note"] == "초안 작성 완료"
    assert events("work.instruction_issued") == 1
    assert events("work.instruction_completed") == 1


def test_staff_cannot_issue_instructions_through_the_api(alpha_people):
    staff = api(alpha_people, "staff")
    assert _post_instruction(staff, alpha_people,
                             assignees=[alpha_people.other.pk]).status_code == 403
    assert staff.post("/api/v1/instructions/", {}, content_type="application/json"
                      ).status_code == 403
    with schema_context("alpha"):
        assert not Instruction.objects.exists()
    assert events("work.instruction_issued") == 0


def test_only_an_assignee_completes_their_own_part_through_the_api(alpha_people):
    pk = _issue(alpha_people).pk
    other = api(alpha_people, "other")
    assert other.get(f"/api/v1/instructions/{pk}/").status_code == 404
    assert other.get("/api/v1/instructions/").json()["results"] == []
    assert other.post(f"/api/v1/instructions/{pk}/complete/", {"note": "대신 완료"},
                      content_type="application/json").status_code == 404
    issuer = api(alpha_people, "head").post(f"/api/v1/instructions/{pk}/complete/",
                                            {"note": "대신 완료"},
                                            content_type="application/json")
    assert issuer.status_code == 403
    with schema_context("alpha"):
        assert not InstructionAssignment.objects.filter(status=AssignmentStatus.DONE).exists()
    assert events("work.instruction_completed") == 0


def test_bad_instructions_are_a_400_in_korean_and_write_nothing(alpha_people):
    head = api(alpha_people, "head")
    past = _post_instruction(head, alpha_people, due_date=days(-1).isoformat())
    assert past.status_code == 400
    assert past.json()["detail"] == ["처리기한은 오늘 이후로 지정하세요."]
    nobody = _post_instruction(head, alpha_people, assignees=[])
    assert nobody.json()["assignees"] == ["담당자를 한 명 이상 지정하세요."]
    himself = _post_instruction(head, alpha_people, assignees=[alpha_people.head.pk])
    assert himself.status_code == 400 and "자기 자신은" in himself.json()["detail"][0]
    not_a_date = _post_instruction(head, alpha_people, due_date="다음 주")
    assert not_a_date.json()["due_date"] == ["처리기한을 날짜로 입력하세요."]
    with schema_context("alpha"):
        assert not Instruction.objects.exists()
    assert events("work.instruction_issued") == 0


def test_completion_through_the_api_needs_a_note_and_happens_once(alpha_people):
    pk = _issue(alpha_people).pk
    staff = api(alpha_people, "staff")
    blank = staff.post(f"/api/v1/instructions/{pk}/complete/", {"note": ""},
                       content_type="application/json")
    assert blank.status_code == 400 and blank.json()["note"] == ["처리 결과를 입력하세요."]
    with schema_context("alpha"):
        assert not InstructionAssignment.objects.filter(status=AssignmentStatus.DONE).exists()

    staff.post(f"/api/v1/instructions/{pk}/complete/", {"note": "완료"},
               content_type="application/json")
    again = staff.post(f"/api/v1/instructions/{pk}/complete/", {"note": "또 완료"},
                       content_type="application/json")
    assert again.status_code == 400
    assert again.json()["detail"] == ["이미 완료 처리한 지시사항입니다."]
    with schema_context("alpha"):
        assert InstructionAssignment.objects.get(assignee=alpha_people.staff).note == "완료"
    assert events("work.instruction_completed") == 1


def test_the_instruction_list_filters_by_role_and_status(alpha_people):
    issued = _issue(alpha_people, assignees=["staff"], title="내린 지시").pk
    received = _issue(alpha_people, issuer="admin", assignees=["head"], title="받은 지시").pk
    head = api(alpha_people, "head")

    def listed(**params) -> list[int]:
        return [row["id"] for row in head.get("/api/v1/instructions/", params).json()["results"]]

    assert listed() == [received, issued]
    assert listed(role="issued") == [issued]
    assert listed(role="assigned") == [received]
    api(alpha_people, "staff").post(f"/api/v1/instructions/{issued}/complete/",
                                    {"note": "완료"}, content_type="application/json")
    # Issued ones count as done once every assignee is; received ones by the head's own part.
    assert listed(status="done") == [issued]
    assert listed(status="open") == [received]
    assert listed(role="assigned", status="done") == []


def test_open_parts_past_the_due_date_are_flagged_overdue(alpha_people):
    instruction = _issue(alpha_people)
    with schema_context("alpha"):
        Instruction.objects.filter(pk=instruction.pk).update(due_date=days(-2))
    staff = api(alpha_people, "staff")
    staff.post(f"/api/v1/instructions/{instruction.pk}/complete/", {"note": "늦게 완료"},
               content_type="application/json")

    row = api(alpha_people, "head").get("/api/v1/instructions/").json()["results"][0]
    assert row["overdue"] is True
    assert {part["assignee"]: part["overdue"] for part in row["assignments"]} == {
        alpha_people.staff.pk: False, alpha_people.admin.pk: True}


def test_the_instruction_list_uses_a_bounded_number_of_queries(alpha_people,
                                                                django_assert_max_num_queries):
    for n in range(10):
        _issue(alpha_people, title=f"지시 {n}")
    head = api(alpha_people, "head")
    head.get("/api/v1/me/")  # warm the caches (host, the agency's token lifetime)
    # Tenant, token and person look-ups, then count, rows and every assignee's part: no N+1.
    with django_assert_max_num_queries(9):
        response = head.get("/api/v1/instructions/")
    assert response.json()["count"] == 10


def test_the_openapi_schema_describes_instructions_and_memo_replies(alpha):
    schema = agency_client("alpha").get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/instructions/", "/api/v1/instructions/{id}/",
                 "/api/v1/instructions/{id}/complete/", "/api/v1/memos/{id}/reply/"):
        assert path in schema
