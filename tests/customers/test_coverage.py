from django_tenants.utils import schema_context

from core.customers import services
from tests.conftest import agency_client
from tests.test_isolation import AGENCY_PATHS


def test_the_isolation_matrix_covers_the_case_routes():
    for path in (
        "/public/requests/new/",
        "/public/requests/x/",
        "/public/requests/x/survey/",
        "/cases/",
        "/cases/satisfaction/",
        "/cases/satisfaction/export/",
        "/cases/new/",
        "/cases/1/",
        "/cases/1/x/",
        "/api/v1/cases/",
        "/api/v1/cases/1/",
        "/cases/1/attachments/1/",
        "/cases/outgoing/",
        "/cases/outgoing/new/",
        "/cases/outgoing/1/",
        "/cases/incoming/",
        "/cases/incoming/1/receive/",
    ):
        assert path in AGENCY_PATHS


def test_the_customer_reads_the_reason_for_an_extension(alpha_people, case):
    with schema_context("alpha"):
        services.case_extend(
            case=case, days=2, reason="현장 확인이 필요합니다", actor=alpha_people.head
        )
    page = agency_client("alpha").get(f"/public/requests/{case.token}/").content.decode()
    assert "처리기간이 연장되었습니다." in page and "현장 확인이 필요합니다" in page
