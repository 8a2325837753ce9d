import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.core import indicators as ind
from appui.core.io.tabular import ExportFormat, RowsExporter
from appui.core.io.tabular import render as render_export
from appui.schools.access import require_member, school_access
from appui.schools.form_saving import save_form
from appui.schools.models import Division, Level, Period, SchoolYear
from appui.schools.selectors import academy_schools, current_year, selected_year

from . import dashboard, selectors, services, summaries
from .access import (
    can_manage_level,
    get_or_404,
    object_access,
    require_academy,
    require_coordination,
    require_staff,
    require_steering,
)
from .forms import (
    ActionForm,
    DecisionForm,
    MeetingForm,
    MilestoneForm,
    OutcomeForm,
    QuestionForm,
    SurveyForm,
    TargetForm,
)
from .models import Action, Decision, Meeting, Milestone, Outcome, Question, Survey, Target
from .survey_templates import SCALE_LABELS, YES_NO_LABELS

FORMATS = [ExportFormat.XLSX, ExportFormat.ODS]


def _int(value) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _year(request, school) -> SchoolYear:
    """The year asked for (``annee``), else the one chosen with the year switcher (by
    default the current one); 404 when not the school's."""
    pk = _int(request.GET.get("annee"))
    if pk:
        return get_object_or_404(SchoolYear, pk=pk, school=school)
    year = selected_year(request) if school == request.school else current_year(school)
    if year is None:
        raise Http404
    return year


def _scope(request, access, *, level: Level | None = None) -> selectors.Scope:
    """The dashboard scope from the filters; 404 for another school's year, period, level or
    division, 403 for a level the user does not coordinate."""
    school = access.school
    year = level.year if level is not None else _year(request, school)
    period_id = _int(request.GET.get("periode"))
    level_id = _int(request.GET.get("niveau"))
    division_id = _int(request.GET.get("division"))
    period = get_object_or_404(Period, pk=period_id, year=year) if period_id else None
    if level is None and level_id:
        level = get_object_or_404(Level, pk=level_id, year=year)
    division = get_object_or_404(Division, pk=division_id, year=year) if division_id else None
    if level is not None and not access.can_coordinate_level(level.pk):
        raise PermissionDenied
    if division is not None:
        if not access.can_coordinate_level(division.level_id):
            raise PermissionDenied
        if level is not None and division.level_id != level.pk:
            division = None
    return selectors.Scope(
        school=school,
        year=year,
        today=timezone.localdate(),
        period=period,
        level=level,
        division=division,
    )


