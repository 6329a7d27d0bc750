# Cached pages now show evidence files (the meeting page's review evidence, the proposal's
# panels, core.pagecache): an upload must move the portfolio version like any other write the
# pages read (see dashboard/version.py). Download records stay unwatched. Reversing goes back
# to 0005's list.

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
    "rounds_roundsubmission",
    "rounds_updateround",
    "rounds_updateround_proposals",
)
WATCHED = (*PREVIOUS, "rounds_evidence")


def install(apps, schema_editor):
    version.install(schema_editor.connection, tables=WATCHED)


def reinstall_previous(apps, schema_editor):
    version.install(schema_editor.connection, tables=PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0005_watch_rounds"),
        ("rounds", "0003_plain_text_validators"),
    ]

    operations = [
        migrations.RunPython(install, reinstall_previous, elidable=False),
    ]
