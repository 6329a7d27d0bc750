from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import class_prepared

from .text import plain_text_fields

# Connected when the app registry imports this module, before any model class is built.
class_prepared.connect(plain_text_fields, dispatch_uid="core.text.plain_text_fields")

_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "core"

    def ready(self):
        # The embedded mode's filesystem broker (kombu) expects its folders to exist, in every
        # process that sends or receives a task; settings only name them.
        if str(getattr(settings, "CELERY_BROKER_URL", "")).startswith("filesystem://"):
            options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
            for key in _BROKER_FOLDERS:
                if options.get(key):
                    Path(options[key]).mkdir(parents=True, exist_ok=True)
