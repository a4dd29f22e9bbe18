"""API endpoints for the org chart: me, units, people (read-only in this version)."""

import django_filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.accounts.services import token_expires_at, token_rotate
from core.audit.services import Origin
from core.org import selectors
from core.org.models import Appointment, Person, Unit
from core.org.selectors import api_token_days, person_for_user
from core.portal.api import ScopedViewSet


class UnitSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.name")
    head = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent", "head", "sort_order", "is_active"]


class PersonSerializer(serializers.ModelSerializer):
    # A person may have no unit, grade or position yet: null, as the schema says.
    unit = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", default=None, allow_null=True)
    grade = serializers.CharField(source="grade.name", default=None, allow_null=True)
    position = serializers.CharField(source="position.name", default=None, allow_null=True)
    roles = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "employee_number", "name", "email", "unit", "unit_name", "grade",
                  "position", "roles", "status"]


class MeSerializer(PersonSerializer):
    agency = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "agency"]

    def get_agency(self, person) -> dict:
        agency = self.context["request"].tenant
        return {"code": agency.code, "name_ko": agency.name_ko, "name_en": agency.name_en}


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        person = person_for_user(request.user)
        if person is None:
            raise NotFound
        return Response(MeSerializer(person, context={"request": request}).data)


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = UnitSerializer
    queryset = Unit.objects.none()
    filterset_fields = ["parent", "is_active"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code", "sort_order"]

    def scoped_queryset(self, person: Person):
        return selectors.visible_units(person)


class PersonFilter(django_filters.FilterSet):
    role = django_filters.CharFilter(field_name="roles__code")

    class Meta:
        model = Person
        fields = ["unit", "status", "grade", "position", "role"]


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = PersonSerializer
    queryset = Person.objects.none()
    filterset_class = PersonFilter
    search_fields = ["name", "employee_number", "email"]
    ordering_fields = ["name", "employee_number", "grade__rank"]

    def scoped_queryset(self, person: Person):
        return selectors.visible_people(person)


class AppointmentSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display")
    unit = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", default=None, allow_null=True)
    grade = serializers.CharField(source="grade.name", default=None, allow_null=True)
    position = serializers.CharField(source="position.name", default=None, allow_null=True)

    class Meta:
        model = Appointment
        fields = ["id", "person", "kind", "kind_label", "primary", "unit", "unit_name",
                  "grade", "position", "starts_on", "ends_on", "reason"]


APPOINTMENT_EXAMPLE = OpenApiExample(
    "전보", response_only=True, value={
        "id": 41, "person": 7, "kind": "transfer", "kind_label": "전보", "primary": True,
        "unit": 3, "unit_name": "성과관리과", "grade": "7급", "position": "주무관",
        "starts_on": "2024-07-01", "ends_on": None, "reason": "정기 인사"})


class AppointmentFilter(django_filters.FilterSet):
    on = django_filters.DateFilter(method="in_force_on", label="in force on (YYYY-MM-DD)")

    class Meta:
        model = Appointment
        fields = ["person", "unit", "kind", "primary"]

    def in_force_on(self, queryset, _name, value):
        return queryset.filter(selectors.in_force_on(value))


@extend_schema_view(
    list=extend_schema(
        summary="Appointments (발령 이력)",
        description="A person's appointments, the latest first. HR officers and agency "
                    "admins read everyone's; others only their own. `on=YYYY-MM-DD` keeps "
                    "the appointments in force that day (with `primary=true`: who was where).",
        examples=[APPOINTMENT_EXAMPLE]),
    retrieve=extend_schema(summary="One appointment", examples=[APPOINTMENT_EXAMPLE]),
)
class AppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = AppointmentSerializer
    queryset = Appointment.objects.none()
    filterset_class = AppointmentFilter
    ordering_fields = ["starts_on", "id"]

    def scoped_queryset(self, person: Person):
        return selectors.visible_appointments(person)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenView(APIView):
    """Issue a new API token for the signed-in account, replacing the old one.

    Only a session (which passed sign-in and any MFA) can ask; a token cannot mint tokens.
    The token lives in this agency's schema, so it means nothing on another agency's host.
    It expires after the agency's rule (기관 설정: API 토큰 유효 기간) and when the password
    changes."""

    authentication_classes = [SessionAuthentication]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "api_token"

    @extend_schema(request=None, responses={201: TokenSerializer})
    def post(self, request):
        token = token_rotate(user=request.user, origin=Origin.from_request(request))
        expires_at = token_expires_at(token, api_token_days())
        return Response(TokenSerializer({"token": token.key, "expires_at": expires_at}).data,
                        status=201)
