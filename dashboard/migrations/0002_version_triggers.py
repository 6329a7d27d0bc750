# Install the portfolio version triggers (see dashboard/version.py) on the tables the dashboard
# reads, as they are after the migrations this one depends on. Reversing it removes them all.
#
# A later migration of another app that creates a table the dashboard reads (or, on SQLite,
# rebuilds one) needs a new migration here that depends on it and calls
# version.install(tables=...) with the longer list, and with this list in reverse.

from django.db import migrations

from dashboard import version

WATCHED = (
    'projects_department',
    'projects_pillar',
    'projects_portfolio',
    'projects_proposal',
    'projects_proposal_supporting_departments',
    'projects_proposalcomment',
    'projects_statusupdate',
    'reviews_duedatechangerequest',
    'reviews_followupaction',
    'reviews_meetingamendment',
    'reviews_proposalreview',
    'reviews_reviewmeeting',
    'reviews_reviewmeeting_attending_departments',
)


def install(apps, schema_editor):
    version.install(schema_editor.connection, tables=WATCHED)


def uninstall(apps, schema_editor):
    version.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0001_initial'),
        ('projects', '0004_proposal_supporting_history'),
        ('reviews', '0007_portfolio_version_to_dashboard'),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
