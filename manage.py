#!/usr/bin/env python
import os
import sys

# These commands only read the code (models, templates, catalogues) and sign nothing, so they
# run without the production secret: a migration check on a fresh checkout, a translator's
# machine. Every other command, and the web and Celery processes, still refuse to start
# without DJANGO_SECRET_KEY (gwangyang_portfolio/settings.py).
KEYLESS_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gwangyang_portfolio.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS:
        os.environ.setdefault("DJANGO_SECRET_KEY", f"unused-by-{sys.argv[1]}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
