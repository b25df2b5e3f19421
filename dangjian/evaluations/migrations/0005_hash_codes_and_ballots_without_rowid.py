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
    """SQLite: the ballot tables WITHOUT ROWID (see dangjian.core.secret_tables)."""
    from dangjian.core.secret_tables import without_rowid as rebuild

    rebuild(schema_editor, BALLOT_TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0004_public_ballots_and_meeting_link"),
    ]

    operations = [
        migrations.RunPython(hash_codes, migrations.RunPython.noop),
        migrations.RunPython(without_rowid, migrations.RunPython.noop),
    ]
