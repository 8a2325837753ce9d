from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .forms import target_choices
from .models import (
    Action,
    Decision,
    Meeting,
    Milestone,
    Outcome,
    PilotageRole,
    Question,
    Survey,
    Target,
    TrainingAction,
)


class TargetAdminForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("indicator"), choices=target_choices)

    class Meta:
        model = Target
        fields = ["year", "indicator", "level", "direction", "value", "note"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = TargetAdminForm
    list_display = ["indicator", "level", "direction", "value", "year"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "due_date", "done_on", "year"]
    list_filter = ["kind"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    raw_id_fields = ["owner", "decision"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "year"]
    list_filter = ["kind"]
    filter_horizontal = ["attendees", "levels"]
    raw_id_fields = ["groups"]
    inlines = [DecisionInline, ActionInline]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    # Answers (counters, comments) and participations are deliberately absent from the
    # admin: nobody browses who answered next to what was answered.
    list_display = ["title", "template", "opens_on", "closes_on", "year"]
    inlines = [QuestionInline]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["label", "start_year", "enrolled", "repeating", "candidates", "passed"]


@admin.register(TrainingAction)
class TrainingActionAdmin(admin.ModelAdmin):
    list_display = ["title", "organiser", "date", "status", "year"]
    list_filter = ["status", "organiser"]
    filter_horizontal = ["participants"]


@admin.register(PilotageRole)
class PilotageRoleAdmin(admin.ModelAdmin):
    list_display = ["kind", "staff", "name", "level", "year"]
    list_filter = ["kind"]
