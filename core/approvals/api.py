"""Electronic approval API: the boxes, drafting with a line, submitting (again), acting on a
turn, a reviewer's revision, skipping a reviewer, withdrawing."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.approvals import selectors, services
from core.approvals.models import (
    ApprovalStep,
    Disclosure,
    Document,
    DocumentAction,
    StepRole,
)
from core.audit.services import Origin
from core.org.models import Person, PersonStatus
from core.portal.api import ScopedViewSet


class StepSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name")

    class Meta:
        model = ApprovalStep
        fields = ["order", "role", "person", "person_name", "status", "sign_mark", "opinion",
                  "revised", "acted_at"]


class ActionSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.name")

    class Meta:
        model = DocumentAction
        fields = ["kind", "actor", "actor_name", "note", "version", "occurred_at"]


class DocumentSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    drafter_name = serializers.CharField(source="drafter.name", read_only=True)

    class Meta:
        model = Document
        fields = ["id", "title", "document_type", "status", "number", "version", "drafter",
                  "drafter_name", "handling_unit", "via", "disclosure", "disclosure_ground",
                  "submitted_at", "approved_at"]


class DocumentDetailSerializer(DocumentSerializer):
    steps = StepSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "body", "steps", "actions"]


class LineEntrySerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(status=PersonStatus.ACTIVE))
    role = serializers.ChoiceField(choices=StepRole.choices)
    parallel = serializers.BooleanField(default=False)


EMPTY_BODY = {"blank": _("본문을 입력하세요."), "required": _("본문을 입력하세요.")}


class DraftSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=services.MAX_BODY_CHARS, error_messages=EMPTY_BODY)
    document_type = serializers.CharField(max_length=30, default="general")
    disclosure = serializers.ChoiceField(choices=Disclosure.choices, default=Disclosure.PUBLIC)
    disclosure_ground = serializers.IntegerField(min_value=1, max_value=8, required=False,
                                                 allow_null=True)
    via = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                help_text="경유: the office the document passes through")
    line = LineEntrySerializer(many=True, required=False)
    submit = serializers.BooleanField(default=True,
                                      help_text="false: keep it as a draft (임시 저장)")


class SubmitSerializer(serializers.Serializer):
    """Send a draft, or a returned or withdrawn document, up a line (again), optionally with
    a new text."""

    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(max_length=services.MAX_BODY_CHARS, required=False,
                                 error_messages=EMPTY_BODY)
    line = LineEntrySerializer(many=True)


class ReviseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=services.MAX_BODY_CHARS, error_messages=EMPTY_BODY)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


class ActSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "return", "hold"])
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def _refusal(error: DjangoValidationError) -> Response:
    """Already handled → 409 Conflict; any other rule → 400, with the Korean message."""
    code = (status.HTTP_409_CONFLICT if isinstance(error, services.AlreadyHandled)
            else status.HTTP_400_BAD_REQUEST)
    return Response({"detail": error.messages}, status=code)


# A move on a turn someone already handled answers 409 (see _refusal).
MOVE_RESPONSES = {200: DocumentDetailSerializer,
                  409: OpenApiResponse(description="이미 처리됨 (already handled)")}


class DocumentViewSet(ScopedViewSet):
    serializer_class = DocumentSerializer
    queryset = Document.objects.none()

    def scoped_queryset(self, person: Person):
        return selectors.visible_documents(person=person)

    def _person(self) -> Person:
        return self.member()

    def _document(self, pk) -> Document:
        return self.scoped_object(pk, selectors.document_card(self.get_queryset()))

    def _move(self, document: Document, person: Person, move, **fields) -> Response:
        """Run a move on the document; its refusal answers 400 or 409 with the Korean
        message, success the document as it now stands."""
        try:
            move(document=document, actor=person, origin=Origin.from_request(self.request),
                 **fields)
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(DocumentDetailSerializer(self._document(document.pk)).data)

    def list(self, request):
        documents = selectors.document_list(person=self._person(),
                                            box=request.query_params.get("box", "queue"),
                                            query=request.query_params.get("q", ""))
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        document, person = self._document(pk), self._person()
        services.document_read_record(document=document, reader=person,
                                      signers=selectors.signers_for(person),
                                      origin=Origin.from_request(request))
        return Response(DocumentDetailSerializer(document).data)

    @extend_schema(request=DraftSerializer, responses=DocumentDetailSerializer)
    def create(self, request):
        person = self._person()
        data = DraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        line = [services.LineEntry(**entry) for entry in fields.pop("line", [])]
        submit, origin = fields.pop("submit"), Origin.from_request(request)
        try:
            with transaction.atomic():
                document = services.document_draft(drafter=person, origin=origin, **fields)
                if submit:
                    document = services.document_submit(document=document, line=line,
                                                        actor=person, origin=origin)
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(DocumentDetailSerializer(self._document(document.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ActSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        document, person = self._document(pk), self._person()
        data = ActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision, opinion = data.validated_data["decision"], data.validated_data.get(
            "opinion", "")
        if decision == "approve":
            return self._move(document, person, services.step_approve, opinion=opinion)
        move = services.step_return if decision == "return" else services.step_hold
        return self._move(document, person, move, reason=opinion)

    @extend_schema(request=None, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._move(self._document(pk), self._person(), services.document_withdraw)

    @extend_schema(request=SubmitSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        document, person = self._document(pk), self._person()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields, origin = data.validated_data, Origin.from_request(request)
        line = [services.LineEntry(**entry) for entry in fields["line"]]
        try:
            with transaction.atomic():
                if "title" in fields or "body" in fields:
                    services.document_edit(document=document, actor=person,
                                           title=fields.get("title", document.title),
                                           body=fields.get("body", document.body), origin=origin)
                services.document_submit(document=document, line=line, actor=person,
                                         origin=origin)
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(DocumentDetailSerializer(self._document(pk)).data)

    @extend_schema(request=ReviseSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        document, person = self._document(pk), self._person()
        data = ReviseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._move(document, person, services.step_revise, **data.validated_data)

    @extend_schema(request=ReasonSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        document, person = self._document(pk), self._person()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._move(document, person, services.step_skip, **data.validated_data)
