"""Agency backups that restore (rules.md, scale: the 2025 data-centre fire).

``agency_export`` writes one archive (tenants/archive.py) from one consistent snapshot of the
agency's schema, plus its uploaded files. ``agency_restore`` brings an archive back as a new
agency or over a suspended one: it rebuilds the schema with the project's own provisioning,
loads the rows, and checks every table's row count and the audit chain's head against the
manifest before anything is committed; a mismatch leaves nothing behind.

The audit tables stay guarded during a restore: their append-only triggers refuse UPDATE,
DELETE and TRUNCATE but not the COPY that loads them, and the deferred seal trigger skips
rows that arrive already sealed (``harmony_audit_seal_row`` reads only ``seq IS NULL`` rows),
so the restored chain is the archived one, byte for byte. No superuser and no
``session_replication_role`` are needed. A restore drops, creates and truncates tables, which
the application role may not: it runs on the owner's connection (``db_roles.as_owner``), an
export as any role that may read the agency.
"""

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from core.audit.chain import chain_verify
from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.korean import with_particle
from tenants import archive, db_roles
from tenants.forms import check_new_subdomain, schema_name_for
from tenants.middleware import forget_hosts
from tenants.models import Agency, AgencyKind, AgencyStatus, Domain
from tenants.provisioning import serialise_agency_creation
from tenants.schema_clone import clone_template
from tenants.services import agency_host, agency_refresh_people_count

logger = logging.getLogger(__name__)

# Sessions are live sign-ins: an archive carrying them would be a bundle of credentials, and a
# restored agency starts with everyone signed out. The migration records are written by the
# provisioning that rebuilds the schema; the manifest lists them instead.
SKIPPED_TABLES = frozenset({"django_session", "django_migrations"})

ProgressFn = Callable[..., None]


def _quiet(done: int, total: int | None = None, *, step: str | None = None) -> None:
    """Progress reporting for callers that do not show it."""


@dataclass(frozen=True)
class Backup:
    """One archive on disk and what its manifest says."""

    path: Path
    manifest: dict

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["created_at"])

    @property
    def rows(self) -> int:
        return sum(table["rows"] for table in self.manifest["tables"].values())

    @property
    def media_files(self) -> int:
        return len(self.manifest["media"]["files"])

    @property
    def audit_head(self) -> int:
        return self.manifest["audit_chain"]["head_seq"]


def agency_media_root(schema_name: str) -> Path:
    """Where the agency's uploads live (TenantFileSystemStorage: MEDIA_ROOT/<schema>/)."""
    return Path(settings.MEDIA_ROOT) / schema_name


def agency_backup_dir(agency: Agency) -> Path:
    return Path(settings.HARMONY_BACKUP_DIR) / agency.schema_name


# --- Export -----------------------------------------------------------------------------------

def agency_export(*, agency: Agency, actor, origin: Origin = COMMAND_ORIGIN,
                  out: Path | None = None, progress: ProgressFn = _quiet) -> Backup:
    """Write the agency's archive (to ``out`` or a new file in its backup folder) and record
    the export in the console's trail."""
    if agency.kind == AgencyKind.PLATFORM:
        raise ValidationError(_("콘솔과 템플릿은 기관 백업 대상이 아닙니다."))
    target = Path(out) if out is not None else _new_backup_path(agency)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=target.parent) as work:
        manifest = _manifest_head(agency)
        manifest.update(_dump(agency.schema_name, Path(work), progress))
        media_root = agency_media_root(agency.schema_name)
        manifest["media"] = _media_manifest(media_root)
        progress(len(manifest["tables"]), len(manifest["tables"]) + 1,
                 step=_("파일 묶는 중"))
        archive.write(target, manifest=manifest, data_dir=Path(work), media_dir=media_root)
    backup = Backup(target, manifest)
    with transaction.atomic():
        event_record(EventType.AGENCY_EXPORTED, actor=actor, subject=agency, origin=origin,
                     changes={"file": backup.name, "rows": backup.rows,
                              "audit_head": backup.audit_head})
    return backup


