from django.contrib import admin

from .models import Action, Decision, Meeting, Milestone, Outcome, Question, Survey, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
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
