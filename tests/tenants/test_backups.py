"""Backups that restore: the drill exports an agency with real work in it, drops it (schema,
row and files), restores it and finds every table's rows, the audit chain and the uploaded
files as they were; a copy restored beside the original shares nothing with it.

The audit chain is sealed at commit, so these tests commit (tests/committed.py) under
subdomains unique to the run."""

import io
import json
import secrets
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists
from psycopg import sql

from core.approvals import services as approvals
from core.audit.chain import chain_verify
from core.audit.models import AuditEvent
from core.jobs.models import Job, JobStatus
from core.work import services as work
from core.work.models import Task
from tenants.backups import agency_export, agency_restore
from tenants.models import Agency, AgencyStatus, Domain
from tests.committed import (  # noqa: F401  (fixtures)
    agency_drop,
    committed,
    committed_agency,
    db,
)
from tests.conftest import console_client

PDF = b"%PDF-1.7 plan \x00\x01\x02" * 100


@pytest.fixture(autouse=True)
def _folders(backup_folders):
    """Uploads and archives in this test's own folders (tests/tenants/conftest.py)."""


def _with_work(people):
    """People (the personas), documents with attachments, tasks and their audit events."""
    with schema_context(people.agency.schema_name):
        for i in range(3):
            work.task_create(actor=people.staff, owner=people.staff, title=f"과제 {i}")
        document = approvals.document_draft(
            drafter=people.staff, title="붙임 있는 기안", body="<p>본문</p>",
            attachments=[SimpleUploadedFile("추진계획.pdf", PDF, content_type="application/pdf"),
                         SimpleUploadedFile("참고.hwpx", b"hwpx", content_type="application/zip")])
        approvals.document_submit(document=document, actor=people.staff,
                                  line=[approvals.LineEntry(people.head, "approver")])
    return people


def _snapshot(schema: str) -> dict[str, list[str]]:
    """Every table's rows as text, columns in name order (a migrated schema may order them
    differently from a cloned one); migration records by name only."""
    snapshot = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        for (table,) in cursor.fetchall():
            if table == "django_session":
                continue
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE "
                           "table_schema = %s AND table_name = %s", [schema, table])
            columns = sorted(row[0] for row in cursor.fetchall())
            if table == "django_migrations":
                columns = ["app", "name"]
            cursor.execute(sql.SQL("SELECT ROW({})::text FROM {}").format(
                sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(schema, table)))
            snapshot[table] = sorted(row[0] for row in cursor.fetchall())
    return snapshot


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _drop(agency: Agency, settings) -> None:
    agency_drop(agency)
    shutil.rmtree(Path(settings.MEDIA_ROOT) / agency.schema_name)


def test_drill_export_drop_restore_gives_back_every_row_the_chain_and_the_files(
    committed, settings  # noqa: F811
):
    people = _with_work(committed)
    agency = people.agency
    schema, host = agency.schema_name, Domain.objects.get(tenant=agency).domain
    agency_id = agency.pk
    before, chain_before = _snapshot(schema), chain_verify(schema)
    files_before = _files(Path(settings.MEDIA_ROOT) / schema)
    assert len(files_before) == 2 and PDF in files_before.values()
    assert chain_before.intact and chain_before.rows >= 5

    backup = agency_export(agency=agency, actor=None)
    manifest = backup.manifest
    assert manifest["agency"]["code"] == agency.code
    assert manifest["agency"]["subdomain"] == host.split(".")[0]
    assert manifest["audit_chain"]["head_hash"] == chain_before.head_hash
    assert manifest["tables"]["work_task"]["rows"] == 3
    assert manifest["agency"]["standard_model_version"] == agency.standard_model_version
    assert "django_session" not in manifest["tables"]

    _drop(agency, settings)
    assert not schema_exists(schema) and not Agency.objects.filter(code=agency.code).exists()

    restored = agency_restore(source=backup.path, actor=None)

    assert restored.schema_name == schema and restored.code == agency.code
    assert restored.status == AgencyStatus.SUSPENDED  # central staff look first
    assert Domain.objects.get(tenant=restored).domain == host
    assert restored.people_count == 6  # the first admin and the five personas
    assert _snapshot(schema) == before
    chain_after = chain_verify(schema)
    assert chain_after.intact
    assert (chain_after.head_seq, chain_after.head_hash) == (chain_before.head_seq,
                                                             chain_before.head_hash)
    assert _files(Path(settings.MEDIA_ROOT) / schema) == files_before
    with schema_context("public"):
        assert AuditEvent.objects.filter(action="agency.exported",
                                         target_id=str(agency_id)).exists()
        assert AuditEvent.objects.filter(action="agency.restored",
                                         target_id=str(restored.pk)).exists()

    # The restored agency works: new rows get new ids and join the same chain.
    with schema_context(schema):
        staff = type(people.staff).objects.get(pk=people.staff.pk)
        task = work.task_create(actor=staff, owner=staff, title="복원 뒤 과제")
        assert task.pk > max(Task.objects.exclude(pk=task.pk).values_list("pk", flat=True))
    assert chain_verify(schema).intact and chain_verify(schema).head_seq > chain_before.head_seq


