"""The unit head's dashboard, the person page, the cycles page and the read API."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from core.audit.events import EventType
from core.audit.services import event_record
from core.performance import services
from core.performance.models import Goal, IndicatorEntry, Level
from core.performance.services import GoalInput, IndicatorInput
from tests.conftest import agency_client


def _completed(drafter, actor):
    return event_record(EventType.DOCUMENT_COMPLETED, actor=actor, person_id=drafter.pk,
                        unit_id=drafter.unit_id,
                        payload={"title": "보고", "status": "completed", "number": "혁신-1",
                                 "handling_seconds": 60})


def _goals(cycle, p):
    with schema_context("alpha"):
        services.goals_set(cycle=cycle, level=Level.PERSON, owner_id=p.staff.pk, goals=[
            GoalInput(title="문서 처리", weight=70, indicators=[
                IndicatorInput(name="", weight=100, target="2", code="documents_completed")]),
            GoalInput(title="혁신 제안", weight=30, indicators=[
                IndicatorInput(name="제안 건수", weight=100, target="4")])], actor=p.staff)


def _api(person):
    with schema_context("alpha"):
        token, _created = Token.objects.get_or_create(user=person.user)
    client = agency_client("alpha")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_the_head_sees_the_unit_and_each_member_move(placed, cycle):
    p = placed
    _goals(cycle, p)
    client = agency_client("alpha", p.head.user)
    page = client.get("/performance/").content.decode()
    assert "혁신기획과" in page and "최샘" in page and 'hx-trigger="sse:changed' in page
    assert "0%" in page
    with schema_context("alpha"):
        _completed(p.staff, p.head)
    page = client.get("/performance/").content.decode()
    assert "35%" in page  # 1 of 2 documents: 50% of a goal weighing 70


def test_the_dashboard_reads_a_fixed_number_of_queries(placed, cycle):
    p = placed
    _goals(cycle, p)

    def give(person):
        with schema_context("alpha"):
            services.goal_assign(cycle=cycle, people=[person.pk], goal=GoalInput(
                title="청렴", weight=100, indicators=[IndicatorInput(
                    name="교육", weight=100, target="1")]), actor=p.head)

    give(p.head)
    client = agency_client("alpha", p.head.user)
    client.get("/performance/")
    with CaptureQueriesContext(connection) as few:
        client.get("/performance/")
    with schema_context("alpha"):
        for _ in range(5):
            _completed(p.staff, p.head)
    give(p.admin)
    client.get("/performance/")  # the menu and the person read afresh at the new version
    with CaptureQueriesContext(connection) as more:
        client.get("/performance/")
    assert len(more) == len(few) <= 12


def test_staff_see_their_own_attainment_not_the_units(placed, cycle):
    p = placed
    _goals(cycle, p)
    page = agency_client("alpha", p.staff.user).get("/performance/").content.decode()
    assert "구성원 달성도" not in page and "나의 달성도" in page
    # Nor a colleague's page.
    response = agency_client("alpha", p.other.user).get(
        f"/performance/cycles/{cycle.pk}/people/{p.staff.pk}/")
    assert response.status_code == 404


def test_a_person_enters_a_value_with_evidence_on_their_page(placed, cycle):
    p = placed
    _goals(cycle, p)
    with schema_context("alpha"):
        indicator = Goal.objects.get(title="혁신 제안").indicators.get()
    client = agency_client("alpha", p.staff.user)
    client.post(f"/performance/indicators/{indicator.pk}/entry/", {"value": "두 건",
                                                                  "evidence": "제안서"})
    with schema_context("alpha"):
        assert not IndicatorEntry.objects.exists()
    response = client.post(f"/performance/indicators/{indicator.pk}/entry/",
                           {"value": "2", "evidence": "혁신-7 제안서"}, follow=True)
    page = response.content.decode()
    assert "실적을 입력했습니다" in page and "15%" in page  # 2 of 4 → 50% of 30
    # Someone who may not see the indicator cannot enter it either.
    other = agency_client("alpha", p.other.user).post(
        f"/performance/indicators/{indicator.pk}/entry/", {"value": "9", "evidence": "x"})
    assert other.status_code == 404


def test_hr_opens_a_cycle_and_a_wrong_date_is_refused_in_korean(placed):
    client = agency_client("alpha", placed.hr.user)
    page = client.post("/performance/cycles/", {"scheme": "service", "base_date": "2026-05-31"},
                       follow=True).content.decode()
    assert "근무성적평가의 평가 기준일은 06-30, 12-31 중 하나입니다." in page
    staff = agency_client("alpha", placed.staff.user).post(
        "/performance/cycles/", {"scheme": "service", "base_date": "2026-06-30"})
    assert staff.status_code == 403


def test_the_head_gives_one_goal_to_several_members_through_the_form(placed, cycle):
    p = placed
    client = agency_client("alpha", p.head.user)
    response = client.post(f"/performance/cycles/{cycle.pk}/assign/", {
        "people": [p.staff.pk, p.admin.pk], "title": "민원 처리", "weight": "100",
        "code": "cases_closed", "target": "열"})
    assert "목표치는 숫자로 적으세요" in response.content.decode()
    with schema_context("alpha"):
        assert not Goal.objects.exists()
    client.post(f"/performance/cycles/{cycle.pk}/assign/", {
        "people": [p.staff.pk, p.admin.pk], "title": "민원 처리", "weight": "100",
        "code": "cases_closed", "target": "10"})
    with schema_context("alpha"):
        assert Goal.objects.filter(title="민원 처리").count() == 2
    assert agency_client("alpha", p.other.user).get(
        f"/performance/cycles/{cycle.pk}/assign/").status_code == 403


def test_the_api_answers_only_what_the_caller_may_see(placed, cycle):
    p = placed
    _goals(cycle, p)
    with schema_context("alpha"):
        _completed(p.staff, p.head)
    cycles = _api(p.other).get("/api/v1/performance/cycles/").json()["results"]
    assert [c["id"] for c in cycles] == [cycle.pk]
    assert _api(p.other).get("/api/v1/performance/goals/").json()["results"] == []
    assert _api(p.other).get(
        f"/api/v1/performance/cycles/{cycle.pk}/attainment/?person={p.staff.pk}"
    ).status_code == 404
    assert len(_api(p.head).get(f"/api/v1/performance/goals/?person={p.staff.pk}")
               .json()["results"]) == 2
    mine = _api(p.staff).get(f"/api/v1/performance/cycles/{cycle.pk}/attainment/").json()
    assert mine["attainment"] == "35.00"
    unit = _api(p.head).get(
        f"/api/v1/performance/cycles/{cycle.pk}/attainment/?unit={p.head.unit_id}").json()
    assert {m["name"]: m["attainment"] for m in unit["members"]}["최샘"] == "35.00"
    assert _api(p.staff).get(
        f"/api/v1/performance/cycles/{cycle.pk}/attainment/?unit={p.head.unit_id}"
    ).status_code == 404


def test_the_head_sets_the_units_goals_in_the_editor_and_a_wrong_total_is_refused(placed,
                                                                                   cycle):
    p = placed
    client = agency_client("alpha", p.head.user)
    url = f"/performance/cycles/{cycle.pk}/goals/unit/{p.head.unit_id}/"
    rows = {"rows": "2", "title-0": "문서 처리", "weight-0": "60",
            "code-0": "documents_completed", "target-0": "40",
            "title-1": "혁신", "weight-1": "30", "indicator-1": "제안", "target-1": "5"}
    page = client.post(url, rows).content.decode()
    assert "가중치의 합은 100이어야 합니다 (지금 90)" in page
    with schema_context("alpha"):
        assert not Goal.objects.exists()
    client.post(url, {**rows, "weight-1": "40"})
    with schema_context("alpha"):
        assert sorted(Goal.objects.filter(level=Level.UNIT).values_list("title", "weight")) == [
            ("문서 처리", 60), ("혁신", 40)]
        kept = Goal.objects.get(title="혁신")
    # Editing keeps a goal (and its indicator); a row left empty removes its goal.
    client.post(url, {"rows": "2", "goal-0": str(kept.pk), "title-0": "혁신 제안",
                      "weight-0": "100"})
    with schema_context("alpha"):
        goal = Goal.objects.get(level=Level.UNIT)
        assert (goal.pk, goal.title, goal.indicators.get().name) == (kept.pk, "혁신 제안", "제안")
    assert agency_client("alpha", p.staff.user).post(url, rows).status_code == 403
