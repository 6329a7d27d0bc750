"""Delete access-log rows older than N days; N below the one-year retention is refused."""

from django.core.management.base import BaseCommand, CommandError

from accounts.services import ACCESS_LOG_RETENTION_DAYS, access_log_prune


class Command(BaseCommand):
    help = "Delete access-log rows older than --days (at least 365: the log is kept a year)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True)

    def handle(self, *args, days, **options):
        if days < ACCESS_LOG_RETENTION_DAYS:
            raise CommandError(
                f"--days must be at least {ACCESS_LOG_RETENTION_DAYS}: "
                "the access log is kept for at least a year."
            )
        deleted = access_log_prune(days=days)
        self.stdout.write(f"Deleted {deleted} access-log rows older than {days} days.")
