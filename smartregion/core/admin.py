from django.contrib import admin

from .models import AuditEntry, LegalPage


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited."""

    list_display = ["created_at", "action", "actor", "target_label"]
    list_filter = ["action"]
    search_fields = ["action", "target_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["kind", "updated_at", "updated_by"]
