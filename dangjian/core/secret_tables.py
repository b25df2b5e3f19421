"""Tables of secret answers (ballots, survey answers) stored so their physical order says nothing."""


def without_rowid(schema_editor, tables: tuple[str, ...]) -> None:
    """SQLite: rebuild `tables` WITHOUT ROWID, so rows lie in random-key (UUID) order and no hidden rowid
    counts them in the order they were written. Other databases: nothing to do. For a RunPython migration."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
            (create,) = cursor.fetchone()
            if "WITHOUT ROWID" in create.upper():
                continue
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            indexes = [row[0] for row in cursor.fetchall()]
            new = f"{table}__new"
            schema_editor.execute(create.replace(f'"{table}"', f'"{new}"', 1) + " WITHOUT ROWID")
            schema_editor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}"')
            schema_editor.execute(f'DROP TABLE "{table}"')
            schema_editor.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
            for sql in indexes:
                schema_editor.execute(sql)
