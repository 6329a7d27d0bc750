from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("보고회·후속조치")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
