"""Admin edits respect the optimistic lock (`version`) that the services use.

The change form carries the version it was loaded with; `clean()` locks the row (the admin's
change view runs in one transaction, so the lock lasts until the save) and refuses a stale
form beside the other errors. Saving writes only the changed fields and bumps the version,
so editors holding an older copy elsewhere are refused in turn.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

STALE_ADMIN = _("다른 사용자가 먼저 이 기록을 수정했습니다. 화면을 새로 고친 뒤 다시 수정하세요.")


class LoadedVersionForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_version"].required = True
            self.fields["loaded_version"].error_messages["required"] = STALE_ADMIN

    def check_locked(self, locked) -> None:
        """Raise ValidationError if `locked` (the current row) may not be changed."""

    def clean(self):
        cleaned = super().clean()
        self.locked = None
        if self.instance.pk:
            model = type(self.instance)
            self.locked = model.objects.select_for_update().get(pk=self.instance.pk)
            if cleaned.get("loaded_version") != self.locked.version:
                raise ValidationError(STALE_ADMIN)
            self.check_locked(self.locked)
        return cleaned


class VersionedAdminMixin:
    """Save a change through the lock taken in LoadedVersionForm.clean, bumping `version`."""

    form = LoadedVersionForm

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        concrete = {f.name for f in obj._meta.concrete_fields}
        fields = [name for name in form.changed_data if name in concrete]
        obj.version = form.locked.version + 1
        obj._history_user = request.user
        obj.save(update_fields=[*fields, "version"])
