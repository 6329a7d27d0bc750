from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LoadedVersionForm

from . import provenance
from .models import Department, Pillar, Portfolio, Proposal, StatusUpdate
from .services import PROPOSAL_EDITABLE_FIELDS, proposal_record_created, proposal_update


class PillarInline(admin.TabularInline):
    model = Pillar
    extra = 0


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "code", "source")
    inlines = [PillarInline]


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "portfolio")
    list_filter = ("portfolio",)


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "head", "email", "is_demo")
    list_filter = ("is_demo",)
    search_fields = ("name",)
    autocomplete_fields = ("head",)


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = (
        "management_no",
        "title",
        "pillar",
        "lead_department",
        "status",
        "confidence",
        "progress",
        "last_update_at",
        "data_source",
    )
    list_filter = ("portfolio", "pillar", "status", "confidence", "data_source", "lead_department")
    search_fields = ("management_no", "title", "summary")
    autocomplete_fields = ("lead_department", "supporting_departments")
    list_select_related = ("pillar", "lead_department")
    list_per_page = 25  # as the app's own list (bench/pages.sh compares the two)
    form = LoadedVersionForm
    # State changes go through a status update (service), never a direct edit; an existing
    # proposal's master data goes through `proposal_update` with the version the form loaded.
    STATE_FIELDS = ("status", "confidence", "progress", "last_update_at", "version")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            # A proposal typed in here is known from today (the field's default); imports and
            # the seed date theirs by their source.
            return (*self.STATE_FIELDS, "known_since", "field_sources")
        editable = {*PROPOSAL_EDITABLE_FIELDS, "supporting_departments"}
        return tuple(
            f.name
            for f in Proposal._meta.get_fields()
            if f.concrete and f.editable and f.name not in editable and not f.auto_created
        )

    def save_model(self, request, obj, form, change):
        if not change:
            # No record yet: save_related writes one creation record once the links exist,
            # instead of a creation record plus one per link change (simple-history's signal).
            obj.skip_history_when_saving = True
            # Provenance: what the admin typed is this person's entry (projects.provenance).
            entry = provenance.source_entry(provenance.FieldSource.EDIT, user=request.user)
            provenance.mark(obj, [*form.changed_data, "title"], entry)
            super().save_model(request, obj, form, change)
            return
        editable = {*PROPOSAL_EDITABLE_FIELDS, "supporting_departments"}
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in editable}
        if changes:
            proposal_update(
                proposal=obj,
                user=request.user,
                expected_version=form.cleaned_data["loaded_version"],
                **changes,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            del form.instance.skip_history_when_saving
            proposal_record_created(proposal=form.instance, user=request.user)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    list_display = ("proposal", "created_at", "author", "status", "confidence", "progress")
    list_filter = ("status", "confidence", "is_demo")
    search_fields = ("proposal__title", "proposal__management_no")
    list_select_related = ("proposal", "author")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
