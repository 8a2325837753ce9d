from django.contrib import admin

from . import models


@admin.register(models.Academy)
class AcademyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


class SchoolYearInline(admin.TabularInline):
    model = models.SchoolYear
    extra = 0


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["uai", "name", "city", "academy", "holiday_zone"]
    search_fields = ["uai", "name", "city"]
    inlines = [SchoolYearInline]


class PeriodInline(admin.TabularInline):
    model = models.Period
    extra = 0


class LevelInline(admin.TabularInline):
    model = models.Level
    extra = 0
    fields = [
        "order",
        "short_name",
        "name",
        "track",
        "year_in_cycle",
        "mef_mask",
        "ap_hours",
        "hours_reference",
    ]


@admin.register(models.SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["school", "label", "start_date", "end_date", "is_current"]
    list_filter = ["is_current"]
    inlines = [PeriodInline, LevelInline]


@admin.register(models.Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "track", "year_in_cycle", "ap_hours", "hours_reference"]
    list_filter = ["track"]


@admin.register(models.Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "specialty", "year"]
    list_filter = ["level__track"]
    search_fields = ["code", "label"]


class StudentGuardianInline(admin.TabularInline):
    model = models.StudentGuardian
    extra = 0
    autocomplete_fields = ["guardian"]


@admin.register(models.Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "ine", "division", "project", "exit_date"]
    list_filter = ["project", "division__level"]
    search_fields = ["last_name", "first_name", "ine", "siecle_id"]
    list_select_related = ["division"]
    inlines = [StudentGuardianInline]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)


@admin.register(models.Guardian)
class GuardianAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "phone"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["user"]


class TeachingInline(admin.TabularInline):
    model = models.Teaching
    extra = 0


@admin.register(models.Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "function", "school"]
    list_filter = ["function"]
    search_fields = ["last_name", "first_name", "sts_id"]
    filter_horizontal = ["subjects"]
    inlines = [TeachingInline]
    raw_id_fields = ["user"]


@admin.register(models.Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "school"]
    search_fields = ["code", "label"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role"]
    list_filter = ["role"]
    filter_horizontal = ["levels"]
    raw_id_fields = ["user"]


class GroupTeachingInline(admin.TabularInline):
    model = models.GroupTeaching
    extra = 0


@admin.register(models.StudentGroup)
class StudentGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "year"]
    search_fields = ["code", "label"]
    filter_horizontal = ["divisions", "students"]
    inlines = [GroupTeachingInline]


@admin.register(models.AcademyMembership)
class AcademyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "academy", "role"]
    list_filter = ["academy", "role"]
