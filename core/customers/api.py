"""Cases API: the box (list), a case (retrieve: contacts unmasked and the view recorded for
its handlers only) and intake by officials (phone, visit, another system)."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from core.audit.services import Origin
from core.customers import selectors, services
from core.customers.models import (
    NOTICE_STEPS,
    Case,
    CaseStatus,
    CaseStep,
    Channel,
    CustomerKind,
    NoticeChannel,
)
from core.org.models import Person
from core.portal.api import ScopedViewSet


class ContactSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    masked = serializers.BooleanField(help_text="true unless you handle the case")


class CaseStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseStep
        fields = ["status", "stage", "occurred_at", "unit_name", "note"]


class CaseSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    customer = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "case_type",
            "case_type_name",
            "title",
            "status",
            "stage",
            "channel",
            "handling_unit",
            "assignee",
            "received_at",
            "due_on",
            "closed_at",
            "customer",
        ]

    @extend_schema_field(ContactSerializer)
    def get_customer(self, case: Case) -> dict:
        contact = selectors.contact_of(case.customer, unmasked=self.context.get("unmasked", False))
        return {
            "kind": case.customer.kind,
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "masked": contact.masked,
        }


class CaseDetailSerializer(CaseSerializer):
    steps = CaseStepSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "body", "answer", "steps"]


class CaseCreatedSerializer(CaseDetailSerializer):
    status_link = serializers.CharField(
        read_only=True, help_text="The customer's private status link, shown only once."
    )

    class Meta(CaseDetailSerializer.Meta):
        fields = [*CaseDetailSerializer.Meta.fields, "status_link"]


class IntakeSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=[Channel.PHONE, Channel.VISIT, Channel.API], default=Channel.API
    )
    kind = serializers.ChoiceField(choices=CustomerKind.choices)
    name = serializers.CharField(max_length=100)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.RegexField(
        r"^[0-9+\-() ]{7,20}$", required=False, allow_blank=True, default=""
    )
    affiliation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    field = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    case_type = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=services.MAX_TITLE)
    body = serializers.CharField(max_length=services.MAX_BODY)
    consent = serializers.BooleanField(
        help_text="The customer consented to the collection (개인정보 수집·이용 동의); required."
    )
    notice_steps = serializers.ListField(
        child=serializers.ChoiceField(choices=NOTICE_STEPS),
        required=False,
        default=list,
        help_text="The steps the customer wants notices of (none by default).",
    )
    notice_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=NoticeChannel.choices),
        required=False,
        default=list,
        help_text="email and/or sms; the matching contact must be given.",
    )


class CaseViewSet(ScopedViewSet):
    serializer_class = CaseSerializer
    queryset = Case.objects.none()

    def scoped_queryset(self, person: Person):
        return selectors.cases_visible_to(person)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["open", "all", *CaseStatus.values]),
            OpenApiParameter("unit", int),
            OpenApiParameter("type", str),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("q", str),
        ]
    )
    def list(self, request):
        params = request.query_params
        cases = selectors.case_box(
            person=self.member(),
            status=params.get("status", "open"),
            unit=params.get("unit", ""),
            case_type=params.get("type", "")[:40],
            overdue=params.get("overdue") in ("1", "true"),
            query=params.get("q", ""),
        )
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(responses=CaseDetailSerializer)
    def retrieve(self, request, pk=None):
        case, person = self.scoped_object(pk), self.member()
        unmasked = selectors.handles(person, case)
        if unmasked:
            services.contact_view_record(
                case=case, viewer=person, origin=Origin.from_request(request)
            )
        return Response(CaseDetailSerializer(case, context={"unmasked": unmasked}).data)

    @extend_schema(
        request=IntakeSerializer,
        responses={201: CaseCreatedSerializer},
        examples=[
            OpenApiExample(
                "전화 민원",
                request_only=True,
                value={
                    "channel": "phone",
                    "kind": "citizen",
                    "name": "홍길동",
                    "phone": "010-1234-5678",
                    "case_type": "inquiry",
                    "title": "가로등 고장",
                    "body": "가로등이 꺼져 있습니다.",
                    "consent": True,
                },
            )
        ],
    )
    def create(self, request):
        person = self.member()
        data = IntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        channel = fields.pop("channel")
        fields["notice_steps"] = tuple(fields.get("notice_steps", ()))
        fields["notice_channels"] = tuple(fields.get("notice_channels", ()))
        # A refusal (no consent, an unknown type) answers 400 by field (harmony.api).
        case, token = services.case_receive(
            intake=services.Intake(**fields),
            channel=channel,
            actor=person,
            origin=Origin.from_request(request),
        )
        body = CaseDetailSerializer(case, context={"unmasked": False}).data
        body["status_link"] = request.build_absolute_uri(f"/public/requests/{token}/")
        return Response(body, status=status.HTTP_201_CREATED)