def test_a_copy_restored_beside_the_original_shares_nothing_with_it(committed, settings):  # noqa: F811
    people = _with_work(committed)
    original = people.agency
    backup = agency_export(agency=original, actor=None)

    copy = agency_restore(source=backup.path, actor=None, subdomain="drill-copy-x1",
                          code="6999001")

    assert copy.schema_name == "drill_copy_x1" != original.schema_name
    assert Domain.objects.get(tenant=copy).domain == "drill-copy-x1.localhost"
    assert _snapshot(copy.schema_name) == _snapshot(original.schema_name)
    with connection.cursor() as cursor:
        # No constraint, default or sequence of the copy refers to the original's schema.
        cursor.execute("""
            SELECT count(*) FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid
            WHERE k.connamespace = %s::regnamespace AND r.relnamespace <> k.connamespace""",
                       [copy.schema_name])
        assert cursor.fetchone()[0] == 0
        cursor.execute("""
            SELECT count(*) FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
            WHERE c.relnamespace = %s::regnamespace
              AND pg_get_expr(d.adbin, d.adrelid) LIKE %s""",
                       [copy.schema_name, f"%{original.schema_name}%"])
        assert cursor.fetchone()[0] == 0
    copy_files = Path(settings.MEDIA_ROOT) / copy.schema_name
    assert _files(copy_files) == _files(Path(settings.MEDIA_ROOT) / original.schema_name)
    assert not copy_files.is_symlink()

    with schema_context(copy.schema_name):
        staff = type(people.staff).objects.get(pk=people.staff.pk)
        work.task_create(actor=staff, owner=staff, title="사본에만 있는 과제")
    with schema_context(original.schema_name):
        assert not Task.objects.filter(title="사본에만 있는 과제").exists()
    assert chain_verify(original.schema_name).intact and chain_verify(copy.schema_name).intact


def test_restore_over_a_suspended_agency_replaces_its_data_and_refuses_an_active_one(
    committed, settings  # noqa: F811
):
    people = _with_work(committed)
    agency = people.agency
    backup = agency_export(agency=agency, actor=None)
    before = _snapshot(agency.schema_name)
    with schema_context(agency.schema_name):
        work.task_create(actor=people.staff, owner=people.staff, title="백업 뒤 과제")

    with pytest.raises(ValidationError, match="운영 중인 기관"):
        agency_restore(source=backup.path, actor=None, over=agency)
    with schema_context(agency.schema_name):
        assert Task.objects.filter(title="백업 뒤 과제").exists()

    Agency.objects.filter(pk=agency.pk).update(status=AgencyStatus.SUSPENDED)
    agency.refresh_from_db()
    restored = agency_restore(source=backup.path, actor=None, over=agency)

    assert restored.pk == agency.pk and restored.is_suspended
    assert _snapshot(agency.schema_name) == before
    assert not list(Path(settings.MEDIA_ROOT).glob(".re*"))


def test_restore_over_another_agency_is_refused(committed, settings):  # noqa: F811
    backup = agency_export(agency=committed.agency, actor=None)
    other = committed_agency("other").agency
    Agency.objects.filter(pk=other.pk).update(status=AgencyStatus.SUSPENDED)
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="다른 기관"):
        agency_restore(source=backup.path, actor=None, over=other)
    assert schema_exists(other.schema_name)


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy an archive, letting ``change(name, bytes)`` alter members."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = change(member.name, old.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def test_a_damaged_archive_is_refused_and_leaves_nothing(committed, settings, tmp_path):  # noqa: F811
    _with_work(committed)
    backup = agency_export(agency=committed.agency, actor=None)
    damaged = tmp_path / "damaged.tar.gz"
    _rewrite(backup.path, damaged, lambda name, data: (
        data.replace("과제 1".encode(), "과제 9".encode()) if name == "data/work_task.copy"
        else data))

    with pytest.raises(ValidationError, match="손상"):
        agency_restore(source=damaged, actor=None, subdomain="drill-damaged", code="6999002")
    assert not Agency.objects.filter(code="6999002").exists()
    assert not schema_exists("drill_damaged")
    assert not list(Path(settings.MEDIA_ROOT).glob(".restore-*"))

    not_an_archive = tmp_path / "notes.tar.gz"
    not_an_archive.write_bytes(b"hello")
    with pytest.raises(ValidationError, match="손상"):
        agency_restore(source=not_an_archive, actor=None)


def test_a_taken_code_or_subdomain_is_refused_with_a_clear_message(committed):  # noqa: F811
    backup = agency_export(agency=committed.agency, actor=None)
    with pytest.raises(ValidationError, match="이미 사용 중인 하위 도메인"):
        agency_restore(source=backup.path, actor=None)
    with pytest.raises(ValidationError, match="이미 다른 기관이 쓰고 있습니다"):
        agency_restore(source=backup.path, actor=None, subdomain="drill-code-x1")


