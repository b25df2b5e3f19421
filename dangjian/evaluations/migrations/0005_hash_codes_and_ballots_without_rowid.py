from django.db import migrations

BALLOT_TABLES = ("evaluations_ballot", "evaluations_ballotgrade")


def hash_codes(apps, schema_editor):
    """Codes were stored in clear: keep only their keyed hash."""
    from dangjian.evaluations.services import code_hash

    VoterRight = apps.get_model("evaluations", "VoterRight")
    for right in VoterRight.objects.filter(member__isnull=True).exclude(code_hash__isnull=True):
        if len(right.code_hash) < 64:
            right.code_hash = code_hash(right.code_hash)
            right.save(update_fields=["code_hash"])


def without_rowid(apps, schema_editor):
    """SQLite: rebuild the ballot tables WITHOUT ROWID, so rows are stored in random-key order and no
    hidden rowid counts the votes in the order they were cast. Other databases: nothing to do."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in BALLOT_TABLES:
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


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0004_public_ballots_and_meeting_link"),
    ]

    operations = [
        migrations.RunPython(hash_codes, migrations.RunPython.noop),
        migrations.RunPython(without_rowid, migrations.RunPython.noop),
    ]
