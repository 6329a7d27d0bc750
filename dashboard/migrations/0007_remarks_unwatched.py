# Remarks on proposals stop moving the portfolio version: only their proposal's page shows
# them, and it keys on that proposal's own remarks version (projects/remarks.py, installed by
# projects 0011). A comment therefore rebuilds one page and leaves every other cached page
# alone. Reversing puts the trigger back on the remarks table.

from django.db import migrations

from dashboard import version

PREVIOUS = (
    "projects_department",
    "projects_pillar",
    "projects_portfolio",
    "projects_proposal",
    "projects_proposal_supporting_departments",
    "projects_proposalcomment",
    "projects_statusupdate",
    "reviews_duedatechangerequest",
    "reviews_followupaction",
    "reviews_meetingamendment",
    "reviews_proposalreview",
    "reviews_reviewmeeting",
    "reviews_reviewmeeting_attending_departments",
    "rounds_evidence",
    "rounds_roundsubmission",
    "rounds_updateround",
    "rounds_updateround_proposals",
)
WATCHED = tuple(table for table in PREVIOUS if table != "projects_proposalcomment")


def install(apps, schema_editor):
    version.install(schema_editor.connection, tables=WATCHED)


def reinstall_previous(apps, schema_editor):
    version.install(schema_editor.connection, tables=PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0006_watch_evidence"),
        ("projects", "0011_remarks_version"),
    ]

    operations = [
        migrations.RunPython(install, reinstall_previous, elidable=False),
    ]
