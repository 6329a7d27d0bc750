from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("계정")

    def ready(self):
        from core.pagecache import register_audience_provider

        from . import signals  # noqa: F401  (access-log receivers)
        from .permissions import audience_key

        # Cached page bodies are shared by users the permission rules cannot tell apart.
        register_audience_provider(audience_key)
