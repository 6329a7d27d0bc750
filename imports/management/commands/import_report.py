"""Import the consultancy report's table from the command line, with the web's engine."""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
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
        parser.add_argument(
            "--link",
            action="append",
            default=[],
            metavar="예전번호=새번호",
            help=(
                "파일의 새 관리번호 행을 보고서 관리번호가 없는 기존 사업에 연결(예: "
                "--link 기사-05=GY-05, 여러 번 가능). 비슷한 사업명 제안은 이렇게 확인해야 "
                "연결됩니다."
            ),
        )
        parser.add_argument(
            "--no-auto-link",
            action="store_true",
            help="같은 사업명인 기존 사업에 자동으로 연결하지 않음(--link로 준 것만 연결)",
        )
        parser.add_argument(
            "--as-of",
            default="",
            metavar="YYYY-MM-DD",
            help="보고서의 기준일(기본: 파일 제목 행의 날짜, 없으면 오늘)",
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
        links = [self._link(text) for text in options["link"]]
        as_of = self._as_of(options["as_of"])
        auto_link = not options["no_auto_link"]

        if options["dry_run"] or links:
            # Links are checked before anything is written: a wrong one leaves no trace.
            preview = preview_file(
                data=data,
                file_name=path.name,
                portfolio=portfolio,
                sheet=options["sheet"],
                auto_link=auto_link,
                requested=links,
            )
            if preview.file_error:
                raise CommandError(preview.file_error)
            if preview.plan.link_errors:
                raise CommandError(" ".join(preview.plan.link_errors))
        if options["dry_run"]:
            self._report(preview.plan.to_json(), preview.plan)
            if preview.has_errors:
                raise CommandError("오류가 있어 적용할 수 없습니다.")
            self.stdout.write("미리보기만 했습니다(--dry-run). 아무것도 바꾸지 않았습니다.")
            return

        try:
            run = import_run_create(
                portfolio=portfolio,
                user=user,
                file_name=path.name,
                data=data,
                sheet_name=options["sheet"],
                data_source=options["source"],
                as_of=as_of,
                auto_link=auto_link,
                links_requested=links,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
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

    def _link(self, text: str) -> tuple[str, str]:
        old, sep, new = text.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise CommandError(
                f"--link '{text}'의 형식이 틀렸습니다. '예전번호=새번호'(예: 기사-05=GY-05)로 "
                "적어 주세요."
            )
        return (old.strip(), new.strip())

    def _as_of(self, text: str) -> datetime.date | None:
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(
                f"--as-of '{text}'는 날짜가 아닙니다. YYYY-MM-DD(예: 2023-07-24)로 적어 주세요."
            ) from exc

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

    def _link_line(self, link: dict) -> str:
        kind = (
            "같은 사업명"
            if link["kind"] == "exact"
            else f"비슷한 사업명, 유사도 {link['score']}"
            if link["kind"] == "near"
            else "지정한 연결"
        )
        if link["ambiguous"]:
            kind += ", 후보가 여럿"
        if link["checked"]:
            return f"연결 {link['old']} → {link['new']} ({kind}) {link['new_title']}"
        return (
            f"연결 제안(연결 안 함) {link['old']} → {link['new']} ({kind}) "
            f"{link['old_title']} / {link['new_title']} — 연결하려면 "
            f"--link {link['old']}={link['new']}"
        )

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
        for link in preview.get("links", []):
            write(self._link_line(link))
            if link["checked"]:
                for change in link["changes"]:
                    write(f"    {change['label']}: {change['old'] or '(없음)'} → {change['new']}")
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
        counts["linked"] = run.rows_linked if run else len(plan.linked)
        write(
            "신규 {new}건, 변경 {changed}건, 변경 없음 {unchanged}건, 오류 {error}건, "
            "기존 사업에 연결 {linked}건".format(**counts)
        )
        if run:
            write(f"기준일: {run.as_of:%Y-%m-%d} ({run.get_as_of_source_display()})")
