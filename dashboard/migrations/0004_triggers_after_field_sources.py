# On SQLite, adding Proposal.field_sources (projects 0009) and the check constraint of
# reviews 0008 rebuild their tables, and a rebuilt table has no trigger: install them again,
# on the same tables as 0002 (on PostgreSQL nothing is missing, so nothing changes).

import importlib

from django.db import migrations

from dashboard import version

WATCHED = importlib.import_module("dashboard.migrations.0002_version_triggers").WATCHED


def install(apps, schema_editor):
    version.install(schema_editor.connection, tables=WATCHED)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0003_version_triggers_after_known_since"),
        ("projects", "0009_proposal_field_sources"),
        ("reviews", "0008_article_unrecorded"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop, elidable=False),
    ]
