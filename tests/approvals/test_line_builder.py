"""The line builder of the draft page: people are found by name, unit or position through a
search endpoint (never the whole agency in the page), added as 검토/협조/결재, reordered, and
the line is kept on save exactly in the order chosen."""

import re

from django_tenants.utils import schema_context

from core.approvals.models import Document, StepRole
from core.org.models import PersonStatus, Position
from tests.approvals.picker_size import add_people
from tests.conftest import agency_client
from tests.factories import PersonFactory

DRAFT = {"title": "하반기 업무계획", "document_type": "general", "body": "<p>계획</p>",
         "disclosure": "public"}


def _line(document: Document, role: str) -> list[int]:
    with schema_context("alpha"):
        return list(document.steps.filter(role=role).order_by("order")
                    .values_list("person_id", flat=True))


def _hidden(page: str, field: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'name="{field}" value="(\d+)"', page)]


def test_reviewers_and_cooperators_keep_the_order_chosen(division_head):
    people = division_head
    # By rank and name (the order they used to come out in) this would be 정올리, 이앨리스,
    # 박하나; the drafter chose 박하나, 정올리, 이앨리스.
    chosen = [people.hr.pk, people.other.pk, people.admin.pk]
    response = agency_client("alpha", people.staff.user).post("/approvals/new/", {
        **DRAFT, "reviewers": chosen, "approver": people.head.pk})
    assert response.status_code == 302
    with schema_context("alpha"):
        document = Document.objects.get()
    assert _line(document, StepRole.REVIEWER) == chosen


def test_cooperators_keep_the_order_chosen_too(division_head):
    people = division_head
    chosen = [people.other.pk, people.hr.pk]  # not by name, not by id
    agency_client("alpha", people.staff.user).post("/approvals/new/", {
        **DRAFT, "cooperators": chosen, "approver": people.head.pk})
    with schema_context("alpha"):
        document = Document.objects.get()
    assert _line(document, StepRole.COOPERATOR) == chosen


def test_a_redrafted_line_comes_back_in_its_order(division_head):
    people = division_head
    chosen = [people.other.pk, people.hr.pk]
    staff = agency_client("alpha", people.staff.user)
    staff.post("/approvals/new/", {**DRAFT, "reviewers": chosen, "approver": people.head.pk})
    with schema_context("alpha"):
        document = Document.objects.get()
    staff.post(f"/approvals/{document.pk}/withdraw/")
    page = staff.get(f"/approvals/{document.pk}/redraft/").content.decode()
    assert _hidden(page, "reviewers") == chosen


def test_four_reviewers_are_refused(division_head):
    people = division_head
    with schema_context("alpha"):
        extra = PersonFactory(name="추가검토", unit=people.staff.unit)
    response = agency_client("alpha", people.staff.user).post("/approvals/new/", {
        **DRAFT, "reviewers": [people.hr.pk, people.other.pk, people.admin.pk, extra.pk],
        "approver": people.head.pk})
    assert response.status_code == 400
    assert "검토자는 3명까지" in response.content.decode()


def test_people_are_found_by_name_unit_or_position(division_head):
    staff = agency_client("alpha", division_head.staff.user)

    def found(query: str) -> str:
        response = staff.get("/approvals/people/", {"people_q": query})
        assert response.status_code == 200
        return response.content.decode()

    assert "박하나" in found("하나") and "김현" not in found("하나")
    by_unit = found("성과관리")
    assert "박하나" in by_unit and "정올리" in by_unit and "김현" not in by_unit
    by_position = found("과장")  # the division head's position
    assert "김현" in by_position and "정올리" not in by_position
    assert "김현" in found("혁신 과장")  # every word must match
    assert 'value="reviewers:' in by_unit and 'value="approver:' in by_unit
    assert "맞는 사람이 없습니다" in found("없는사람")
    assert found("").strip() == ""


def test_the_search_leaves_out_the_drafter_and_people_who_left(division_head):
    people = division_head
    with schema_context("alpha"):
        PersonFactory(name="퇴직자", unit=people.staff.unit, status=PersonStatus.LEFT)
    page = agency_client("alpha", people.staff.user).get(
        "/approvals/people/", {"people_q": "혁신기획과"}).content.decode()
    assert "<strong>김현</strong>" in page
    assert "<strong>최샘</strong>" not in page and "퇴직자" not in page


def test_the_search_finds_only_people_of_the_agency_it_is_asked_on(division_head, beta_people):
    with schema_context("beta"):
        PersonFactory(name="베타직원", unit=beta_people.staff.unit)
    page = agency_client("alpha", division_head.staff.user).get(
        "/approvals/people/", {"people_q": "직원"}).content.decode()
    assert "베타직원" not in page
    page = agency_client("alpha", division_head.staff.user).get(
        "/approvals/people/", {"people_q": "최샘"}).content.decode()
    assert "<strong>최샘</strong>" not in page  # alpha's is the drafter; beta's elsewhere


