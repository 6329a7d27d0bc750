from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, User

# The admin site, in Korean and branded: planning staff keep the reference data here
# (accounts.permissions.PLANNING_ADMIN_PERMISSIONS).
admin.site.site_header = _("광양시 신성장 사업 포트폴리오 관리")
admin.site.site_title = _("포트폴리오 관리")
admin.site.index_title = _("기준 자료(부서·전략·사업군)와 기록")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "first_name",
        "role",
        "department",
        "is_active",
        "is_demo",
        "last_login",
    )
    list_filter = ("role", "department", "is_active", "is_demo")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("역할과 소속"), {"fields": ("role", "department", "position", "is_demo")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("역할과 소속"), {"fields": ("first_name", "email", "role", "department")}),
    )


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "event", "username", "ip_address", "path")
    list_filter = ("event",)
    search_fields = ("username", "ip_address", "path")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