def _new_backup_path(agency: Agency) -> Path:
    folder = agency_backup_dir(agency)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    candidate, n = folder / f"{agency.schema_name}-{stamp}.tar.gz", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{agency.schema_name}-{stamp}-{n}.tar.gz"
    return candidate


def _manifest_head(agency: Agency) -> dict:
    primary = agency.domains.filter(is_primary=True).first()
    return {
        "format": archive.FORMAT,
        "format_version": archive.FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "agency": {
            "schema_name": agency.schema_name, "code": agency.code,
            "name_ko": agency.name_ko, "name_en": agency.name_en, "kind": agency.kind,
            "status": agency.status, "standard_model_version": agency.standard_model_version,
            "subdomain": (primary.domain.split(".", 1)[0] if primary is not None
                          else agency.schema_name.replace("_", "-")),
            "domains": list(agency.domains.values_list("domain", flat=True)),
        },
    }


def _dump(schema: str, work: Path, progress: ProgressFn) -> dict:
    """Every table's rows, the migration state, the sequences and the audit chain's head, all
    read in one REPEATABLE READ snapshot: the archive is one moment of the agency."""
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:  # inside a caller's transaction, its snapshot is the one we read
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        tables = _tables(cursor, schema)
        dumped = {}
        for done, (table, columns) in enumerate(tables.items()):
            progress(done, len(tables) + 1, step=table)
            dumped[table] = _dump_table(cursor, schema, table, columns, work)
        chain = chain_verify(schema)
        cursor.execute(sql.SQL("SELECT app, name FROM {} ORDER BY id").format(
            sql.Identifier(schema, "django_migrations")))
        migrations = [list(row) for row in cursor.fetchall()]
        sequences = {key: _sequence_next(cursor, schema, sequence)
                     for key, sequence in _sequences(cursor, schema).items()}
    return {
        "server_version": connection.pg_version,
        "migrations": migrations,
        "tables": dumped,
        "sequences": sequences,
        "audit_chain": {"rows": chain.rows, "head_seq": chain.head_seq,
                        "head_hash": chain.head_hash, "intact": chain.intact},
    }


def _tables(cursor, schema: str) -> dict[str, list[str]]:
    """The schema's tables and their columns (generated ones excluded: COPY cannot load
    them and they follow from the others)."""
    cursor.execute("""
        SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum)
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = %s)
          AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attgenerated = ''
        GROUP BY c.relname ORDER BY c.relname""", [schema])
    return {name: columns for name, columns in cursor.fetchall() if name not in SKIPPED_TABLES}


def _copy_statement(schema: str, table: str, columns: list[str], direction: str):
    return sql.SQL("COPY {} ({}) " + direction).format(
        sql.Identifier(schema, table), sql.SQL(", ").join(map(sql.Identifier, columns)))


def _dump_table(cursor, schema: str, table: str, columns: list[str], work: Path) -> dict:
    digest, rows = hashlib.sha256(), 0
    with (work / f"{table}.copy").open("wb") as handle, \
            cursor.copy(_copy_statement(schema, table, columns, "TO STDOUT")) as copy:
        for chunk in copy:
            data = bytes(chunk)
            handle.write(data)
            digest.update(data)
            rows += data.count(b"\n")  # COPY text: one line per row, newlines escaped
    return {"columns": columns, "rows": rows, "sha256": digest.hexdigest()}


def _sequences(cursor, schema: str) -> dict[str, str]:
    """The schema's column sequences (identity or serial), as "table.column" → sequence."""
    cursor.execute("""
        SELECT t.relname || '.' || a.attname, s.relname
        FROM pg_depend d
        JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
          AND s.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = %s)""", [schema])
    return {key: sequence for key, sequence in cursor.fetchall()
            if key.split(".", 1)[0] not in SKIPPED_TABLES}


def _sequence_next(cursor, schema: str, sequence: str) -> int:
    """The value the sequence hands out next, so a restored agency never reuses the id of a
    row deleted before the backup (an old link must not open a different document)."""
    cursor.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(
        sql.Identifier(schema, sequence)))
    last_value, is_called = cursor.fetchone()
    return last_value + 1 if is_called else last_value


