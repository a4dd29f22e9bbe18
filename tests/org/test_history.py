"""The org chart's history: appointments (발령), who was where on a date (org_on), HR's
corrections, the history import and export, and discipline (징계)."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from core.audit.models import AuditEvent
from core.org import imports, selectors, services
from core.org.models import (
    Appointment,
    AppointmentKind,
    DisciplineKind,
    Grade,
    Person,
    PersonStatus,
    Position,
    Unit,
)
from tests.conftest import agency_client
from tests.factories import PersonFactory

TODAY = timezone.localdate()


def _grade(name: str) -> Grade:
    return Grade.objects.get(name=name)


def _hire(people, *, on=date(2018, 3, 2), number="H-001", unit=None) -> Person:
    return services.person_create(
        actor=people.hr, employee_number=number, name="한지원", hired_on=on,
        unit=unit or people.staff.unit, grade=_grade("9급"),
        position=Position.objects.get(name="주무관"))


def _record(person, kind, starts_on, actor, **fields) -> Appointment:
    return services.appointment_record(person=person, kind=kind, starts_on=starts_on,
                                       reason=fields.pop("reason", "정기 인사"), actor=actor,
                                       **fields)


def test_hire_date_time_in_grade_and_post_follow_from_appointments(alpha_people):
    with schema_context("alpha"):
        person = _hire(alpha_people)
        _record(person, AppointmentKind.PROMOTION, date(2022, 1, 1), alpha_people.hr,
                grade=_grade("8급"))
        # A transfer keeps the grade: time in grade runs on, time in post starts again.
        _record(person, AppointmentKind.TRANSFER, date(2023, 1, 1), alpha_people.hr,
                unit=alpha_people.other.unit)

        assert selectors.hire_date(person) == date(2018, 3, 2)
        on = date(2023, 12, 31)
        assert selectors.time_in_grade(person, on) == (on - date(2022, 1, 1)).days + 1
        assert selectors.time_in_post(person, on) == (on - date(2023, 1, 1)).days + 1
        assert selectors.time_in_grade(person, date(2021, 12, 31)) == (
            date(2021, 12, 31) - date(2018, 3, 2)).days + 1
        # The person's current record is the appointment in force today.
        person.refresh_from_db()
        assert person.unit == alpha_people.other.unit and person.grade.name == "8급"
        assert person.position.name == "주무관"  # carried over: the promotion named no post


def test_org_on_answers_who_was_where_on_a_past_date_after_a_transfer(
        alpha_people, django_assert_num_queries):
    with schema_context("alpha"):
        planning, performance = alpha_people.staff.unit, alpha_people.other.unit
        person = _hire(alpha_people, unit=planning)
        _record(person, AppointmentKind.TRANSFER, date(2024, 7, 1), alpha_people.hr,
                unit=performance)

        with django_assert_num_queries(1):
            before = selectors.unit_members_on(planning, date(2024, 6, 30))
        with django_assert_num_queries(1):
            after = selectors.org_on(date(2024, 7, 1))

        assert [p.person_id for p in before] == [person.pk]
        assert selectors.unit_members_on(performance, date(2024, 6, 30)) == []
        assert after[person.pk].unit_id == performance.pk
        assert after[person.pk].kind == AppointmentKind.TRANSFER
        assert selectors.appointment_of(person, date(2019, 1, 1)).unit == planning
        assert selectors.people_on(date(2018, 3, 1)) == []  # before they were hired


def test_leave_stays_in_the_unit_and_retirement_leaves_the_agency(alpha_people):
    with schema_context("alpha"):
        person = _hire(alpha_people)
        _record(person, AppointmentKind.LEAVE, date(2020, 1, 1), alpha_people.hr,
                reason="육아휴직")
        _record(person, AppointmentKind.RETURN, date(2021, 1, 1), alpha_people.hr)
        _record(person, AppointmentKind.RETIREMENT, date(2024, 12, 31), alpha_people.hr,
                reason="의원면직")

        on_leave = selectors.org_on(date(2020, 6, 1))[person.pk]
        assert on_leave.kind == AppointmentKind.LEAVE
        assert on_leave.unit_id == alpha_people.staff.unit_id
        assert person.pk not in selectors.org_on(date(2025, 1, 1))
        person.refresh_from_db()
        assert person.status == PersonStatus.LEFT


@pytest.mark.parametrize("kind, starts_on, reason, message", [
    (AppointmentKind.TRANSFER, date(2017, 1, 1), "전보", "다음 발령"),  # before the hire
    (AppointmentKind.TRANSFER, date(2018, 3, 2), "전보", "같은 날"),
    (AppointmentKind.TRANSFER, TODAY + timedelta(days=1), "전보", "오늘 이후"),
    (AppointmentKind.TRANSFER, date(2020, 1, 1), "  ", "사유"),
])
def test_an_appointment_that_does_not_fit_is_refused_and_nothing_is_written(
        alpha_people, kind, starts_on, reason, message):
    with schema_context("alpha"):
        person = _hire(alpha_people)
        before = Appointment.objects.count()
        try:
            # Before the hire with an explicit end after it: overlaps the hire.
            services.appointment_record(person=person, kind=kind, starts_on=starts_on,
                                        ends_on=date(2019, 1, 1) if starts_on.year == 2017
                                        else None, reason=reason, actor=alpha_people.hr,
                                        unit=alpha_people.other.unit)
        except ValidationError as error:
            assert message in " ".join(error.messages)
        else:
            pytest.fail("accepted")
        assert Appointment.objects.count() == before
        person.refresh_from_db()
        assert person.unit == alpha_people.staff.unit


def test_hr_records_and_corrects_history_on_the_person_page_with_before_and_after(
        alpha_people):
    with schema_context("alpha"):
        person = _hire(alpha_people)
    hr = agency_client("alpha", alpha_people.hr.user)

    response = hr.post(f"/org/people/{person.pk}/appointments/new/", {
        "kind": "transfer", "starts_on": "2021-03-01", "unit": alpha_people.other.unit_id,
        "reason": "정기 전보"})
    assert response.status_code == 302
    with schema_context("alpha"):
        transfer = Appointment.objects.get(person=person, kind="transfer")
    response = hr.post(f"/org/people/{person.pk}/appointments/{transfer.pk}/edit/", {
        "kind": "transfer", "starts_on": "2021-02-15", "unit": alpha_people.other.unit_id,
        "reason": "발령일 오기 정정"})
    assert response.status_code == 302

    page = hr.get(f"/org/people/{person.pk}/").content.decode()
    assert "발령 이력" in page and "2021-02-15" in page and "발령일 오기 정정" in page
    with schema_context("alpha"):
        corrected = AuditEvent.objects.get(action="org.appointment_corrected")
        assert corrected.changes["starts_on"] == ["2021-03-01", "2021-02-15"]
        assert corrected.changes["reason"] == "발령일 오기 정정"
        assert AuditEvent.objects.filter(action="org.appointment_recorded").count() == 1
        hire = Appointment.objects.get(person=person, kind="hire")
        assert hire.ends_on == date(2021, 2, 14)  # the chain was closed up to the new date


def test_staff_and_unit_heads_may_not_edit_history(alpha_people):
    with schema_context("alpha"):
        person = _hire(alpha_people)
        hire = Appointment.objects.get(person=person)
    for persona in (alpha_people.staff, alpha_people.head):
        client = agency_client("alpha", persona.user)
        assert client.post(f"/org/people/{person.pk}/appointments/new/", {
            "kind": "transfer", "starts_on": "2021-03-01", "reason": "x"}).status_code == 403
        assert client.post(f"/org/people/{person.pk}/appointments/{hire.pk}/edit/", {
            "kind": "hire", "starts_on": "2010-01-01", "reason": "x"}).status_code == 403
        assert client.post(f"/org/people/{person.pk}/discipline/new/", {}).status_code == 403
        assert client.get("/org/history/?on=2020-01-01").status_code == 403
        assert client.get("/org/history/appointments.xlsx").status_code == 403
        # Someone else's record is not theirs to read either.
        assert "발령 이력" not in client.get(f"/org/people/{person.pk}/").content.decode()
    with schema_context("alpha"):
        assert Appointment.objects.filter(person=person).count() == 1
        assert not AuditEvent.objects.filter(action__startswith="org.appointment").exists()


def test_a_person_sees_their_own_history_but_not_discipline(alpha_people):
    with schema_context("alpha"):
        services.discipline_record(person=alpha_people.staff, kind=DisciplineKind.REPRIMAND,
                                   decided_on=date(2024, 5, 1), starts_on=date(2024, 5, 1),
                                   reason="복무규정 위반", actor=alpha_people.hr)
    own = agency_client("alpha", alpha_people.staff.user).get(
        f"/org/people/{alpha_people.staff.pk}/").content.decode()
    hr = agency_client("alpha", alpha_people.hr.user).get(
        f"/org/people/{alpha_people.staff.pk}/").content.decode()
    assert "발령 이력" in own and "복무규정 위반" not in own
    assert "복무규정 위반" in hr


def test_concurrent_post_is_held_beside_the_own_post_and_ended_with_a_reason(alpha_people):
    with schema_context("alpha"):
        person = _hire(alpha_people)
        extra = _record(person, AppointmentKind.CONCURRENT, date(2022, 1, 1), alpha_people.hr,
                        unit=alpha_people.other.unit)
        assert selectors.org_on(date(2022, 6, 1))[person.pk].unit_id == person.unit_id
        with pytest.raises(ValidationError):
            services.appointment_end(appointment=Appointment.objects.get(
                person=person, kind="hire"), ends_on=date(2023, 1, 1), reason="x",
                actor=alpha_people.hr)
        services.appointment_end(appointment=extra, ends_on=date(2023, 1, 1), reason="겸임 해제",
                                 actor=alpha_people.hr)
        extra.refresh_from_db()
        assert extra.ends_on == date(2023, 1, 1)
        assert AuditEvent.objects.get(action="org.appointment_ended").changes["reason"] == (
            "겸임 해제")


def test_editing_a_persons_unit_records_a_transfer_from_today(alpha_people):
    with schema_context("alpha"):
        person = _hire(alpha_people)
        services.person_update(person=person, actor=alpha_people.hr,
                               unit=alpha_people.other.unit)
        assert selectors.appointment_of(person, TODAY).kind == AppointmentKind.TRANSFER
        assert selectors.appointment_of(person, TODAY - timedelta(days=1)).unit == (
            alpha_people.staff.unit)


def test_disciplined_during_finds_actions_decided_or_in_effect_in_the_period(alpha_people):
    with schema_context("alpha"):
        staff, other, head = alpha_people.staff, alpha_people.other, alpha_people.head
        services.discipline_record(person=staff, kind=DisciplineKind.SUSPENSION,
                                   decided_on=date(2023, 11, 20), starts_on=date(2023, 12, 1),
                                   ends_on=date(2024, 2, 29), reason="품위 유지 의무 위반",
                                   actor=alpha_people.hr)
        services.discipline_record(person=other, kind=DisciplineKind.REPRIMAND,
                                   decided_on=date(2022, 3, 1), starts_on=date(2022, 3, 1),
                                   reason="지각", actor=alpha_people.hr)
        ids = [staff.pk, other.pk, head.pk]

        assert selectors.disciplined_during(ids, date(2024, 1, 1), date(2024, 12, 31)) == {
            staff.pk}
        assert selectors.disciplined_during(ids, date(2022, 1, 1), date(2022, 12, 31)) == {
            other.pk}
        assert selectors.disciplined_during(ids, date(2025, 1, 1), date(2025, 12, 31)) == set()
        with pytest.raises(ValidationError):
            services.discipline_record(person=head, kind=DisciplineKind.PAY_CUT,
                                       decided_on=date(2024, 1, 1), starts_on=date(2024, 1, 1),
                                       reason=" ", actor=alpha_people.hr)


# --- Import and export ----------------------------------------------------------------------

HISTORY_CSV = (
    "직원번호,성명,발령구분,시작일,종료일,부서코드,직급,직위,사유\n"
    "H-100,가나다,신규임용,2015-03-02,,{a},9급,주무관,공개채용\n"
    "H-100,가나다,승진,2019-07-01,,,8급,,정기승진\n"
    "H-100,가나다,전보,2022-01-01,,{b},,,정기전보\n"
)


def _people_for_import(people):
    with schema_context("alpha"):
        PersonFactory(employee_number="H-100", name="가나다", unit=people.staff.unit)
        return people.staff.unit.code, people.other.unit.code


def _upload(text: str, name="history.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def post_import(run_jobs, django_capture_on_commit_callbacks):
    def post(client, text):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/org/import/", {"kind": "appointments",
                                                    "file": _upload(text)})
        if response.status_code != 302:
            return response
        run_jobs()
        return client.get(response["Location"])

    return post


def test_history_import_builds_the_chain_and_imports_back_unchanged(alpha_people, post_import):
    a, b = _people_for_import(alpha_people)
    client = agency_client("alpha", alpha_people.admin.user)

    concurrent = "H-100,가나다,겸임,2023-01-01,,{a},,,겸임 발령\n"
    response = post_import(client, (HISTORY_CSV + concurrent).format(a=a, b=b))

    assert response.status_code == 200 and "새로 등록 4건" in response.content.decode()
    with schema_context("alpha"):
        person = Person.objects.get(employee_number="H-100")
        chain = list(Appointment.objects.filter(person=person, primary=True)
                     .order_by("starts_on"))
        assert [(x.kind, x.ends_on) for x in chain] == [
            ("hire", date(2019, 6, 30)), ("promotion", date(2021, 12, 31)), ("transfer", None)]
        assert chain[1].unit.code == a and chain[2].grade.name == "8급"  # carried over
        assert person.unit.code == b and person.grade.name == "8급"
        assert selectors.org_on(date(2020, 1, 1))[person.pk].unit_id == Unit.objects.get(
            code=a).pk
        assert AuditEvent.objects.filter(action="org.appointments_imported").count() == 1

    # The export reads back as the same history: nothing new, nothing changed.
    exported = client.get("/org/history/appointments.xlsx")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["직원번호", "성명", "발령구분", "시작일"]
    assert all(cell.data_type == "s" for cell in next(sheet.iter_rows(min_row=2))
               if cell.value is not None)
    csv_text = "\n".join(",".join(str(v) for v in row) for row in rows) + "\n"
    again = post_import(client, csv_text)
    assert "새로 등록 0건" in again.content.decode()
    with schema_context("alpha"):
        assert Appointment.objects.filter(person__employee_number="H-100").count() == 4
        assert AuditEvent.objects.filter(action="org.appointments_exported").count() == 1


def test_history_import_reports_every_bad_line_and_writes_nothing(alpha_people, post_import):
    a, b = _people_for_import(alpha_people)
    bad = HISTORY_CSV.format(a=a, b=b) + (
        "H-999,없음,전보,2020-01-01,,,,,\n"                  # line 5: unknown person
        "H-100,가나다,좌천,2020-02-30,,,,,\n"                # line 6: kind and date
        "H-100,가나다,전보,2021-01-01,2023-01-01,,,,\n"      # line 7: overlaps the 2022 row
        f"H-100,가나다,겸임,2021-01-01,,,,,{'가' * 201}\n"   # line 8: no unit, reason too long
    )
    client = agency_client("alpha", alpha_people.hr.user)

    response = post_import(client, bad)

    body = response.content.decode()
    assert response.status_code == 400
    for line, words in ((5, "H-999"), (6, "좌천"), (6, "2020-02-30"), (7, "겹치는"),
                        (8, "200자")):
        assert f"{line}" in body and words in body
    with schema_context("alpha"):
        assert not Appointment.objects.filter(person__employee_number="H-100").exists()


def test_history_import_goes_through_the_same_checks_in_the_background_job(alpha_people):
    a, b = _people_for_import(alpha_people)
    with schema_context("alpha"):
        checked = imports.appointments_import(name="h.csv",
                                              content=HISTORY_CSV.format(a=a, b=b).encode(),
                                              actor=alpha_people.hr, validate_only=True)
        assert checked.ok and checked.created == 0
        assert not Appointment.objects.filter(person__employee_number="H-100").exists()


def test_the_org_on_page_lists_who_was_where(alpha_people):
    with schema_context("alpha"):
        person = _hire(alpha_people)
        _record(person, AppointmentKind.TRANSFER, date(2024, 7, 1), alpha_people.hr,
                unit=alpha_people.other.unit)
    hr = agency_client("alpha", alpha_people.hr.user)
    page = hr.get(f"/org/history/?on=2024-06-30&unit={alpha_people.staff.unit_id}")
    assert page.status_code == 200 and "한지원" in page.content.decode()
    page = hr.get(f"/org/history/?on=2024-07-01&unit={alpha_people.staff.unit_id}")
    assert "한지원" not in page.content.decode()
    assert hr.get("/org/history/?on=not-a-date").status_code == 400


def test_an_absence_registered_in_approvals_is_on_the_persons_record(alpha_people):
    from core.approvals import services as approvals

    with schema_context("alpha"):
        absence = approvals.absence_register(
            person=alpha_people.admin, acting=alpha_people.head, kind="trip",
            starts_on=TODAY, ends_on=TODAY, actor=alpha_people.admin)
        assert absence._meta.label == "org.Absence"
        assert list(selectors.absences_of(alpha_people.admin)) == [absence]
        assert list(selectors.people_absent_with_acting(acting=alpha_people.head,
                                                        on=TODAY)) == [alpha_people.admin]
    page = agency_client("alpha", alpha_people.admin.user).get(
        f"/org/people/{alpha_people.admin.pk}/").content.decode()
    assert "부재(휴가·출장)" in page and alpha_people.head.name in page


def test_the_api_gives_hr_everyones_appointments_and_staff_only_their_own(alpha_people):
    with schema_context("alpha"):
        person = _hire(alpha_people)
        _record(person, AppointmentKind.TRANSFER, date(2024, 7, 1), alpha_people.hr,
                unit=alpha_people.other.unit)
        own = Appointment.objects.create(person=alpha_people.staff, kind="hire",
                                         unit=alpha_people.staff.unit,
                                         starts_on=date(2020, 1, 2))
    hr = agency_client("alpha", alpha_people.hr.user)

    listed = hr.get(f"/api/v1/appointments/?person={person.pk}").json()
    on_date = hr.get(f"/api/v1/appointments/?person={person.pk}&on=2024-06-30"
                     "&primary=true").json()

    assert [a["kind"] for a in listed["results"]] == ["transfer", "hire"]
    assert [a["unit"] for a in on_date["results"]] == [alpha_people.staff.unit_id]
    staff = agency_client("alpha", alpha_people.staff.user)
    assert staff.get(f"/api/v1/appointments/?person={person.pk}").json()["results"] == []
    hire_pk = listed["results"][1]["id"]
    assert staff.get(f"/api/v1/appointments/{hire_pk}/").status_code == 404
    mine = staff.get("/api/v1/appointments/").json()["results"]
    assert [a["id"] for a in mine] == [own.pk]


def test_marking_a_person_as_left_records_their_retirement(alpha_people):
    with schema_context("alpha"):
        person = _hire(alpha_people)
        services.person_update(person=person, actor=alpha_people.admin,
                               status=PersonStatus.LEFT)
        assert selectors.appointment_of(person, TODAY).kind == AppointmentKind.RETIREMENT
        assert person.pk not in selectors.org_on(TODAY)
        assert person.pk in selectors.org_on(TODAY - timedelta(days=1))
