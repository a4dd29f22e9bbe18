"""factory_boy factories and helpers; they write to whichever schema is current."""

from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from core.accounts.mfa import totp_enrol
from core.org.models import Grade, Person, Position, Role, RoleCode, Unit, UnitKind
from tenants.models import Agency
from tenants.services import Onboarding, agency_onboard
from tenants.standard_models import latest_standard_model_version

PASSWORD = "correct-horse-battery"
# Agency admins and HR officers must use MFA (the default): personas holding those roles are
# enrolled with this secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"시험{n}과")
    kind = factory.LazyFunction(lambda: UnitKind.objects.get(code="division"))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"홍길{n}")
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    email = factory.LazyAttribute(lambda p: f"{p.employee_number.lower()}@example.test")
    unit = factory.SubFactory(UnitFactory)
    grade = factory.LazyFunction(lambda: Grade.objects.get(code="G7"))
    position = factory.LazyFunction(lambda: Position.objects.get(code="officer"))
    user = factory.LazyAttribute(lambda p: UserFactory(email=p.email))

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        codes = extracted or [RoleCode.STAFF]
        self.roles.set(Role.objects.filter(code__in=codes))


def onboard_agency(subdomain: str, *, code: str, name_ko: str = "시험기관",
                   kind: str = "central") -> Agency:
    return agency_onboard(
        onboarding=Onboarding(name_ko=name_ko, name_en=f"{subdomain} agency", code=code,
                              subdomain=subdomain, kind=kind,
                              standard_model_version=latest_standard_model_version(),
                              admin_email=f"first-admin@{subdomain}.test"),
        actor=None,
    )


@dataclass
class Personas:
    """Alice the agency admin (차관, who may sign any document but a minister's), Hana the HR
    officer, Hyun the unit head (과장, who signs general documents by delegation), Sam the
    staff member (in Hyun's unit) and Olivia, staff in another unit."""

    agency: Agency
    admin: Person
    hr: Person
    head: Person
    staff: Person
    other: Person


def make_personas(agency: Agency) -> Personas:
    with schema_context(agency.schema_name):
        unit = UnitFactory(name="혁신기획과")
        other_unit = UnitFactory(name="성과관리과")
        head = PersonFactory(name="김현", unit=unit, roles=[RoleCode.STAFF, RoleCode.UNIT_HEAD],
                             position=Position.objects.get(code="division_head"))
        unit.head = head
        unit.save(update_fields=["head"])
        admin = PersonFactory(name="이앨리스", unit=unit,
                              roles=[RoleCode.STAFF, RoleCode.AGENCY_ADMIN],
                              position=Position.objects.get(code="vice_minister"))
        hr = PersonFactory(name="박하나", unit=other_unit,
                           roles=[RoleCode.STAFF, RoleCode.HR_OFFICER])
        for privileged in (admin, hr):
            totp_enrol(privileged.user, TOTP_SECRET)
        return Personas(
            agency=agency, admin=admin, hr=hr, head=head,
            staff=PersonFactory(name="최샘", unit=unit),
            other=PersonFactory(name="정올리", unit=other_unit),
        )
