"""Tailored progress notices (맞춤 서비스): e-mail and text messages at each step of a case
the customer opted into, and each progress report shared with customers to those who follow
a public task card or its policy topic.

How a notice travels:
1. The move (a case step, a shared progress report) writes one ``NoticeDelivery`` row per
   (case, step, channel) or (subscription, report, channel) in its own transaction — the
   unique keys refuse a second row for the same notice — and a background job in the
   agency's schema (core/jobs) sends it after the commit: a case step joins the notices job
   still waiting in the queue, or starts one; a shared report starts its own.
2. The job claims the rows still waiting (one UPDATE from "pending"/"retrying" to
   "sending"), sends them, and marks each "sent". A job delivered twice, or run again, finds
   nothing waiting: a notice goes out once. A send that fails is retried with the job's own
   retries; after the last one the row says "failed" and the failure is audited.
3. Opt-outs are read when sending, so a notice queued before the customer unsubscribed is
   skipped, not sent.

Unsubscribe links carry a signed token naming the agency's schema, the case (or the
subscription) and its nonce: a token from another agency, a forged one, or one whose nonce
was replaced (the status link revoked) answers 404. No token is stored."""

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.customers import sms
from core.customers.masking import mask_email, mask_phone
from core.customers.models import (
    NOTICE_STEPS,
    STEP_TEXT,
    Case,
    CaseStatus,
    CaseStep,
    Customer,
    CustomerKind,
    DeliveryStatus,
    NoticeChannel,
    NoticeDelivery,
    Subscription,
)
from core.jobs.models import Job, JobStatus
from core.jobs.runner import Progress, agency_task, job_start
from core.org.models import Person

TOKEN_SALT = "harmony.customers.notices.unsubscribe"
TOKEN_MAX_CHARS = 300
CASE, SUBSCRIPTION = "c", "s"
SCOPE_CASE, SCOPE_CUSTOMER, SCOPE_SUBSCRIPTION = "case", "customer", "subscription"
# Rows claimed and marked per round trip while sending.
CHUNK = 200
# The kinds of customer who may follow a topic or a card (issue 9 §3).
FOLLOWER_KINDS = (CustomerKind.EXPERT, CustomerKind.OFFICIAL)


def new_nonce() -> str:
    return secrets.token_hex(8)


# --- Unsubscribe tokens ------------------------------------------------------------------------


def unsubscribe_token(kind: str, pk: int, nonce: str) -> str:
    """A signed token for the unsubscribe link, bound to the current agency's schema."""
    return signing.dumps([connection.schema_name, kind, pk, nonce], salt=TOKEN_SALT)


def unsubscribe_target(token: str) -> Case | Subscription | None:
    """The case or subscription an unsubscribe token names in this agency; None for a forged
    token, another agency's, or one whose nonce was replaced."""
    if not token or len(token) > TOKEN_MAX_CHARS:
        return None
    try:
        schema, kind, pk, nonce = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if schema != connection.schema_name or not isinstance(pk, int) or not nonce:
        return None
    if kind == CASE:
        return Case.objects.select_related("customer").filter(pk=pk, notice_nonce=nonce).first()
    if kind == SUBSCRIPTION:
        return (
            Subscription.objects.select_related("customer", "task")
            .filter(pk=pk, nonce=nonce)
            .first()
        )
    return None


def _agency_base_url() -> tuple[str, str]:
    """The agency's name and canonical address (never a request's Host), as in invitations."""
    from tenants.models import Agency
    from tenants.services import agency_base_url

    agency = Agency.objects.get(schema_name=connection.schema_name)
    return agency.name_ko, agency_base_url(agency)


def unsubscribe_path(token: str) -> str:
    return reverse("public_notices:unsubscribe", args=[token], urlconf=settings.ROOT_URLCONF)


# --- Opting in and out -------------------------------------------------------------------------


