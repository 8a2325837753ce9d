from django.contrib import admin

from . import models


class DomainInline(admin.TabularInline):
    model = models.Domain
    extra = 0


@admin.register(models.Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["label", "version", "school"]
    inlines = [DomainInline]


@admin.register(models.Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "kind", "framework", "retired"]
    list_filter = ["kind", "retired", "framework"]
    search_fields = ["code", "label"]


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "period", "kind", "date", "state"]
    list_filter = ["kind", "state"]
    filter_horizontal = ["competencies"]


@admin.register(models.Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["student", "competency", "value", "not_assessed", "campaign", "updated_at"]
    list_filter = ["campaign"]
    raw_id_fields = ["student", "updated_by"]


@admin.register(models.Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["student", "kind", "date", "project", "restricted"]
    raw_id_fields = ["student", "author"]


@admin.register(models.Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["student", "date", "signal", "competency", "restricted"]
    raw_id_fields = ["student", "author"]
