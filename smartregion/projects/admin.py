from django.contrib import admin

from .models import FundingProgramme, OzgService, Project


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(admin.ModelAdmin):
    """Coordinators maintain the programmes the project form offers."""

    list_display = ["name", "funder"]
    search_fields = ["name", "funder"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    # Read-only: changes go through the services (permissions, audit log, search index).
    list_display = ["title", "lead_organization", "phase", "status", "is_demo"]
    list_filter = ["status", "phase", "is_demo", "programme"]
    search_fields = ["title", "acronym"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OzgService)
class OzgServiceAdmin(admin.ModelAdmin):
    list_display = ["service_key", "name", "situation"]
    search_fields = ["service_key", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
