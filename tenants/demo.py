"""Demo data for ``harmony seed-demo``: the 2005 pilot ministry, the four follow-on
ministries and one leading local government, with realistic (fictional) org charts.

Names are generated deterministically from common Korean surnames and given-name syllables,
so every run seeds the same people."""

import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from core.accounts.mfa import totp_enrol
from core.org.models import Grade, Person, Position, Role, RoleCode, Unit, UnitKind
from tenants.demo_history import seed_history
from tenants.demo_work import DemoStaff, seed_cross_agency_request, seed_work
from tenants.models import Agency
from tenants.services import Onboarding, agency_onboard
from tenants.standard_models import latest_standard_model_version

CENTRAL_EMAIL = "central@harmony.test"
# A fixed demo secret (base32) so the README and `make run` can print it; demo only. The
# central account and every demo agency's admin@ and hr@ (MFA is on for admins and HR
# officers by default) share it, so `make totp` gives the code for all of them.
CENTRAL_TOTP_SECRET = "JBSWY3DPEHPK3PXPHARMONYDEMO23456"
DEMO_MFA_LABELS = ("admin", "hr")

# (subdomain, Korean name, English name, code, kind, head-count, org chart)
# The org chart is [(office or bureau, kind, [(division, kind), ...]), ...].
AGENCIES = [
    ("mogaha", "행정자치부", "Ministry of Government Administration and Home Affairs",
     "1310000", "central", 260, [
         ("기획조정실", "office", ["기획재정담당관", "혁신행정담당관", "법무감사담당관"]),
         ("정부혁신국", "bureau", ["혁신기획과", "제도혁신과", "성과관리과"]),
         ("지방행정국", "bureau", ["자치행정과", "지방인사제도과", "주민과"]),
         ("전자정부국", "bureau", ["전자정부정책과", "정보자원관리과"]),
     ]),
    ("mpb", "기획예산처", "Ministry of Planning and Budget", "1051000", "central", 180, [
        ("예산실", "office", ["예산총괄과", "복지예산과", "경제예산과"]),
        ("재정운용실", "office", ["재정정책과", "재정관리과"]),
        ("공공혁신본부", "bureau", ["공공기관정책과", "경영지원과"]),
    ]),
    ("most", "과학기술부", "Ministry of Science and Technology", "1330000", "central", 150, [
        ("기획조정실", "office", ["기획예산담당관", "혁신인사담당관"]),
        ("과학기술정책국", "bureau", ["과학기술정책과", "연구개발조정과"]),
        ("원자력국", "bureau", ["원자력정책과", "원자력안전과"]),
    ]),
    ("moct", "건설교통부", "Ministry of Construction and Transportation", "1610000", "central",
     220, [
         ("기획관리실", "office", ["기획예산담당관", "혁신인사기획관"]),
         ("주택도시국", "bureau", ["주택정책과", "도시정책과", "토지정책과"]),
         ("수송정책실", "office", ["물류정책과", "철도정책과", "도로정책과"]),
     ]),
    ("kcg", "해양경찰청", "Korea Coast Guard", "1532000", "central", 140, [
        ("기획조정관", "office", ["기획재정담당관", "혁신기획팀"]),
        ("경비구난국", "bureau", ["경비과", "수색구조과"]),
        ("정보수사국", "bureau", ["수사과", "정보과"]),
    ]),
    ("suwon", "수원시", "Suwon City", "3740000", "basic", 200, [
        ("기획조정실", "office", ["기획예산과", "혁신정책과"]),
        ("행정지원국", "bureau", ["총무과", "민원봉사과", "회계과"]),
        ("도시정책실", "office", ["도시계획과", "주택과"]),
        ("복지여성국", "bureau", ["사회복지과", "여성가족과"]),
    ]),
]

# The 기안문 foot of each demo agency (시행규칙 서식: 우편번호, 주소, 홈페이지, 전화·전송).
# Addresses and home pages are the government buildings' and agencies' public ones; the
# telephone and fax numbers have the right shape but are demo numbers.
LETTERHEADS = {
    "mogaha": ("03171", "서울특별시 종로구 세종대로 209 정부서울청사", "www.mogaha.go.kr",
               "02-2100-3000", "02-2100-3009"),
    "mpb": ("13809", "경기도 과천시 관문로 47 정부과천청사", "www.mpb.go.kr",
            "02-2150-5000", "02-2150-5009"),
    "most": ("13809", "경기도 과천시 관문로 47 정부과천청사", "www.most.go.kr",
             "02-2110-2000", "02-2110-2009"),
    "moct": ("13809", "경기도 과천시 관문로 47 정부과천청사", "www.moct.go.kr",
             "02-2110-8000", "02-2110-8009"),
    "kcg": ("22003", "인천광역시 연수구 해돋이로 130", "www.kcg.go.kr",
            "032-835-2000", "032-835-2009"),
    "suwon": ("16490", "경기도 수원시 팔달구 효원로 241", "www.suwon.go.kr",
              "031-228-2000", "031-228-2009"),
}

SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허남심노하곽성차주우구민유"
    "진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
)
GIVEN = "민서준지현우수영하윤도예은진성재원경태혜주연희동석승호정아상훈나규미보라소"
HEAD_POSITIONS = {"office": "office_head", "bureau": "bureau_head", "division": "division_head",
                  "team": "team_head"}
STAFF_GRADES = ["G5", "G6", "G6", "G7", "G7", "G7", "G8", "G8", "G9"]
HEAD_GRADES = {"office": "G1", "bureau": "G2", "division": "G4", "team": "G5"}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def seed_demo(*, password: str, log=print) -> None:
    """Create the central demo account and the demo agencies, skipping what already exists."""
    _central_account(password)
    for row in AGENCIES:
        if Agency.objects.filter(schema_name=row[0]).exists():
            log(f"  {row[1]} ({row[0]}): 이미 있음 (already there)")
        else:
            _demo_agency(*row, password=password)
        # Also for demos seeded before MFA became the default for admins and HR officers,
        # or before the 기안문 foot printed the agency's contact details.
        _demo_mfa(row[0])
        with schema_context(row[0]):
            demo_letterhead(row[0])
        log(f"  {row[1]} ({row[0]}): {row[5]}명 생성 (created)")
    seed_cross_agency_request(log)


def _central_account(password: str) -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user = user_model.objects.filter(email=CENTRAL_EMAIL).first()
    if user is None:
        user = user_model.objects.create_user(CENTRAL_EMAIL, password, is_staff=True,
                                              first_name="중앙관리자")
    totp_enrol(user, CENTRAL_TOTP_SECRET)


@transaction.atomic
def _demo_agency(subdomain, name_ko, name_en, code, kind, size, chart, *, password) -> None:
    agency = agency_onboard(
        onboarding=Onboarding(name_ko=name_ko, name_en=name_en, code=code, subdomain=subdomain,
                              kind=kind, standard_model_version=latest_standard_model_version(),
                              admin_email=f"admin@{subdomain}.test"),
        actor=None, invite=False,
    )
    with schema_context(agency.schema_name):
        rng = random.Random(subdomain)
        units = _demo_units(chart)
        people = _demo_people(units, size, subdomain, rng)
        staff = _demo_accounts(units, people, subdomain, password)
        seed_history(divisions=[unit for unit, kind in units if kind in ("division", "team")],
                     staff=staff.staff, rng=rng, today=timezone.localdate())
        seed_work(staff)
        from tenants.services import agency_refresh_people_count

        transaction.on_commit(lambda: agency_refresh_people_count(schema_name=subdomain))


def demo_letterhead(subdomain: str) -> None:
    """Give the demo agency the contact details its 기안문 prints (the current schema's)."""
    from core.org.models import OrgSettings
    from core.org.services import org_settings_update

    postal_code, address, homepage, phone, fax = LETTERHEADS[subdomain]
    row, _created = OrgSettings.objects.get_or_create(singleton=True)
    org_settings_update(
        privileged_mfa_required=row.privileged_mfa_required,
        privileged_mfa_opt_out_reason=row.privileged_mfa_opt_out_reason,
        api_token_days=row.api_token_days, actor=None,
        contact={"postal_code": postal_code, "address": address, "homepage": homepage,
                 "phone": phone, "fax": fax})


def _demo_mfa(subdomain: str) -> None:
    """Enrol the demo agency's admin@ and hr@ in TOTP with the demo secret."""
    from django.contrib.auth import get_user_model

    with schema_context(subdomain):
        emails = [f"{label}@{subdomain}.test" for label in DEMO_MFA_LABELS]
        for user in get_user_model().objects.filter(email__in=emails):
            totp_enrol(user, CENTRAL_TOTP_SECRET)


