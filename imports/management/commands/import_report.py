"""Import the consultancy report's table from the command line, with the web's engine."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.models import ImportState
from imports.readers import size_message
from imports.services import (
    import_run_apply,
    import_run_create,
    import_run_preview,
    import_run_request_apply,
    preview_file,
)
from projects.models import DataSource, Portfolio


class Command(BaseCommand):
    help = (
        "용역 보고서 표(.xlsx/.csv)를 가져옵니다. 미리보기 결과를 보여 주고, --dry-run이 "
        "아니면 한 번에(모두 또는 전혀) 반영합니다."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="가져올 .xlsx 또는 .csv 파일")
        parser.add_argument("--dry-run", action="store_true", help="미리보기만 하고 쓰지 않음")
        parser.add_argument("--sheet", default="", help="읽을 시트 이름(기본: 첫 시트)")
        parser.add_argument("--user", default="", help="기록에 남길 사용자 아이디")
        parser.add_argument("--portfolio", default="", help="사업군 코드(기본: 최근 사업군)")
        parser.add_argument(
            "--source",
            default=DataSource.REPORT,
            choices=DataSource.values,
            help="새 사업의 자료 출처(기본: report)",
        )
        parser.add_argument(
            "--create-departments",
            action="store_true",
            help="파일에 나온 새 부서를 만드는 데 동의",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"파일이 없습니다: {path}")
        if path.stat().st_size > settings.GP_IMPORT_MAX_BYTES:
            raise CommandError(size_message(path.stat().st_size))
        data = path.read_bytes()
        portfolio = self._portfolio(options["portfolio"])
        user = self._user(options["user"])

        if options["dry_run"]:
            preview = preview_file(
                data=data, file_name=path.name, portfolio=portfolio, sheet=options["sheet"]
            )
            if preview.file_error:
                raise CommandError(preview.file_error)
            self._report(preview.plan.to_json(), preview.plan)
            if preview.has_errors:
                raise CommandError("오류가 있어 적용할 수 없습니다.")
            self.stdout.write("미리보기만 했습니다(--dry-run). 아무것도 바꾸지 않았습니다.")
            return

        run = import_run_create(
            portfolio=portfolio,
            user=user,
            file_name=path.name,
            data=data,
            sheet_name=options["sheet"],
            data_source=options["source"],
        )
        run = import_run_preview(run_id=run.pk)
        if run.state == ImportState.INVALID and "file_error" in run.preview:
            raise CommandError(f"#{run.pk}: {run.message}")
        self._report(run.preview, None, run=run)
        if run.state != ImportState.READY:
            raise CommandError(f"#{run.pk}: {run.message}")
        if run.departments_new and not options["create_departments"]:
            raise CommandError(
                "파일에 없는 부서가 있습니다: "
                + ", ".join(run.preview["new_departments"])
                + ". 만들려면 --create-departments를 붙여 다시 실행하세요."
            )
        import_run_request_apply(
            run=run, user=user, confirm_new_departments=options["create_departments"]
        )
        run = import_run_apply(run_id=run.pk)
        if run.state != ImportState.APPLIED:
            raise CommandError(f"#{run.pk}: {run.message}")
        self.stdout.write(self.style.SUCCESS(f"#{run.pk}: {run.message}"))

    def _portfolio(self, code: str) -> Portfolio:
        portfolios = Portfolio.objects.all()
        portfolio = portfolios.filter(code=code).first() if code else portfolios.first()
        if portfolio is None:
            raise CommandError(
                "사업군이 없습니다. 먼저 'manage.py seed'로 사업군과 전략을 만드세요."
                if not code
                else f"사업군 코드 '{code}'가 없습니다."
            )
        return portfolio

    def _user(self, username: str):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"사용자 '{username}'가 없습니다.")
        return user

    def _report(self, preview: dict, plan, run=None) -> None:
        write = self.stdout.write
        where = preview.get("sheet") or preview.get("encoding") or ""
        write(f"파일 형식: {preview.get('format')} {where}".rstrip())
        for notice in preview.get("notices", []):
            write(f"안내: {notice}")
        rows = preview.get("rows", {})
        for row in rows.get("error", []):
            for message in row["errors"]:
                self.stderr.write(message)
        for row in rows.get("changed", []):
            write(f"변경 {row['row']}행 {row['key']} {row['title']}")
            for change in row["changes"]:
                write(f"    {change['label']}: {change['old'] or '(없음)'} → {change['new']}")
        for row in rows.get("new", []):
            write(f"신규 {row['row']}행 {row['key']} {row['title']}")
        for item in preview.get("missing", []):
            write(f"파일에 없음 {item['key']} {item['title']}")
        for name in preview.get("new_departments", []):
            write(f"새 부서 {name}")
        counts = (
            {
                "new": run.rows_new,
                "changed": run.rows_changed,
                "unchanged": run.rows_unchanged,
                "error": run.rows_error,
            }
            if run
            else {k: plan.count(k) for k in ("new", "changed", "unchanged", "error")}
        )
        write(
            "신규 {new}건, 변경 {changed}건, 변경 없음 {unchanged}건, 오류 {error}건".format(
                **counts
            )
        )
