from django.contrib import admin

from . import models


@admin.register(models.Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "capacity", "features", "school"]


@admin.register(models.Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "year"]
    list_filter = ["level", "weekday"]
    filter_horizontal = ["periods", "divisions", "staff", "rooms"]


@admin.register(models.Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "kind",
        "competency",
        "sessions",
        "min_size",
        "max_size",
        "active",
    ]
    list_filter = ["kind", "active"]
    search_fields = ["code", "title", "objective"]
    filter_horizontal = ["staff"]


class GroupInline(admin.TabularInline):
    model = models.Group
    extra = 0
    fields = ["slot", "module", "room", "label", "locked"]


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["level", "period", "version", "status", "gap", "created_at"]
    list_filter = ["status"]
    inlines = [GroupInline]


@admin.register(models.Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["student", "group", "locked", "lock_reason"]
    raw_id_fields = ["student", "group"]


@admin.register(models.Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "school"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(models.Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "url", "school"]
    list_filter = ["kind"]
    search_fields = ["title"]