def _media_manifest(root: Path) -> dict:
    files = {relative: {"size": path.stat().st_size, "sha256": archive.sha256_file(path)}
             for relative, path in archive.media_files(root)}
    return {"files": files, "bytes": sum(f["size"] for f in files.values())}


# --- Restore ----------------------------------------------------------------------------------

def agency_restore(*, source: Path, actor, origin: Origin = COMMAND_ORIGIN,
                   subdomain: str | None = None, code: str | None = None,
                   over: Agency | None = None, progress: ProgressFn = _quiet) -> Agency:
    """Restore an archive as a new agency (at ``subdomain``, by default the archived one;
    with ``code``, by default the archived one) or ``over`` a suspended agency of the same
    code. A new agency comes back suspended: central staff look before its people do."""
    reader = archive.open_archive(Path(source))
    manifest = reader.manifest
    total = len(manifest["tables"]) + 2
    staging = None
    try:
        progress(0, total, step=_("업로드 파일 푸는 중"))
        staging = _extract_media(reader)
        with db_roles.as_owner(), transaction.atomic():
            serialise_agency_creation()
            agency = (_replace(over, manifest) if over is not None
                      else _new_agency(manifest, subdomain=subdomain, code=code))
            behind = _build_schema(agency.schema_name, manifest["migrations"])
            _load(reader, agency.schema_name, manifest, progress, total)
            progress(total - 1, total, step=_("행 수와 감사 기록 사슬 확인 중"))
            _verify(agency.schema_name, manifest)
            if behind:  # an archive of an older Harmony: bring its rows up to this one
                _migrate(agency.schema_name)
            _finish(agency, manifest, source=Path(source), actor=actor, origin=origin,
                    over=over is not None)
        _swap_media(staging, agency.schema_name)
        staging = None
    finally:
        reader.close()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return agency


def _extract_media(reader: archive.Reader) -> Path:
    """Unpack the uploads beside MEDIA_ROOT's agency folders (same file system, so the
    final move is a rename) — under a name no schema can have."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=root))
    try:
        reader.extract_media(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _replace(over: Agency, manifest: dict) -> Agency:
    """Over a suspended agency: its row and domains stay, its schema is rebuilt. Refused for
    an active agency, and for another agency's archive."""
    agency = Agency.objects.select_for_update().get(pk=over.pk)
    if agency.kind == AgencyKind.PLATFORM:
        raise ValidationError(_("콘솔과 템플릿에는 복원할 수 없습니다."))
    if not agency.is_suspended:
        raise ValidationError(_("운영 중인 기관에는 복원할 수 없습니다. 먼저 이용을 정지하세요."))
    archived = manifest["agency"]
    if archived["code"] != agency.code:
        raise ValidationError(_("이 백업은 다른 기관(%(name)s, %(code)s)의 것입니다.") % {
            "name": archived["name_ko"], "code": archived["code"]})
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
            sql.Identifier(agency.schema_name)))
    return agency


def _new_agency(manifest: dict, *, subdomain: str | None, code: str | None) -> Agency:
    archived = manifest["agency"]
    subdomain = (subdomain or archived["subdomain"]).strip().lower()
    check_new_subdomain(subdomain)
    code = (code or archived["code"]).strip()
    if Agency.objects.filter(code=code).exists():
        raise ValidationError(_("행정기관코드 %(code)s 이미 다른 기관이 쓰고 있습니다. "
                                "복원할 기관에 새 코드를 주세요.") % {
                                    "code": with_particle(code, "은")})
    agency = Agency(
        schema_name=schema_name_for(subdomain), name_ko=archived["name_ko"],
        name_en=archived["name_en"], code=code, kind=archived["kind"],
        standard_model_version=archived["standard_model_version"],
        status=AgencyStatus.SUSPENDED,
    )
    agency.auto_create_schema = False
    agency.full_clean(exclude=["schema_name"])
    agency.save()
    Domain.objects.create(domain=agency_host(subdomain), tenant=agency, is_primary=True)
    return agency


