# ImportRun moves to the `imports` app (imports/migrations/0001_initial.py takes it over).
# State only: the table `projects_importrun` and its rows stay exactly as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0004_proposal_supporting_history'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ImportRun'),
            ],
            database_operations=[],
        ),
    ]
