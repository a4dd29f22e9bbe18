"""The central console's agency list and an agency's own page."""

from tests.conftest import console_client
from tests.factories import onboard_agency


def test_the_search_finds_an_agency_by_its_subdomain_name_or_code(central_user):
    onboard_agency("test-ui1", code="1000011", name_ko="시험화면청")
    onboard_agency("mogaha", code="1000012", name_ko="행정자치부")
    client = console_client(central_user)

    for query in ("test-ui1", "test-ui1.localhost", "시험화면", "1000011"):
        page = client.get("/", {"q": query}).content.decode()
        assert "시험화면청" in page and "행정자치부" not in page, query
    assert "행정자치부" in client.get("/", {"q": "mogaha"}).content.decode()
