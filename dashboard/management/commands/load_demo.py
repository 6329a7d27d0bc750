"""Add the labelled demo data (users, departments, synthetic proposals and meetings)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from dashboard.demo import DEMO_PASSWORD, demo_load
from dashboard.seed_facts import PORTFOLIO
from projects.models import Portfolio


class Command(BaseCommand):
    help = "데모(가상) 데이터를 추가합니다. --scale 100이면 사업 3,500건(벤치마크용)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="사업 수 = 35 × scale")
        parser.add_argument("--seed", type=int, default=2023, help="난수 시드(재현용)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="실제 계정이 있는 데이터베이스에도 데모 자료를 넣습니다(권장하지 않음).",
        )

    def handle(self, *args, scale, seed, force, **options):
        if scale < 1:
            raise CommandError("--scale은 1 이상이어야 합니다.")
        if not force and User.objects.filter(is_demo=False).exists():
            # Demo rows beside real accounts would blend into the city's own figures.
            raise CommandError(
                "실제(데모가 아닌) 계정이 있는 데이터베이스입니다. "
                "데모 자료를 섞지 않도록 멈춥니다. 정말 넣으려면 --force를 붙이세요."
            )
        portfolio = Portfolio.objects.filter(code=PORTFOLIO["code"]).first()
        if portfolio is None:
            raise CommandError("먼저 'manage.py seed'로 기사 사실을 적재하세요.")
        result = demo_load(portfolio=portfolio, scale=scale, seed=seed)
        self.stdout.write(
            self.style.WARNING(
                f"데모 데이터 추가: 사업 {result.proposals}, 현황 {result.updates}, "
                f"보고회 {result.meetings}, 후속조치 {result.actions} (모두 '데모'로 표시됨)"
            )
        )
        self.stdout.write(f"데모 로그인 (비밀번호 모두 동일: {DEMO_PASSWORD})")
        for username, role in result.users:
            self.stdout.write(f"  {username:<10} {role}")
