# The portfolio version models, moved from the reviews app (reviews/migrations/0004 created
# their tables, reviews/migrations/0007 let go of them). State only: the tables and their rows
# stay as they are, under their reviews_ names.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reviews', '0007_portfolio_version_to_dashboard'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PortfolioWriteMark',
                    fields=[
                        ('txid', models.BigIntegerField(primary_key=True, serialize=False)),
                    ],
                    options={
                        'verbose_name': '포트폴리오 쓰기 표시',
                        'verbose_name_plural': '포트폴리오 쓰기 표시',
                        'db_table': 'reviews_portfoliowritemark',
                    },
                ),
                migrations.CreateModel(
                    name='PortfolioVersion',
                    fields=[
                        ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                        ('txid', models.BigIntegerField(default=0, verbose_name='마지막 변경 트랜잭션')),
                        ('bumps', models.BigIntegerField(default=0, verbose_name='변경 횟수')),
                        ('bumped_at', models.DateTimeField(null=True, verbose_name='마지막 변경 시각')),
                    ],
                    options={
                        'verbose_name': '포트폴리오 버전',
                        'verbose_name_plural': '포트폴리오 버전',
                        'db_table': 'reviews_portfolioversion',
                        'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='portfolio_version_single_row')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