def _build_schema(schema: str, migrations: list[list[str]]) -> bool:
    """Create the empty schema at the archive's migration state: a template clone when the
    states agree, else the archive's migrations run one app at a time. Return whether the
    schema is behind this code (to be migrated after the rows are in)."""
    wanted = {tuple(m) for m in migrations}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = sorted(wanted - known)
    if unknown:
        raise ValidationError(_("이 백업은 이 서버보다 새로운 하모니에서 만들어져 복원할 수 "
                                "없습니다 (모르는 마이그레이션: %(names)s).") % {
            "names": ", ".join(f"{app}.{name}" for app, name in unknown[:5])})
    template = settings.TENANT_BASE_SCHEMA
    if wanted == _applied(template):
        clone_template(schema=schema)
        return False
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    for app, name in _app_targets(loader, wanted):
        call_command("migrate_schemas", app, name, tenant=True, schema_name=schema,
                     database=db_roles.OWNER_DB_ALIAS, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    return True


def _applied(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT app, name FROM {}").format(
            sql.Identifier(schema, "django_migrations")))
        return set(cursor.fetchall())


def _app_targets(loader: MigrationLoader, wanted: set) -> list[tuple[str, str]]:
    """Each app's last archived migration (the one whose plan covers the others)."""
    by_app: dict[str, list[tuple[str, str]]] = {}
    for node in wanted:
        by_app.setdefault(node[0], []).append(node)
    return sorted(max(nodes, key=lambda n: len(loader.graph.forwards_plan(n)))
                  for nodes in by_app.values())


def _load(reader: archive.Reader, schema: str, manifest: dict, progress: ProgressFn,
          total: int) -> None:
    """Replace whatever provisioning put in the tables with the archived rows."""
    archived = {table: facts["columns"] for table, facts in manifest["tables"].items()}
    with connection.cursor() as cursor:
        present = _tables(cursor, schema)
        mismatched = sorted(t for t in set(archived) | set(present)
                            if set(archived.get(t, ())) != set(present.get(t, ())))
        if mismatched:
            raise ValidationError(_("백업의 표 구성이 이 서버의 기관 구조와 맞지 않습니다: "
                                    "%(tables)s") % {"tables": ", ".join(mismatched[:5])})
        _empty(cursor, schema, present)
        for done, (table, columns) in enumerate(archived.items(), start=1):
            progress(done, total, step=table)
            source = reader.data(table)
            with cursor.copy(_copy_statement(schema, table, columns, "FROM STDIN")) as copy:
                while chunk := source.read(archive.CHUNK):
                    copy.write(chunk)
        _restore_sequences(cursor, schema, manifest["sequences"])
        # Check every foreign key of the loaded rows now, so verification sees a consistent
        # schema and a forward migration finds no pending checks on the tables it alters.
        _check_foreign_keys(cursor, schema)


def _empty(cursor, schema: str, tables: dict[str, list[str]]) -> None:
    """Truncate what provisioning filled (content types, the standard model's reference
    rows …). The audit tables refuse TRUNCATE; in a fresh schema they are empty, which is
    checked rather than assumed."""
    cursor.execute("""
        SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = %s)
          AND t.tgtype & 32 <> 0""", [schema])  # 32: a TRUNCATE trigger
    guarded = {name for (name,) in cursor.fetchall()}
    for table in guarded & set(tables):
        cursor.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(
            sql.Identifier(schema, table)))
        if cursor.fetchone()[0]:
            raise ValidationError(_("새로 만든 기관 스키마의 %(table)s에 이미 기록이 있어 "
                                    "복원할 수 없습니다.") % {"table": table})
    others = [sql.Identifier(schema, table) for table in tables if table not in guarded]
    if others:
        # Migrations just wrote rows (content types, permissions) whose deferred foreign-key
        # checks are pending, and PostgreSQL truncates no table with pending checks.
        _check_foreign_keys(cursor, schema)
        cursor.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(others)))


