"""Tailored progress notices (issue 9 §3): e-mail and text messages at the steps a customer
opted into, sent once by background jobs with retries, the unsubscribe link, the delivery log
on the case page, and followers of public task cards receiving shared progress reports."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend as LocMemEmailBackend
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from core.audit.events import EventType
from core.audit.models import ActivityEvent
from core.customers import notices, selectors, services, sms
from core.customers.models import (
    Case,
    Customer,
    DeliveryStatus,
    NoticeDelivery,
    Subscription,
)
from core.jobs.models import Job, JobStatus
from core.jobs.runner import job_start
from core.work import services as work
from tests.conftest import agency_client
from tests.customers.conftest import intake

UNSUBSCRIBE = re.compile(r"http://alpha\.localhost(?::\d+)?(/public/notices/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _receive(django_capture_on_commit_callbacks, **fields) -> Case:
    """A citizen's case filed with notices, its job queued on commit."""
    fields.setdefault("notice_steps", ("received", "assigned", "extended", "closed"))
    fields.setdefault("notice_channels", ("email",))
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        case, token = services.case_receive(intake=intake(**fields), channel="web")
    case.token = token
    return case


def _assign(case, people, django_capture_on_commit_callbacks):
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        case.handling_unit = people.head.unit
        case.save(update_fields=["handling_unit"])
        return services.case_assign(case=case, assignee=people.staff, actor=people.head)


def _deliveries(case) -> list[tuple[str, str, str, int]]:
    with schema_context("alpha"):
        return list(
            NoticeDelivery.objects.filter(case=case)
            .order_by("id")
            .values_list("step__status", "channel", "status", "attempts")
        )


def test_an_opted_in_citizen_is_emailed_once_even_if_the_job_runs_twice(
    alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks, name="O'Brien & <홍>")
    run_jobs()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hong.gildong@example.com"]
    assert case.number in message.subject and message.subject.startswith("[알파부]")
    # Plain text, not HTML: the name is written as the customer typed it.
    assert "O'Brien & <홍> 님" in message.body and "&amp;" not in message.body
    assert "신청이 접수되었습니다." in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE.search(message.body)

    with schema_context("alpha"):
        job = Job.objects.get(key__startswith=notices.SEND_KEY)
        # The queue delivers the task again, and someone starts the same work anew.
        notices.notices_send_job.enqueue("alpha", str(job.pk))
        with django_capture_on_commit_callbacks(execute=True):
            again = job_start(job_task=notices.notices_send_job, title="again", key=job.key,
                              actor=None, params=job.params)
    assert again.pk != job.pk
    run_jobs()

    assert len(mail.outbox) == 1
    assert _deliveries(case) == [("received", "email", DeliveryStatus.SENT, 1)]