def check_notice_choices(*, steps: Iterable[str], channels: Iterable[str], email: str,
                         phone: str) -> tuple[list[str], list[str]]:
    """The steps and channels a customer chose, checked (an unknown value, or a channel
    without its address, is refused in Korean)."""
    steps, channels = list(dict.fromkeys(steps)), list(dict.fromkeys(channels))
    if any(step not in NOTICE_STEPS for step in steps):
        raise ValidationError({"notice_steps": _("알림 받을 단계를 목록에서 고르세요.")})
    if any(channel not in NoticeChannel.values for channel in channels):
        raise ValidationError({"notice_channels": _("알림 수단을 목록에서 고르세요.")})
    if NoticeChannel.EMAIL in channels and not email.strip():
        raise ValidationError({"email": _("이메일 알림을 받으려면 이메일을 입력하세요.")})
    if NoticeChannel.SMS in channels and not phone.strip():
        raise ValidationError({"phone": _("문자 알림을 받으려면 전화번호를 입력하세요.")})
    return (steps, channels) if channels else ([], [])


def notices_stop(*, target: Case | Subscription, scope: str,
                 origin: Origin = COMMAND_ORIGIN) -> bool:
    """Stop notices from an unsubscribe link: this case's (``case``), every notice to this
    customer (``customer``), or one subscription (``subscription``). Audited; return False
    when they were already stopped (nothing written)."""
    now = timezone.now()
    with transaction.atomic():
        if isinstance(target, Subscription):
            return _subscription_end(target, actor=None, origin=origin)
        case = Case.objects.select_for_update(of=("self",)).get(pk=target.pk)
        if scope == SCOPE_CUSTOMER:
            customer = Customer.objects.select_for_update().get(pk=case.customer_id)
            if customer.notices_stopped_at:
                return False
            customer.notices_stopped_at = now
            customer.save(update_fields=["notices_stopped_at"])
        elif scope == SCOPE_CASE:
            if case.notices_stopped_at:
                return False
            case.notices_stopped_at = now
            case.save(update_fields=["notices_stopped_at"])
        else:
            raise ValidationError(_("알림을 끊을 범위를 고르세요."))
        event_record(
            EventType.NOTICES_STOPPED,
            actor=None,
            subject=case,
            subject_label=case.number,
            person_id=case.assignee_id,
            unit_id=case.handling_unit_id,
            audience=[case.assignee_id] if case.assignee_id else (),
            payload={"number": case.number, "case_type": case.case_type,
                     "person": case.assignee_id, "unit": case.handling_unit_id,
                     "customer": case.customer_id, "scope": scope},
            changes={"notices": [None, scope]},
            origin=origin,
        )
    return True


# --- Subscriptions -------------------------------------------------------------------------------


def public_tasks():
    """The task cards customers may follow."""
    from core.work.models import Task

    return Task.objects.filter(is_public=True).order_by("title", "id")


def public_topics() -> list[str]:
    """The policy topics of the public task cards."""
    return sorted(set(public_tasks().exclude(topic="").values_list("topic", flat=True)))


def subscription_create(*, customer: Customer, actor: Person, task=None, topic: str = "",
                        origin: Origin = COMMAND_ORIGIN) -> Subscription:
    """Let a policy expert or another agency's official follow a public task card or a
    policy topic. Only the agency's customer officers register followers."""
    from core.customers.selectors import is_customer_officer

    if not is_customer_officer(actor):
        raise ValidationError(_("고객 담당관만 구독을 등록할 수 있습니다."))
    topic = (topic or "").strip()[:100]
    if customer.kind not in FOLLOWER_KINDS:
        raise ValidationError(
            {"kind": _("정책전문가나 타부처 공무원만 구독할 수 있습니다.")}
        )
    if not customer.email:
        raise ValidationError({"email": _("구독 알림을 받을 이메일을 입력하세요.")})
    if (task is None) == (not topic):
        raise ValidationError({"task": _("공개 과제나 정책 분야 중 하나를 고르세요.")})
    if task is not None and not task.is_public:
        raise ValidationError({"task": _("공개 과제만 구독할 수 있습니다.")})
    if topic and topic not in public_topics():
        raise ValidationError({"topic": _("공개 과제의 정책 분야를 고르세요.")})
    with transaction.atomic():
        followed = Subscription.objects.filter(customer=customer, ended_at__isnull=True)
        followed = followed.filter(task=task) if task is not None else followed.filter(
            task__isnull=True, topic=topic)
        if followed.exists():
            raise ValidationError(_("이미 구독하고 있습니다."))
        subscription = Subscription.objects.create(
            customer=customer, task=task, topic=topic, created_by=actor, nonce=new_nonce()
        )
        event_record(
            EventType.SUBSCRIPTION_CREATED,
            actor=actor,
            subject=subscription,
            subject_label=task.title[:200] if task is not None else topic,
            payload={"customer": customer.pk},
            changes={"subscription": [None, f"task:{task.pk}" if task else f"topic:{topic}"]},
            origin=origin,
        )
    return subscription