def _check_foreign_keys(cursor, schema: str) -> None:
    """Run the schema's pending (deferred) foreign-key checks now, then defer them again.
    Named one by one rather than ALL: that would also seal the transaction's pending audit
    rows early and hold their chain's lock until the restore commits."""
    cursor.execute("""
        SELECT DISTINCT conname FROM pg_constraint
        WHERE connamespace = (SELECT oid FROM pg_namespace WHERE nspname = %s)
          AND contype = 'f' AND condeferrable""", [schema])
    found = [sql.Identifier(schema, name) for (name,) in cursor.fetchall()]
    if not found:
        return
    names = sql.SQL(", ").join(found)
    cursor.execute(sql.SQL("SET CONSTRAINTS {} IMMEDIATE").format(names))
    cursor.execute(sql.SQL("SET CONSTRAINTS {} DEFERRED").format(names))


def _restore_sequences(cursor, schema: str, archived: dict[str, int]) -> None:
    for key, sequence in _sequences(cursor, schema).items():
        table, column = key.split(".", 1)
        cursor.execute(sql.SQL("SELECT setval({}::regclass, "
                               "greatest(%s, coalesce(max({}), 0) + 1), false) FROM {}").format(
            sql.Literal(f'"{schema}"."{sequence}"'), sql.Identifier(column),
            sql.Identifier(schema, table)), [archived.get(key, 1)])


def _verify(schema: str, manifest: dict) -> None:
    """Refuse (and so roll back) a restore whose row counts or audit chain differ from the
    archive's."""
    wrong = []
    with connection.cursor() as cursor:
        for table, facts in manifest["tables"].items():
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(
                sql.Identifier(schema, table)))
            if cursor.fetchone()[0] != facts["rows"]:
                wrong.append(table)
    if wrong:
        raise ValidationError(_("복원한 행 수가 백업과 다릅니다: %(tables)s") % {
            "tables": ", ".join(wrong[:5])})
    chain, expected = chain_verify(schema), manifest["audit_chain"]
    same_head = (chain.rows, chain.head_seq, chain.head_hash) == (
        expected["rows"], expected["head_seq"], expected["head_hash"])
    if not same_head or (expected["intact"] and not chain.intact):
        raise ValidationError(_("복원한 감사 기록 사슬이 백업과 다릅니다: %(problems)s") % {
            "problems": " ".join(chain.problems) or _("마지막 기록이 다릅니다.")})


def _migrate(schema: str) -> None:
    call_command("migrate_schemas", tenant=True, schema_name=schema,
                 database=db_roles.OWNER_DB_ALIAS, interactive=False, verbosity=0)
    connection.set_schema_to_public()


def _finish(agency: Agency, manifest: dict, *, source: Path, actor, origin: Origin,
            over: bool) -> None:
    """The agency row follows its data; the console's trail records the restore (the
    agency's own trail stays exactly the archived chain)."""
    agency.standard_model_version = manifest["agency"]["standard_model_version"]
    agency.save(update_fields=["standard_model_version"])
    agency_refresh_people_count(schema_name=agency.schema_name)
    agency.refresh_from_db(fields=["people_count"])
    backup = Backup(source, manifest)
    event_record(EventType.AGENCY_RESTORED, actor=actor, subject=agency, origin=origin,
                 changes={"file": source.name, "rows": backup.rows,
                          "audit_head": backup.audit_head, "over": over})
    hosts = list(agency.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: forget_hosts(hosts))


def _swap_media(staging: Path, schema: str) -> None:
    """Put the restored uploads in place of the agency's folder, once the rows committed."""
    final = agency_media_root(schema)
    replaced = None
    if final.exists():
        replaced = final.with_name(f".replaced-{schema}-{staging.name}")
        final.rename(replaced)
    staging.rename(final)
    if replaced is not None:
        shutil.rmtree(replaced, ignore_errors=True)


def agency_backup_download_record(*, agency: Agency, backup: Backup, actor,
                                  origin: Origin = COMMAND_ORIGIN) -> None:
    """A whole agency leaves in one file: the console's trail says who took which."""
    with transaction.atomic():
        event_record(EventType.AGENCY_BACKUP_DOWNLOADED, actor=actor, subject=agency,
                     origin=origin, changes={"file": backup.name})
