from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("보고회·후속조치")

    def ready(self):
        from core.pagecache import register_page_state_provider

        from . import signals  # noqa: F401  (connects the receivers)
        from .selectors import unread_notification_count

        # The header's unread count is part of every cached whole page (core.pagecache).
        register_page_state_provider(lambda request: str(unread_notification_count(request)))
