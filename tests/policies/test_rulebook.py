"""The agency rulebook (issue 8 §1–§3, §5): typed kinds within the standard model's legal
bounds, drafts compared and adopted with a date, previews that write nothing."""

import copy
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.policies.kinds import KINDS
from core.policies.models import Policy, PolicyStatus
from core.policies.selectors import policy_in_force, rule_version, rule_version_get
from tenants.standard_models import latest_standard_model_version, load_standard_model
from tests.conftest import agency_client
from tests.factories import PersonFactory, UnitFactory

BOUND = "최상위 등급 비율은 20%를 넘을 수 없습니다 — 공무원 성과평가 등에 관한 규정"


def _standard(kind: str) -> dict:
    return copy.deepcopy(next(p["data"] for p in load_standard_model(
        latest_standard_model_version())["policies"] if p["kind"] == kind))


def _too_generous() -> dict:
    data = _standard("service_rating")
    data["grades"][0]["share"], data["grades"][1]["share"] = 30, 30
    return data


def _form_post(data: dict) -> dict:
    """The generic editor's fields for ``data`` of the service rating."""
    post = {}
    for i, c in enumerate(data["components"]):
        post |= {f"components__{i}__code": c["code"], f"components__{i}__name": c["name"],
                 f"components__{i}__weight": c["weight"]}
    for i, g in enumerate(data["grades"]):
        post |= {f"grades__{i}__code": g["code"], f"grades__{i}__name": g["name"],
                 f"grades__{i}__share": g["share"]}
    post |= {"base_dates": ", ".join(data["base_dates"]),
             "rounding__top": data["rounding"]["top"],
             "rounding__bottom": data["rounding"]["bottom"]}
    for name in ("small_unit_pool_below", "min_service_months", "min_service_months_annual",
                 "committee_min_members", "appeal_days"):
        post[name] = data[name]
    return post


def test_every_kind_is_shown_as_labelled_values_with_default_bound_and_source(alpha_people):
    page = agency_client("alpha", alpha_people.admin.user).get("/rules/").content.decode()
    for kind in KINDS.values():
        assert f'id="kind-{kind.code}"' in page
    assert "{'" not in page and "&#x27;" not in page  # no raw dicts
    assert "평가 요소와 가중치" in page and "<td>근무실적</td>" in page
    assert "평가자 집단 가중치 · 상급자" in page and "50%" in page
    assert "명부 점수 비중 · 근무성적" in page
    assert "1. 개인별" in page  # the bonus method by name
    assert "표준모델 기본값" in page
    assert "최상위 등급 비율 상한 (%)" in page and "공무원 성과평가 등에 관한 규정" in page
    # Performance contract is new: the agency follows the kind's default until it adopts one.
    assert "매우우수" in page


