"""Forms of the report import: the upload and the confirmation to apply."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import DataSource, Portfolio

from .readers import size_message

IMPORT_SOURCES = [
    (DataSource.REPORT, DataSource.REPORT.label),
    (DataSource.ARTICLE, DataSource.ARTICLE.label),
    (DataSource.MANUAL, DataSource.MANUAL.label),
    (DataSource.DEMO, DataSource.DEMO.label),
]


class ImportUploadForm(forms.Form):
    portfolio = forms.ModelChoiceField(
        label=_("사업군"), queryset=Portfolio.objects.all(), empty_label=None
    )
    file = forms.FileField(
        label=_("보고서 파일(.xlsx 또는 .csv)"),
        help_text=_("첫 시트의 머리글(관리번호, 사업명 등)을 기준으로 읽습니다."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    sheet_name = forms.CharField(
        label=_("시트 이름(선택)"),
        required=False,
        max_length=100,
        help_text=_("비워 두면 첫 시트를 읽습니다."),
    )
    data_source = forms.ChoiceField(
        label=_("새 사업의 자료 출처"), choices=IMPORT_SOURCES, initial=DataSource.REPORT
    )
    as_of = forms.DateField(
        label=_("기준일(선택)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "보고서의 내용이 언제 기준인지 적습니다. 비워 두면 파일의 제목 행에 적힌 날짜를, "
            "없으면 오늘을 씁니다."
        ),
    )

    def clean_as_of(self):
        as_of = self.cleaned_data.get("as_of")
        if as_of and as_of > timezone.localdate():
            raise forms.ValidationError(_("기준일은 오늘 이후일 수 없습니다."))
        return as_of

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.GP_IMPORT_MAX_BYTES:
            raise forms.ValidationError(size_message(upload.size))
        if upload.size == 0:
            raise forms.ValidationError(_("빈 파일입니다. 내용이 있는 파일을 올려 주세요."))
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(
                _("지원하지 않는 파일 형식입니다. .xlsx 또는 .csv 파일을 올려 주세요.")
            )
        return upload


class ImportApplyForm(forms.Form):
    confirm_new_departments = forms.BooleanField(
        label=_("파일에 나온 새 부서를 만드는 데 동의합니다."), required=False
    )
    # One tick per link option of the preview (its position in preview["links"]).
    links = forms.MultipleChoiceField(label=_("연결"), required=False)

    def __init__(self, *args, options: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options or []
        self.fields["links"].choices = [
            (str(index), f"{o['old']} → {o['new']}") for index, o in enumerate(self.options)
        ]

    def chosen_links(self) -> list[tuple[str, str]]:
        """The ticked options as (old code, new code) pairs."""
        picked = {int(value) for value in self.cleaned_data.get("links", [])}
        return [(o["old"], o["new"]) for i, o in enumerate(self.options) if i in picked]
