"""Work management API: task cards with progress reports, memo reports with read receipts and
replies, instructions tracked per assignee."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.audit.services import Origin
from core.org.models import Person, PersonStatus, Unit
from core.portal.api import ScopedViewSet
from core.work import selectors, services
from core.work.models import (
    AssignmentStatus,
    DecisionRecord,
    Instruction,
    InstructionAssignment,
    Memo,
    MemoRecipient,
    MemoReply,
    Priority,
    ProgressReport,
    Task,
    TaskStatus,
)


@extend_schema_field({"type": "string", "enum": TaskStatus.values},
                     component_name="TaskStatusEnum")
class TaskStatusField(serializers.ChoiceField):
    """The task status with its own schema component, so its enum does not collide with the
    other apps' "status" fields in the OpenAPI document."""

    def __init__(self, **kwargs):
        super().__init__(choices=TaskStatus.choices, **kwargs)


class ProgressReportSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "percent", "text", "share_with_customers", "author", "author_name",
                  "reported_at"]
        read_only_fields = ["id", "author", "author_name", "reported_at"]
        extra_kwargs = {"percent": {"min_value": 0, "max_value": 100}}


class DecisionSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name")

    class Meta:
        model = DecisionRecord
        fields = ["kind", "content", "author", "author_name", "recorded_at"]


class TaskSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status = TaskStatusField(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "title", "owner", "owner_name", "unit", "unit_name", "goal", "status",
                  "priority", "progress", "start_date", "due_date", "overdue", "updated_at"]

    def get_overdue(self, task) -> bool:
        return task.is_overdue()


class TaskDetailSerializer(TaskSerializer):
    reports = ProgressReportSerializer(source="report_list", many=True, read_only=True)
    decisions = DecisionSerializer(source="decision_list", many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "plan", "reports", "decisions"]


class TaskCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(status=PersonStatus.ACTIVE), required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True),
                                              required=False, allow_null=True)
    goal = serializers.CharField(max_length=200, required=False, allow_blank=True)
    plan = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = TaskStatusField(default=TaskStatus.PLANNED)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class ReplySerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name")

    class Meta:
        model = MemoReply
        fields = ["author", "author_name", "body", "created_at"]


class RecipientSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name")

    class Meta:
        model = MemoRecipient
        fields = ["person", "name", "read_at"]


class MemoSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Memo
        fields = ["id", "title", "author", "author_name", "task", "sent_at"]


class MemoDetailSerializer(MemoSerializer):
    recipients = RecipientSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)

    class Meta(MemoSerializer.Meta):
        fields = [*MemoSerializer.Meta.fields, "body", "recipients", "replies"]


class MemoCreateSerializer(serializers.Serializer):
    recipients = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(status=PersonStatus.ACTIVE), many=True,
        allow_empty=False)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20_000)
    task = serializers.PrimaryKeyRelatedField(queryset=Task.objects.all(), required=False,
                                              allow_null=True)


class ReplyCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000, error_messages={
        "required": _("답신 내용을 입력하세요."), "blank": _("답신 내용을 입력하세요.")})


class AssignmentSerializer(serializers.ModelSerializer):
    assignee_name = serializers.CharField(source="assignee.name")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = InstructionAssignment
        fields = ["assignee", "assignee_name", "status", "note", "done_at", "overdue"]

    def get_overdue(self, assignment) -> bool:
        return assignment.is_overdue()


class InstructionSerializer(serializers.ModelSerializer):
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Instruction
        fields = ["id", "title", "issuer", "issuer_name", "due_date", "task", "issued_at",
                  "overdue", "assignments"]

    def get_overdue(self, instruction) -> bool:
        """지연: some assignee's part is still open after the due date."""
        return any(part.is_overdue() for part in instruction.assignments.all())


class InstructionDetailSerializer(InstructionSerializer):
    class Meta(InstructionSerializer.Meta):
        fields = [*InstructionSerializer.Meta.fields, "body"]


class InstructionCreateSerializer(serializers.Serializer):
    """The instruction form's fields and Korean messages; the service checks the rest."""

    assignees = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(status=PersonStatus.ACTIVE), many=True,
        allow_empty=False, error_messages={"required": _("담당자를 한 명 이상 지정하세요."),
                                           "empty": _("담당자를 한 명 이상 지정하세요.")})
    title = serializers.CharField(max_length=200, error_messages={
        "required": _("제목을 입력하세요."), "blank": _("제목을 입력하세요.")})
    body = serializers.CharField(max_length=20_000, error_messages={
        "required": _("지시 내용을 입력하세요."), "blank": _("지시 내용을 입력하세요.")})
    due_date = serializers.DateField(error_messages={
        "required": _("처리기한을 입력하세요."), "null": _("처리기한을 입력하세요."),
        "invalid": _("처리기한을 날짜로 입력하세요.")})
    task = serializers.PrimaryKeyRelatedField(queryset=Task.objects.all(), required=False,
                                              allow_null=True)


class CompleteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=20_000, error_messages={
        "required": _("처리 결과를 입력하세요."), "blank": _("처리 결과를 입력하세요.")})


def _refusal(error: DjangoValidationError) -> Response:
    return Response({"detail": error.messages}, status=status.HTTP_400_BAD_REQUEST)


class _PersonMixin:
    def _person(self) -> Person:
        return self.member()


