# The portfolio version models moved to the dashboard app (dashboard/migrations/0001). Only
# the migration state changes here: the tables stay, under their reviews_ names, with their
# rows; the dashboard app's state takes them over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0006_notification_due_change'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='PortfolioVersion'),
                migrations.DeleteModel(name='PortfolioWriteMark'),
            ],
            database_operations=[],
        ),
    ]