def test_moves_in_a_burst_share_the_job_waiting_in_the_queue(
    alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    first = _receive(django_capture_on_commit_callbacks)
    second = _receive(django_capture_on_commit_callbacks, name="김철수",
                      email="kim@example.com")
    with schema_context("alpha"):
        assert Job.objects.filter(key__startswith=notices.SEND_KEY).count() == 1
    run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == ["hong.gildong@example.com",
                                                    "kim@example.com"]
    third = _assign(first, alpha_people, django_capture_on_commit_callbacks)  # a new job
    run_jobs()
    assert len(mail.outbox) == 3
    with schema_context("alpha"):
        assert Job.objects.filter(key__startswith=notices.SEND_KEY).count() == 2
    assert _deliveries(second) == [("received", "email", DeliveryStatus.SENT, 1)]
    assert _deliveries(third)[-1] == ("assigned", "email", DeliveryStatus.SENT, 1)


def test_a_notice_cannot_be_queued_twice_for_one_step(alpha_people):
    with schema_context("alpha"):
        case, _token = services.case_receive(
            intake=intake(notice_steps=("received",), notice_channels=("email",)), channel="web"
        )
        step = case.steps.get()
        with pytest.raises(IntegrityError), transaction.atomic():  # (case, step, channel)
            NoticeDelivery.objects.create(case=case, step=step, channel="email",
                                          address_masked="x")
        assert NoticeDelivery.objects.count() == 1


def test_only_the_steps_the_customer_chose_are_notified(
    alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks, notice_steps=("closed",))
    case = _assign(case, alpha_people, django_capture_on_commit_callbacks)
    run_jobs()
    assert mail.outbox == [] and _deliveries(case) == []

    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        services.case_close(case=case, answer="가로등을 고쳤습니다.", actor=alpha_people.staff)
    run_jobs()

    assert len(mail.outbox) == 1
    assert "가로등을 고쳤습니다." in mail.outbox[0].body
    assert _deliveries(case) == [("closed", "email", DeliveryStatus.SENT, 1)]


def test_the_closing_notice_invites_to_the_satisfaction_survey(
    alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks, notice_steps=("closed",),
                    notice_channels=("email", "sms"))
    case = _assign(case, alpha_people, django_capture_on_commit_callbacks)
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        case = services.case_close(case=case, answer="가로등을 고쳤습니다.",
                                   actor=alpha_people.staff)
        last = selectors.survey_of(case).closes_on.isoformat()
        invited = ActivityEvent.objects.get(type=EventType.SURVEY_INVITED)
    run_jobs()

    assert invited.payload["closes_on"] == last
    (message,) = mail.outbox
    assert "만족도 조사에 참여해 주세요" in message.body and last in message.body
    assert "받으신 진행 조회 링크" in message.body
    assert f"만족도 조사: 진행 조회 링크에서 {last}까지" in sms.outbox[0].body


def test_no_survey_invitation_once_the_customer_has_answered(
    alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks, notice_steps=("closed",))
    case = _assign(case, alpha_people, django_capture_on_commit_callbacks)
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        case = services.case_close(case=case, answer="가로등을 고쳤습니다.",
                                   actor=alpha_people.staff)
        rule = selectors.survey_of(case).version.rule
        services.survey_answer(case=case,
                               answers=[rule.scale] * len(rule.questions))
    run_jobs()

    (message,) = mail.outbox
    assert "가로등을 고쳤습니다." in message.body and "만족도 조사" not in message.body


def test_text_messages_go_through_the_configured_backend(
    alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks, notice_channels=("sms",))
    run_jobs()

    assert mail.outbox == []
    assert [m.to for m in sms.outbox] == ["010-1234-5678"]
    assert case.number in sms.outbox[0].body and "/public/notices/" in sms.outbox[0].body
    assert _deliveries(case) == [("received", "sms", DeliveryStatus.SENT, 1)]


def test_the_console_backend_prints_a_message(settings, capsys):
    settings.HARMONY_SMS_BACKEND = "core.customers.sms.ConsoleBackend"
    assert sms.sms_send(to="010-0000-0000", body="안내") == 1
    assert "010-0000-0000" in capsys.readouterr().out


def test_a_channel_without_its_address_is_refused_and_nothing_is_written(alpha):
    with schema_context("alpha"):
        with pytest.raises(ValidationError) as refused:
            services.case_receive(
                intake=intake(phone="", notice_steps=("received",), notice_channels=("sms",)),
                channel="web",
            )
        assert "phone" in refused.value.message_dict
        with pytest.raises(ValidationError):
            services.case_receive(
                intake=intake(notice_steps=("hacked",), notice_channels=("email",)),
                channel="web",
            )
        assert not Case.objects.exists() and not Customer.objects.exists()
        assert not Job.objects.exists()


class FlakyBackend(LocMemEmailBackend):
    """A mail server that refuses the first connection."""

    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise ConnectionRefusedError("the mail server is down")
        return super().send_messages(messages)


def test_a_failed_send_is_retried_and_sent_once(
    alpha_people, settings, run_jobs, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.calls = 0
    case = _receive(django_capture_on_commit_callbacks)
    run_jobs()

    assert len(mail.outbox) == 1
    assert _deliveries(case) == [("received", "email", DeliveryStatus.SENT, 2)]
    with schema_context("alpha"):
        job = Job.objects.get(key__startswith=notices.SEND_KEY)
        assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)


class DownBackend(LocMemEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_notice_that_keeps_failing_is_logged_failed_and_audited(
    alpha_people, settings, run_jobs, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    case = _receive(django_capture_on_commit_callbacks)
    run_jobs()

    assert _deliveries(case) == [("received", "email", DeliveryStatus.FAILED, 3)]
    with schema_context("alpha"):
        failed = ActivityEvent.objects.get(type=EventType.NOTICE_FAILED)
        assert failed.payload == {"channel": "email", "attempts": 3}


def _unsubscribe_path(message) -> str:
    return UNSUBSCRIBE.search(message.body).group(1)


def test_the_unsubscribe_link_stops_this_cases_notices_and_is_audited(
    alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks)
    run_jobs()
    path = _unsubscribe_path(mail.outbox[0])
    client = agency_client("alpha")

    page = client.get(path)
    assert page.status_code == 200 and "이 민원의 알림 그만 받기" in page.content.decode()
    with schema_context("alpha"):
        assert Case.objects.get(pk=case.pk).notices_stopped_at is None  # GET changes nothing
    done = client.post(path, {"scope": "case"})
    assert done.status_code == 200
    assert f"앞으로 민원 {case.number}의 알림을 보내지 않습니다." in done.content.decode()

    _assign(case, alpha_people, django_capture_on_commit_callbacks)
    run_jobs()
    assert len(mail.outbox) == 1
    with schema_context("alpha"):
        stopped = ActivityEvent.objects.get(type=EventType.NOTICES_STOPPED)
        assert stopped.payload == {"number": case.number, "case_type": case.case_type,
                                  "person": None, "unit": None,
                                  "customer": case.customer_id, "scope": "case"}
        assert stopped.audit_event.target_id == str(case.pk)
    # Twice is harmless: nothing more is written.
    client.post(path, {"scope": "case"})
    with schema_context("alpha"):
        assert ActivityEvent.objects.filter(type=EventType.NOTICES_STOPPED).count() == 1


def test_one_click_unsubscribing_stops_every_notice_of_the_customer(
    alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks)
    run_jobs()
    path = _unsubscribe_path(mail.outbox[0])
    # RFC 8058: the mail program posts without a form or a CSRF token.
    assert agency_client("alpha").post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    with schema_context("alpha"):
        assert Case.objects.get(pk=case.pk).notices_stopped_at is not None

    agency_client("alpha").post(path, {"scope": "customer"})
    with schema_context("alpha"):
        assert Customer.objects.get(pk=case.customer_id).notices_stopped_at is not None


def test_a_notice_queued_before_the_opt_out_is_skipped(
    alpha_people, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks)
    with schema_context("alpha"):
        target = notices.unsubscribe_target(
            notices.unsubscribe_token(notices.CASE, case.pk, case.notice_nonce))
        notices.notices_stop(target=target, scope=notices.SCOPE_CUSTOMER)
    run_jobs()
    assert mail.outbox == []
    assert _deliveries(case) == [("received", "email", DeliveryStatus.SKIPPED, 1)]


@pytest.mark.parametrize("token", ["nope", "a" * 400, "W1siYWxwaGEiXQ:1:bad"])
def test_a_wrong_unsubscribe_token_is_a_plain_404(alpha, token):
    response = agency_client("alpha").post(f"/public/notices/{token}/", {"scope": "case"})
    assert response.status_code == 404


def test_an_unsubscribe_link_works_only_in_its_own_agency_and_until_revoked(
    alpha_people, beta, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks)
    run_jobs()
    path = _unsubscribe_path(mail.outbox[0])
    with schema_context("beta"):  # a case with the same number in the other agency
        services.case_receive(intake=intake(), channel="web")
    assert agency_client("beta").get(path).status_code == 404
    assert agency_client("beta").post(path, {"scope": "customer"}).status_code == 404

    with schema_context("alpha"):
        case.handling_unit = alpha_people.head.unit
        case.save(update_fields=["handling_unit"])
        services.case_link_revoke(case=case, actor=alpha_people.head)
    assert agency_client("alpha").get(path).status_code == 404
    with schema_context("alpha"):
        assert Case.objects.get(pk=case.pk).notices_stopped_at is None


def test_the_delivery_log_shows_only_to_handlers_and_customer_officers(
    alpha_people, officer, run_jobs, django_capture_on_commit_callbacks
):
    case = _receive(django_capture_on_commit_callbacks, notice_channels=("email", "sms"))
    with schema_context("alpha"):
        case.handling_unit = alpha_people.head.unit
        case.save(update_fields=["handling_unit"])
    run_jobs()

    for person in (alpha_people.head, officer):
        page = agency_client("alpha", person.user).get(f"/cases/{case.pk}/").content.decode()
        log = page.split('id="notice-log"', 1)[1].split("</table>", 1)[0]
        assert "ho***@example.com" in log and "010-****-5678" in log
        assert "hong.gildong@example.com" not in log
        assert log.count("발송") == 2 and "접수" in log
    bystander = agency_client("alpha", alpha_people.staff.user).get(f"/cases/{case.pk}/")
    assert bystander.status_code == 200
    assert 'id="notice-log"' not in bystander.content.decode()
    assert "알림 발송 기록" not in bystander.content.decode()


# --- Followers of public task cards and policy topics --------------------------------------


@pytest.fixture
def public_task(alpha_people):
    with schema_context("alpha"):
        return work.task_create(actor=alpha_people.head, title="탄소중립 <로드맵>",
                                owner=alpha_people.staff, is_public=True, topic="기후")


def _follower(officer, **target) -> Subscription:
    with schema_context("alpha"):
        customer = services.follower_register(kind="expert", name="이전문 & 동료",
                                              email="expert@example.org", field="기후정책")
        return notices.subscription_create(customer=customer, actor=officer, **target)


def test_a_follower_gets_each_progress_report_shared_with_customers(
    alpha_people, officer, public_task, run_jobs, django_capture_on_commit_callbacks
):
    _follower(officer, task=public_task)
    _follower(officer, topic="기후")  # the same expert follows the topic too: one e-mail
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        work.progress_report(task=public_task, actor=alpha_people.staff, percent=40,
                             text="내부 검토 중", share_with_customers=False)
        report = work.progress_report(task=public_task, actor=alpha_people.staff, percent=60,
                                      text="공청회를 열었습니다.", share_with_customers=True)
    run_jobs()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["expert@example.org"]
    assert "탄소중립 <로드맵>" in message.subject
    assert "공청회를 열었습니다." in message.body and "내부 검토 중" not in message.body
    assert "이전문 & 동료 님" in message.body
    with schema_context("alpha"):
        assert report.share_with_customers
        assert NoticeDelivery.objects.get(report=report).status == DeliveryStatus.SENT
        assert ActivityEvent.objects.filter(type=EventType.SUBSCRIPTION_CREATED).count() == 2


def test_a_follower_unsubscribes_from_the_link(
    alpha_people, officer, public_task, run_jobs, django_capture_on_commit_callbacks
):
    subscription = _follower(officer, task=public_task)
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        work.progress_report(task=public_task, actor=alpha_people.staff, percent=10,
                             text="착수", share_with_customers=True)
    run_jobs()
    path = _unsubscribe_path(mail.outbox[0])
    page = agency_client("alpha").get(path).content.decode()
    assert "탄소중립 &lt;로드맵&gt;" in page and "<로드맵>" not in page
    agency_client("alpha").post(path, {"scope": "subscription"})

    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        work.progress_report(task=public_task, actor=alpha_people.staff, percent=20,
                             text="2차", share_with_customers=True)
    run_jobs()
    assert len(mail.outbox) == 1
    with schema_context("alpha"):
        assert Subscription.objects.get(pk=subscription.pk).ended_at is not None
        assert ActivityEvent.objects.filter(type=EventType.SUBSCRIPTION_ENDED).exists()


def test_only_public_cards_and_only_officers_take_followers(alpha_people, officer):
    with schema_context("alpha"):
        private = work.task_create(actor=alpha_people.head, title="내부 과제",
                                   owner=alpha_people.staff)
        customer = services.follower_register(kind="official", name="박공무",
                                              email="park@mpb.go.kr")
        with pytest.raises(ValidationError):
            notices.subscription_create(customer=customer, actor=officer, task=private)
        with pytest.raises(ValidationError):
            notices.subscription_create(customer=customer, actor=officer, topic="없는 분야")
        with pytest.raises(ValidationError):
            notices.subscription_create(customer=customer, actor=alpha_people.staff,
                                        task=private)
        with pytest.raises(ValidationError):
            services.follower_register(kind="citizen", name="국민", email="a@example.com")
        assert not Subscription.objects.exists()


def test_the_officer_registers_a_follower_on_the_page_and_names_are_escaped(
    alpha_people, officer, public_task
):
    client = agency_client("alpha", officer.user)
    response = client.post("/cases/subscriptions/", {
        "kind": "expert", "name": "<script>x</script>", "email": "e@example.org",
        "task": public_task.pk, "consent": "on"})
    assert response.status_code == 302
    page = client.get("/cases/subscriptions/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    refused = client.post("/cases/subscriptions/", {
        "kind": "expert", "name": "무동의", "email": "n@example.org", "task": public_task.pk})
    assert refused.status_code == 400
    assert agency_client("alpha", alpha_people.staff.user).get(
        "/cases/subscriptions/").status_code == 404
    with schema_context("alpha"):
        assert Subscription.objects.count() == 1
