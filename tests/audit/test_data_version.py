"""What pages keep under the agency's data version (core/audit/version.py): a page read twice
with nothing changed is kept and still right; kept pages are per person, and one agency's
never answer another's. (The version's committed behaviour: test_data_version_committed.py.)"""

from django_tenants.utils import schema_context

from core.audit.version import data_version
from core.work import services as work
from tests.conftest import agency_client


def test_a_page_read_twice_with_nothing_changed_is_kept_and_still_right(alpha_people):
    people = alpha_people
    head = agency_client("alpha", people.head.user)
    with schema_context("alpha"):
        work.task_create(actor=people.head, owner=people.head, title="예산 검토")
    first = head.get("/").content.decode()
    with schema_context("alpha"):
        kept_at = data_version()
    second = head.get("/").content.decode()
    assert "예산 검토" in first and "예산 검토" in second
    with schema_context("alpha"):
        assert data_version() == kept_at  # reading changed nothing


def test_kept_pages_are_per_person(alpha_people):
    people = alpha_people
    with schema_context("alpha"):
        work.task_create(actor=people.head, owner=people.head, title="과장님 과제")
        work.task_create(actor=people.staff, owner=people.staff, title="주무관 과제")
    head, staff = (agency_client("alpha", p.user) for p in (people.head, people.staff))
    for _ in range(2):
        mine, theirs = head.get("/").content.decode(), staff.get("/").content.decode()
        assert "과장님 과제" in mine and "주무관 과제" not in mine
        assert "주무관 과제" in theirs and "과장님 과제" not in theirs


def test_kept_pages_never_cross_agencies(alpha_people, beta_people):
    """Both agencies were made alike: their people have the same ids and their versions may
    be equal; the cache key's schema keeps them apart."""
    assert alpha_people.head.pk == beta_people.head.pk
    with schema_context("alpha"):
        work.task_create(actor=alpha_people.head, owner=alpha_people.head, title="알파 과제")
    with schema_context("beta"):
        work.task_create(actor=beta_people.head, owner=beta_people.head, title="베타 과제")
    alpha, beta = (agency_client(name, p.head.user)
                   for name, p in (("alpha", alpha_people), ("beta", beta_people)))
    for _ in range(2):
        a, b = alpha.get("/").content.decode(), beta.get("/").content.decode()
        assert "알파 과제" in a and "베타 과제" not in a
        assert "베타 과제" in b and "알파 과제" not in b
