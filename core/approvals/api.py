"""Electronic approval API: the boxes, drafting with a line, submitting (again), acting on a
turn, a reviewer's revision, skipping a reviewer, withdrawing; recipients and receipt (접수),
공람, 후결, the card's 보존기간 and 분류; absences with their acting officials (대결)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.approvals import selectors, services
from core.approvals.models import (
    ApprovalStep,
    Circulation,
    Disclosure,
    Document,
    DocumentAction,
    DocumentRecipient,
    Retention,
    StepRole,
)
from core.audit.services import Origin
from core.org.models import Absence, AbsenceKind, Person, PersonStatus, Unit
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


class DocumentRecipientSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    receipt_number = serializers.CharField(read_only=True)
    handler_name = serializers.CharField(source="handler.name", read_only=True, default="")

    class Meta:
        model = DocumentRecipient
        fields = ["id", "name", "unit", "external_name", "dispatched_at", "received_at",
                  "received_by", "receipt_number", "handler", "handler_name"]


class CirculationSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Circulation
        fields = ["person", "person_name", "circulated_by", "deadline", "read_at"]


class PolicyEntrySerializer(serializers.Serializer):
    """정책실명제: one person who took part."""

    role = serializers.CharField()
    name = serializers.CharField()
    position = serializers.CharField()
    opinion = serializers.CharField()
    on = serializers.DateField(allow_null=True)


class DocumentSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    drafter_name = serializers.CharField(source="drafter.name", read_only=True)
    status_label = serializers.SerializerMethodField(
        help_text="상태 as the caller should read it (접수 대기 for their unit's receipt)")

    class Meta:
        model = Document
        fields = ["id", "title", "document_type", "status", "status_label", "number", "version",
                  "drafter", "drafter_name", "handling_unit", "via", "disclosure",
                  "disclosure_ground", "retention", "classification", "policy_record",
                  "effective_on", "submitted_at", "approved_at"]

    def get_status_label(self, document: Document) -> str:
        awaiting = getattr(document, "awaiting_receipt", None)
        if awaiting is not None or "person" not in self.context:
            return str(_("접수 대기")) if awaiting else document.get_status_display()
        return selectors.status_for(document=document, person=self.context["person"])


class DocumentDetailSerializer(DocumentSerializer):
    steps = StepSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)
    recipients = DocumentRecipientSerializer(many=True, read_only=True)
    circulations = CirculationSerializer(many=True, read_only=True)
    policy_participants = serializers.SerializerMethodField(
        help_text="정책실명제: drafter, line and meeting participants (policy documents)")

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "body", "steps", "actions", "recipients",
                  "circulations", "policy_participants"]

    @extend_schema_field(PolicyEntrySerializer(many=True))
    def get_policy_participants(self, document: Document) -> list:
        return PolicyEntrySerializer(selectors.policy_record(document), many=True).data


class LineEntrySerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(status=PersonStatus.ACTIVE))
    role = serializers.ChoiceField(choices=StepRole.choices)
    parallel = serializers.BooleanField(default=False)


EMPTY_BODY = {"blank": _("본문을 입력하세요."), "required": _("본문을 입력하세요.")}


class ParticipantSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    affiliation = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                        default="")
    remark = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                   default="")
    meeting_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReceiveSerializer(serializers.Serializer):
    recipient = serializers.IntegerField(help_text="the recipient row of the caller's unit")
    handler = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(status=PersonStatus.ACTIVE), required=False,
        allow_null=True, help_text="처리담당자 (the caller by default)")


class CirculateSerializer(serializers.Serializer):
    people = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(status=PersonStatus.ACTIVE), many=True, required=False)
    units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), many=True, required=False,
        help_text="whole units: their active members read it")
    deadline = serializers.DateField(required=False, allow_null=True)


class ManagementSerializer(serializers.Serializer):
    retention = serializers.ChoiceField(choices=Retention.choices, required=False)
    classification = serializers.CharField(max_length=100, required=False, allow_blank=True)


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
    retention = serializers.ChoiceField(choices=Retention.choices, required=False,
                                        help_text="보존기간; the document type's by default")
    classification = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                           help_text="분류; the document type's by default")
    effective_on = serializers.DateField(required=False, allow_null=True,
                                         help_text="공고 only: 효력 발생일 (default 5 days "
                                                   "after notice)")
    participants = ParticipantSerializer(many=True, required=False,
                                         help_text="정책실명제: policy meeting participants")


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
        return self._detail(document.pk)

    def _detail(self, pk, **kwargs) -> Response:
        """The document as it now stands, as the caller reads it."""
        return Response(DocumentDetailSerializer(self._document(pk),
                                                 context={"person": self._person()}).data,
                        **kwargs)

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
        if any(c.person_id == person.pk and c.read_at is None
               for c in document.circulations.all()):
            services.circulation_mark_read(document=document, person=person)
            return self._detail(pk)  # read as it now stands: no longer 미열람
        return Response(DocumentDetailSerializer(document, context={"person": person}).data)

    @extend_schema(request=DraftSerializer, responses=DocumentDetailSerializer)
    def create(self, request):
        person = self._person()
        data = DraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        line = [services.LineEntry(**entry) for entry in fields.pop("line", [])]
        fields["participants"] = [services.Participant(**entry)
                                  for entry in fields.pop("participants", [])]
        submit, origin = fields.pop("submit"), Origin.from_request(request)
        try:
            with transaction.atomic():
                document = services.document_draft(drafter=person, origin=origin, **fields)
                if submit:
                    document = services.document_submit(document=document, line=line,
                                                        actor=person, origin=origin)
        except DjangoValidationError as error:
            return _refusal(error)
        return self._detail(document.pk, status=status.HTTP_201_CREATED)

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
        return self._detail(pk)

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

    @extend_schema(request=None, responses=DocumentRecipientSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def recipients(self, request, pk=None):
        """수신처: the recipients with dispatch, receipt number and 처리담당자."""
        document = self._document(pk)
        return Response(DocumentRecipientSerializer(document.recipients.all(), many=True).data)

    @extend_schema(request=ReceiveSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """접수: register the document in the caller's unit, naming its 처리담당자."""
        document, person = self._document(pk), self._person()
        data = ReceiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recipient = next((r for r in document.recipients.all()
                          if r.pk == data.validated_data["recipient"]), None)
        if recipient is None:
            return Response({"recipient": [_("이 문서의 수신처가 아닙니다.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        try:
            services.receipt_register(recipient=recipient, actor=person,
                                      handler=data.validated_data.get("handler"),
                                      origin=Origin.from_request(request))
        except DjangoValidationError as error:
            return _refusal(error)
        return self._detail(pk)

    @extend_schema(request=CirculateSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def circulate(self, request, pk=None):
        """공람 지정: people and/or whole units, with an optional deadline."""
        document, person = self._document(pk), self._person()
        data = CirculateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        return self._move(document, person, services.document_circulate,
                          people=list(fields.get("people", [])),
                          units=list(fields.get("units", [])), deadline=fields.get("deadline"))

    @extend_schema(request=None, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """후결: the absent approver acknowledges what was signed for them."""
        return self._move(self._document(pk), self._person(), services.step_acknowledge)

    @extend_schema(request=ManagementSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def management(self, request, pk=None):
        """보존기간 and 분류, until the approver signs."""
        document, person = self._document(pk), self._person()
        data = ManagementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._move(document, person, services.document_management_update,
                          **data.validated_data)


class AbsenceSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    acting_name = serializers.CharField(source="acting.name", read_only=True)

    class Meta:
        model = Absence
        fields = ["id", "person", "person_name", "acting", "acting_name", "kind", "starts_on",
                  "ends_on", "reason"]


class AbsenceRegisterSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(status=PersonStatus.ACTIVE))
    acting = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(status=PersonStatus.ACTIVE),
        help_text="대결자 (직무대리)")
    kind = serializers.ChoiceField(choices=AbsenceKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                   default="")


class AbsenceViewSet(mixins.ListModelMixin, ScopedViewSet):
    serializer_class = AbsenceSerializer
    queryset = Absence.objects.none()

    def scoped_queryset(self, person: Person):
        return selectors.absences_for(person=person).select_related("person", "acting")

    @extend_schema(request=AbsenceRegisterSerializer, responses={201: AbsenceSerializer})
    def create(self, request):
        """부재 등록: leave or a trip with the acting official who signs meanwhile (대결);
        who may register whose absence is the agency's rule."""
        data = AbsenceRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            absence = services.absence_register(actor=self.member(),
                                                origin=Origin.from_request(request),
                                                **data.validated_data)
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)
