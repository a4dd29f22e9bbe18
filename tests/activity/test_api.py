"""/api/v1/activity/: one's own records; a unit head also the unit's; the rater confirms."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from core.activity import services
from core.activity.models import RecordStatus
from tests.activity.helpers import make_task, records_of
from tests.work.helpers import api


def _pending(people, person=None):
    person = person or people.staff
    task = make_task(people, owner=person)
    with schema_context("alpha"):
        return services.record_add(actor=person, title="교육 이수",
                                   occurred_on=timezone.localdate() - timedelta(days=1),
                                   evidence_type="work.task", evidence_id=str(task.pk))


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_each_sees_their_own_and_a_head_the_units(alpha_people):
    with schema_context("alpha"):
        unit = alpha_people.other.unit
        unit.head = alpha_people.hr  # someone to confirm Olivia's records
        unit.save(update_fields=["head"])
    mine, others = _pending(alpha_people), _pending(alpha_people, alpha_people.other)
    assert _ids(api(alpha_people, "staff").get("/api/v1/activity/")) == {mine.pk}
    assert _ids(api(alpha_people, "other").get("/api/v1/activity/")) == {others.pk}
    assert _ids(api(alpha_people, "head").get("/api/v1/activity/")) == {mine.pk}
    assert api(alpha_people, "other").get(f"/api/v1/activity/{mine.pk}/").status_code == 404


def test_the_head_confirms_through_the_api_and_no_one_confirms_their_own(alpha_people):
    record = _pending(alpha_people)
    own = api(alpha_people, "staff").post(f"/api/v1/activity/{record.pk}/confirm/")
    assert own.status_code == 400 and "자신의 실적" in str(own.json())
    done = api(alpha_people, "head").post(f"/api/v1/activity/{record.pk}/confirm/")
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    assert records_of(alpha_people.staff)[0].status == RecordStatus.CONFIRMED


def test_bad_filters_are_refused_in_korean(alpha_people):
    client = api(alpha_people, "staff")
    assert "YYYY-MM-DD" in str(client.get("/api/v1/activity/", {"since": "어제"}).json())
    backwards = client.get("/api/v1/activity/", {"since": "2025-12-01", "until": "2025-01-01"})
    assert backwards.status_code == 400 and "기간의 끝이 시작보다" in str(backwards.json())
    assert client.get("/api/v1/activity/", {"kind": "nope"}).status_code == 400
