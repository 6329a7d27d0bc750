# The dashboard now reads the update rounds (the 확인 대기 note): their tables carry the
# portfolio version triggers too (see dashboard/version.py). Reversing goes back to 0002's list.

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
)
WATCHED = (
    *PREVIOUS,
    "rounds_roundsubmission",
    "rounds_updateround",
    "rounds_updateround_proposals",
)


def install(apps, schema_editor):
    version.install(schema_editor.connection, tables=WATCHED)


def reinstall_previous(apps, schema_editor):
    version.install(schema_editor.connection, tables=PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0004_triggers_after_field_sources"),
        ("rounds", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, reinstall_previous, elidable=False),
    ]
