"""Portfolio.stated_total and Proposal.known_since (defaults to the row's creation date)."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import TruncDate


def known_since_from_created_at(apps, schema_editor):
    """Rows loaded before this field existed: the city knew them from the day they were
    registered (in the site's time zone). Seed and imports set an earlier date from now on."""
    for name in ("Proposal", "HistoricalProposal"):
        apps.get_model("projects", name).objects.update(known_since=TruncDate("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0006_status_rules_stated_once'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalproposal',
            name='known_since',
            field=models.DateField(db_index=True, default=django.utils.timezone.localdate, help_text='시가 이 사업을 처음 알게 된 날(기사·보고서 기준일, 없으면 등록일)입니다.', verbose_name='파악일'),
        ),
        migrations.AddField(
            model_name='portfolio',
            name='stated_total',
            field=models.PositiveIntegerField(blank=True, help_text='출처가 밝힌 이 사업군의 전체 사업 수입니다(모르면 비워 둡니다).', null=True, verbose_name='출처상 전체 사업 수'),
        ),
        migrations.AddField(
            model_name='proposal',
            name='known_since',
            field=models.DateField(db_index=True, default=django.utils.timezone.localdate, help_text='시가 이 사업을 처음 알게 된 날(기사·보고서 기준일, 없으면 등록일)입니다.', verbose_name='파악일'),
        ),
        migrations.RunPython(known_since_from_created_at, migrations.RunPython.noop),
    ]
