from django.core.management.base import BaseCommand

from dashboard.sample_report import sample_report_write


class Command(BaseCommand):
    help = "Rebuild imports/sample_data/sample_report.{xlsx,csv} from the article's facts."

    def handle(self, *args, **options):
        for path in sample_report_write():
            self.stdout.write(f"wrote {path}")