def _stream(title: str, section: dashboard.Section, export_format: ExportFormat):
    exporter = RowsExporter(title, section.columns, section.rows)
    response = StreamingHttpResponse(
        render_export(exporter, export_format), content_type=export_format.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{exporter.file_name(export_format)}"'
    return response


def _export_format(request) -> ExportFormat:
    try:
        return ExportFormat(request.GET.get("format", "xlsx"))
    except ValueError as error:
        raise Http404 from error


def _with_downloads(sections, export_url: str, query: str):
    for section in sections:
        section.downloads = [
            (fmt.label, f"{export_url.replace('KEY', section.key)}?{query}&format={fmt.value}")
            for fmt in FORMATS
        ]
    return sections


def _next(request, default: str) -> str:
    """Where to go back to after an action: a local address only."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _find(sections, key: str) -> dashboard.Section:
    section = next((s for s in sections if s.key == key), None)
    if section is None:
        raise Http404
    return section


def _query(scope: selectors.Scope) -> str:
    params = {"annee": scope.year.pk}
    if scope.period:
        params["periode"] = scope.period.pk
    if scope.level:
        params["niveau"] = scope.level.pk
    if scope.division:
        params["division"] = scope.division.pk
    return urlencode(params)


# --------------------------------------------------------------------------- dashboards


def _dashboard_context(request, access, scope, *, export_url: str) -> dict:
    # The indicators come from the scope's summary when fresh (see steering.summaries); the
    # open decisions and the meetings are read live (two small queries).
    read = summaries.sections_for(scope)
    sections = _with_downloads(read.sections, export_url, _query(scope))
    decisions, actions = selectors.open_decisions(scope)
    meetings = ind.instance_counts(selectors.meeting_records(scope), scope.today)
    years = access.school.years.order_by("-start_year")
    levels = [lv for lv in scope.year.levels.all() if access.can_coordinate_level(lv.pk)]
    divisions = Division.objects.filter(
        year=scope.year, level__in=[scope.level] if scope.level else levels
    ).order_by("level__order", "code")
    return {
        "scope": scope,
        "sections": sections,
        "summary": read,
        "years": years,
        "periods": scope.year.periods.order_by("number"),
        "levels": levels,
        "divisions": divisions,
        "export_url": export_url,
        "query": _query(scope),
        "formats": FORMATS,
        "decisions": decisions,
        "actions": actions,
        "meetings_by_kind": [
            (label, meetings[kind]) for kind, label in Meeting.Kind.choices if kind in meetings
        ],
        "access": access,
        "can_steer": access.coordinates_whole_school,
    }


@login_required
def school_dashboard(request):
    access = require_steering(request)
    scope = _scope(request, access)
    context = _dashboard_context(
        request, access, scope, export_url=reverse("steering:export", args=["KEY"])
    )
    return render(request, "steering/dashboard.html", context)


def _coordinated_level(request, pk: int) -> tuple:
    """A level of the current school that the user coordinates (404 elsewhere, 403 if not)."""
    access = school_access(request)
    level = get_object_or_404(Level, pk=pk, year__school=access.school)
    if not access.can_coordinate_level(level.pk):
        raise PermissionDenied
    return access, level


@login_required
def level_dashboard(request, pk: int):
    access, level = _coordinated_level(request, pk)
    scope = _scope(request, access, level=level)
    context = _dashboard_context(
        request, access, scope, export_url=reverse("steering:level-export", args=[pk, "KEY"])
    )
    context["level_view"] = level
    return render(request, "steering/dashboard.html", context)


@login_required
def school_export(request, key: str):
    access = require_steering(request)
    scope = _scope(request, access)
    export_format = _export_format(request)
    section = _find(summaries.sections_for(scope).sections, key)
    return _stream(f"{section.title} {scope.year.label}", section, export_format)


@login_required
def level_export(request, pk: int, key: str):
    access, level = _coordinated_level(request, pk)
    scope = _scope(request, access, level=level)
    export_format = _export_format(request)
    section = _find(summaries.sections_for(scope).sections, key)
    return _stream(f"{section.title} {level.short_name} {scope.year.label}", section, export_format)


def _academy_entries(request, access) -> list[dashboard.AcademyEntry]:
    """The schools compared, read from their summaries only (never computed here: a stale
    one shows its last values while a refresh job runs)."""
    schools = list(academy_schools(request.user).order_by("name"))
    wanted = _int(request.GET.get("etablissement"))
    if wanted:
        schools = [s for s in schools if s.pk == wanted]
        if not schools:
            raise Http404
    return summaries.academy_rows(schools)


@login_required
def academy_dashboard(request):
    access = require_academy(request)
    entries = _academy_entries(request, access)
    return render(
        request,
        "steering/academy.html",
        {
            "sections": _with_downloads(
                dashboard.academy_comparison(entries),
                reverse("steering:academy-export", args=["KEY"]),
                urlencode(
                    {"etablissement": request.GET["etablissement"]}
                    if request.GET.get("etablissement")
                    else {}
                ),
            ),
            "schools": [entry.school for entry in entries],
            "refreshing": [entry.school for entry in entries if entry.stale],
            "all_schools": academy_schools(request.user).order_by("name"),
            "school_id": _int(request.GET.get("etablissement")),
            "export_url": reverse("steering:academy-export", args=["KEY"]),
            "query": urlencode(
                {"etablissement": request.GET["etablissement"]}
                if request.GET.get("etablissement")
                else {}
            ),
            "formats": FORMATS,
        },
    )


@login_required
def academy_export(request, key: str):
    access = require_academy(request)
    export_format = _export_format(request)
    section = _find(dashboard.academy_comparison(_academy_entries(request, access)), key)
    return _stream(f"{section.title} academie", section, export_format)


# --------------------------------------------------------------------------- targets, milestones


@login_required
def targets(request):
    access = require_coordination(request)
    year = _year(request, access.school)
    levels = Level.objects.filter(year=year)
    if not access.coordinates_whole_school:
        levels = levels.filter(pk__in=access.coordinator_level_ids or [])
    form = TargetForm(request.POST or None)
    form.limit(year, levels)
    form.fields["version"].initial = services.targets_version(year)
    if (
        request.method == "POST"
        and form.is_valid()
        and not can_manage_level(access, form.cleaned_data["level"])
    ):
        raise PermissionDenied
    if save_form(
        request,
        form,
        lambda: services.target_set(
            year=year,
            indicator=form.cleaned_data["indicator"],
            level=form.cleaned_data["level"],
            direction=form.cleaned_data["direction"],
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
        ),
        _("Target saved."),
    ):
        return redirect("steering:targets")
    scope = selectors.Scope(school=access.school, year=year, today=timezone.localdate())
    if not access.coordinates_whole_school:
        scope.allowed_level_ids = access.coordinator_level_ids
    rows = summaries.target_rows(scope)
    return render(request, "steering/targets.html", {"form": form, "rows": rows, "year": year})


@login_required
@require_POST
def target_delete(request, pk: int):
    target = get_or_404(Target, pk, select=("year__school", "level"))
    object_access(request, target.year.school, lambda a: can_manage_level(a, target.level))
    services.target_delete(target=target)
    messages.success(request, _("Target deleted."))
    return redirect("steering:targets")


@login_required
def milestones(request):
    access = require_coordination(request)
    year = _year(request, access.school)
    levels = Level.objects.filter(year=year)
    if not access.coordinates_whole_school:
        levels = levels.filter(pk__in=access.coordinator_level_ids or [])
    form = MilestoneForm(request.POST or None)
    form.limit(year, levels)
    if request.method == "POST" and form.is_valid():
        level = form.cleaned_data["level"]
        if not can_manage_level(access, level):
            raise PermissionDenied
        services.milestone_create(
            year=year,
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            due_date=form.cleaned_data["due_date"],
            level=level,
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("Milestone added."))
        return redirect("steering:milestones")
    scope = selectors.Scope(school=access.school, year=year, today=timezone.localdate())
    if not access.coordinates_whole_school:
        scope.allowed_level_ids = access.coordinator_level_ids
    items = selectors.milestones(scope)
    today = timezone.localdate()
    return render(
        request,
        "steering/milestones.html",
        {
            "form": form,
            "items": [(m, m.is_late(today), can_manage_level(access, m.level)) for m in items],
            "year": year,
        },
    )


@login_required
@require_POST
def milestone_done(request, pk: int):
    milestone = get_or_404(Milestone, pk, select=("year__school", "level"))
    object_access(request, milestone.year.school, lambda a: can_manage_level(a, milestone.level))
    done = request.POST.get("done", "1") == "1"
    services.milestone_set_done(milestone=milestone, day=timezone.localdate() if done else None)
    return redirect("steering:milestones")


@login_required
@require_POST
def milestone_delete(request, pk: int):
    milestone = get_or_404(Milestone, pk, select=("year__school", "level"))
    object_access(request, milestone.year.school, lambda a: can_manage_level(a, milestone.level))
    services.milestone_delete(milestone=milestone)
    messages.success(request, _("Milestone deleted."))
    return redirect("steering:milestones")


# --------------------------------------------------------------------------- meetings


@login_required
def meetings(request):
    access = require_staff(request)
    year = _year(request, access.school)
    items = (
        Meeting.objects.filter(year=year)
        .prefetch_related("levels")
        .annotate(open_decisions=Count("decisions", filter=Q(decisions__done_on__isnull=True)))
        .order_by("-date", "-pk")
    )
    # Grouped by instance (seed 001: « par instances et équipes »), in the kinds' order.
    by_kind: dict[str, list[Meeting]] = {}
    for meeting in items:
        by_kind.setdefault(meeting.kind, []).append(meeting)
    instances = [
        (kind, label, by_kind[kind]) for kind, label in Meeting.Kind.choices if kind in by_kind
    ]
    return render(
        request,
        "steering/meetings.html",
        {"instances": instances, "year": year, "can_write": access.can_coordinate},
    )


def _meeting_form_save(request, form, year, meeting=None):
    data = form.cleaned_data
    return services.meeting_save(
        year=year,
        kind=data["kind"],
        date=data["date"],
        title=data["title"],
        agenda=data["agenda"],
        minutes=data["minutes"],
        other_attendees=data["other_attendees"],
        attendees=list(data["attendees"]),
        levels=list(data["levels"]),
        groups=list(data["groups"]),
        user=request.user,
        meeting=meeting,
        version=data.get("version") or "",
    )


@login_required
def meeting_create(request):
    access = require_coordination(request)
    year = _year(request, access.school)
    form = MeetingForm(request.POST or None)
    form.limit(year)
    if saved := save_form(
        request, form, lambda: _meeting_form_save(request, form, year), _("Meeting saved.")
    ):
        return redirect("steering:meeting-detail", saved.value.pk)
    return render(request, "steering/meeting_form.html", {"form": form, "meeting": None})


@login_required
def meeting_detail(request, pk: int):
    meeting = get_or_404(Meeting, pk, select=("year__school",))
    access = object_access(request, meeting.year.school, lambda a: a.is_staff_member)
    return render(
        request,
        "steering/meeting_detail.html",
        {
            "meeting": meeting,
            "can_write": access.can_coordinate,
            "decision_form": DecisionForm(),
            "action_form": ActionForm(meeting=meeting),
            "decisions": meeting.decisions.all(),
            "actions": meeting.actions.select_related("owner", "decision"),
        },
    )


@login_required
def meeting_edit(request, pk: int):
    meeting = get_or_404(Meeting, pk, select=("year__school",))
    object_access(request, meeting.year.school, lambda a: a.can_coordinate)
    form = MeetingForm(request.POST or None, instance=meeting)
    form.limit(meeting.year)
    if save_form(
        request,
        form,
        lambda: _meeting_form_save(request, form, meeting.year, meeting=meeting),
        _("Meeting saved."),
    ):
        return redirect("steering:meeting-detail", meeting.pk)
    return render(request, "steering/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def decision_add(request, pk: int):
    meeting = get_or_404(Meeting, pk, select=("year__school",))
    object_access(request, meeting.year.school, lambda a: a.can_coordinate)
    form = DecisionForm(request.POST)
    if form.is_valid():
        services.decision_add(meeting=meeting, text=form.cleaned_data["text"])
    else:
        messages.error(request, _("Write the decision."))
    return redirect("steering:meeting-detail", meeting.pk)


@login_required
@require_POST
def action_add(request, pk: int):
    meeting = get_or_404(Meeting, pk, select=("year__school",))
    object_access(request, meeting.year.school, lambda a: a.can_coordinate)
    form = ActionForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.action_add(
                meeting=meeting,
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
                decision=form.cleaned_data["decision"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("An action needs a description, who does it and by when."))
    return redirect("steering:meeting-detail", meeting.pk)


@login_required
@require_POST
def decision_done(request, pk: int):
    decision = get_or_404(Decision, pk, select=("meeting__year__school",))
    object_access(request, decision.meeting.year.school, lambda a: a.can_coordinate)
    done = request.POST.get("done", "1") == "1"
    services.decision_set_done(decision=decision, day=timezone.localdate() if done else None)
    return redirect(_next(request, reverse("steering:meeting-detail", args=[decision.meeting_id])))


@login_required
@require_POST
def action_done(request, pk: int):
    action = get_or_404(Action, pk, select=("meeting__year__school", "owner"))
    object_access(
        request,
        action.meeting.year.school,
        lambda a: (
            a.can_coordinate or (action.owner is not None and action.owner.user_id == a.user.pk)
        ),
    )
    done = request.POST.get("done", "1") == "1"
    services.action_set_done(action=action, day=timezone.localdate() if done else None)
    return redirect(_next(request, reverse("steering:meeting-detail", args=[action.meeting_id])))


# --------------------------------------------------------------------------- surveys


@login_required
def surveys(request):
    access = require_steering(request)
    year = _year(request, access.school)
    items = [
        (survey, selectors.survey_results(survey))
        for survey in Survey.objects.filter(year=year).prefetch_related("levels")
    ]
    return render(request, "steering/surveys.html", {"items": items, "year": year})


@login_required
def survey_create(request):
    access = require_steering(request)
    year = _year(request, access.school)
    today = timezone.localdate()
    form = SurveyForm(
        request.POST or None,
        initial={"opens_on": today, "closes_on": today + dt.timedelta(days=14)},
    )
    form.limit(year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                year=year,
                title=data["custom_title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                for_students=data["for_students"],
                for_guardians=data["for_guardians"],
                for_staff=data["for_staff"],
                levels=list(data["levels"]),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Survey created as a draft: check its questions."))
            return redirect("steering:survey-detail", survey.pk)
    return render(request, "steering/survey_form.html", {"form": form})


def _survey_for_steering(request, pk: int) -> Survey:
    survey = get_or_404(Survey, pk, select=("year__school",))
    object_access(request, survey.year.school, lambda a: a.coordinates_whole_school)
    return survey


@login_required
def survey_detail(request, pk: int):
    survey = _survey_for_steering(request, pk)
    return render(
        request,
        "steering/survey_detail.html",
        {
            **dashboard.survey_report(survey),
            "survey": survey,
            "status": survey.current_status,
            "question_form": QuestionForm(survey=survey),
            "formats": FORMATS,
        },
    )


@login_required
@require_POST
def question_add(request, pk: int):
    survey = _survey_for_steering(request, pk)
    form = QuestionForm(request.POST, survey=survey)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.question_add(
                survey=survey, text=data["text"], kind=data["kind"], audience=data["audience"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("steering:survey-detail", survey.pk)


@login_required
@require_POST
def question_delete(request, pk: int):
    question = get_or_404(Question, pk, select=("survey__year__school",))
    object_access(request, question.survey.year.school, lambda a: a.coordinates_whole_school)
    try:
        services.question_delete(question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("steering:survey-detail", question.survey_id)


@login_required
@require_POST
def survey_publish(request, pk: int):
    survey = _survey_for_steering(request, pk)
    try:
        services.survey_publish(survey=survey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Survey published."))
    return redirect("steering:survey-detail", survey.pk)


@login_required
@require_POST
def survey_close(request, pk: int):
    survey = _survey_for_steering(request, pk)
    services.survey_close(survey=survey)
    messages.success(request, _("Survey closed."))
    return redirect("steering:survey-detail", survey.pk)


@login_required
def survey_export(request, pk: int):
    survey = _survey_for_steering(request, pk)
    export_format = _export_format(request)
    section = dashboard.survey_section(survey)
    return _stream(survey.title, section, export_format)


@login_required
def survey_answer(request, pk: int):
    survey = get_or_404(Survey, pk, select=("year__school",))
    require_member(request, survey.year.school)
    audience = selectors.survey_audience_for(survey, request.user)
    if audience is None:
        raise PermissionDenied
    already = survey.participations.filter(user=request.user).exists()
    # Only the questions asked to this person's audience.
    questions = list(survey.questions.filter(audience=audience).order_by("order", "pk"))
    if request.method == "POST" and not already:
        answers = {}
        for question in questions:
            value = request.POST.get(f"q{question.pk}", "")
            if value != "":
                answers[question.pk] = value
        try:
            services.survey_answer(survey=survey, user=request.user, answers=answers)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("steering:survey-answer", survey.pk)
        messages.success(request, _("Thank you: your answers were recorded anonymously."))
        return redirect("home")
    return render(
        request,
        "steering/survey_answer.html",
        {
            "survey": survey,
            "questions": questions,
            "already": already,
            "scale": list(SCALE_LABELS.items()),
            "yes_no": list(YES_NO_LABELS.items()),
            "is_open": survey.is_open,
        },
    )


# --------------------------------------------------------------------------- outcomes


@login_required
def outcomes(request):
    access = require_steering(request)
    year = _year(request, access.school)
    form = OutcomeForm(request.POST or None, year=year)
    form.fields["version"].initial = services.outcomes_version(access.school)
    if save_form(
        request,
        form,
        lambda: services.outcome_set(school=access.school, **form.cleaned_data),
        _("Outcomes saved."),
    ):
        return redirect("steering:outcomes")
    items = Outcome.objects.filter(school=access.school).order_by(
        "-start_year", "track", "year_in_cycle"
    )
    return render(request, "steering/outcomes.html", {"form": form, "items": items, "year": year})
