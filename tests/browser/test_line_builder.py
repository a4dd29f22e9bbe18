"""The line builder in a real browser at 1366 px: a line template loaded, people found as the
drafter types, added as reviewers, reordered with the keyboard, and the document goes up
with the line in that order and the attachment chosen first (neither the template nor the
builder reloads the page)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, htmx_settled, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def drafting_agency(harmony_server):
    from django_tenants.utils import schema_context

    from tests.factories import PersonFactory, UnitFactory

    agency, head, staff = harmony_server.onboard_division("line", name_ko="결재선시험부")
    with schema_context(agency.schema_name):
        unit = UnitFactory(name="검토지원과")
        reviewers = [PersonFactory(name=name, unit=unit) for name in ("박검토", "이검토", "정검토")]
    return agency, head, staff, reviewers


def test_reviewers_are_reordered_by_keyboard_and_kept_in_that_order(
        harmony_server, chromium, drafting_agency, tmp_path):
    from django_tenants.utils import schema_context

    from core.approvals.models import Document, StepRole
    from tests.factories import PASSWORD

    agency, head, staff, (park, lee, jung) = drafting_agency
    context = chromium.new_context(locale="ko-KR", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{harmony_server.url_for(agency)}/approvals/new/")
    sign_in(page, staff.user.email, PASSWORD)
    page.get_by_label("제목").fill("검토 순서 시험")
    page.locator("trix-editor").click()
    page.keyboard.type("검토자 세 명의 순서를 정합니다.")
    attachment = tmp_path / "근거자료.pdf"
    attachment.write_bytes(b"%PDF-1.4 test")
    page.get_by_label("붙임 파일").set_input_files(str(attachment))
    # Loading a line template replaces the line builder alone: the chosen file stays.
    page.get_by_label("결재선 템플릿").select_option(label="일반 기안 (일반 문서)")
    page.get_by_role("button", name="결재선 불러오기").click()
    expect(page.locator("#line-builder input[name=approver]")).to_have_value(
        str(head.pk), timeout=TIMEOUT_MS)
    htmx_settled(page)
    assert page.get_by_label("붙임 파일").evaluate("input => input.files.length") == 1

    search = page.get_by_role("searchbox", name="결재선에 넣을 사람 찾기")
    search.fill("검토지원과")
    expect(page.locator(".hm-people-results li")).to_have_count(3, timeout=TIMEOUT_MS)
    search.press("Enter")  # searches; never submits the draft
    for person in (park, lee, jung):
        page.get_by_role("button", name=f"{person.name} 님을 검토자로 넣기").click()
    reviewers = page.locator('.hm-line-list[data-field="reviewers"] .hm-line-name')
    expect(reviewers).to_have_text(["박검토", "이검토", "정검토"])

    # Keyboard only: focus 정검토's "위로" and press Enter twice; the focus stays on it.
    up = page.get_by_role("button", name="정검토 님을 위로 옮기기")
    up.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(reviewers).to_have_text(["정검토", "박검토", "이검토"])
    expect(up).to_be_focused()
    expect(page.locator("#line-status")).to_have_text("정검토 님을 1번째로 옮겼습니다.")
    page.get_by_role("button", name="이검토 님을 결재선에서 빼기").press("Enter")
    expect(reviewers).to_have_text(["정검토", "박검토"])
    page.get_by_role("button", name="이검토 님을 검토자로 넣기").click()
    expect(reviewers).to_have_text(["정검토", "박검토", "이검토"])
    # By mouse: drag 이검토 above 박검토, then back below it.
    entries = page.locator('.hm-line-list[data-field="reviewers"] .hm-line-entry')
    entries.nth(2).drag_to(entries.nth(1), target_position={"x": 20, "y": 3})
    expect(reviewers).to_have_text(["정검토", "이검토", "박검토"])
    entries.nth(1).drag_to(entries.nth(2), target_position={"x": 20, "y": 30})
    expect(reviewers).to_have_text(["정검토", "박검토", "이검토"])
    expect(page.locator("#line-builder input[name=approver]")).to_have_value(str(head.pk))
    screenshot(page, "line-builder-1366")

    page.get_by_role("button", name="결재 올리기").click()
    expect(page.locator("h1")).to_have_text("검토 순서 시험")
    with schema_context(agency.schema_name):
        document = Document.objects.get(title="검토 순서 시험")
        order = list(document.steps.filter(role=StepRole.REVIEWER).order_by("order")
                     .values_list("person__name", flat=True))
        files = list(document.attachments.values_list("name", flat=True))
    assert order == ["정검토", "박검토", "이검토"]
    assert files == ["근거자료.pdf"]
    assert errors == []
    context.close()