class TaskViewSet(_PersonMixin, ScopedViewSet):
    """Task cards (과제관리카드): every member reads; owner, unit head and admins write."""

    serializer_class = TaskSerializer
    queryset = Task.objects.none()

    def scoped_queryset(self, person: Person):
        return selectors.visible_tasks(person)

    def _task(self, pk) -> Task:
        return self.scoped_object(pk, selectors.task_card(self.get_queryset()))

    @extend_schema(parameters=[
        OpenApiParameter("q", str), OpenApiParameter("status", str),
        OpenApiParameter("unit", int), OpenApiParameter("mine", bool),
        OpenApiParameter("overdue", bool), OpenApiParameter("sort", str)])
    def list(self, request):
        params = request.query_params
        unit = params.get("unit", "")
        tasks = selectors.task_list(
            person=self._person(), query=params.get("q", ""), status=params.get("status", ""),
            unit_id=int(unit) if unit.isdecimal() else None,
            mine=params.get("mine") in ("1", "true"),
            overdue=params.get("overdue") in ("1", "true"),
            ordering=params.get("sort", "due_date"))
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(TaskSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(TaskDetailSerializer(self._task(pk)).data)

    @extend_schema(request=TaskCreateSerializer, responses=TaskDetailSerializer)
    def create(self, request):
        person = self._person()
        data = TaskCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["owner"] = fields.get("owner") or person
        try:
            task = services.task_create(actor=person, origin=Origin.from_request(request),
                                        **fields)
        except DjangoValidationError as error:
            return _refusal(error)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return Response(TaskDetailSerializer(self._task(task.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ProgressReportSerializer, responses={201: ProgressReportSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        task, person = self._task(pk), self._person()
        data = ProgressReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = services.progress_report(task=task, actor=person,
                                              origin=Origin.from_request(request),
                                              **data.validated_data)
        except DjangoValidationError as error:
            return _refusal(error)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)


class MemoViewSet(_PersonMixin, ScopedViewSet):
    """Memo reports (메모보고): the inbox and sent list; opening one records the receipt, as the
    memo page does; its author and recipients reply."""

    serializer_class = MemoSerializer
    queryset = Memo.objects.none()

    def scoped_queryset(self, person: Person):
        return selectors.visible_memos(person)

    def _memo(self, pk) -> Memo:
        return self.scoped_object(pk, selectors.memo_card(self.get_queryset()))

    @extend_schema(parameters=[OpenApiParameter("box", str, enum=["inbox", "sent"]),
                               OpenApiParameter("q", str)])
    def list(self, request):
        person, query = self._person(), request.query_params.get("q", "")
        if request.query_params.get("box") == "sent":
            memos = selectors.memo_sent(person=person, query=query)
        else:
            memos = selectors.memo_inbox(person=person, query=query)
        page = self.paginate_queryset(memos.select_related("author"))
        return self.get_paginated_response(MemoSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        memo = self._memo(pk)
        services.memo_mark_read(memo=memo, actor=self._person(),
                                origin=Origin.from_request(request))
        return Response(MemoDetailSerializer(self._memo(memo.pk)).data)

    @extend_schema(request=MemoCreateSerializer, responses=MemoDetailSerializer)
    def create(self, request):
        person = self._person()
        data = MemoCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            memo = services.memo_send(actor=person, origin=Origin.from_request(request),
                                      **data.validated_data)
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(MemoDetailSerializer(self._memo(memo.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReplyCreateSerializer, responses={201: ReplySerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        memo, person = self._memo(pk), self._person()
        data = ReplyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            reply = services.memo_reply(memo=memo, actor=person,
                                        origin=Origin.from_request(request),
                                        **data.validated_data)
        except DjangoValidationError as error:
            return _refusal(error)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


class InstructionViewSet(_PersonMixin, ScopedViewSet):
    """Instructions (지시사항): unit heads and admins issue them; their issuer and assignees
    read them; each assignee completes their own part with a note."""

    serializer_class = InstructionSerializer
    queryset = Instruction.objects.none()

    def scoped_queryset(self, person: Person):
        return selectors.visible_instructions(person)

    def _instruction(self, pk) -> Instruction:
        return self.scoped_object(pk, selectors.instruction_card(self.get_queryset()))

    @extend_schema(parameters=[
        OpenApiParameter("role", str, enum=["issued", "assigned"]),
        OpenApiParameter("status", str, enum=AssignmentStatus.values)])
    def list(self, request):
        params = request.query_params
        instructions = selectors.instruction_list(person=self._person(),
                                                  role=params.get("role", ""),
                                                  status=params.get("status", ""))
        page = self.paginate_queryset(instructions)
        return self.get_paginated_response(InstructionSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(InstructionDetailSerializer(self._instruction(pk)).data)

    @extend_schema(request=InstructionCreateSerializer, responses=InstructionDetailSerializer)
    def create(self, request):
        person = self._person()
        # Refuse before reading the input, as the issuing page does.
        if not selectors.can_issue_instructions(person):
            raise PermissionDenied
        data = InstructionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            instruction = services.instruction_issue(
                actor=person, origin=Origin.from_request(request), **data.validated_data)
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(InstructionDetailSerializer(self._instruction(instruction.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=CompleteSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        instruction, person = self._instruction(pk), self._person()
        data = CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assignment = services.instruction_complete(
                instruction=instruction, actor=person, origin=Origin.from_request(request),
                **data.validated_data)
        except DjangoValidationError as error:
            return _refusal(error)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return Response(AssignmentSerializer(assignment).data)
