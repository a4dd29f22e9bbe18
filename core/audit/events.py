"""The closed vocabulary of moves (이벤트 어휘) — one place, versioned.

Every move in Harmony is one ``EventType``. Its value is the stable name stored in the audit
trail and the activity stream; its label is what people read ("문서 상신"). ``SPECS`` gives
each type the version of its payload, the payload's fields and types, and who may see the
activity event beside the admins' audit row.

Other systems build on these payloads (performance indicators count "documents approved",
read handling days, satisfaction), so a payload is a contract: changing a type's fields means
raising its ``version`` and noting it below, never editing a field in place.

Changes to the vocabulary:
- 1 (2026-12): first typed vocabulary; the names of the free-text actions written before it
  are kept, so old audit rows read with the same labels.
- 2 (2026-12): case moves (customers.case_*) at payload version 2 carry ``person`` (the
  assignee's id) and ``unit`` (the handling unit's id), either possibly null; new types for
  the satisfaction survey (invited, answered, results exported) and the retention job.
  A payload field may be declared optional (``int | None``).
- ``work.instruction_completed`` version 2 (2026-12): adds ``on_time`` (done by the
  instruction's due date), for the indicator "instructions completed by their due date".
- performance (2026-12): cycles, goals, bulk assignment, hand-entered indicator values and
  recomputation of attainment (``performance.*``).
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

VOCABULARY_VERSION = 2


class Visibility(models.TextChoices):
    """Who may see an activity event besides agency admins (who see the audit row)."""

    ADMIN = "admin", _("관리자만")  # security records: sign-ins, tokens, rules, settings
    INVOLVED = "involved", _("관련자")  # the actor, the person concerned and the audience
    READERS = "readers", _("열람 가능자")  # whoever may read the object it concerns


class EventType(models.TextChoices):
    SIGN_IN = "auth.sign_in", _("로그인")
    SIGN_IN_FAILED = "auth.sign_in_failed", _("로그인 실패")
    TOKEN_ISSUED = "auth.token_issued", _("API 토큰 발급")

    # Security records that only the audit page shows.
    PASSWORD_SET = "auth.password_set", _("비밀번호 설정")
    PASSWORD_CHANGED = "auth.password_changed", _("비밀번호 변경")
    PASSWORD_RESET = "auth.password_reset", _("비밀번호 재설정")
    MFA_FAILED = "auth.mfa_failed", _("2단계 인증 실패")
    MFA_ADDED = "auth.mfa_added", _("2단계 인증 등록")
    MFA_REMOVED = "auth.mfa_removed", _("2단계 인증 해제")
    EMAIL_CHANGE_REQUESTED = "org.email_change_requested", _("로그인 이메일 변경 요청")
    EMAIL_CHANGED = "org.email_changed", _("로그인 이메일 변경")
    PEOPLE_EXPORTED = "org.people_exported", _("직원 목록 내려받기")
    ABSENCE_REGISTRARS_UPDATED = "policies.absence_registrars_updated", _("부재 등록 권한 변경")
    DOCUMENT_READ_BY_RECORDS_OFFICER = ("approvals.document_read_by_records_officer",
                                        _("기록물 열람 담당자의 문서 열람"))
    DOCUMENT_DOWNLOADED = "approvals.document_downloaded", _("문서 내려받기")
    DOCUMENTS_EXPORTED = "approvals.documents_exported", _("문서 목록 내려받기")

    AGENCY_ONBOARDED = "agency.onboarded", _("기관 개설")
    AGENCY_ACTIVATED = "agency.active", _("기관 이용 재개")
    AGENCY_SUSPENDED = "agency.suspended", _("기관 이용 정지")
    AGENCY_EXPORTED = "agency.exported", _("기관 백업")
    AGENCY_RESTORED = "agency.restored", _("기관 복원")
    AGENCY_BACKUP_DOWNLOADED = "agency.backup_downloaded", _("기관 백업 내려받기")

    PERSON_CREATED = "org.person_created", _("직원 등록")
    PERSON_UPDATED = "org.person_updated", _("직원 정보 변경")
    ROLES_CHANGED = "org.roles_changed", _("역할 변경")
    UNIT_CREATED = "org.unit_created", _("부서 신설")
    UNIT_UPDATED = "org.unit_updated", _("부서 정보 변경")
    ORG_SETTINGS_CHANGED = "org.settings_changed", _("기관 설정 변경")
    PEOPLE_IMPORTED = "org.people_imported", _("직원 일괄 등록")
    UNITS_IMPORTED = "org.units_imported", _("부서 일괄 등록")
    APPOINTMENT_RECORDED = "org.appointment_recorded", _("발령 등록")
    APPOINTMENT_CORRECTED = "org.appointment_corrected", _("발령 정정")
    APPOINTMENT_ENDED = "org.appointment_ended", _("발령 종료")
    APPOINTMENTS_IMPORTED = "org.appointments_imported", _("발령 일괄 등록")
    APPOINTMENTS_EXPORTED = "org.appointments_exported", _("발령 이력 내려받기")
    DISCIPLINE_RECORDED = "org.discipline_recorded", _("징계 등록")

    DELEGATION_UPDATED = "policies.delegation_updated", _("위임전결규정 변경")
    LINE_TEMPLATES_UPDATED = "policies.line_templates_updated", _("결재선 템플릿 변경")
    TRANSPARENCY_UPDATED = "policies.transparency_updated", _("업무 공개 범위 변경")
    RULE_DRAFT_SAVED = "policies.rule_draft_saved", _("규칙 초안 저장")
    RULE_DRAFT_DISCARDED = "policies.rule_draft_discarded", _("규칙 초안 삭제")
    RULE_ADOPTED = "policies.rule_adopted", _("규칙 새 버전 채택")

    DOCUMENT_DRAFTED = "approvals.document_drafted", _("문서 기안")
    DOCUMENT_EDITED = "approvals.document_edited", _("기안 수정")
    DOCUMENT_SUBMITTED = "approvals.document_submitted", _("문서 상신")
    DOCUMENT_APPROVED = "approvals.document_approved", _("결재 승인")
    DOCUMENT_RETURNED = "approvals.document_returned", _("문서 반려")
    DOCUMENT_HELD = "approvals.document_held", _("결재 보류")
    DOCUMENT_WITHDRAWN = "approvals.document_withdrawn", _("문서 회수")
    DOCUMENT_COMPLETED = "approvals.document_completed", _("결재 완료")
    DOCUMENT_ACKNOWLEDGED = "approvals.document_acknowledged", _("후결 확인")
    DOCUMENT_RECEIVED = "approvals.document_received", _("문서 접수")
    DOCUMENT_CIRCULATED = "approvals.document_circulated", _("공람 지정")
    DOCUMENT_REVISED = "approvals.document_revised", _("검토자 수정")
    DOCUMENT_SKIPPED = "approvals.document_skipped", _("검토 건너뜀")
    ABSENCE_REGISTERED = "approvals.absence_registered", _("부재 등록")

    TASK_CREATED = "work.task_created", _("과제 등록")
    TASK_UPDATED = "work.task_updated", _("과제 변경")
    PROGRESS_REPORTED = "work.progress_reported", _("진행 보고")
    OPINION_RECORDED = "work.opinion_recorded", _("의견 기록")
    DECISION_RECORDED = "work.decision_recorded", _("결정 기록")
    TASK_DOCUMENT_LINKED = "work.document_linked", _("과제에 문서 연결")
    TASK_DOCUMENT_UNLINKED = "work.document_unlinked", _("과제 문서 연결 해제")
    MEMO_SENT = "work.memo_sent", _("메모보고")
    MEMO_READ = "work.memo_read", _("메모보고 열람")
    MEMO_REPLIED = "work.memo_replied", _("메모보고 회신")
    INSTRUCTION_ISSUED = "work.instruction_issued", _("지시")
    INSTRUCTION_COMPLETED = "work.instruction_completed", _("지시 이행")

    JOB_STARTED = "jobs.job_started", _("작업 시작")
    JOB_RECOVERED = "jobs.job_recovered", _("멈춘 작업 정리")
    FILES_SWEPT = "jobs.files_swept", _("남은 파일 정리")

    SCHEDULE_CREATED = "schedules.entry_created", _("일정 등록")
    SCHEDULE_UPDATED = "schedules.entry_updated", _("일정 변경")
    SCHEDULE_DELETED = "schedules.entry_deleted", _("일정 삭제")
    FEED_ROTATED = "schedules.feed_rotated", _("일정 구독 주소 재발급")
    FEED_REVOKED = "schedules.feed_revoked", _("일정 구독 주소 폐기")

    CASE_RECEIVED = "customers.case_received", _("민원 접수")
    CASE_ASSIGNED = "customers.case_assigned", _("민원 배정")
    CASE_TRANSFERRED = "customers.case_transferred", _("민원 이송")
    CASE_EXTENDED = "customers.case_extended", _("민원 처리기간 연장")
    CASE_CLOSED = "customers.case_closed", _("민원 처리 완료")
    CASE_LINK_REVOKED = "customers.case_link_revoked", _("민원 진행 조회 링크 폐기")
    CUSTOMER_CONTACT_VIEWED = "customers.contact_viewed", _("고객 연락처 열람")
    NOTICES_STOPPED = "customers.notices_stopped", _("고객 알림 수신 거부")
    NOTICE_FAILED = "customers.notice_failed", _("고객 알림 발송 실패")
    SUBSCRIPTION_CREATED = "customers.subscription_created", _("고객 구독 등록")
    SUBSCRIPTION_ENDED = "customers.subscription_ended", _("고객 구독 종료")
    CASE_STAGE_CHANGED = "customers.case_stage_changed", _("민원 처리 단계 변경")
    CASE_LINKED = "customers.case_linked", _("민원에 과제·문서 연결")
    CASE_UNLINKED = "customers.case_unlinked", _("민원의 과제·문서 연결 해제")
    CASE_ATTACHMENT_DOWNLOADED = "customers.attachment_downloaded", _("민원 첨부파일 내려받기")
    AGENCY_REQUEST_SENT = "customers.agency_request_sent", _("타기관 요청 발송")
    SURVEY_INVITED = "customers.survey_invited", _("고객만족도 조사 안내")
    SURVEY_ANSWERED = "customers.survey_answered", _("고객만족도 응답")
    SURVEY_RESULTS_EXPORTED = "customers.survey_results_exported", _("고객만족도 결과 내려받기")
    CUSTOMERS_RETENTION_APPLIED = "customers.retention_applied", _("개인정보 보유기간 경과 처리")

    ACTIVITY_RECORD_ADDED = "activity.record_added", _("활동실적 등록")
    ACTIVITY_RECORD_CONFIRMED = "activity.record_confirmed", _("활동실적 확인")
    ACTIVITY_RECORD_RETURNED = "activity.record_returned", _("활동실적 반려")
    ACTIVITY_RECORDS_EXPORTED = "activity.records_exported", _("활동실적 내려받기")
    CARD_ENTRY_ADDED = "activity.card_entry_added", _("성과관리카드 기재")
    CARD_ENTRY_EDITED = "activity.card_entry_edited", _("성과관리카드 수정")
    PERFORMANCE_REPORT_EXPORTED = "activity.report_exported", _("성과 보고서 내려받기")

    CYCLE_OPENED = "performance.cycle_opened", _("평가 주기 개시")
    CYCLE_CLOSED = "performance.cycle_closed", _("평가 주기 마감")
    GOALS_SET = "performance.goals_set", _("성과목표 설정")
    GOALS_ASSIGNED = "performance.goals_assigned", _("성과목표 일괄 부여")
    INDICATORS_ASSIGNED = "performance.indicators_assigned", _("성과지표 일괄 부여")
    INDICATOR_VALUE_ENTERED = "performance.indicator_value_entered", _("성과지표 실적 입력")
    ATTAINMENT_RECOMPUTED = "performance.attainment_recomputed", _("달성도 다시 계산")


@dataclass(frozen=True)
class Spec:
    """A type's payload contract: field name → Python type, and its visibility."""

    visibility: str
    payload: dict[str, type] = field(default_factory=dict)
    version: int = 1