def subscription_end(*, subscription: Subscription, actor: Person,
                     origin: Origin = COMMAND_ORIGIN) -> bool:
    """End a subscription at the follower's request (customer officers)."""
    from core.customers.selectors import is_customer_officer

    if not is_customer_officer(actor):
        raise ValidationError(_("고객 담당관만 구독을 끝낼 수 있습니다."))
    with transaction.atomic():
        return _subscription_end(subscription, actor=actor, origin=origin)


def _subscription_end(subscription: Subscription, *, actor, origin: Origin) -> bool:
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.ended_at:
        return False
    locked.ended_at = timezone.now()
    locked.save(update_fields=["ended_at"])
    event_record(
        EventType.SUBSCRIPTION_ENDED,
        actor=actor,
        subject=locked,
        subject_label=locked.topic or str(locked.task_id),
        payload={"customer": locked.customer_id},
        changes={"subscription": ["active", "ended"]},
        origin=origin,
    )
    return True


# --- Queueing ------------------------------------------------------------------------------------


def _address(customer: Customer, channel: str) -> str:
    return customer.email if channel == NoticeChannel.EMAIL else customer.phone


def _masked(address: str, channel: str) -> str:
    return mask_email(address) if channel == NoticeChannel.EMAIL else mask_phone(address)


def notices_queue_for_step(*, case: Case, step: CaseStep) -> Job | None:
    """Queue the notices of ``step`` the customer opted into, in the caller's transaction
    (sent after it commits). Nothing when they did not opt in or have unsubscribed."""
    if step.status not in case.notice_steps or case.notices_stopped_at:
        return None
    customer = case.customer
    if customer.notices_stopped_at:
        return None
    rows = [
        NoticeDelivery(case=case, step=step, channel=channel,
                       address_masked=_masked(_address(customer, channel), channel))
        for channel in case.notice_channels
        if _address(customer, channel)
    ]
    if not rows:
        return None
    NoticeDelivery.objects.bulk_create(rows)
    return _waiting_job() or job_start(
        job_task=notices_send_job,
        title=_("민원 알림 발송"),
        key=f"{SEND_KEY}{step.pk}",
        actor=None,
        params={"sweep": True},
    )


SEND_KEY = "customers.notices:send:"


def _waiting_job() -> Job | None:
    """The case notices job still waiting in the queue, share-locked until the caller's
    transaction ends: the worker's claim (an UPDATE) waits for that lock, so when the job
    runs it sees the rows this transaction wrote. A job already claimed (or being claimed:
    SKIP LOCKED) is not joined; the caller starts a new one. Under a burst of moves this
    makes one job per worker's turn instead of one per move."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Job._meta.db_table} WHERE status = %s AND key LIKE %s "
            "ORDER BY created_at LIMIT 1 FOR SHARE SKIP LOCKED",
            [JobStatus.QUEUED, f"{SEND_KEY}%"],
        )
        found = cursor.fetchone()
    return Job(pk=found[0]) if found else None


def notices_queue_for_report(*, report) -> Job | None:
    """Queue a progress report shared with customers to the followers of its card (when the
    card is public) and of the card's policy topic: one e-mail per follower."""
    task = report.task
    if not (report.share_with_customers and task.is_public):
        return None
    follows = Q(task=task)
    if task.topic:
        follows |= Q(task__isnull=True, topic=task.topic)
    subscriptions = (
        Subscription.objects.filter(follows, ended_at__isnull=True,
                                    customer__notices_stopped_at__isnull=True)
        .exclude(customer__email="")
        .select_related("customer")
        .order_by("customer_id", F("task_id").asc(nulls_last=True))
    )
    rows, seen = [], set()
    for subscription in subscriptions.iterator(chunk_size=2000):
        if subscription.customer_id in seen:  # follows the card and its topic: one e-mail
            continue
        seen.add(subscription.customer_id)
        rows.append(NoticeDelivery(
            subscription=subscription, report=report, channel=NoticeChannel.EMAIL,
            address_masked=mask_email(subscription.customer.email)))
    if not rows:
        return None
    NoticeDelivery.objects.bulk_create(rows, batch_size=2000)
    return job_start(
        job_task=notices_send_job,
        title=_("진행 보고 알림 발송: %(title)s") % {"title": task.title[:150]},
        key=f"customers.notices:report:{report.pk}",
        actor=None,
        params={"report": report.pk},
        total=len(rows),
    )


