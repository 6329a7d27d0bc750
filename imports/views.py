"""Pages of the report import, for planning staff: upload, preview/progress, apply, template."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView

from core.forms import add_service_errors
from core.guards import PermissionRequiredMixin, permission_required
from projects.portfolios import portfolio_for_request

from . import tasks
from .forms import ImportApplyForm, ImportUploadForm
from .models import ImportRun
from .permissions import can_import
from .services import (
    import_run_apply,
    import_run_create,
    import_run_preview,
    import_run_request_apply,
)
from .template import template_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_RUNS = 20


def _runs_in_background(run: ImportRun) -> bool:
    return run.file_size >= settings.GP_IMPORT_ASYNC_MIN_BYTES


class ImportStartView(PermissionRequiredMixin, FormView):
    """Upload a report file; small files are previewed at once, large ones by a worker."""

    form_class = ImportUploadForm
    template_name = "imports/importrun_form.html"

    permission = staticmethod(can_import)

    def get_initial(self):
        # The header's portfolio (projects.portfolios): a report is imported into the one chosen.
        return {**super().get_initial(), "portfolio": portfolio_for_request(self.request)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = (
            ImportRun.objects.filter(portfolio=portfolio_for_request(self.request))
            .select_related("created_by")
            .defer("content", "preview")[:RECENT_RUNS]
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            run = import_run_create(
                portfolio=form.cleaned_data["portfolio"],
                user=self.request.user,
                file_name=upload.name,
                data=upload.read(),
                sheet_name=form.cleaned_data["sheet_name"],
                data_source=form.cleaned_data["data_source"],
                as_of=form.cleaned_data["as_of"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if _runs_in_background(run):
            tasks.import_preview.delay_on_commit(run.pk)
        else:
            import_run_preview(run_id=run.pk)
        return redirect(run)


class ImportRunDetailView(PermissionRequiredMixin, DetailView):
    """Show a run: its progress while busy, its preview when ready, its result when done."""

    template_name = "imports/importrun_detail.html"
    context_object_name = "run"

    permission = staticmethod(can_import)

    def get_queryset(self):
        return ImportRun.objects.select_related("portfolio", "created_by", "applied_by").defer(
            "content"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preview = self.object.preview or {}
        context.setdefault("apply_form", ImportApplyForm(options=preview.get("links")))
        context["preview"] = preview
        context["link_rows"] = link_rows(self.object, context["apply_form"])
        return context


def link_rows(run: ImportRun, form: ImportApplyForm) -> list[dict]:
    """The preview's link options with their tick: the form's input, or else the default.

    Once applied, the tick shows what was linked.
    """
    options = (run.preview or {}).get("links", [])
    if run.links_chosen is not None and not run.can_apply:
        chosen = {tuple(pair) for pair in run.links_chosen}
        ticks = [(o["old"], o["new"]) in chosen for o in options]
    elif form.is_bound:
        ticked = set(form.data.getlist("links"))
        ticks = [str(index) in ticked for index in range(len(options))]
    else:
        ticks = [o["checked"] for o in options]
    return [
        {**option, "index": index, "ticked": tick}
        for index, (option, tick) in enumerate(zip(options, ticks, strict=True))
    ]


@require_POST
@permission_required(can_import)
def import_run_apply_view(request, pk):
    """Apply a previewed run: at once for small files, through a worker for large ones."""
    run = get_object_or_404(ImportRun.objects.defer("content"), pk=pk)
    form = ImportApplyForm(request.POST, options=(run.preview or {}).get("links"))
    if not form.is_valid():  # a tick that is not one of the preview's links
        return _apply_refused(request, pk, form)
    try:
        run = import_run_request_apply(
            run=run,
            user=request.user,
            confirm_new_departments=form.cleaned_data.get("confirm_new_departments", False),
            links=form.chosen_links(),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            add_service_errors(form, exc)
            return _apply_refused(request, pk, form)
        messages.error(request, " ".join(exc.messages))
        return redirect(run)
    if _runs_in_background(run):
        tasks.import_apply.delay_on_commit(run.pk)
        messages.info(request, _("적용을 시작했습니다. 이 페이지에서 진행 상황을 볼 수 있습니다."))
    else:
        run = import_run_apply(run_id=run.pk)
    return redirect(run)


def _apply_refused(request, pk, form: ImportApplyForm):
    """The run's page again with the apply form's errors (400); nothing was applied."""
    run = ImportRun.objects.select_related("portfolio").defer("content").get(pk=pk)
    context = {
        "run": run,
        "object": run,
        "preview": run.preview,
        "apply_form": form,
        "link_rows": link_rows(run, form),
    }
    return render(request, ImportRunDetailView.template_name, context, status=400)


@permission_required(can_import)
def import_template_view(request):
    """Download the blank template: the headers and one example row."""
    response = HttpResponse(template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="report_template.xlsx"'
    return response
