from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Imports are kept for the record; they are read here, never edited."""

    list_display = ["file_name", "kind", "school", "status", "uploaded_by", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "school__name", "school__uai"]
    readonly_fields = [
        "school",
        "kind",
        "uploaded_by",
        "created_at",
        "file_name",
        "extra_name",
        "options",
        "status",
        "summary",
        "applied_at",
        "campaign",
    ]
    exclude = ["content", "extra_content"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
