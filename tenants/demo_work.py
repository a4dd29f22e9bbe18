"""Demo work for each demo agency, made through the real services so it reads like a week in
the office: documents on the line (one on the head's turn, one returned, one approved by
delegation and circulated), task cards with progress, a memo report, an instruction and the
unit's calendar. The demo accounts each find something waiting for them."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from core.approvals import services as approvals
from core.approvals.models import StepRole
from core.customers import services as customers
from core.org.models import Person, Role, RoleCode, Unit
from core.schedules import services as schedules
from core.schedules.models import KST, Scope
from core.work import services as work


@dataclass(frozen=True)
class DemoStaff:
    head: Person  # 과장 of the first division: signs its general documents by delegation (전결)
    staff: Person  # 주무관 of that division
    hr_unit: Unit
    admin: Person


def seed_work(people: DemoStaff) -> None:
    _documents(people)
    _tasks(people)
    _calendar(people)
    # The admin account shows the records officer's "전체 문서" box in the demo.
    people.admin.roles.add(Role.objects.get(code=RoleCode.RECORDS_OFFICER))
    _rule_draft(people)
    _cases(people)


def _submitted(people: DemoStaff, title: str, body: str, **fields):
    document = approvals.document_draft(drafter=people.staff, title=title, body=body, **fields)
    line = [approvals.LineEntry(person=people.head, role=StepRole.APPROVER)]
    return approvals.document_submit(document=document, line=line, actor=people.staff)


def _documents(people: DemoStaff) -> None:
    done = _submitted(people, "2026년 정부혁신 추진계획",
                      "<p>국민이 체감하는 혁신 과제를 선정하고 분기별로 점검합니다.</p>",
                      recipient_units=[people.hr_unit])
    done = approvals.step_approve(document=done, actor=people.head, opinion="추진 바랍니다.")
    approvals.document_circulate(document=done, people=[people.staff], actor=people.head,
                                 deadline=timezone.localdate() + timedelta(days=3))
    returned = _submitted(people, "직원 역량강화 교육 계획", "<p>상반기 교육 일정(안)</p>")
    approvals.step_return(document=returned, actor=people.head,
                          reason="교육 예산 근거를 붙여 다시 올려 주세요.")
    _submitted(people, "민원 처리 기간 단축 방안",
               "<p>민원 처리 기간을 7일에서 5일로 줄이는 방안을 보고합니다.</p>")


def _tasks(people: DemoStaff) -> None:
    today = timezone.localdate()
    service = work.task_create(
        actor=people.staff, owner=people.staff, title="민원 서비스 개선", goal="국민 만족도 향상",
        plan="1단계 현황 조사 → 2단계 개선안 → 3단계 시행", start_date=today - timedelta(days=20),
        due_date=today + timedelta(days=10), status="in_progress", priority=1)
    work.progress_report(task=service, actor=people.staff, percent=40,
                         text="민원 유형별 처리 기간 조사를 마쳤습니다.")
    work.task_create(actor=people.staff, owner=people.staff, title="정부혁신 평가 대응",
                     start_date=today - timedelta(days=40), due_date=today - timedelta(days=2),
                     status="in_progress", priority=2)
    work.memo_send(actor=people.staff, recipients=[people.head], title="주간 업무 보고",
                   body="민원 서비스 개선 과제 1단계를 마쳤습니다.", task=service)
    work.instruction_issue(actor=people.head, assignees=[people.staff], title="혁신 우수사례 발굴",
                           body="부서별 우수사례를 2건 이상 정리해 보고하세요.",
                           due_date=today + timedelta(days=5))


def _calendar(people: DemoStaff) -> None:
    today = timezone.localdate()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    at = datetime.combine(monday, time(10), tzinfo=KST)
    schedules.entry_create(actor=people.head, title="주간 업무회의", starts_at=at,
                           ends_at=at + timedelta(hours=1), scope=Scope.UNIT, location="소회의실")
    fair = datetime.combine(today + timedelta(days=12), time.min, tzinfo=KST)
    schedules.entry_create(actor=people.admin, title="정부혁신 박람회", starts_at=fair,
                           ends_at=fair + timedelta(days=2), all_day=True, scope=Scope.AGENCY,
                           is_key=True)
    visit = datetime.combine(today + timedelta(days=2), time(14), tzinfo=KST)
    schedules.entry_create(actor=people.staff, title="현장 민원 상담", starts_at=visit,
                           ends_at=visit + timedelta(hours=2), location="민원실")


def _rule_draft(people: DemoStaff) -> None:
    """A service-rating draft waiting on the rulebook: 우 widened to 45%, 양 narrowed to 25%,
    a 10-day objection period — to compare, preview and adopt."""
    from core.policies.kinds import KINDS
    from core.policies.selectors import rule_version
    from core.policies.services import draft_save

    data = rule_version(kind="service_rating", on=timezone.localdate()).rule.model_dump(
        mode="json")
    shares = {"우": 45, "양": 25}
    data["grades"] = [{**g, "share": shares.get(g["name"], g["share"])} for g in data["grades"]]
    data["appeal_days"] = 10
    draft_save(kind=KINDS["service_rating"], data=data, actor=people.admin)


def _cases(people: DemoStaff) -> None:
    """Two customer cases: a citizen's question waiting for assignment, and an expert's
    proposal taken by phone and assigned to the division's 주무관. The admin account is the
    agency's customer officer."""
    people.admin.roles.add(Role.objects.get(code=RoleCode.CUSTOMER_OFFICER))
    customers.case_receive(intake=customers.Intake(
        kind="citizen", name="홍길동", email="hong@example.com", phone="010-1234-5678",
        case_type="inquiry", title="청사 민원실 운영 시간 문의",
        body="토요일에도 민원실을 운영하나요?", consent=True), channel="web")
    case, _token = customers.case_receive(intake=customers.Intake(
        kind="expert", name="이정책", email="lee@univ.example", phone="", affiliation="한국대학교",
        field="행정학", case_type="proposal", title="성과평가 지표 개선 건의",
        body="정성 지표의 비중을 조정할 것을 건의합니다.", consent=True),
        channel="phone", actor=people.admin)
    customers.case_assign(case=case, assignee=people.staff, actor=people.admin)


