"""Activity records API (/api/v1/activity/): one's own records, and — for a unit head —
those earned in the units they head; confirmation by the rater. Scoped through
``ScopedViewSet`` with the records' access helper."""

from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.activity import selectors, services
from core.activity.models import ActivityRecord, RecordKind, RecordStatus
from core.audit.services import Origin
from core.org.models import Person
from core.portal.api import ScopedViewSet


@extend_schema_field({"type": "string", "enum": RecordKind.values},
                     component_name="ActivityRecordKindEnum")
class KindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=RecordKind.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": RecordStatus.values},
                     component_name="ActivityRecordStatusEnum")
class StatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=RecordStatus.choices, **kwargs)


class ActivityRecordSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")
    kind = KindField(read_only=True)
    status = StatusField(read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = ActivityRecord
        fields = ["id", "person", "person_name", "unit", "unit_name", "kind", "title",
                  "description", "occurred_on", "status", "evidence_type", "evidence_id",
                  "files", "rater", "decided_at", "return_reason", "created_at"]

    def get_files(self, record) -> list[str]:
        return [item.name for item in record.files.all()]


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


def _day(params, name: str):
    raw = params.get(name, "")
    if not raw:
        return None
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        raise ValidationError({name: "날짜를 YYYY-MM-DD 형식으로 입력하세요."})
    return day


class ActivityRecordViewSet(ScopedViewSet):
    serializer_class = ActivityRecordSerializer
    queryset = ActivityRecord.objects.none()

    def scoped_queryset(self, person: Person):
        return selectors.visible_records(person)

    @extend_schema(parameters=[
        OpenApiParameter("since", str, description="YYYY-MM-DD"),
        OpenApiParameter("until", str, description="YYYY-MM-DD"),
        OpenApiParameter("kind", str, enum=RecordKind.values),
        OpenApiParameter("status", str, enum=RecordStatus.values),
        OpenApiParameter("person", int, description="a member of a unit you head"),
    ])
    def list(self, request):
        params = request.query_params
        since, until = _day(params, "since"), _day(params, "until")
        services.check_period(since, until)
        kind, status = params.get("kind", ""), params.get("status", "")
        if kind and kind not in RecordKind.values:
            raise ValidationError({"kind": "알 수 없는 구분입니다."})
        if status and status not in RecordStatus.values:
            raise ValidationError({"status": "알 수 없는 상태입니다."})
        person = params.get("person", "")
        records = selectors.record_list(
            records=self.get_queryset(), period=selectors.Period(since, until), kind=kind,
            status=status, person_id=int(person) if person.isascii() and person.isdigit()
            and len(person) < 18 else None)
        page = self.paginate_queryset(records)
        return self.get_paginated_response(ActivityRecordSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ActivityRecordSerializer(self.scoped_object(pk)).data)

    @extend_schema(request=None, responses=ActivityRecordSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        record = services.record_confirm(record=self.scoped_object(pk), actor=self.member(),
                                         origin=Origin.from_request(request))
        return Response(ActivityRecordSerializer(record).data)

    @extend_schema(request=ReturnSerializer, responses=ActivityRecordSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.record_return(record=self.scoped_object(pk), actor=self.member(),
                                        reason=data.validated_data["reason"],
                                        origin=Origin.from_request(request))
        return Response(ActivityRecordSerializer(record).data)
