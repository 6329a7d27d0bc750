# projects 0007 adds Proposal.known_since (NOT NULL with a default): on SQLite (the embedded
# mode) the schema editor rebuilds projects_proposal to add it, and the copy carries no version
# trigger. Install the same tables' triggers again after it (on PostgreSQL nothing was lost and
# this only re-creates them).

import importlib

from django.db import migrations

from dashboard import version

WATCHED = importlib.import_module("dashboard.migrations.0002_version_triggers").WATCHED


def install(apps, schema_editor):
    version.install(schema_editor.connection, tables=WATCHED)


class Migration(migrations.Migration):

    dependencies = [
        ("dashboard", "0002_version_triggers"),
        ("projects", "0007_portfolio_stated_total_proposal_known_since"),
    ]

    operations = [
        migrations.RunPython(install, install, elidable=False),
    ]
