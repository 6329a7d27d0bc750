from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("대시보드")

    def ready(self):
        from core import user_row
        from core.pagecache import register_version_provider

        from .cache import VERSION, portfolio_version
        from .version import bump_after_migrate, bump_on_user_change, version_sql

        # Every cached page body is keyed on the portfolio version (core.pagecache), read in
        # the same query as the signed-in user's row.
        register_version_provider(portfolio_version)
        user_row.register(VERSION, version_sql)

        # The triggers are installed by this app's migrations; after every migrate (and flush)
        # the version only moves, since a migration may change what the dashboard shows.
        post_migrate.connect(bump_after_migrate, sender=self, dispatch_uid="gp-version-bump")
        # A renamed user (an author, a chair on a cached page) moves the version too.
        post_save.connect(
            bump_on_user_change, sender=settings.AUTH_USER_MODEL, dispatch_uid="gp-user-names"
        )