# --- Sending -------------------------------------------------------------------------------------


class NoticesNotSent(Exception):
    """Some notices could not be sent this time; the job is retried for them."""


WAITING = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


def _claim(ids: list[int]) -> list[NoticeDelivery]:
    """Move the waiting rows among ``ids`` to "sending" (committed at once), skipping rows
    another worker holds; return them with what their message needs."""
    with transaction.atomic():
        waiting = list(
            NoticeDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, status__in=WAITING)
            .values_list("pk", flat=True)
        )
        NoticeDelivery.objects.filter(pk__in=waiting).update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1
        )
    return list(
        NoticeDelivery.objects.filter(pk__in=waiting).select_related(
            "case__customer", "case__handling_unit", "step", "subscription__customer",
            "report__task"
        )
    )


def _stopped(delivery: NoticeDelivery) -> bool:
    """Whether the notice is no longer wanted: unsubscribed, or the customer's personal data
    erased since it was queued (core/customers/retention.py)."""
    customer = _recipient(delivery)
    if customer.notices_stopped_at or customer.anonymised_at:
        return True
    if delivery.subscription_id:
        return bool(delivery.subscription.ended_at)
    return bool(delivery.case.notices_stopped_at)


def _recipient(delivery: NoticeDelivery) -> Customer:
    return delivery.subscription.customer if delivery.subscription_id else delivery.case.customer


def _context(delivery: NoticeDelivery, agency: str, base_url: str) -> dict:
    if delivery.subscription_id:
        subscription = delivery.subscription
        token = unsubscribe_token(SUBSCRIPTION, subscription.pk, subscription.nonce)
        return {"agency": agency, "subscription": subscription, "report": delivery.report,
                "task": delivery.report.task, "customer": subscription.customer,
                "unsubscribe_url": base_url + unsubscribe_path(token)}
    case = delivery.case
    token = unsubscribe_token(CASE, case.pk, case.notice_nonce)
    return {"agency": agency, "case": case, "step": delivery.step, "customer": case.customer,
            "step_text": STEP_TEXT[delivery.step.status],
            "survey": _survey(case) if delivery.step.status == CaseStatus.CLOSED else None,
            "unsubscribe_url": base_url + unsubscribe_path(token)}


def _survey(case: Case):
    """The satisfaction survey the closing notice invites to (customers.survey_invited),
    while it is still open and unanswered; None otherwise. The customer answers it on the
    status page they were given: its link cannot be rebuilt from the stored hash."""
    from core.customers.selectors import survey_of

    survey = survey_of(case)
    return survey if survey is not None and survey.is_open else None


