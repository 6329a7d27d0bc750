# ImportRun, taken over from `projects` (projects/migrations/0005_move_importrun_to_imports.py).
# State only: the model keeps its table `projects_importrun` (Meta.db_table), so no row moves.
# The content type follows the model, so its permissions and admin log entries stay attached.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to(app_label):
    """Relabel the ImportRun content type to `app_label` (unless that one exists already)."""

    def relabel(apps, schema_editor):
        ContentType = apps.get_model('contenttypes', 'ContentType')
        db = schema_editor.connection.alias
        other = 'projects' if app_label == 'imports' else 'imports'
        types = ContentType.objects.using(db).filter(model='importrun')
        if not types.filter(app_label=app_label).exists():
            types.filter(app_label=other).update(app_label=app_label)

    return relabel


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('projects', '0005_move_importrun_to_imports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='올린 일시')),
                        ('file_name', models.CharField(max_length=255, verbose_name='파일 이름')),
                        ('file_size', models.PositiveBigIntegerField(default=0, verbose_name='파일 크기(바이트)')),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('content', models.BinaryField(blank=True, null=True, verbose_name='파일 내용')),
                        ('sheet_name', models.CharField(blank=True, max_length=100, verbose_name='시트')),
                        ('data_source', models.CharField(default='report', max_length=10, verbose_name='새 사업의 자료 출처')),
                        ('confirm_new_departments', models.BooleanField(default=False, verbose_name='새 부서 생성 확인')),
                        ('state', models.CharField(choices=[('pending', '미리보기 대기'), ('previewing', '미리보기 중'), ('ready', '적용 가능'), ('invalid', '오류 있음'), ('apply_pending', '적용 대기'), ('applying', '적용 중'), ('applied', '적용 완료'), ('failed', '실패')], default='pending', max_length=20, verbose_name='상태')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='진행률(%)')),
                        ('message', models.TextField(blank=True, verbose_name='안내')),
                        ('encoding', models.CharField(blank=True, max_length=30, verbose_name='문자 인코딩')),
                        ('preview', models.JSONField(blank=True, default=dict, editable=False, verbose_name='미리보기')),
                        ('parsed', models.JSONField(blank=True, default=dict, editable=False, verbose_name='읽은 행')),
                        ('digest', models.CharField(blank=True, max_length=64, verbose_name='변경 내용 지문')),
                        ('rows_total', models.PositiveIntegerField(default=0, verbose_name='행 수')),
                        ('rows_new', models.PositiveIntegerField(default=0, verbose_name='신규')),
                        ('rows_changed', models.PositiveIntegerField(default=0, verbose_name='변경')),
                        ('rows_unchanged', models.PositiveIntegerField(default=0, verbose_name='변경 없음')),
                        ('rows_error', models.PositiveIntegerField(default=0, verbose_name='오류')),
                        ('rows_missing', models.PositiveIntegerField(default=0, verbose_name='파일에 없는 사업')),
                        ('departments_new', models.PositiveIntegerField(default=0, verbose_name='새 부서')),
                        ('applied_at', models.DateTimeField(blank=True, null=True, verbose_name='적용 일시')),
                        ('applied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='적용한 사람')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='import_runs', to=settings.AUTH_USER_MODEL, verbose_name='올린 사람')),
                        ('portfolio', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='import_runs', to='projects.portfolio', verbose_name='사업군')),
                    ],
                    options={
                        'verbose_name': '보고서 가져오기',
                        'verbose_name_plural': '보고서 가져오기',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'projects_importrun',
                        'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='importrun_progress_range', violation_error_message='진행률은 0에서 100 사이여야 합니다.'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'applied'), _negated=True), ('applied_at__isnull', False), _connector='OR'), name='importrun_applied_has_time', violation_error_message='적용 완료된 가져오기에는 적용 일시가 있어야 합니다.'), models.CheckConstraint(condition=models.Q(('state__in', ['pending', 'previewing', 'ready', 'invalid', 'apply_pending', 'applying', 'applied', 'failed'])), name='importrun_state_valid', violation_error_message='알 수 없는 상태입니다.')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to('imports'), content_type_to('projects')),
    ]
