from django.contrib import admin

from .models import Adoption, FundingProgramme, OzgService, Project, Question


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


class _ReadOnly(admin.ModelAdmin):
    """Changes go through the services (permissions, audit log, mails)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Adoption)
class AdoptionAdmin(_ReadOnly):
    list_display = ["project", "municipality", "state", "interest_at", "is_demo"]
    list_filter = ["state", "is_demo"]
    search_fields = ["project__title", "municipality__name"]


@admin.register(Question)
class QuestionAdmin(_ReadOnly):
    list_display = ["__str__", "project", "status", "source", "answered_at", "is_demo"]
    list_filter = ["status", "source", "is_demo"]
    search_fields = ["text", "project__title"]
    # The asker's address is personal data the admin list need not show.
    exclude = ["asker_email", "confirm_token_hash"]
