from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    label = "imports"
    verbose_name = _("보고서 가져오기")
