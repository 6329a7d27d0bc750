from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("분기 점검")

    def ready(self):
        # Word and gate the round reminders in the reviews engine; point the heads' update
        # links at the round during an open round (projects' hooks); the evidence panels of
        # the meeting and follow-up pages and the minutes' annex (reviews' hooks).
        from . import hooks

        hooks.register()
