"""The approval pages: draft with a line, see the queue, act on a turn, read the card."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from core.approvals import services
from core.approvals.models import Circulation, Document, DocumentStatus, SignMark
from core.audit.version import data_version_bump
from tests.conftest import agency_client


def _draft(client, people, **extra):
    return client.post("/approvals/new/", {
        "title": "민원 처리 개선 계획", "document_type": "general", "body": "<p>개선안</p>",
        "disclosure": "public", "disclosure_ground": "", "reviewers": [],
        "cooperators": [people.hr.pk], "approver": people.head.pk, **extra})


def test_the_delegation_rules_propose_the_approver(division_head):
    page = agency_client("alpha", division_head.staff.user).get("/approvals/new/")
    assert "위임전결규정에 따라 결재권자로 김현" in page.content.decode()


def test_a_drafted_document_reaches_each_signer_and_is_marked_delegated(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    response = _draft(staff, people)
    assert response.status_code == 302
    with schema_context("alpha"):
        document = Document.objects.get(title="민원 처리 개선 계획")

    hr = agency_client("alpha", people.hr.user)
    assert "민원 처리 개선 계획" in hr.get("/approvals/").content.decode()
    hr.post(f"/approvals/{document.pk}/act/", {"decision": "approve", "opinion": "협조"})
    head = agency_client("alpha", people.head.user)
    head.post(f"/approvals/{document.pk}/act/", {"decision": "approve"})

    with schema_context("alpha"):
        document.refresh_from_db()
        final = document.steps.get(person=people.head)
    assert document.status == DocumentStatus.APPROVED
    assert final.sign_mark == SignMark.DELEGATED
    card = staff.get(f"/approvals/{document.pk}/").content.decode()
    assert "전결" in card and "혁신기획과-1" in card and "결재 완료" in card


def test_the_queue_count_shows_in_the_navigation(division_head):
    _draft(agency_client("alpha", division_head.staff.user), division_head)
    nav = agency_client("alpha", division_head.hr.user).get("/").content.decode()
    assert 'class="hm-badge">1<span class="sr-only">건' in nav


def test_people_outside_the_line_get_404(division_head):
    _draft(agency_client("alpha", division_head.staff.user), division_head)
    with schema_context("alpha"):
        document = Document.objects.get()
    outsider = agency_client("alpha", division_head.other.user)
    assert outsider.get(f"/approvals/{document.pk}/").status_code == 404
    assert outsider.post(f"/approvals/{document.pk}/act/",
                         {"decision": "approve"}).status_code == 404


def test_returning_without_a_reason_is_refused_with_a_message(division_head):
    people = division_head
    _draft(agency_client("alpha", people.staff.user), people)
    with schema_context("alpha"):
        document = Document.objects.get()
    hr = agency_client("alpha", people.hr.user)
    response = hr.post(f"/approvals/{document.pk}/act/", {"decision": "return"}, follow=True)
    assert "반려 사유를 입력하세요" in response.content.decode()
    with schema_context("alpha"):
        assert Document.objects.get().status == DocumentStatus.IN_PROGRESS


def test_a_draft_without_an_approver_is_refused_and_nothing_is_written(division_head):
    response = _draft(agency_client("alpha", division_head.staff.user), division_head,
                      approver="")
    assert response.status_code == 400
    assert "결재권자를 지정하세요" in response.content.decode()
    with schema_context("alpha"):
        assert not Document.objects.exists()


def test_a_line_problem_rolls_back_the_draft_too(division_head):
    people = division_head
    response = _draft(agency_client("alpha", people.staff.user), people,
                      reviewers=[people.head.pk])
    assert response.status_code == 400
    assert "두 번" in response.content.decode()
    with schema_context("alpha"):
        assert not Document.objects.exists()


def test_the_drafter_withdraws_from_the_card(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    _draft(staff, people)
    with schema_context("alpha"):
        document = Document.objects.get()
    staff.post(f"/approvals/{document.pk}/withdraw/")
    with schema_context("alpha"):
        assert Document.objects.get().status == DocumentStatus.WITHDRAWN
    assert "민원 처리 개선 계획" in staff.get("/approvals/?box=drafts").content.decode()


def test_a_returned_document_is_fixed_and_sent_up_again_from_its_card(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    _draft(staff, people, cooperators=[])
    with schema_context("alpha"):
        document = Document.objects.get()
    agency_client("alpha", people.head.user).post(
        f"/approvals/{document.pk}/act/", {"decision": "return", "opinion": "근거 보완"})

    form = staff.get(f"/approvals/{document.pk}/redraft/")
    assert "민원 처리 개선 계획" in form.content.decode()
    response = staff.post(f"/approvals/{document.pk}/redraft/", {
        "title": "민원 처리 개선 계획(보완)", "document_type": "general",
        "body": "<p>근거 추가</p>", "disclosure": "public", "approver": people.head.pk})

    assert response.status_code == 302
    with schema_context("alpha"):
        document.refresh_from_db()
        versions = list(document.versions.values_list("title", flat=True))
    assert document.status == DocumentStatus.IN_PROGRESS and document.version == 2
    assert versions == ["민원 처리 개선 계획", "민원 처리 개선 계획(보완)"]


def test_searching_by_document_number_finds_the_document(division_head):
    people = division_head
    _draft(agency_client("alpha", people.staff.user), people, cooperators=[])
    with schema_context("alpha"):
        document = Document.objects.get()
    head = agency_client("alpha", people.head.user)
    head.post(f"/approvals/{document.pk}/act/", {"decision": "approve"})
    found = head.get("/approvals/", {"box": "done", "q": "혁신기획과-1"}).content.decode()
    missing = head.get("/approvals/", {"box": "done", "q": "혁신기획과-2"}).content.decode()
    assert "민원 처리 개선 계획" in found and "민원 처리 개선 계획" not in missing


def test_a_records_officer_the_agency_appoints_reads_every_submitted_document(division_head):
    people = division_head
    _draft(agency_client("alpha", people.staff.user), people)
    with schema_context("alpha"):
        document = Document.objects.get()
    officer = agency_client("alpha", people.other.user)
    assert officer.get(f"/approvals/{document.pk}/").status_code == 404

    admin = agency_client("alpha", people.admin.user)
    admin.post(f"/org/people/{people.other.pk}/roles/",
               {"roles": ["staff", "records_officer"]})
    assert officer.get(f"/approvals/{document.pk}/").status_code == 200
    everything = officer.get("/approvals/?box=all").content.decode()
    assert "민원 처리 개선 계획" in everything
    # Reading is not acting: the officer has no turn and their own boxes stay their own.
    assert officer.post(f"/approvals/{document.pk}/act/",
                        {"decision": "approve"}).status_code == 302
    with schema_context("alpha"):
        assert Document.objects.get().status == DocumentStatus.IN_PROGRESS
    for signer in (people.hr, people.head):
        agency_client("alpha", signer.user).post(f"/approvals/{document.pk}/act/",
                                                 {"decision": "approve"})
    assert "민원 처리 개선 계획" not in officer.get("/approvals/?box=done").content.decode()
    assert "민원 처리 개선 계획" in officer.get("/approvals/?box=all").content.decode()


def test_a_box_filters_by_status_and_downloads_as_excel(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    _draft(staff, people)
    _draft(staff, people, title="예산 집행 계획")
    with schema_context("alpha"):
        held = Document.objects.get(title="예산 집행 계획")
    agency_client("alpha", people.hr.user).post(f"/approvals/{held.pk}/act/",
                                                {"decision": "hold", "opinion": "검토 중"})
    page = staff.get("/approvals/", {"box": "progress", "status": "held"}).content.decode()
    assert "예산 집행 계획" in page and "민원 처리 개선 계획" not in page

    response = staff.get("/approvals/", {"box": "progress", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("문서번호", "제목")
    assert sorted(row[1] for row in rows[1:]) == ["민원 처리 개선 계획", "예산 집행 계획"]


def test_an_exported_title_that_looks_like_a_formula_stays_text(division_head):
    staff = agency_client("alpha", division_head.staff.user)
    _draft(staff, division_head, title='=HYPERLINK("http://x","y")')

    response = staff.get("/approvals/", {"box": "progress", "format": "xlsx"})
    title = load_workbook(io.BytesIO(response.content)).active["B2"]
    assert title.value == '=HYPERLINK("http://x","y")'
    assert title.data_type == "s" and title.quotePrefix


def _approved_by_the_head(people) -> Document:
    _draft(agency_client("alpha", people.staff.user), people, cooperators=[])
    with schema_context("alpha"):
        document = Document.objects.get()
    agency_client("alpha", people.head.user).post(f"/approvals/{document.pk}/act/",
                                                  {"decision": "approve"})
    return document


def test_a_completed_documents_card_links_to_circulation_without_listing_everyone(
        division_head):
    document = _approved_by_the_head(division_head)
    card = agency_client("alpha", division_head.staff.user).get(f"/approvals/{document.pk}/")
    html = card.content.decode()
    assert f'href="/approvals/{document.pk}/circulate/"' in html
    assert 'name="people"' not in html


def test_the_drafter_circulates_a_completed_document_from_its_page(division_head):
    people = division_head
    document = _approved_by_the_head(people)
    staff = agency_client("alpha", people.staff.user)
    page = staff.get(f"/approvals/{document.pk}/circulate/")
    assert page.status_code == 200 and 'name="people"' in page.content.decode()

    response = staff.post(f"/approvals/{document.pk}/circulate/", {"people": [people.other.pk]})

    assert response.status_code == 302
    with schema_context("alpha"):
        assert list(Circulation.objects.values_list("person", flat=True)) == [people.other.pk]


def test_circulating_to_nobody_is_refused_on_the_page_and_nothing_is_written(division_head):
    document = _approved_by_the_head(division_head)
    staff = agency_client("alpha", division_head.staff.user)
    response = staff.post(f"/approvals/{document.pk}/circulate/", {"people": []})
    assert response.status_code == 400
    assert "공람할 사람을 지정하세요" in response.content.decode()
    with schema_context("alpha"):
        assert not Circulation.objects.exists()


def test_people_who_cannot_read_a_document_cannot_open_its_circulation_page(division_head):
    document = _approved_by_the_head(division_head)
    outsider = agency_client("alpha", division_head.other.user)
    assert outsider.get(f"/approvals/{document.pk}/circulate/").status_code == 404


def _queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_queue_and_the_card_take_the_same_queries_however_much_they_hold(division_head):
    people = division_head
    staff, hr = (agency_client("alpha", p.user) for p in (people.staff, people.hr))
    _draft(staff, people)
    with schema_context("alpha"):
        document = Document.objects.get()
    hr.get("/approvals/")  # warm the host cache
    few = [_queries(hr, "/approvals/"), _queries(hr, f"/approvals/{document.pk}/")]

    for _ in range(31):  # a second page of the queue
        _draft(staff, people)
    hr.post(f"/approvals/{document.pk}/act/", {"decision": "hold", "opinion": "확인 중"})
    many = [_queries(hr, "/approvals/"), _queries(hr, f"/approvals/{document.pk}/")]

    assert [len(q) for q in many] == [len(q) for q in few]
    with schema_context("alpha"):
        data_version_bump()  # as after any change: nothing kept is served
    assert len(_queries(hr, "/approvals/?page=2")) == len(many[0])
    # Queue: search path, data version, session, account, person and roles, signers (the HR
    # officer's MFA was checked once and the session remembers it), the box tabs' counts, the
    # queue's count (the badge's too) and rows. Card: search path, data version (the shell
    # is kept from the queue page read just before), the badge's count, the document, its
    # steps, history, recipients, circulations, attachments and versions, and the agency's
    # settings (발신명의 and the foot's contact details).
    assert [len(q) for q in many] == [10, 11], many
    # Read again with nothing changed in the agency: only the search path and the version;
    # the shell, the counts and the rendered list are kept (core/portal/access.py
    # person_cached, {% keep %}). (The first page's rows were last rendered before the
    # version moved: read once more, then kept.)
    assert len(_queries(hr, "/approvals/")) == 3
    assert len(_queries(hr, "/approvals/")) == 2


def test_the_queue_page_counts_the_queue_once_and_the_badge_shows_it(division_head):
    people = division_head
    staff, hr = (agency_client("alpha", p.user) for p in (people.staff, people.hr))
    for _ in range(2):
        _draft(staff, people)
    hr.get("/approvals/")  # warm the host cache
    with CaptureQueriesContext(connection) as captured:
        page = hr.get("/approvals/").content.decode()
    counts = [q["sql"] for q in captured.captured_queries
              if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "approvals_document"')]
    assert len(counts) == 1, counts
    assert '<span id="nav-count-approvals"> <span class="hm-badge">2<span' in page
    # A filtered list is not the queue: the badge still counts the whole queue.
    filtered = hr.get("/approvals/?q=없는제목").content.decode()
    assert '<span id="nav-count-approvals"> <span class="hm-badge">2<span' in filtered


def test_the_box_tabs_count_what_waits_for_the_person(division_head):
    people = division_head
    document = _approved_by_the_head(people)
    with schema_context("alpha"):
        services.document_circulate(document=Document.objects.get(pk=document.pk),
                                    people=[people.other], actor=people.head)
    other = agency_client("alpha", people.other.user)
    tabs = other.get("/approvals/").content.decode()
    assert '공람 <span class="hm-badge">1<span class="sr-only">건' in tabs
    other.get(f"/approvals/{document.pk}/")  # reading it
    assert '공람 <span class="hm-badge">' not in other.get("/approvals/").content.decode()


def test_a_circulation_deadline_in_the_past_is_refused(division_head):
    from datetime import timedelta

    from django.utils import timezone

    document = _approved_by_the_head(division_head)
    staff = agency_client("alpha", division_head.staff.user)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = staff.post(f"/approvals/{document.pk}/circulate/", {
        "people": [division_head.other.pk], "deadline": yesterday.isoformat()})
    assert response.status_code == 400
    assert "공람 기한은 오늘이나 그 뒤여야 합니다" in response.content.decode()
    with schema_context("alpha"):
        assert not Circulation.objects.exists()