_ADMIN = Spec(Visibility.ADMIN)
_DOCUMENT = {"title": str, "status": str}
_DOCUMENT_NOTE = {**_DOCUMENT, "note": str}
_CASE = {"number": str, "case_type": str, "person": int | None, "unit": int | None}

SPECS: dict[EventType, Spec] = {
    EventType.SIGN_IN: _ADMIN,
    EventType.SIGN_IN_FAILED: _ADMIN,
    EventType.TOKEN_ISSUED: _ADMIN,
    EventType.PASSWORD_SET: _ADMIN,
    EventType.PASSWORD_CHANGED: _ADMIN,
    EventType.PASSWORD_RESET: _ADMIN,
    EventType.MFA_FAILED: _ADMIN,
    EventType.MFA_ADDED: _ADMIN,
    EventType.MFA_REMOVED: _ADMIN,
    EventType.EMAIL_CHANGE_REQUESTED: _ADMIN,
    EventType.EMAIL_CHANGED: _ADMIN,
    EventType.PEOPLE_EXPORTED: _ADMIN,
    EventType.ABSENCE_REGISTRARS_UPDATED: _ADMIN,
    EventType.DOCUMENT_READ_BY_RECORDS_OFFICER: _ADMIN,
    EventType.DOCUMENT_DOWNLOADED: _ADMIN,
    EventType.DOCUMENTS_EXPORTED: _ADMIN,
    EventType.AGENCY_ONBOARDED: _ADMIN,
    EventType.AGENCY_ACTIVATED: _ADMIN,
    EventType.AGENCY_SUSPENDED: _ADMIN,
    EventType.AGENCY_EXPORTED: _ADMIN,
    EventType.AGENCY_RESTORED: _ADMIN,
    EventType.AGENCY_BACKUP_DOWNLOADED: _ADMIN,
    EventType.PERSON_CREATED: Spec(Visibility.READERS),
    EventType.PERSON_UPDATED: _ADMIN,
    EventType.ROLES_CHANGED: _ADMIN,
    EventType.UNIT_CREATED: Spec(Visibility.READERS),
    EventType.UNIT_UPDATED: Spec(Visibility.READERS),
    EventType.ORG_SETTINGS_CHANGED: _ADMIN,
    EventType.PEOPLE_IMPORTED: Spec(Visibility.ADMIN, {"created": int, "updated": int}),
    EventType.UNITS_IMPORTED: Spec(Visibility.ADMIN, {"created": int, "updated": int}),
    # 인사발령 is announced to the person concerned; discipline stays with the admins.
    EventType.APPOINTMENT_RECORDED: Spec(Visibility.INVOLVED, {"kind": str, "starts_on": str}),
    EventType.APPOINTMENT_CORRECTED: Spec(Visibility.INVOLVED, {"kind": str,
                                                                "starts_on": str}),
    EventType.APPOINTMENT_ENDED: Spec(Visibility.INVOLVED, {"kind": str, "ends_on": str}),
    EventType.APPOINTMENTS_IMPORTED: Spec(Visibility.ADMIN, {"created": int, "updated": int}),
    EventType.APPOINTMENTS_EXPORTED: _ADMIN,
    EventType.DISCIPLINE_RECORDED: _ADMIN,
    EventType.DELEGATION_UPDATED: _ADMIN,
    EventType.LINE_TEMPLATES_UPDATED: _ADMIN,
    EventType.TRANSPARENCY_UPDATED: _ADMIN,
    # The kind's code, and for adoption the date the version applies from (ISO).
    EventType.RULE_DRAFT_SAVED: Spec(Visibility.ADMIN, {"kind": str}),
    EventType.RULE_DRAFT_DISCARDED: Spec(Visibility.ADMIN, {"kind": str}),
    EventType.RULE_ADOPTED: Spec(Visibility.ADMIN, {"kind": str, "effective_from": str}),
    EventType.DOCUMENT_DRAFTED: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.DOCUMENT_EDITED: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.DOCUMENT_SUBMITTED: Spec(Visibility.READERS, _DOCUMENT),
    # "documents approved" (performance): one per signer's sign-off, with its mark
    # (전결/대결 or none) and how long the turn waited with them.
    EventType.DOCUMENT_APPROVED: Spec(Visibility.READERS, {
        **_DOCUMENT_NOTE, "mark": str, "waited_seconds": int}),
    EventType.DOCUMENT_RETURNED: Spec(Visibility.READERS, {
        **_DOCUMENT_NOTE, "waited_seconds": int}),
    EventType.DOCUMENT_HELD: Spec(Visibility.READERS, _DOCUMENT_NOTE),
    EventType.DOCUMENT_WITHDRAWN: Spec(Visibility.READERS, _DOCUMENT),
    # "handling days" (performance): from submission to the final sign-off.
    EventType.DOCUMENT_COMPLETED: Spec(Visibility.READERS, {
        **_DOCUMENT, "number": str, "handling_seconds": int}),
    EventType.DOCUMENT_ACKNOWLEDGED: Spec(Visibility.READERS, _DOCUMENT),
    EventType.DOCUMENT_RECEIVED: Spec(Visibility.READERS, {**_DOCUMENT, "number": str}),
    EventType.DOCUMENT_CIRCULATED: Spec(Visibility.READERS, {**_DOCUMENT, "readers": int}),
    EventType.DOCUMENT_REVISED: Spec(Visibility.READERS, {**_DOCUMENT, "version": int}),
    EventType.DOCUMENT_SKIPPED: Spec(Visibility.READERS, _DOCUMENT_NOTE),
    EventType.ABSENCE_REGISTERED: Spec(Visibility.INVOLVED, {
        "starts_on": str, "ends_on": str, "kind": str}),
    EventType.TASK_CREATED: Spec(Visibility.READERS, {"title": str, "status": str}),
    EventType.TASK_UPDATED: Spec(Visibility.READERS, {"title": str, "status": str}),
    EventType.PROGRESS_REPORTED: Spec(Visibility.READERS, {"title": str, "progress": int}),
    EventType.OPINION_RECORDED: Spec(Visibility.READERS, {"title": str}),
    EventType.DECISION_RECORDED: Spec(Visibility.READERS, {"title": str}),
    EventType.TASK_DOCUMENT_LINKED: Spec(Visibility.READERS, {"title": str}),
    EventType.TASK_DOCUMENT_UNLINKED: Spec(Visibility.READERS, {"title": str}),
    EventType.MEMO_SENT: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.MEMO_READ: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.MEMO_REPLIED: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.INSTRUCTION_ISSUED: Spec(Visibility.INVOLVED, {"title": str, "due_date": str}),
    # "instructions completed by their due date" (performance) reads ``on_time``.
    EventType.INSTRUCTION_COMPLETED: Spec(Visibility.INVOLVED, {"title": str, "on_time": bool},
                                          version=2),
    EventType.SCHEDULE_CREATED: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.SCHEDULE_UPDATED: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.SCHEDULE_DELETED: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.JOB_STARTED: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.JOB_RECOVERED: _ADMIN,
    EventType.FILES_SWEPT: _ADMIN,
    EventType.FEED_ROTATED: _ADMIN,
    EventType.FEED_REVOKED: _ADMIN,
    # Case moves: the number and type, never the customer's words (the title may carry
    # personal data). Performance reads received/closed/extended (on time, handling days).
    # Version 2: ``person`` and ``unit`` (the assignee and the handling unit at the move).
    EventType.CASE_RECEIVED: Spec(Visibility.INVOLVED, _CASE | {"channel": str}, version=2),
    EventType.CASE_ASSIGNED: Spec(Visibility.INVOLVED, _CASE, version=2),
    EventType.CASE_TRANSFERRED: Spec(Visibility.INVOLVED, _CASE, version=2),
    # ``days``: working days added; ``due_on``: the new due date (ISO).
    EventType.CASE_EXTENDED: Spec(Visibility.INVOLVED, _CASE | {"due_on": str, "days": int},
                                  version=2),
    # ``handling_days``: working days from receipt to closure; ``on_time``: by the due date.
    EventType.CASE_CLOSED: Spec(Visibility.INVOLVED, _CASE | {"on_time": bool,
                                                              "handling_days": int}, version=2),
    EventType.CASE_LINK_REVOKED: _ADMIN,
    # Who saw whose contact details, when (개인정보 보호법: access to personal data logged).
    EventType.CUSTOMER_CONTACT_VIEWED: Spec(Visibility.ADMIN, {"customer": int}),
    # Notices: the customer's opt-out (per case or every notice), a notice given up after its
    # retries, a subscription begun or ended. Never the address itself.
    EventType.NOTICES_STOPPED: Spec(Visibility.INVOLVED,
                                    _CASE | {"customer": int, "scope": str}),
    EventType.NOTICE_FAILED: Spec(Visibility.ADMIN, {"channel": str, "attempts": int}),
    EventType.SUBSCRIPTION_CREATED: Spec(Visibility.ADMIN, {"customer": int}),
    EventType.SUBSCRIPTION_ENDED: Spec(Visibility.ADMIN, {"customer": int}),
    EventType.CASE_STAGE_CHANGED: Spec(Visibility.INVOLVED, _CASE | {"stage": str}),
    # What was linked: "task" or "document".
    EventType.CASE_LINKED: Spec(Visibility.INVOLVED, _CASE | {"kind": str}),
    EventType.CASE_UNLINKED: Spec(Visibility.INVOLVED, _CASE | {"kind": str}),
    EventType.CASE_ATTACHMENT_DOWNLOADED: _ADMIN,
    # A request to another agency on the platform (issue 9 §4): the receiving agency's code;
    # its own trail records the receipt (customers.case_received, channel "agency").
    EventType.AGENCY_REQUEST_SENT: Spec(Visibility.INVOLVED, {"to_agency": str}),
    # At closure, when the agency's survey applies: the hook for the invitation notice.
    # ``closes_on``: the last day an answer is taken (ISO).
    EventType.SURVEY_INVITED: Spec(Visibility.INVOLVED, _CASE | {"closes_on": str}),
    # One customer's score for performance: the person and unit it counts for, the mean on
    # the survey's scale and on 0–100. Never the case number or the answers, and admins
    # only: handlers see aggregates, not who scored them how.
    EventType.SURVEY_ANSWERED: Spec(Visibility.ADMIN, {
        "case_type": str, "person": int | None, "unit": int | None, "scale": int,
        "mean": float, "score": float, "low": bool}),
    EventType.SURVEY_RESULTS_EXPORTED: _ADMIN,
    # What the retention job did to customers past their retention date (counts).
    EventType.CUSTOMERS_RETENTION_APPLIED: Spec(Visibility.ADMIN, {
        "anonymised": int, "deleted": int, "held": int}),
    # Activity records (활동실적): added by hand, confirmed or returned by the rater. Records
    # collected from other moves write no event of their own (the move is the record).
    EventType.ACTIVITY_RECORD_ADDED: Spec(Visibility.INVOLVED, {"title": str, "kind": str,
                                                                 "occurred_on": str}),
    EventType.ACTIVITY_RECORD_CONFIRMED: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.ACTIVITY_RECORD_RETURNED: Spec(Visibility.INVOLVED, {"title": str}),
    EventType.ACTIVITY_RECORDS_EXPORTED: _ADMIN,
    # The performance card (성과관리카드) is personnel evidence: the kind of entry only, its
    # words stay in the admins' audit row.
    EventType.CARD_ENTRY_ADDED: Spec(Visibility.INVOLVED, {"kind": str}),
    EventType.CARD_ENTRY_EDITED: Spec(Visibility.INVOLVED, {"kind": str}),
    EventType.PERFORMANCE_REPORT_EXPORTED: _ADMIN,
    # Performance: the cycle's scheme and dates; whose goals (a level and its owner's name)
    # and how many; evaluations stay with those concerned (rules.md §4 disclosure).
    EventType.CYCLE_OPENED: Spec(Visibility.ADMIN, {"scheme": str, "base_date": str,
                                                    "evaluatees": int}),
    EventType.CYCLE_CLOSED: Spec(Visibility.ADMIN, {"scheme": str, "base_date": str}),
    EventType.GOALS_SET: Spec(Visibility.INVOLVED, {"level": str, "goals": int}),
    EventType.GOALS_ASSIGNED: Spec(Visibility.INVOLVED, {"title": str, "people": int}),
    EventType.INDICATORS_ASSIGNED: Spec(Visibility.INVOLVED, {"name": str, "people": int}),
    EventType.INDICATOR_VALUE_ENTERED: Spec(Visibility.INVOLVED, {"name": str, "value": str}),
    EventType.ATTAINMENT_RECOMPUTED: Spec(Visibility.ADMIN, {"events": int, "tallies": int}),
}