def seed_cross_agency_request(log=print) -> None:
    """The cross-agency request of the demo (issue 9 §6): 기획예산처's 주무관 asks
    행정자치부 for figures from mpb's own pages; 행정자치부's customer officer received it as a
    case and gave it to its 주무관, so mpb follows it as 처리중. Once only."""
    from django.db import transaction
    from django_tenants.utils import schema_context

    from core.exchange.models import AgencyRequest
    from tenants.models import Agency

    agencies = {a.schema_name: a for a in Agency.objects.filter(schema_name__in=["mpb", "mogaha"])}
    if len(agencies) < 2 or AgencyRequest.objects.filter(
        from_agency=agencies["mpb"], to_agency=agencies["mogaha"]
    ).exists():
        return
    with transaction.atomic():
        with schema_context("mpb"):
            sent = customers.outgoing_request_send(
                actor=Person.objects.get(email="staff@mpb.test"),
                to_agency_id=agencies["mogaha"].pk,
                title="2027년도 예산안 편성을 위한 지방행정 통계 협조 요청",
                body="2027년도 예산안 편성에 참고하고자 시·도별 행정 인력 현황(2026년 말 기준)을 "
                     "요청드립니다. 가능하면 다음 달 10일까지 회신해 주시기 바랍니다.",
                consent=True,
            )
        with schema_context("mogaha"):
            officer = Person.objects.get(employee_number="ADMIN-001")
            case = customers.incoming_request_receive(pk=sent.exchange_request_id,
                                                      actor=officer)
            customers.case_assign(case=case, assignee=Person.objects.get(
                email="staff@mogaha.test"), actor=officer)
    log("  기획예산처 → 행정자치부 타기관 요청 (cross-agency request): 접수·배정됨")
