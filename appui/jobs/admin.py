from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "status", "school", "started_by", "created_at", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("key",)
    readonly_fields = [f.name for f in Job._meta.fields]
