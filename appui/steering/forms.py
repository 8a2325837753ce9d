from collections import Counter
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from appui.core.indicators import target_indicators
from appui.planning.models import Group
from appui.schools.models import Level, Staff
from appui.schools.services import row_version

from .models import Action, Decision, Meeting, Milestone, Question, Survey, Target

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YearFormMixin:
    """Limits the level (and staff, group) choices to the school year being steered."""

    def limit(self, year, levels=None):
        level_qs = levels if levels is not None else Level.objects.filter(year=year)
        for name in ("level", "levels"):
            if name in self.fields:
                self.fields[name].queryset = level_qs
        if "attendees" in self.fields:
            self.fields["attendees"].queryset = Staff.objects.filter(
                school=year.school, exit_date__isnull=True
            ).order_by("last_name", "first_name")
        if "groups" in self.fields:
            groups = (
                Group.objects.filter(plan__level__year=year, plan__status="published")
                .select_related("module", "plan__period", "plan__level", "slot", "round")
                .prefetch_related("staff")
                .order_by("plan__period__number", "plan__level__name", "module__code", "pk")
            )
            self.fields["groups"].queryset = groups
            labels = distinct_group_labels(groups)
            self.fields["groups"].label_from_instance = lambda g: labels.get(g.pk, str(g))


def distinct_group_labels(groups) -> dict[int, str]:
    """A label per group that tells it apart from the others in the list: period, level,
    module and slot; then its own label or staff when two groups still read the same; then
    a rank as a last resort."""
    base = {
        g.pk: f"{g.plan.period.name} — {g.plan.level.name} — {g.module.code} — {g.slot}"
        for g in groups
    }
    labels = dict(base)
    counts = Counter(base.values())
    for group in groups:
        if counts[base[group.pk]] > 1:
            extra = group.label or ", ".join(str(staff) for staff in group.staff.all())
            if extra:
                labels[group.pk] = f"{base[group.pk]} — {extra}"
    counts = Counter(labels.values())
    seen: Counter[str] = Counter()
    for group in groups:
        label = labels[group.pk]
        if counts[label] > 1:
            seen[label] += 1
            labels[group.pk] = f"{label} ({seen[label]})"
    return labels


def target_choices() -> list[tuple[str, str]]:
    """The indicators a target may be set on, read when the form is built (not frozen)."""
    return [(spec.key, spec.label) for spec in target_indicators()]


class TargetForm(YearFormMixin, forms.ModelForm):
    indicator = forms.ChoiceField(label=_("indicator"), choices=target_choices)
    # The year's targets when the page was opened (``services.targets_version``, set by the
    # view): a save over targets changed meanwhile is refused, the typed values shown again.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Target
        fields = ["indicator", "level", "direction", "value", "note"]


class MilestoneForm(YearFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "kind", "due_date", "level", "notes"]
        widgets = {"due_date": DATE}


class MeetingForm(YearFormMixin, forms.ModelForm):
    # The meeting's last change when the form was opened: a save on an older state is
    # refused (``services.meeting_save``), the typed minutes shown again.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = row_version(self.instance)

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "date",
            "title",
            "attendees",
            "other_attendees",
            "agenda",
            "minutes",
            "levels",
            "groups",
        ]
        widgets = {
            "date": DATE,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "attendees": forms.CheckboxSelectMultiple,
            "levels": forms.CheckboxSelectMultiple,
        }


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text"]


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["description", "owner", "due_date", "decision"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.fields["owner"].queryset = Staff.objects.filter(
                school=meeting.year.school, exit_date__isnull=True
            ).order_by("last_name", "first_name")
            self.fields["decision"].queryset = meeting.decisions.all()
        self.fields["owner"].required = True


class SurveyForm(YearFormMixin, forms.ModelForm):
    """A new survey: each audience ticked starts with its own catalogue questions."""

    class Meta:
        model = Survey
        fields = [
            "custom_title",
            "for_students",
            "for_guardians",
            "for_staff",
            "levels",
            "opens_on",
            "closes_on",
        ]
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "levels": forms.CheckboxSelectMultiple,
        }
        help_texts = {"custom_title": _("Leave empty to use the template's title.")}

    def clean(self):
        data = super().clean()
        if not (data.get("for_students") or data.get("for_guardians") or data.get("for_staff")):
            raise forms.ValidationError(_("Choose who the survey is for."))
        return data


class QuestionForm(forms.ModelForm):
    """A typed question, asked to one of the survey's audiences only."""

    class Meta:
        model = Question
        fields = ["text", "kind", "audience"]

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = set(survey.audiences)
        audience = cast(forms.ChoiceField, self.fields["audience"])
        audience.choices = [
            (value, label)
            for value, label in Question._meta.get_field("audience").choices or ()
            if value in wanted
        ]
        # A survey for one audience only: its questions are for that audience.
        self.fields["audience"].required = len(wanted) > 1
        if len(wanted) == 1:
            self.fields["audience"].initial = survey.audiences[0]


class OutcomeForm(forms.Form):
    level = forms.ModelChoiceField(queryset=Level.objects.none(), label=_("Level"))
    # The school's outcomes when the page was opened (``services.outcomes_version``, set by the
    # view): a save over outcomes changed meanwhile is refused, the typed values shown again.
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    start_year = forms.IntegerField(label=_("School year (start)"), min_value=2000, max_value=2100)
    enrolled = forms.IntegerField(label=_("Students enrolled"), min_value=0)
    repeating = forms.IntegerField(label=_("Repeating the year"), min_value=0, initial=0)
    candidates = forms.IntegerField(label=_("Diploma candidates"), min_value=0, initial=0)
    passed = forms.IntegerField(label=_("Diploma passed"), min_value=0, initial=0)
    leavers = forms.IntegerField(label=_("Leaving at the end of the cycle"), min_value=0, initial=0)
    further_studies = forms.IntegerField(
        label=_("Of whom going on to further studies"), min_value=0, initial=0
    )

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        if year is not None:
            self.fields["level"].queryset = Level.objects.filter(year=year)
            self.fields["start_year"].initial = year.start_year