def test_an_archive_from_an_older_harmony_is_restored_and_migrated_forward(
    committed, settings  # noqa: F811
):
    """An archive made before the latest approvals migration (0008 adds opened_at)."""
    people = _with_work(committed)
    schema = people.agency.schema_name
    call_command("migrate_schemas", "approvals", "0007", schema_name=schema,
                 database="owner", interactive=False, verbosity=0)
    backup = agency_export(agency=people.agency, actor=None)
    assert ["approvals", "0008_step_opened_at"] not in backup.manifest["migrations"]

    copy = agency_restore(source=backup.path, actor=None, subdomain="drill-old-x1",
                          code="6999003")

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = %s"
                       " AND table_name = 'approvals_approvalstep' AND column_name = 'opened_at'",
                       [copy.schema_name])
        assert cursor.fetchone()[0] == 1
    with schema_context(copy.schema_name):
        assert Task.objects.count() == 3
    assert chain_verify(copy.schema_name).head_hash == backup.manifest["audit_chain"]["head_hash"]


def test_an_archive_from_a_newer_harmony_is_refused(committed, tmp_path):  # noqa: F811
    backup = agency_export(agency=committed.agency, actor=None)
    newer = tmp_path / "newer.tar.gz"

    def add_migration(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"].append(["approvals", "9999_from_the_future"])
        return json.dumps(manifest).encode()

    _rewrite(backup.path, newer, add_migration)
    with pytest.raises(ValidationError, match="새로운 하모니"):
        agency_restore(source=newer, actor=None, subdomain="drill-new-x1", code="6999004")
    assert not schema_exists("drill_new_x1")


def test_the_commands_export_and_restore(committed, settings, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "cli.tar.gz"
    subdomain = Domain.objects.get(tenant=committed.agency).domain.split(".")[0]
    call_command("agency_export", subdomain, out=str(out))
    assert out.is_file() and "audit head" in capsys.readouterr().out

    call_command("agency_restore", str(out), subdomain="drill-cli-x1", code="6999005")
    assert "restored" in capsys.readouterr().out
    assert Agency.objects.get(code="6999005").schema_name == "drill_cli_x1"


@pytest.fixture
def staff(db):  # noqa: F811
    """Central staff with MFA, under an address unique to the run (this module commits)."""
    from core.accounts.mfa import totp_enrol
    from tests.factories import TOTP_SECRET, UserFactory

    user = UserFactory(email=f"ops-{secrets.token_hex(4)}@harmony.test", is_staff=True)
    totp_enrol(user, TOTP_SECRET)
    return user


@pytest.fixture
def console_jobs(db):  # noqa: F811
    """The console's jobs this module starts are committed: drop them (and their queue
    entries) afterwards, since other tests expect the public job table to start empty."""
    from django_tasks_db.models import DBTaskResult

    yield
    ids = [str(pk) for pk in Job.objects.filter(params__has_key="agency_id")
           .values_list("pk", flat=True)]
    DBTaskResult.objects.filter(args_kwargs__args__1__in=ids).delete()
    Job.objects.filter(pk__in=ids).delete()


def test_restore_over_a_suspended_agency_from_the_console_after_confirmation(
    committed, staff, run_jobs, console_jobs  # noqa: F811
):
    agency = committed.agency
    subdomain = Domain.objects.get(tenant=agency).domain.split(".")[0]
    with schema_context(agency.schema_name):
        work.task_create(actor=committed.staff, owner=committed.staff, title="백업 전 과제")
    backup = agency_export(agency=agency, actor=staff)
    with schema_context(agency.schema_name):
        work.task_create(actor=committed.staff, owner=committed.staff, title="백업 뒤 과제")
    client = console_client(staff)
    page = f"/agencies/{agency.pk}/"
    url = f"{page}backups/{backup.name}/restore/"

    assert "이 백업으로 복원" not in client.get(page).content.decode()  # active
    refused = client.post(url, {"confirm": subdomain})
    assert refused.status_code == 400 and "먼저 이용을 정지하세요" in refused.content.decode()

    # Suspended directly: the console's own suspension would leave a committed public
    # audit row that the suspension tests count.
    Agency.objects.filter(pk=agency.pk).update(status=AgencyStatus.SUSPENDED)
    assert "이 백업으로 복원" in client.get(page).content.decode()
    confirm = client.get(url).content.decode()
    assert subdomain in confirm and "복원하기" in confirm
    wrong = client.post(url, {"confirm": "beta"})
    assert wrong.status_code == 400
    assert not Job.objects.filter(params__agency_id=agency.pk).exists()

    started = client.post(url, {"confirm": subdomain})
    job = Job.objects.get(params__agency_id=agency.pk)
    assert started.url == f"/jobs/{job.pk}/"
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    with schema_context(agency.schema_name):
        titles = set(Task.objects.values_list("title", flat=True))
    assert "백업 전 과제" in titles and "백업 뒤 과제" not in titles
    assert AuditEvent.objects.filter(action="agency.restored", target_id=str(agency.pk),
                                     actor_id=staff.pk).exists()
    agency.refresh_from_db()
    assert agency.is_suspended
    assert job.title in client.get(page).content.decode()
