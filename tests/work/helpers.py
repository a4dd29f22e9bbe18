"""Shared helpers for the work-management tests: tasks, documents and API clients."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from core.approvals import services as approval_services
from core.approvals.models import StepRole
from core.audit.models import AuditEvent
from core.work import services
from tests.conftest import agency_client


def make_task(people, *, owner=None, actor=None, **fields):
    """Open a task in alpha through the service (the owner opens it unless told otherwise)."""
    owner = owner or people.staff
    with schema_context("alpha"):
        return services.task_create(actor=actor or owner, owner=owner,
                                    title=fields.pop("title", "민원 응대 개선"), **fields)


def make_document(people, *, drafter=None, approver=None, title="개선 계획 보고"):
    """Draft and submit an approval document in alpha (drafter → approver)."""
    drafter, approver = drafter or people.staff, approver or people.head
    with schema_context("alpha"):
        document = approval_services.document_draft(drafter=drafter, title=title,
                                                    body="<p>본문</p>")
        return approval_services.document_submit(
            document=document, actor=drafter,
            line=[approval_services.LineEntry(person=approver, role=StepRole.APPROVER)])


def days(n: int):
    return timezone.localdate() + timedelta(days=n)


def events(action: str) -> int:
    with schema_context("alpha"):
        return AuditEvent.objects.filter(action=action).count()


def api(people, persona: str):
    user = getattr(people, persona).user
    with schema_context("alpha"):
        token, _ = Token.objects.get_or_create(user=user)
    client = agency_client("alpha")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client
