"""The agency's data version: a number that changes after every committed write to the
agency's schema, so what a page reads can be kept in the cache under it and is read afresh
once anything has changed.

Each schema holds a PostgreSQL sequence (``harmony_data_version``, migration 0006). Every
statement that writes through Django's connection (an INSERT, UPDATE, DELETE, ... — anything
but reads) marks the transaction; when it commits, ``nextval`` moves the version on. The
move comes *after* the commit, so whoever reads the new version reads the committed rows
too: a reader that saw the old version and cached what it read under it is never served
again once the version has moved. Sequences are not transactional, so every process sees
the move at once, and concurrent writers never wait on each other for it.

Writes outside Django's connection (a schema restored with pg_restore, ``psql``) call
``data_version_bump`` themselves; whatever is cached also expires after
``CACHE_SECONDS`` (a process killed between its commit and the move).

In tests, whose transaction never commits, ``EAGER`` (set by tests/conftest.py) moves the
version after each writing statement instead."""

from django.db import connection
from django.db.backends.signals import connection_created

SEQUENCE = "harmony_data_version"
CACHE_SECONDS = 120
EAGER = False
# Statements that only read (or only set up the session or a savepoint) leave the version be.
_READS = (
    "SELECT",
    "SET ",
    "SHOW",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "BEGIN",
    "START",
    "COMMIT",
    "EXPLAIN",
    "LISTEN",
    "UNLISTEN",
    "DECLARE",
    "FETCH",
    "CLOSE",
    "LOCK",
)


def data_version() -> int:
    """The current schema's data version (one query)."""
    return int(data_version_mark().rsplit(".", 1)[1])


def data_version_mark() -> str:
    """The version as pages keep things under it: the sequence's own id and its value, so a
    schema rebuilt under the same name (an agency restored over itself) never meets what was
    kept for the schema it replaced (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT '{SEQUENCE}'::regclass::oid, last_value FROM {SEQUENCE}")
        oid, value = cursor.fetchone()
    return f"{oid}.{value}"


def request_mark() -> str:
    """``data_version_mark()`` of the current schema, read once per request (the session,
    the signed-in account and the page's kept fragments all key on it); see
    ``DataVersionMiddleware``."""
    memo = getattr(connection, "harmony_mark", None)
    schema = connection.schema_name
    if memo is None or memo[0] != schema:
        memo = (schema, data_version_mark())
        connection.harmony_mark = memo
    return memo[1]


class DataVersionMiddleware:
    """Forget the version read by the previous request on this connection (after the host
    lookup, before sessions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection.harmony_mark = None
        try:
            return self.get_response(request)
        finally:
            connection.harmony_mark = None


def data_version_bump(using=None, schema: str | None = None) -> None:
    """Move a schema's version on (by default the connection's current one), for a write
    Django's connection did not see. A schema without the sequence (being migrated or made)
    is left be."""
    conn = using or connection
    schema = schema or conn.schema_name
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(c) FROM to_regclass(%s) AS c WHERE c IS NOT NULL",
            [f'"{schema}".{SEQUENCE}'],
        )


def _writes(statement) -> bool:
    return not _opening(statement).lstrip()[:9].upper().startswith(_READS)


def _opening(statement) -> str:
    """The statement's text, or for psycopg's composed SQL the text of its first part."""
    if isinstance(statement, str):
        return statement
    from psycopg import sql

    while isinstance(statement, sql.Composed):
        statement = next(iter(statement), "")
    if isinstance(statement, sql.SQL):
        return statement.as_string(None)
    return str(statement)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    conn = context["connection"]
    schema = getattr(conn, "schema_name", None)
    if schema and _writes(sql):
        if EAGER:
            data_version_bump(conn, schema)
            return result
        # One callback per transaction, holding the schemas it wrote to. Outside a
        # transaction the statement has committed already and the callback runs at once;
        # inside one it runs after the outermost commit, and is dropped on rollback.
        for _savepoints, callback, _robust in conn.run_on_commit:
            schemas = getattr(callback, "harmony_schemas", None)
            if schemas is not None:
                schemas.add(schema)
                break
        else:
            conn.on_commit(_bumper(conn, {schema}))
    return result


def _bumper(conn, schemas: set[str]):
    def bump():
        for name in sorted(schemas):
            data_version_bump(conn, name)

    bump.harmony_schemas = schemas
    return bump


def install(sender=None, connection=None, **kwargs) -> None:
    """Watch a connection's writes (each time Django opens or takes one from the pool)."""
    if _watch_writes not in connection.execute_wrappers:
        # First in the list: a caller's ``execute_wrapper`` block pops the last one.
        connection.execute_wrappers.insert(0, _watch_writes)


def connect_signals() -> None:
    connection_created.connect(install, dispatch_uid="harmony_data_version")
