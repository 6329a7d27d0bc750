"""User.current_portfolio: the portfolio chosen in the header, remembered per user."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_access_events_for_account_admin'),
        ('projects', '0007_portfolio_stated_total_proposal_known_since'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='current_portfolio',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='projects.portfolio', verbose_name='선택한 사업군'),
        ),
    ]