def test_the_search_needs_a_person_of_the_agency(division_head):
    anonymous = agency_client("alpha").get("/approvals/people/", {"people_q": "김"})
    assert anonymous.status_code == 302


def test_a_large_agency_is_searched_not_sent_with_the_draft_page(division_head, capsys):
    add_people(2000)
    staff = agency_client("alpha", division_head.staff.user)
    page = staff.get("/approvals/new/")
    assert page.status_code == 200
    # 452 kB before the builder (three pickers of the whole agency); now the page holds the
    # line only.
    assert len(page.content) < 60_000
    results = staff.get("/approvals/people/", {"people_q": "대량"})
    assert results.content.decode().count('value="reviewers:') == 20
    assert "더 있습니다" in results.content.decode()
    assert len(results.content) < 40_000
    with capsys.disabled():
        print(f"\n[picker size] draft page {len(page.content):,} B with 2,006 people; "
              f"a search of 20 results {len(results.content):,} B")


def test_without_javascript_the_builders_buttons_edit_the_line_and_keep_the_text(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    typed = {**DRAFT, "title": "그대로 남을 제목"}

    found = staff.post("/approvals/new/", {**typed, "people_q": "성과관리", "find_people": "1"})
    page = found.content.decode()
    assert found.status_code == 200 and 'value="그대로 남을 제목"' in page
    assert f'value="reviewers:{people.other.pk}"' in page

    def press(line: dict, button: str, value: str) -> str:
        response = staff.post("/approvals/new/", {**typed, **line, button: value})
        assert response.status_code == 200
        assert 'value="그대로 남을 제목"' in response.content.decode()
        return response.content.decode()

    page = press({"reviewers": [people.hr.pk]}, "line_add", f"reviewers:{people.other.pk}")
    assert _hidden(page, "reviewers") == [people.hr.pk, people.other.pk]
    page = press({"reviewers": [people.hr.pk, people.other.pk]}, "line_move",
                 f"reviewers:{people.other.pk}:up")
    assert _hidden(page, "reviewers") == [people.other.pk, people.hr.pk]
    page = press({"reviewers": [people.hr.pk, people.other.pk]}, "line_remove",
                 f"reviewers:{people.hr.pk}")
    assert _hidden(page, "reviewers") == [people.other.pk]
    # Someone already on the line who is added elsewhere moves there.
    page = press({"reviewers": [people.hr.pk], "approver": people.admin.pk}, "line_add",
                 f"approver:{people.hr.pk}")
    assert _hidden(page, "reviewers") == [] and _hidden(page, "approver") == [people.hr.pk]
    page = press({"reviewers": [people.hr.pk, people.other.pk, people.admin.pk]}, "line_add",
                 f"reviewers:{people.head.pk}")
    assert "검토자는 3명까지" in page
    assert _hidden(page, "reviewers") == [people.hr.pk, people.other.pk, people.admin.pk]
    with schema_context("alpha"):
        assert not Document.objects.exists()


def test_the_builder_offers_the_approver_the_delegation_rules_propose(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    page = staff.post("/approvals/new/", {**DRAFT, "find_people": "1"}).content.decode()
    assert "위임전결규정에 따라 결재권자로 김현" in page
    assert f'name="line_add" value="approver:{people.head.pk}"' in page
    page = staff.post("/approvals/new/", {**DRAFT, "approver": people.head.pk,
                                          "find_people": "1"}).content.decode()
    assert "위임전결규정에 따라 결재권자로 김현" in page
    assert f'name="line_add" value="approver:{people.head.pk}"' not in page


def test_a_position_without_a_head_proposes_nobody(division_head):
    with schema_context("alpha"):
        Position.objects.filter(code="division_head").update(code="renamed")
    page = agency_client("alpha", division_head.staff.user).get("/approvals/new/")
    assert "위임전결규정에 따라" not in page.content.decode()


def test_a_role_emptied_on_the_redraft_page_stays_empty(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    staff.post("/approvals/new/", {**DRAFT, "reviewers": [people.hr.pk],
                                   "approver": people.head.pk})
    with schema_context("alpha"):
        document = Document.objects.get()
    staff.post(f"/approvals/{document.pk}/withdraw/")
    # The reviewer was taken off (no reviewers posted); a search must not bring them back.
    page = staff.post(f"/approvals/{document.pk}/redraft/", {
        **DRAFT, "approver": people.head.pk, "people_q": "성과", "find_people": "1"})
    assert page.status_code == 200
    assert _hidden(page.content.decode(), "reviewers") == []
    assert _hidden(page.content.decode(), "approver") == [people.head.pk]


def test_the_search_takes_the_same_queries_however_many_it_finds(division_head):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = agency_client("alpha", division_head.staff.user)
    staff.get("/approvals/people/", {"people_q": "대량"})  # warm the host cache

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            staff.get("/approvals/people/", {"people_q": "대량"})
        return len(captured)

    add_people(2, units=2, batch="A")
    few = queries()
    add_people(30, units=3, batch="C")
    assert queries() == few