# Keys of ``changes`` that are not model fields, with the words the audit page shows.
CHANGE_LABELS = {
    "note": _("사유·의견"),
    "recipients": _("받는 사람"),
    "assignees": _("지시 대상"),
    "document": _("문서"),
    "reply": _("회신"),
    "roles": _("역할"),
    "kind": _("구분"),
    "content": _("내용"),
    "progress": _("진행률"),
    "created": _("신규"),
    "updated": _("변경"),
    "rows": _("행 수"),
    "file": _("파일"),
    "removed": _("정리한 파일 수"),
    "version": _("판"),
    "readers": _("공람 대상"),
    "templates": _("템플릿"),
    "rules": _("규칙"),
    "colleague_records": _("동료의 업무 기록"),
    "registrars": _("부재를 등록할 수 있는 사람"),
    "person": _("직원"),
    "acting": _("대결자"),
    "starts_on": _("시작일"),
    "ends_on": _("종료일"),
    "reason": _("사유"),
    "decided_on": _("의결일"),
    "previous_ends_on": _("이전 발령 종료일"),
    "email": _("이메일"),
    "filters": _("조건"),
    "box": _("문서함"),
    "authenticator": _("인증 수단"),
    "replaced": _("기존 토큰 교체"),
    "api_tokens_revoked": _("폐기한 API 토큰"),
    "type": _("종류"),
    "reauthentication": _("재인증"),
    "subdomain": _("하위 도메인"),
    "audit_head": _("감사 기록 사슬의 마지막 순번"),
    "over": _("정지된 기관 위에 복원"),
    "answer": _("답변"),
    "due_on": _("처리 기한"),
    "scope": _("범위"),
    "shared": _("고객 공유"),
    "notices": _("알림"),
    "subscription": _("구독"),
    "stage": _("처리 단계"),
    "task": _("과제"),
    "agency_request": _("타기관 요청"),
    "agency_request_status": _("타기관 요청 상태"),
    "to_agency": _("받는 기관"),
    "from_agency": _("요청 기관"),
    "anonymised": _("익명 처리"),
    "deleted": _("삭제"),
    "held": _("보류"),
    "retain_until": _("보유 기한"),
    "evidence": _("증빙"),
    "period": _("기간"),
    "format": _("형식"),
    "participants": _("회의 참석자"),
    "goals": _("성과목표"),
    "weight": _("가중치"),
    "target": _("목표치"),
    "value": _("실적"),
    "people": _("대상 직원"),
}


def event_label(value: str) -> str:
    """The Korean (or English) name of a stored type; an unknown value reads as itself."""
    try:
        return str(EventType(value).label)
    except ValueError:
        return value


def check_payload(event_type: EventType, payload: dict) -> None:
    """Refuse a payload that does not match its type's declared fields — a programming
    error, caught by the tests, never shown to a user."""
    declared = SPECS[event_type].payload
    if set(payload) != set(declared):
        raise TypeError(f"{event_type}: payload fields {sorted(payload)} != {sorted(declared)}")
    for name, kind in declared.items():
        if not isinstance(payload[name], kind) or isinstance(payload[name], bool) != (
                kind is bool):
            raise TypeError(f"{event_type}: payload field {name!r} must be "
                            f"{getattr(kind, '__name__', kind)}")
