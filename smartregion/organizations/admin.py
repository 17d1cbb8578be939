from django.contrib import admin

from .models import Organization, OrganizationRole


class RoleInline(admin.TabularInline):
    model = OrganizationRole
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "municipality", "is_demo"]
    list_filter = ["status", "kind", "is_demo"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status"]
    inlines = [RoleInline]
