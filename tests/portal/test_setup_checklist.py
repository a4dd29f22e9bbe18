"""An agency's first admin finds a setup checklist on 한눈에 (issue 12 §3): units, people,
rules, roles and two-step sign-in, each ticked from the agency's data, dismissable."""

from django_tenants.utils import schema_context

from core.accounts.mfa import totp_enrol
from core.audit.models import AuditEvent
from core.org.models import OrgSettings, Person, RoleCode
from core.portal.setup import setup_checklist
from tests.conftest import agency_client
from tests.factories import PersonFactory, UnitFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _first_admin():
    admin = Person.objects.get(employee_number="ADMIN-001")
    totp_enrol(admin.user, SECRET)
    return admin


def _done(person) -> dict[str, bool]:
    return {step.key: step.done for step in setup_checklist(person)}


def test_the_first_admin_sees_the_checklist_with_only_mfa_done(alpha):
    with schema_context("alpha"):
        admin = _first_admin()
        assert _done(admin) == {"units": False, "people": False, "rules": False,
                                "roles": False, "mfa": True}
    page = agency_client("alpha", admin.user).get("/").content.decode()
    assert "처음 설정" in page and "부서 만들기" in page and "2단계 인증 설정" in page
    assert "안내 닫기" in page


def test_steps_are_ticked_from_real_data(alpha):
    with schema_context("alpha"):
        admin = _first_admin()
        parent = UnitFactory(name="기획조정실")
        UnitFactory(name="혁신행정담당관", parent=parent)
        PersonFactory(name="김하나", roles=[RoleCode.STAFF, RoleCode.HR_OFFICER])
        assert _done(admin) == {"units": True, "people": True, "rules": False,
                                "roles": True, "mfa": True}


def test_staff_never_see_the_checklist(alpha_people):
    page = agency_client("alpha", alpha_people.staff.user).get("/").content.decode()
    assert "처음 설정" not in page
    refused = agency_client("alpha", alpha_people.staff.user).post("/setup/dismiss/")
    assert refused.status_code == 403
    with schema_context("alpha"):
        assert not OrgSettings.objects.get().setup_checklist_dismissed


def test_an_admin_dismisses_it_for_good_and_it_is_audited(alpha):
    with schema_context("alpha"):
        admin = _first_admin()
    client = agency_client("alpha", admin.user)
    response = client.post("/setup/dismiss/", follow=True)
    page = response.content.decode()
    assert "처음 설정 안내를 닫았습니다" in page and "부서 만들기" not in page
    assert "부서 만들기" not in client.get("/").content.decode()
    with schema_context("alpha"):
        assert OrgSettings.objects.get().setup_checklist_dismissed
        event = AuditEvent.objects.filter(action="org.settings_changed").latest("pk")
        assert event.changes == {"setup_checklist_dismissed": [False, True]}
