"""An approval through a real browser: a staff member drafts from the agency's line
template, their division head approves it from the queue, and the card shows 전결 and the
document number."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, htmx_settled, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def agency_people(harmony_server):
    agency, head, staff = harmony_server.onboard_division("approve", name_ko="결재시험부")
    return agency, staff, head


def test_a_draft_from_the_template_is_approved_by_delegation(harmony_server, chromium,
                                                             agency_people, page):
    from tests.factories import PASSWORD

    agency, staff, head = agency_people
    base = harmony_server.url_for(agency)
    page.goto(f"{base}/approvals/new/")
    sign_in(page, staff.user.email, PASSWORD)
    expect(page.locator("h1")).to_have_text("기안하기")
    page.get_by_label("제목").fill("민원 처리 기간 단축 계획")
    body = page.locator("trix-editor")  # the rich-text editor replaces the textarea
    body.click()
    page.keyboard.type("처리 기간을 7일에서 5일로 줄입니다.")
    page.get_by_role("button", name="굵게").click()  # the toolbar speaks Korean
    page.keyboard.type(" 즉시 시행")
    # Trix copies its HTML into the form field when it renders the change.
    expect(page.locator("input[name=body]")).to_have_value(
        re.compile("즉시 시행</strong>"))
    # Another template refills the line and keeps the text typed so far.
    page.get_by_label("결재선 템플릿").select_option(label="주요 정책 (주요 정책)")
    page.get_by_role("button", name="결재선 불러오기").click()
    expect(page.get_by_label("제목")).to_have_value("민원 처리 기간 단축 계획")
    expect(page.locator("trix-editor")).to_contain_text("5일로 줄입니다")
    # Only the line and the document type are replaced (the attachments stay chosen).
    expect(page.get_by_label("문서 유형")).to_have_value("policy", timeout=TIMEOUT_MS)
    expect(page.locator("p.hm-notice")).to_contain_text("해당하는 사람이 없어 비워 둔 칸")
    page.get_by_label("결재선 템플릿").select_option(label="일반 기안 (일반 문서)")
    page.get_by_role("button", name="결재선 불러오기").click()
    expect(page.locator("#line-builder input[name=approver]")).to_have_value(
        str(head.pk), timeout=TIMEOUT_MS)
    htmx_settled(page)
    # The line builder searches the agency as the drafter types.
    page.get_by_role("searchbox", name="결재선에 넣을 사람 찾기").fill("과장 김현")
    expect(page.locator(".hm-people-results li")).to_have_count(1, timeout=TIMEOUT_MS)
    screenshot(page, "4-draft-from-template")
    page.get_by_role("button", name="결재 올리기").click()
    expect(page.locator("h1")).to_have_text("민원 처리 기간 단축 계획")
    expect(page.locator(".hm-doc-body strong")).to_have_text("즉시 시행")
    assert page.problems == []

    approver = chromium.new_context(locale="ko-KR").new_page()
    approver.goto(f"{base}/approvals/")
    sign_in(approver, head.user.email, PASSWORD)
    expect(approver.locator(".hm-nav .hm-badge")).to_contain_text("1")
    approver.get_by_role("link", name="민원 처리 기간 단축 계획").click()
    approver.get_by_label("승인").check()
    approver.get_by_role("button", name="처리", exact=True).click()
    signatures = approver.locator("table.hm-signatures")
    expect(signatures).to_contain_text("전결")
    expect(approver.locator(".hm-doc-meta")).to_contain_text(re.compile(r"혁신기획과-1 "))
    screenshot(approver, "5-approved-by-delegation")
    approver.context.close()


def test_withdrawing_asks_first_and_a_no_leaves_the_document_as_it_was(harmony_server,
                                                                        agency_people, page):
    from django_tenants.utils import schema_context

    from core.approvals import services
    from core.approvals.models import DocumentStatus, StepRole
    from tests.factories import PASSWORD

    agency, staff, head = agency_people
    with schema_context(agency.schema_name):
        document = services.document_draft(drafter=staff, title="회수 시험", body="본문")
        services.document_submit(document=document, actor=staff, line=[
            services.LineEntry(person=head, role=StepRole.APPROVER)])
    base = harmony_server.url_for(agency)
    page.goto(f"{base}/approvals/{document.pk}/")
    sign_in(page, staff.user.email, PASSWORD)
    withdraw = page.get_by_role("button", name="회수")

    page.once("dialog", lambda dialog: dialog.dismiss())
    withdraw.click()
    expect(withdraw).to_be_visible()
    with schema_context(agency.schema_name):
        document.refresh_from_db()
    assert document.status != DocumentStatus.WITHDRAWN

    page.once("dialog", lambda dialog: dialog.accept())
    withdraw.click()
    expect(page.get_by_role("button", name="회수")).to_have_count(0)
    with schema_context(agency.schema_name):
        document.refresh_from_db()
    assert document.status == DocumentStatus.WITHDRAWN
    assert page.problems == []