def _email(delivery: NoticeDelivery, context: dict) -> EmailMessage:
    template = "report" if delivery.subscription_id else "step"
    subject = render_to_string(f"customers/notices/{template}_subject.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(f"customers/notices/{template}.txt", context),
        to=[_recipient(delivery).email],
        headers={
            # RFC 8058: mail programs offer one-click unsubscribing.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    return message


def _sms_body(context: dict) -> str:
    return " ".join(render_to_string("customers/notices/step_sms.txt", context).split())


class _Sender:
    """One SMTP connection and one SMS backend for the whole job."""

    def __init__(self):
        self._mail = None
        self._sms = None

    def send(self, delivery: NoticeDelivery, context: dict) -> None:
        if delivery.channel == NoticeChannel.EMAIL:
            if self._mail is None:
                self._mail = get_connection(fail_silently=False)
                self._mail.open()
            if self._mail.send_messages([_email(delivery, context)]) != 1:
                raise NoticesNotSent("the mail server accepted nothing")
        else:
            if self._sms is None:
                self._sms = sms.sms_backend()
            message = sms.SmsMessage(to=_recipient(delivery).phone, body=_sms_body(context),
                                     sender=settings.HARMONY_SMS_SENDER)
            if self._sms.send_messages([message]) != 1:
                raise NoticesNotSent("the SMS backend accepted nothing")

    def close(self) -> None:
        if self._mail is not None:
            try:
                self._mail.close()
            except Exception:  # noqa: BLE001 — the messages already went
                pass


def _give_up(delivery: NoticeDelivery, error: str) -> None:
    NoticeDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED,
                                                         error=error[:300])
    event_record(
        EventType.NOTICE_FAILED,
        actor=None,
        subject=delivery.case or delivery.subscription,
        subject_label=delivery.case.number if delivery.case_id else "",
        payload={"channel": delivery.channel, "attempts": delivery.attempts},
        changes={"notices": [None, error[:200]]},
    )


@agency_task()
def notices_send_job(job: Job, progress: Progress) -> dict:
    """Send the waiting notices of the agency's case steps, or of one shared progress
    report, in chunks over one connection. Each row is claimed once (pending → sending in
    one UPDATE, skipping rows another worker holds), so a job run twice, or two jobs at
    once, never send a notice twice."""
    if job.params.get("sweep"):
        # The first attempt takes the rows never tried; a retry also those left to retry.
        rows = NoticeDelivery.objects.filter(
            step__isnull=False,
            status__in=WAITING if job.attempts > 1 else [DeliveryStatus.PENDING])
    else:
        rows = NoticeDelivery.objects.filter(report_id=job.params["report"],
                                             status__in=WAITING)
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return {"summary": _("보낼 알림이 남아 있지 않습니다."), "sent": 0}
    last_attempt = job.attempts >= job.max_attempts
    agency, base_url = _agency_base_url()
    sender = _Sender()
    counts = {"sent": 0, "skipped": 0, "retrying": 0, "failed": 0}
    try:
        for start in range(0, len(ids), CHUNK):
            sent, skipped = [], []
            for delivery in _claim(ids[start:start + CHUNK]):
                if _stopped(delivery):
                    skipped.append(delivery.pk)
                    continue
                try:
                    sender.send(delivery, _context(delivery, agency, base_url))
                except Exception as error:  # noqa: BLE001 — a mail server or provider failed
                    reason = f"{type(error).__name__}: {error}"
                    if last_attempt:
                        _give_up(delivery, reason)
                        counts["failed"] += 1
                    else:
                        NoticeDelivery.objects.filter(pk=delivery.pk).update(
                            status=DeliveryStatus.RETRYING, error=reason[:300])
                        counts["retrying"] += 1
                else:
                    sent.append(delivery.pk)
            NoticeDelivery.objects.filter(pk__in=sent).update(
                status=DeliveryStatus.SENT, sent_at=timezone.now(), error="")
            NoticeDelivery.objects.filter(pk__in=skipped).update(status=DeliveryStatus.SKIPPED)
            counts["sent"] += len(sent)
            counts["skipped"] += len(skipped)
            if len(ids) > CHUNK:  # a single step's notices need no progress bar
                progress(min(start + CHUNK, len(ids)), len(ids))
    finally:
        sender.close()
    if counts["retrying"]:
        raise NoticesNotSent(f"{counts['retrying']} notices will be retried")
    return {"summary": _("발송 %(sent)d건, 수신 거부 %(skipped)d건, 실패 %(failed)d건")
            % counts, **counts}
