# The version gets a second scope (see dashboard/version.py): the data version, which every
# write moves but those to the remarks on proposals (REMARK_TABLES). Pages that show no remarks
# key on it, so they stay cached while people comment. The triggers are installed anew on the
# same tables: a remark table's trigger now moves the full version only. The triggers are off
# while the columns come or go: SQLite rebuilds the version table for that, and a trigger that
# names it would stop the rebuild.

from django.db import migrations, models

from dashboard import version

WATCHED = (
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


def install(apps, schema_editor):
    version.install(schema_editor.connection, tables=WATCHED, data_columns=True)


def install_one_version(apps, schema_editor):
    version.install(schema_editor.connection, tables=WATCHED, data_columns=False)


def uninstall(apps, schema_editor):
    version.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0006_watch_evidence"),
    ]

    operations = [
        migrations.RunPython(uninstall, install_one_version, elidable=False),
        migrations.AddField(
            model_name="portfolioversion",
            name="data_bumps",
            field=models.BigIntegerField(default=0, verbose_name="자료 변경 횟수"),
        ),
        migrations.AddField(
            model_name="portfolioversion",
            name="data_txid",
            field=models.BigIntegerField(default=0, verbose_name="마지막 자료 변경 트랜잭션"),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