def _demo_units(chart) -> list[tuple[Unit, str]]:
    kinds = {k.code: k for k in UnitKind.objects.all()}
    units, order = [], 0
    for top_name, top_kind, divisions in chart:
        order += 1
        top = Unit.objects.create(code=f"U{order:02d}00", name=top_name, kind=kinds[top_kind],
                                  sort_order=order)
        units.append((top, top_kind))
        for index, division_name in enumerate(divisions, start=1):
            division_kind = "team" if division_name.endswith("팀") else "division"
            unit = Unit.objects.create(code=f"U{order:02d}{index:02d}", name=division_name,
                                       kind=kinds[division_kind], parent=top,
                                       sort_order=index)
            units.append((unit, division_kind))
    return units


def _demo_people(units, size: int, subdomain: str, rng: random.Random) -> list[Person]:
    """One head per unit, the rest spread over the divisions; bulk-created for speed."""
    grades = {g.code: g for g in Grade.objects.all()}
    positions = {p.code: p for p in Position.objects.all()}
    people = []
    for unit, kind in units:
        people.append(Person(name=_name(rng), unit=unit, grade=grades[HEAD_GRADES[kind]],
                             position=positions[HEAD_POSITIONS[kind]]))
    divisions = [unit for unit, kind in units if kind in ("division", "team")]
    for index in range(size - len(people) - 1):
        grade = rng.choice(STAFF_GRADES)
        position = "deputy" if grade in ("G5",) else "officer"
        people.append(Person(name=_name(rng), unit=divisions[index % len(divisions)],
                             grade=grades[grade], position=positions[position]))
    for number, person in enumerate(people, start=1):
        person.employee_number = f"{subdomain.upper()}-{number:04d}"
        person.email = f"p{number:04d}@{subdomain}.go.kr"
    Person.objects.bulk_create(people)
    staff_role = Role.objects.get(code=RoleCode.STAFF)
    Person.roles.through.objects.bulk_create(
        Person.roles.through(person_id=p.pk, role_id=staff_role.pk) for p in people
    )
    heads = {p.unit_id: p for p in people[: len(units)]}
    for unit, _kind in units:
        unit.head = heads[unit.pk]
        unit.save(update_fields=["head"])
    return people


def _demo_accounts(units, people, subdomain: str, password: str) -> DemoStaff:
    """The four demo sign-ins: admin (already invited), HR officer, a unit head, its staff."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    first_division = next(unit for unit, kind in units if kind == "division")
    head = first_division.head
    staff = next(p for p in people if p.unit_id == first_division.pk and p.pk != head.pk)
    hr_unit = next((unit for unit, _ in units if "인사" in unit.name or "총무" in unit.name),
                   units[1][0])
    hr = next(p for p in people
              if p.unit_id == hr_unit.pk and p.pk not in (hr_unit.head_id, staff.pk))
    accounts = [(head, "head", [RoleCode.STAFF, RoleCode.UNIT_HEAD]),
                (staff, "staff", [RoleCode.STAFF]),
                (hr, "hr", [RoleCode.STAFF, RoleCode.HR_OFFICER])]
    for person, label, roles in accounts:
        person.email = f"{label}@{subdomain}.test"
        person.user = user_model.objects.create_user(person.email, password)
        person.save(update_fields=["email", "user"])
        person.roles.set(Role.objects.filter(code__in=roles))
    admin = Person.objects.get(employee_number="ADMIN-001")
    admin.unit = hr_unit
    admin.save(update_fields=["unit"])
    admin.user.set_password(password)
    admin.user.save(update_fields=["password"])
    return DemoStaff(head=head, staff=staff, hr_unit=hr_unit, admin=admin)


def demo_summary(base_url_port: str) -> str:
    port = f":{base_url_port}" if base_url_port else ""
    lines = [
        "",
        "하모니 데모 (Harmony demo)",
        f"  중앙 콘솔 (central console): http://{settings.BASE_DOMAIN}{port}/",
        f"    {CENTRAL_EMAIL} / {settings.HARMONY_DEMO_PASSWORD}",
        f"    TOTP secret: {CENTRAL_TOTP_SECRET}  (current code: `make totp`)",
    ]
    for subdomain, name_ko, *_ in AGENCIES:
        lines.append(f"  {name_ko}: http://{subdomain}.{settings.BASE_DOMAIN}{port}/")
    lines += [
        "    accounts: admin@<subdomain>.test, hr@<subdomain>.test, head@<subdomain>.test, "
        "staff@<subdomain>.test",
        f"    password: {settings.HARMONY_DEMO_PASSWORD}",
        f"    admin@ and hr@ also need the TOTP code (secret {CENTRAL_TOTP_SECRET}, "
        "`make totp`)",
        f"  curl: curl -H 'Host: mogaha.{settings.BASE_DOMAIN}{port}' http://127.0.0.1{port}/healthz",
        "",
    ]
    return "\n".join(lines)
