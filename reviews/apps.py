from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("보고회·후속조치")

    def ready(self):
        from django.db import models

        from core import user_row
        from core.pagecache import register_page_state_provider

        from . import signals  # noqa: F401  (connects the receivers)
        from .selectors import UNREAD, unread_notification_count, unread_sql

        # The header's unread count is part of every cached whole page (core.pagecache); it is
        # read in the same query as the signed-in user's row.
        register_page_state_provider(lambda request: str(unread_notification_count(request)))
        user_row.register(UNREAD, unread_sql, models.IntegerField())
