"""A returned document (반려) cannot be missed: a card on the home page (한눈에), and the
reason at the top of the document page and of the redraft page."""

from django_tenants.utils import schema_context

from core.approvals import services
from tests.conftest import agency_client
from tests.work.helpers import make_document


def _returned(people, *, title="민원 개선 보고", reason="근거 자료를 붙이세요"):
    document = make_document(people, title=title)
    with schema_context("alpha"):
        services.step_return(document=document, actor=people.head, reason=reason)
    return document


def _home(people, persona: str) -> str:
    return agency_client("alpha", getattr(people, persona).user).get("/").content.decode()


def test_the_drafter_finds_the_returned_document_and_its_reason_on_the_home_page(alpha_people):
    people = alpha_people
    document = _returned(people)
    page = agency_client("alpha", people.staff.user).get("/").content.decode()
    assert "반려된 내 문서" in page
    assert f'href="/approvals/{document.pk}/">민원 개선 보고' in page
    assert "근거 자료를 붙이세요" in page and "김현" in page


def test_no_returned_card_when_nothing_was_returned_or_for_someone_else(alpha_people):
    people = alpha_people
    make_document(people, title="진행 중인 보고")
    assert "반려된 내 문서" not in _home(people, "staff")
    _returned(people)
    assert "반려된 내 문서" not in _home(people, "head")


def test_a_redrafted_document_leaves_the_returned_card(alpha_people):
    people = alpha_people
    document = _returned(people)
    with schema_context("alpha"):
        services.document_submit(document=document, actor=people.staff, line=[
            services.LineEntry(person=people.head, role="approver")])
    assert "반려된 내 문서" not in _home(people, "staff")


def test_the_reason_stands_at_the_top_of_the_document_and_the_redraft_page(alpha_people):
    people = alpha_people
    document = _returned(people, reason="예산 근거 보완 필요")
    staff = agency_client("alpha", people.staff.user)
    for path, content in ((f"/approvals/{document.pk}/", "<article"),
                          (f"/approvals/{document.pk}/redraft/", '<form method="post"')):
        page = staff.get(path).content.decode()
        main = page[page.index('id="main"'):]
        assert main.index("반려된 문서입니다") < main.index(content), path
        assert "예산 근거 보완 필요" in main[:main.index("반려된 문서입니다") + 600], path


def test_the_latest_return_is_shown_after_a_second_return(alpha_people):
    people = alpha_people
    document = _returned(people, reason="첫 번째 사유")
    with schema_context("alpha"):
        services.document_submit(document=document, actor=people.staff, line=[
            services.LineEntry(person=people.head, role="approver")])
        services.step_return(document=document, actor=people.head, reason="두 번째 사유")
    page = agency_client("alpha", people.staff.user).get("/").content.decode()
    assert "두 번째 사유" in page and "첫 번째 사유" not in page
    card = agency_client("alpha", people.staff.user).get(f"/approvals/{document.pk}/")
    top = card.content.decode().split("반려된 문서입니다", 1)[1][:600]
    assert "두 번째 사유" in top and "첫 번째 사유" not in top
