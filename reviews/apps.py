from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("보고회·후속조치")

    def ready(self):
        from .dashboard.version import install_after_migrate

        # After every migrate (and flush), the portfolio version triggers follow the models.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="gp-version-triggers")
