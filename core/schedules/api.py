"""API for schedule entries: list what the caller may see in a date range; create, change and
delete through the same services (and permission rules) as the pages."""

from contextlib import contextmanager
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from core.audit.services import Origin
from core.org.models import Person
from core.portal.api import ScopedViewSet
from core.schedules import selectors, services
from core.schedules.models import KST, Entry


class EntrySerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    # No default: DRF leaves a field with a default out of a PATCH answer; a missing unit
    # gives None by itself.
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = ["id", "title", "starts_at", "ends_at", "all_day", "location", "note", "scope",
                  "is_key", "owner", "owner_name", "unit", "unit_name", "can_edit",
                  "updated_at"]
        read_only_fields = ["owner", "unit", "updated_at"]
        # Services validate titles, lengths and times with the same Korean messages as pages.
        extra_kwargs = {"title": {"allow_blank": True}}

    def get_can_edit(self, entry: Entry) -> bool:
        return selectors.can_edit(self.context.get("person"), entry)


def _bound(text: str | None, name: str) -> datetime | None:
    """Parse ?start= / ?end=: a date (midnight, Korean time) or an ISO 8601 date-time."""
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if day is not None:
        return selectors.day_start(day)
    if moment is None:
        raise serializers.ValidationError(
            {name: _("날짜(YYYY-MM-DD) 또는 ISO 8601 일시를 입력하세요.")})
    return moment if moment.tzinfo else moment.replace(tzinfo=KST)


@contextmanager
def _as_api_errors():
    """Turn the services' Django ValidationError into DRF's 400 with field messages."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.message_dict) from error


RANGE_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.STR,
                     description="범위 시작 (포함, YYYY-MM-DD 또는 일시)"),
    OpenApiParameter("end", OpenApiTypes.STR,
                     description="범위 끝 (미포함, YYYY-MM-DD 또는 일시)"),
]


@extend_schema_view(list=extend_schema(parameters=RANGE_PARAMETERS))
class EntryViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                   mixins.UpdateModelMixin, mixins.DestroyModelMixin, mixins.ListModelMixin,
                   ScopedViewSet):
    """Schedule entries the caller may see (개인·부서·기관 일정)."""

    serializer_class = EntrySerializer
    queryset = Entry.objects.none()
    filterset_fields = ["scope", "is_key", "all_day"]
    search_fields = ["title", "location"]
    ordering_fields = ["starts_at", "ends_at", "title"]
    ordering = ["starts_at", "id"]

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "person": self.person()}

    def scoped_queryset(self, person: Person):
        entries = selectors.visible_entries(person)
        if self.action != "list":
            return entries
        start = _bound(self.request.query_params.get("start"), "start")
        end = _bound(self.request.query_params.get("end"), "end")
        if start and end and end <= start:
            raise serializers.ValidationError({"end": _("끝은 시작보다 뒤여야 합니다.")})
        if start:
            entries = entries.filter(ends_at__gt=start)
        if end:
            entries = entries.filter(starts_at__lt=end)
        return entries

    def _actor(self) -> Person:
        return self.member()

    def perform_create(self, serializer):
        with _as_api_errors():
            serializer.instance = services.entry_create(
                actor=self._actor(), origin=Origin.from_request(self.request),
                **serializer.validated_data)

    def perform_update(self, serializer):
        with _as_api_errors():
            serializer.instance = services.entry_update(
                entry=serializer.instance, actor=self._actor(),
                origin=Origin.from_request(self.request), **serializer.validated_data)

    def perform_destroy(self, instance):
        services.entry_delete(entry=instance, actor=self._actor(),
                              origin=Origin.from_request(self.request))