def test_a_draft_beyond_the_bound_is_refused_in_the_form_with_its_source(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    response = admin.post("/rules/kinds/service_rating/new/", _form_post(_too_generous()))
    assert response.status_code == 400
    assert BOUND in response.content.decode()
    with schema_context("alpha"):
        assert not Policy.objects.filter(status=PolicyStatus.DRAFT).exists()


def test_a_draft_is_compared_then_adopted_from_a_date_and_audited(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    data = _standard("service_rating")
    data["grades"][1]["share"], data["grades"][2]["share"] = 45, 25
    data["appeal_days"] = 10
    response = admin.post("/rules/kinds/service_rating/new/", _form_post(data))
    assert response.status_code == 302
    with schema_context("alpha"):
        draft = Policy.objects.get(status=PolicyStatus.DRAFT)
    page = admin.get(f"/rules/kinds/service_rating/{draft.pk}/").content.decode()
    changed = re.findall(r'<tr class="hm-changed"><th scope="row">([^<]+)</th>', page)
    assert changed == ["등급과 비율 · 우 · 비율", "등급과 비율 · 양 · 비율", "이의신청 기간"]
    assert "<mark>45%</mark>" in page

    past = timezone.localdate() - timedelta(days=1)
    refused = admin.post(f"/rules/kinds/service_rating/{draft.pk}/",
                         {"effective_from": past.isoformat()})
    assert refused.status_code == 400
    assert "지난 날짜부터 적용할 수 없습니다" in refused.content.decode()

    start = timezone.localdate() + timedelta(days=10)
    adopted = admin.post(f"/rules/kinds/service_rating/{draft.pk}/",
                         {"effective_from": start.isoformat()})
    assert adopted.status_code == 302
    with schema_context("alpha"):
        assert policy_in_force(kind="service_rating", on=start).pk == draft.pk
        assert policy_in_force(kind="service_rating", on=timezone.localdate()).pk != draft.pk
        event = AuditEvent.objects.get(action="policies.rule_adopted")
        assert event.target_id == str(draft.pk) or str(draft.pk) in str(event.target_id)
        pinned = rule_version_get(draft.pk)
        assert pinned.rule.appeal_days == 10 and pinned.effective_from == start
        assert rule_version(kind="service_rating", on=start).id == draft.pk
    # The older version stays readable.
    with schema_context("alpha"):
        older = Policy.objects.filter(kind="service_rating").exclude(pk=draft.pk).get()
    old_page = admin.get(f"/rules/kinds/service_rating/{older.pk}/").content.decode()
    assert "<td>우</td><td>40%</td>" in old_page


def test_promotion_weights_apply_one_year_later(alpha_people):
    with schema_context("alpha"):
        kind = KINDS["promotion"]
        today = timezone.localdate()
        assert kind.earliest_effective(today) > today + timedelta(days=364)
        assert "1년 뒤부터" in kind.start_refusal(today + timedelta(days=30), today)


def test_a_back_dated_delegation_version_is_refused_with_its_reason(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    past = timezone.localdate() - timedelta(days=3)
    response = admin.post("/rules/delegation/", {
        "effective_from": past.isoformat(), "general": "team_head", "policy": "office_head",
        "budget": "bureau_head", "personnel": "vice_minister", "directive": "minister",
        "established_rule": "minister", "order": "vice_minister", "notice": "division_head"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "지난 날짜부터 적용할 수 없습니다" in body
    assert "적용 중인 위임전결규정이 없습니다" not in body


def _api(people, persona="admin"):
    return agency_client(people.agency.schema_name, getattr(people, persona).user)


def test_the_api_lists_kinds_with_version_in_force_drafts_and_history(alpha_people):
    response = _api(alpha_people).get("/api/v1/rules/")
    assert response.status_code == 200
    kinds = {k["kind"]: k for k in response.json()}
    assert set(kinds) == set(KINDS)
    rating = kinds["service_rating"]
    assert rating["in_force"]["id"] and rating["history"][0]["id"] == rating["in_force"]["id"]
    assert {b["code"]: b["value"] for b in rating["bounds"]}["top_share_max"] == 20
    assert kinds["performance_contract"]["schema"]["properties"]["grades"]
    assert _api(alpha_people, "hr").get("/api/v1/rules/").status_code == 200
    assert _api(alpha_people, "staff").get("/api/v1/rules/").status_code == 403


def test_the_api_refuses_an_out_of_bounds_draft_with_the_bound_and_its_source(alpha_people):
    response = _api(alpha_people).post("/api/v1/rules/service_rating/drafts/",
                                       {"data": _too_generous()}, content_type="application/json")
    assert response.status_code == 400
    assert BOUND in response.json()["detail"]
    assert _api(alpha_people, "hr").post("/api/v1/rules/service_rating/drafts/", {
        "data": _standard("service_rating")}, content_type="application/json"
    ).status_code == 403


def _counts():
    with schema_context("alpha"):
        return Policy.objects.count(), AuditEvent.objects.count()


def test_service_rating_preview_grades_per_unit_and_pools_small_units_writing_nothing(
        alpha_people):
    with schema_context("alpha"):
        parent = UnitFactory(code="P1")
        UnitFactory(code="C1", parent=parent)
    evaluatees = ([{"id": f"p{i}", "unit": "P1", "score": 100 - i} for i in range(10)]
                  + [{"id": "c1", "unit": "C1", "score": 99.5},
                     {"id": "t1", "unit": "기획팀", "score": 50, "parent": "P1"}])
    client = _api(alpha_people)
    before = _counts()
    response = client.post("/api/v1/rules/service_rating/preview/",
                                       {"evaluatees": evaluatees},
                                       content_type="application/json")
    assert response.status_code == 200, response.content
    assert _counts() == before
    results = {r["id"]: r for r in response.json()["results"]}
    assert set(results) == {r["id"] for r in evaluatees}
    assert results["p0"] == {"id": "p0", "grade": "수", "rank": 1, "pooled_into": None}
    assert results["c1"]["pooled_into"] == "P1"  # a unit of one pools into its parent
    assert results["t1"]["pooled_into"] == "P1"  # a label pools where "parent" says
    assert results["t1"]["grade"] == "가"
    grades = [r["grade"] for r in response.json()["results"]]
    assert grades.count("수") == 2  # 20% of 12, rounded half up
    assert response.json()["rule_version"]


def test_a_preview_of_a_draft_uses_the_draft_and_bad_input_is_a_400(alpha_people):
    client = _api(alpha_people)
    evaluatees = [{"id": f"e{i}", "unit": "팀", "score": 90 - i} for i in range(10)]
    draft = _standard("service_rating")
    draft["grades"] = [{"code": "a", "name": "A", "share": 10},
                       {"code": "b", "name": "B", "share": 80},
                       {"code": "c", "name": "C", "share": 10}]
    answer = client.post("/api/v1/rules/service_rating/preview/",
                         {"evaluatees": evaluatees, "draft": draft},
                         content_type="application/json").json()
    assert [r["grade"] for r in answer["results"]].count("A") == 1
    assert answer["rule_version"] is None

    for bad in ({"evaluatees": []}, {"evaluatees": [{"id": "x", "unit": "u", "score": "abc"}]},
                {"evaluatees": [{"id": "x", "unit": "u", "score": 1}] * 2},
                {"evaluatees": evaluatees, "draft": _too_generous()},
                {"evaluatees": evaluatees, "draft": "nonsense"}, ["not", "an", "object"]):
        response = client.post("/api/v1/rules/service_rating/preview/", bad,
                               content_type="application/json")
        assert response.status_code == 400, (bad, response.content)
    assert client.post("/api/v1/rules/bonus/preview/", {"evaluatees": evaluatees},
                       content_type="application/json").status_code == 404


def test_the_preview_page_starts_from_current_staff_and_writes_nothing(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    page = admin.get("/rules/kinds/service_rating/preview/").content.decode()
    assert alpha_people.staff.employee_number in page
    with schema_context("alpha"):
        unit = alpha_people.staff.unit.code
        for _ in range(4):
            PersonFactory(unit=alpha_people.staff.unit)
    before = _counts()
    lines = "\n".join(f"x{i}, {unit}, {90 - i}" for i in range(5))
    response = admin.post("/rules/kinds/service_rating/preview/", {"lines": lines})
    assert response.status_code == 200
    assert "<td>x0</td><td>수</td><td>1</td>" in response.content.decode()
    assert _counts() == before
    assert admin.post("/rules/kinds/service_rating/preview/",
                      {"lines": "x0, u, many"}).status_code == 400


def test_unknown_kinds_and_other_roles_are_refused(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    assert admin.get("/rules/kinds/nonsense/").status_code == 404
    assert admin.get("/rules/kinds/service_rating/999999/").status_code == 404
    hr = agency_client("alpha", alpha_people.hr.user)
    assert hr.get("/rules/kinds/service_rating/").status_code == 403
    assert hr.post("/rules/kinds/service_rating/new/", {}).status_code == 403


@pytest.mark.parametrize("code", sorted(KINDS))
def test_every_kind_page_and_its_editor_render(alpha_people, code):
    admin = agency_client("alpha", alpha_people.admin.user)
    assert admin.get(f"/rules/kinds/{code}/").status_code == 200
    assert admin.get(f"/rules/kinds/{code}/new/").status_code in (200, 302)


def test_rules_in_force_are_read_once_per_request(alpha_people, django_assert_max_num_queries):
    from core.policies import selectors

    with schema_context("alpha"):
        token = selectors._rulebook.set({})
        try:
            today = timezone.localdate()
            selectors.policy_in_force(kind="delegation", on=today)
            with django_assert_max_num_queries(0):
                for kind in KINDS:
                    selectors.policy_in_force(kind=kind, on=today)
                selectors.delegation_rules(on=today)
                selectors.absence_registrars(on=today)
        finally:
            selectors._rulebook.reset(token)


def test_an_agency_on_an_older_standard_model_takes_the_new_document_types(alpha_people):
    """An agency onboarded on 2026.1 compares and adopts 2026.2's new types, kind by kind,
    keeping its own final positions."""
    with schema_context("alpha"):
        older = load_standard_model("2026.1")
        Policy.objects.filter(kind="performance_contract").delete()
        Policy.objects.update(standard_model_version="2026.1")
        delegation = Policy.objects.get(kind="delegation")
        rules = next(p["data"] for p in older["policies"] if p["kind"] == "delegation")["rules"]
        delegation.data = {"rules": [{**r, "final_position": "team_head"}
                                     if r["document_type"] == "general" else r for r in rules]}
        delegation.save()
    admin = agency_client("alpha", alpha_people.admin.user)
    page = admin.get("/rules/").content.decode()
    newest = latest_standard_model_version()
    assert f"표준모델 {newest}의 새 문서 유형 받기" in page
    assert f"표준모델 {newest}의 새 값 받기" in page  # the performance contract
    assert page.count("의 새 ") == 2  # unchanged kinds offer nothing

    response = admin.post("/rules/kinds/delegation/standard/", {"version": newest})
    assert response.status_code == 302
    compared = admin.get(response["Location"]).content.decode()
    assert "<mark>보도자료</mark>" in compared
    with schema_context("alpha"):
        draft = Policy.objects.get(kind="delegation", status=PolicyStatus.DRAFT)
        finals = {r["document_type"]: r["final_position"] for r in draft.data["rules"]}
        assert finals["general"] == "team_head" and "press_release" in finals
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert admin.post(response["Location"],
                      {"effective_from": tomorrow.isoformat()}).status_code == 302
    with schema_context("alpha"):
        assert policy_in_force(kind="delegation", on=tomorrow).pk == draft.pk
        assert AuditEvent.objects.filter(action="policies.rule_adopted").exists()
    assert "새 문서 유형 받기" not in admin.get("/rules/").content.decode()


def test_the_demo_leaves_a_service_rating_draft_to_compare(alpha_people):
    from tenants.demo_work import DemoStaff, _rule_draft

    people = alpha_people
    with schema_context("alpha"):
        _rule_draft(DemoStaff(head=people.head, staff=people.staff, hr_unit=people.hr.unit,
                              admin=people.admin))
        draft = Policy.objects.get(status=PolicyStatus.DRAFT)
    page = agency_client("alpha", people.admin.user).get(
        f"/rules/kinds/service_rating/{draft.pk}/").content.decode()
    assert "<mark>45%</mark>" in page and "<mark>10일</mark>" in page


def test_a_delegation_draft_naming_an_unknown_position_is_refused(alpha_people):
    data = _standard("delegation")
    data["rules"][0]["final_position"] = "emperor"
    response = _api(alpha_people).post("/api/v1/rules/delegation/drafts/", {"data": data},
                                       content_type="application/json")
    assert response.status_code == 400
    assert "알 수 없는 직위입니다: emperor" in response.json()["detail"]
    ok = _api(alpha_people).post("/api/v1/rules/delegation/drafts/",
                                 {"data": _standard("delegation")},
                                 content_type="application/json")
    assert ok.status_code == 201 and ok.json()["status"] == "draft"
