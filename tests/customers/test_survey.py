"""The satisfaction survey (고객만족도): invited at closure on the private status page, one
answer per case pinned to the rule version asked, refused in Korean otherwise, a low score
opening a follow-up task for the unit head, and the typed events performance reads."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone
from django_tenants.utils import schema_context

from core.audit.events import EventType, Visibility
from core.audit.models import ActivityEvent
from core.customers.models import Case, SurveyResponse
from core.customers.services import case_extend, case_receive
from core.policies.kinds import kind_get
from core.policies.models import Policy
from core.policies.selectors import policy_in_force
from core.policies.services import draft_adopt, draft_save
from core.work.models import Task
from tests.conftest import agency_client
from tests.customers.conftest import answer_all, intake


def _status(token: str) -> str:
    return f"/public/requests/{token}/"


def test_closure_invites_the_customer_who_answers_once_on_the_status_page(closed_case):
    with schema_context("alpha"):
        invited = ActivityEvent.objects.get(type=EventType.SURVEY_INVITED)
        version = policy_in_force(kind="survey", on=timezone.localdate())
    assert invited.payload["number"] == closed_case.number
    client = agency_client("alpha")
    page = client.get(_status(closed_case.token)).content.decode()
    assert "만족도 조사" in page and "담당자는 친절하고 성실하게 응대했습니까?" in page
    assert page.count('type="radio"') == 5 * 7

    answered = client.post(_status(closed_case.token) + "survey/",
                           {**answer_all(6), "comment": "빨리 처리해 주셨어요."})
    assert answered.status_code == 302
    with schema_context("alpha"):
        response = SurveyResponse.objects.get(case=closed_case)
    assert response.rule_version_id == version.pk
    assert (response.answers, response.scale, str(response.mean)) == ([6] * 5, 7, "6.00")
    assert str(response.score) == "83.3" and not response.low
    assert "응답해 주셔서 감사합니다" in client.get(_status(closed_case.token)).content.decode()

    again = client.post(_status(closed_case.token) + "survey/", answer_all(1))
    assert again.status_code == 400
    assert "응답은 한 번만 할 수 있습니다" in again.content.decode()
    with schema_context("alpha"):
        assert SurveyResponse.objects.get(case=closed_case).answers == [6] * 5


def test_the_database_keeps_one_response_per_case(closed_case):
    with schema_context("alpha"):
        row = {"scale": 7, "answers": [7] * 5, "mean": 7, "score": 100,
               "answered_at": timezone.now()}
        SurveyResponse.objects.create(case=closed_case, **row)
        with pytest.raises(IntegrityError):
            SurveyResponse.objects.create(case=closed_case, **row)


def test_an_open_case_an_incomplete_answer_and_a_late_one_are_refused(alpha_people, case,
                                                                       closed_case):
    client = agency_client("alpha")
    with schema_context("alpha"):
        open_case, open_token = case_receive(intake=intake(title="열린 민원"), channel="web")
    refused = client.post(_status(open_token) + "survey/", answer_all(5))
    assert refused.status_code == 400
    assert "처리가 끝난 민원에만" in refused.content.decode()

    partial = answer_all(5)
    partial["q3"] = "9"
    wrong = client.post(_status(closed_case.token) + "survey/", partial)
    assert wrong.status_code == 400 and "1점에서 7점 사이로" in wrong.content.decode()
    missing = client.post(_status(closed_case.token) + "survey/", {"q1": "5"})
    assert missing.status_code == 400

    with schema_context("alpha"):
        Case.objects.filter(pk=closed_case.pk).update(
            closed_at=timezone.now() - timedelta(days=31))
    late = client.post(_status(closed_case.token) + "survey/", answer_all(5))
    assert late.status_code == 400 and "응답 기간" in late.content.decode()
    assert "응답 기간" in client.get(_status(closed_case.token)).content.decode()
    assert client.post("/public/requests/wrong-token/survey/", answer_all(5)).status_code == 404
    with schema_context("alpha"):
        assert not SurveyResponse.objects.exists()


def test_html_in_the_comment_is_kept_as_text_and_no_staff_page_shows_it(alpha_people,
                                                                      closed_case):
    client = agency_client("alpha")
    client.post(_status(closed_case.token) + "survey/",
                {**answer_all(2), "comment": "<script>alert('담당자 불친절')</script>"})
    with schema_context("alpha"):
        assert SurveyResponse.objects.get().comment.startswith("<script>")
    head = agency_client("alpha", alpha_people.head.user)
    for path in (f"/cases/{closed_case.pk}/", "/cases/satisfaction/", "/cases/"):
        page = head.get(path).content.decode()
        assert "담당자 불친절" not in page


def test_a_low_score_opens_a_follow_up_task_for_the_unit_head(alpha_people, closed_case):
    client = agency_client("alpha")
    client.post(_status(closed_case.token) + "survey/",
                {**answer_all(2), "comment": "다시는 신청하지 않겠습니다."})
    with schema_context("alpha"):
        task = Task.objects.get()
        assert SurveyResponse.objects.get().low
    assert task.owner == alpha_people.head and task.unit == alpha_people.head.unit
    assert closed_case.number in task.title
    assert "다시는" not in task.plan and "2" not in task.title.replace(closed_case.number, "")


def test_a_good_score_opens_no_task(closed_case):
    agency_client("alpha").post(_status(closed_case.token) + "survey/", answer_all(5))
    with schema_context("alpha"):
        assert SurveyResponse.objects.exists() and not Task.objects.exists()


def test_performance_events_carry_their_person_unit_days_and_score(alpha_people, case):
    from core.customers.services import case_assign, case_close

    unit, token = alpha_people.head.unit, case.token
    with schema_context("alpha"):
        case = case_assign(case=case, assignee=alpha_people.staff, actor=alpha_people.head)
        case = case_extend(case=case, days=2, reason="현장 확인", actor=alpha_people.head)
        case = case_close(case=case, answer="처리했습니다.", actor=alpha_people.head)
    agency_client("alpha").post(_status(token) + "survey/", answer_all(7))
    with schema_context("alpha"):
        events = {e.type: e for e in ActivityEvent.objects.all()}
    received = events[EventType.CASE_RECEIVED].payload
    assert received["person"] is None and received["channel"] == "web"
    extended = events[EventType.CASE_EXTENDED]
    assert extended.payload["days"] == 2 and extended.version == 2
    closed = events[EventType.CASE_CLOSED].payload
    assert (closed["person"], closed["unit"]) == (alpha_people.staff.pk, unit.pk)
    assert closed["on_time"] is True and closed["handling_days"] >= 0
    score = events[EventType.SURVEY_ANSWERED]
    assert score.payload == {"case_type": "inquiry", "person": alpha_people.staff.pk,
                             "unit": unit.pk, "scale": 7, "mean": 7.0, "score": 100.0,
                             "low": False}
    # A score is the admins' only: the handler is not told who scored them how.
    assert score.visibility == Visibility.ADMIN and score.audience == []


def test_agencies_change_questions_and_scale_as_versions_and_answers_pin_theirs(
        alpha_people, closed_case, officer):
    kind = kind_get("survey")
    today = timezone.localdate()
    with schema_context("alpha"):
        old = Policy.objects.get(kind="survey")
        Policy.objects.filter(pk=old.pk).update(effective_from=today - timedelta(days=30))
        Case.objects.filter(pk=closed_case.pk).update(closed_at=timezone.now()
                                                      - timedelta(days=3))
        draft = draft_save(kind=kind, actor=alpha_people.admin, data={
            "scale": 5, "questions": [{"text": "답변에 만족하십니까?"}], "comment": False,
            "low_mean": "2", "open_days": 14})
        newer = draft_adopt(draft=draft, effective_from=today, actor=alpha_people.admin)
        fresh, token = case_receive(intake=intake(title="새 민원"), channel="web")
        from core.customers.services import case_close

        case_close(case=fresh, answer="답", actor=officer)
    client = agency_client("alpha")
    page = client.get(_status(token)).content.decode()
    assert "답변에 만족하십니까?" in page and page.count('type="radio"') == 5
    assert "survey-comment" not in page
    assert client.post(_status(token) + "survey/", {"q1": "4"}).status_code == 302
    # The case closed before the new version still asks the old questions.
    older = client.get(_status(closed_case.token)).content.decode()
    assert "담당자는 친절하고 성실하게 응대했습니까?" in older
    assert client.post(_status(closed_case.token) + "survey/", answer_all(7)).status_code == 302
    with schema_context("alpha"):
        pinned = dict(SurveyResponse.objects.values_list("case_id", "rule_version_id"))
    assert pinned == {fresh.pk: newer.pk, closed_case.pk: old.pk}


def test_the_survey_rule_refuses_a_scale_beyond_the_bound_and_a_threshold_at_the_top(alpha):
    kind = kind_get("survey")
    data, source, version = kind.standard_default()
    assert version == "2026.3" and len(data["questions"]) == 5 and data["scale"] == 7
    from django.core.exceptions import ValidationError

    with schema_context("alpha"), pytest.raises(ValidationError) as refused:
        kind.validate({**data, "scale": 12})
    assert "10" in str(refused.value) and "표준모델" in str(refused.value)
    with schema_context("alpha"), pytest.raises(ValidationError) as refused:
        kind.validate({**data, "scale": 5, "low_mean": 5})
    assert "최고점보다 낮아야" in str(refused.value)


def test_the_rulebook_shows_the_survey(alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)
    page = client.get("/rules/kinds/survey/").content.decode()
    assert "고객만족도 조사" in page and "7점 척도" in page and "3점 이하" in page
