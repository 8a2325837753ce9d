from django.contrib import admin

from . import models


@admin.register(models.Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date", "start_time", "end_time", "status", "rescheduled_from"]
    list_filter = ["status"]
    date_hierarchy = "date"
    raw_id_fields = ["group", "updated_by"]


@admin.register(models.Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "student", "status"]
    list_filter = ["status"]
    raw_id_fields = ["session", "student", "updated_by"]


@admin.register(models.ProgressMark)
class ProgressMarkAdmin(admin.ModelAdmin):
    list_display = ["session", "student", "author_kind", "level"]
    list_filter = ["author_kind", "level"]
    raw_id_fields = ["session", "student", "assessor", "author"]


@admin.register(models.StageReview)
class StageReviewAdmin(admin.ModelAdmin):
    list_display = ["student", "period", "status", "validated_at"]
    list_filter = ["status", "period__number"]
    raw_id_fields = ["student", "period", "updated_by", "validated_by"]


@admin.register(models.CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["staff", "created_at"]
    raw_id_fields = ["staff"]
    # The token is a credential: never shown in lists.
    exclude = ["token"]
