"""Copy the template schema's structure and reference rows into a new agency schema.

django-tenants' ``clone_schema`` SQL function works but is generic and slow (~0.4 s here,
most of it in PL/pgSQL catalogue walking). Our template holds only tables, identity
sequences, plain sequences (the data version), constraints, indexes and triggers, so we read
its DDL from the catalogue once per migration state and replay it as one script. Names of
constraints and indexes are kept, so later migrations that refer to them by name work on
cloned schemas too.

The owner reads the script after each migration of the template and keeps it in
``public.harmony_clone_template``, which the application role may call but not change
(tenants/db_roles.py): agencies are created inside a request's transaction, as a role that
may not create schemas itself.
"""

from django.db import connection, connections

_LIKE = ("INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS "
         "INCLUDING COMMENTS INCLUDING STORAGE")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(cursor, sql: str, params=()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def read_script(template: str, *, using: str) -> str:
    """Build the script inside the caller's transaction on ``using``."""
    assert connections[using].in_atomic_block, "read_script needs the caller's transaction"
    with connections[using].cursor() as cursor:
        return _read_script(cursor, template)


def _read_script(cursor, template: str) -> str:
    """Build the script with the template alone on the search path, so the catalogue
    prints template objects unqualified and everything else (public) qualified."""
    cursor.execute(f"SET LOCAL search_path TO {_quote(template)}")
    t = _quote(template)
    tables = [r[0] for r in _rows(cursor, """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname""", [template])]
    # Primary, unique and exclusion constraints go inline: one statement per table is much
    # cheaper than an ALTER TABLE per constraint.
    keys: dict[str, list[str]] = {name: [] for name in tables}
    for table, name, definition in _rows(cursor, """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE connamespace = %s::regnamespace
              AND contype IN ('p', 'u', 'x') ORDER BY conname""", [template]):
        keys[table.strip('"')].append(f"CONSTRAINT {_quote(name)} {definition}")
    # Sequences of their own (not a column's identity), such as the data version.
    statements = [f"CREATE SEQUENCE {_quote(name)}" for (name,) in _rows(cursor, """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relkind = 'S' AND NOT EXISTS (
            SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
              AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
        ORDER BY c.relname""", [template])]
    for name in tables:
        elements = [f"LIKE {t}.{_quote(name)} {_LIKE}", *keys[name]]
        statements.append(f"CREATE TABLE {_quote(name)} ({', '.join(elements)})")
    for name in tables:
        if _rows(cursor, f"SELECT EXISTS (SELECT 1 FROM {t}.{_quote(name)})")[0][0]:
            statements.append(f"INSERT INTO {_quote(name)} SELECT * FROM {t}.{_quote(name)}")
            statements += [
                f"SELECT setval(pg_get_serial_sequence('{name}', '{column}'), "
                f"coalesce((SELECT max({_quote(column)}) FROM {_quote(name)}), 0) + 1, false)"
                for (column,) in _rows(cursor, """
                    SELECT a.attname FROM pg_attribute a
                    WHERE a.attrelid = %s::regclass AND a.attidentity <> ''""", [name])
            ]
    statements += [
        f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}"
        for table, name, definition in _rows(cursor, """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE connamespace = %s::regnamespace AND contype = 'f'
            ORDER BY conname""", [template])
    ]
    # pg_get_indexdef and pg_get_triggerdef qualify the table whatever the search path.
    qualified = (f" ON {template}.", f" ON {t}.")
    statements += [_unqualify(definition, qualified) for (definition,) in _rows(cursor, """
        SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""",
        [template])]
    statements += [_unqualify(definition, qualified) for (definition,) in _rows(cursor, """
        SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND NOT t.tgisinternal""", [template])]
    return ";\n".join(statements) + ";"


def _unqualify(definition: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        definition = definition.replace(prefix, " ON ", 1)
    return definition


def clone_template(*, schema: str) -> None:
    """Create ``schema`` as a copy of the template, inside the caller's transaction."""
    assert connection.in_atomic_block, "clone_template needs the caller's transaction"
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.harmony_clone_template(%s)", [schema])
