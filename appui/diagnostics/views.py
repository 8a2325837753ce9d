from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.schools.access import get_division_for, get_student_for, school_access
from appui.schools.models import Level, Staff, Student
from appui.schools.selectors import selected_year, students_of, with_division_of

from . import selectors, services
from .access import (
    campaign_divisions,
    can_enter_results,
    can_manage_campaign,
    get_campaign_for,
    get_framework_for,
    get_managed_campaign_for,
)
from .forms import CampaignForm, InterviewForm, ObservationForm
from .models import Campaign, Competency, Interview, Observation


def _staff_of(request, school) -> Staff | None:
    return Staff.objects.filter(user=request.user, school=school).first()


# Campaigns -------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    access = school_access(request, lambda a: a.is_staff_member)
    year = selected_year(request)
    campaigns = selectors.campaigns_visible(access, year) if year else []
    levels = [lv for lv in year.levels.all() if access.can_coordinate_level(lv.pk)] if year else []
    return render(
        request,
        "diagnostics/campaign_list.html",
        {"campaigns": campaigns, "levels": levels, "access": access, "year": year},
    )


@login_required
def campaign_create(request):
    access = school_access(request, lambda a: a.is_staff_member)
    school = access.school
    year = selected_year(request)
    if year is None or not access.can_coordinate:
        raise PermissionDenied
    levels = Level.objects.filter(year=year)
    if not access.sees_whole_school and not access.is_head:
        levels = levels.filter(pk__in=access.coordinator_level_ids or [])
    framework = selectors.current_framework(school) or services.framework_install_default(
        school=school
    )
    competencies = framework.competencies.filter(retired=False).select_related("domain")
    initial = {"date": timezone.localdate(), "scale": Campaign.Scale.LSU}
    form = CampaignForm(
        request.POST or None,
        initial=initial,
        levels=levels,
        periods=year.periods.all(),
        competencies=competencies,
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(framework=framework, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign created. Open it for entry when ready."))
            return redirect("diagnostics:campaign-detail", campaign.pk)
    return render(
        request,
        "diagnostics/campaign_form.html",
        {"form": form, "framework": framework, "competencies": competencies},
    )


@login_required
def campaign_detail(request, pk: int):
    campaign, access = get_campaign_for(request, pk)
    divisions = campaign_divisions(access, campaign)
    return render(
        request,
        "diagnostics/campaign_detail.html",
        {
            "campaign": campaign,
            "access": access,
            "can_manage": can_manage_campaign(access, campaign),
            "by_division": selectors.completion_by_division(campaign, divisions),
            "by_competency": selectors.completion_by_competency(campaign),
            "imports": campaign.imports.all()[:5],
        },
    )


@login_required
@require_POST
def campaign_state(request, pk: int):
    campaign, _access = get_managed_campaign_for(request, pk)
    try:
        services.campaign_set_state(campaign=campaign, state=request.POST.get("state", ""))
    except (ValidationError, ValueError, KeyError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("The campaign is now: %(state)s.") % {"state": campaign.get_state_display()},
        )
    return redirect("diagnostics:campaign-detail", campaign.pk)


# Result entry ----------------------------------------------------------------------------


@login_required
def result_grid(request, pk: int, division_pk: int):
    campaign, access = get_campaign_for(request, pk)
    division = get_object_or_404(campaign.level.divisions, pk=division_pk)
    if not can_enter_results(access, campaign, division):
        raise PermissionDenied
    return render(
        request,
        "diagnostics/result_grid.html",
        {
            "campaign": campaign,
            "division": division,
            "grid": selectors.grid(campaign, division),
            "editable": campaign.is_open,
        },
    )


@login_required
@require_POST
def result_save(request, pk: int):
    """Save one cell; answers the re-rendered cell (htmx swaps it) with its state."""
    campaign, access = get_campaign_for(request, pk)
    # The pupil's division in the campaign's year (their enrolment's for another year).
    student = get_object_or_404(
        with_division_of(Student.objects.select_related("division"), campaign.year),
        pk=_int(request.POST.get("student")),
        school=campaign.year.school,
    )
    competency = get_object_or_404(campaign.competencies, pk=_int(request.POST.get("competency")))
    division = campaign.level.divisions.filter(pk=student.year_division_id).first()
    if division is None or not can_enter_results(access, campaign, division):
        raise PermissionDenied
    text = request.POST.get("value", "")
    expected = _int(request.POST.get("version"))
    context: dict[str, object] = {
        "campaign": campaign,
        "student": student,
        "competency": competency,
    }
    status = 200
    try:
        result = services.result_set(
            campaign=campaign,
            student=student,
            competency=competency,
            text=text,
            user=request.user,
            expected_version=expected,
        )
        context.update(result=result, state="saved")
    except services.ResultConflict as conflict:
        context.update(result=conflict.result, state="conflict", typed=text)
        status = 409
    except ValidationError as error:
        current = campaign.results.filter(student=student, competency=competency).first()
        context.update(result=current, state="error", typed=text, error=" ".join(error.messages))
        status = 422
    context["done"] = campaign.results.filter(
        competency=competency, student__in=students_of(campaign.year, division=division)
    ).count()
    response = render(request, "diagnostics/_result_cell.html", context, status=status)
    return response


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Frameworks ------------------------------------------------------------------------------


@login_required
def framework_list(request):
    access = school_access(request, lambda a: a.is_staff_member)
    school = access.school
    if request.method == "POST":
        if not access.can_coordinate:
            raise PermissionDenied
        services.framework_install_default(school=school)
        messages.success(request, _("The default framework is installed."))
        return redirect("diagnostics:framework-list")
    return render(
        request,
        "diagnostics/framework_list.html",
        {"frameworks": selectors.frameworks_of(school), "access": access},
    )


@login_required
def framework_detail(request, pk: int):
    framework, access = get_framework_for(request, pk)
    if request.method == "POST":
        if not access.can_coordinate:
            raise PermissionDenied
        _framework_action(request, framework)
        return redirect("diagnostics:framework-detail", framework.pk)
    domains = framework.domains.prefetch_related("competencies")
    used = set(
        Competency.objects.filter(framework=framework, results__isnull=False).values_list(
            "pk", flat=True
        )
    )
    return render(
        request,
        "diagnostics/framework_detail.html",
        {"framework": framework, "domains": domains, "used": used, "access": access},
    )


def _framework_action(request, framework) -> None:
    action = request.POST.get("action")
    try:
        if action == "add":
            domain = get_object_or_404(framework.domains, pk=_int(request.POST.get("domain")))
            if services.framework_is_used(framework):
                raise ValidationError(
                    _("Results already use this version: make a new version to add competencies.")
                )
            competency = services.competency_create(
                framework=framework,
                domain=domain,
                code=request.POST.get("code", ""),
                label=request.POST.get("label", ""),
                kind=request.POST.get("kind", ""),
            )
            messages.success(request, _("Competency %(code)s added.") % {"code": competency.code})
            return
        if action == "new-version":
            copy = services.framework_new_version(
                framework=framework, version=request.POST.get("version", "").strip()
            )
            messages.success(request, _("Version %(v)s created.") % {"v": copy.version})
            return
        competency = get_object_or_404(
            framework.competencies, pk=_int(request.POST.get("competency"))
        )
        if action == "retire":
            services.competency_retire(competency=competency, retired=True)
            messages.success(request, _("Competency retired."))
        elif action == "restore":
            services.competency_retire(competency=competency, retired=False)
            messages.success(request, _("Competency offered again."))
        elif action == "delete":
            services.competency_delete(competency=competency)
            messages.success(request, _("Competency deleted."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


# Needs -----------------------------------------------------------------------------------


@login_required
def level_needs(request, pk: int):
    access = school_access(request, lambda a: a.is_staff_member)
    school = access.school
    level = get_object_or_404(Level.objects.select_related("year"), pk=pk, year__school=school)
    if not access.can_coordinate_level(level.pk):
        raise PermissionDenied
    # The level's pupils in its own year (its enrolments when that year is not the current one).
    students = with_division_of(students_of(level.year, level=level), level.year).order_by(
        "year_division_code", "last_name", "first_name"
    )
    competencies = selectors.level_competencies(level)
    return render(
        request,
        "diagnostics/needs_heatmap.html",
        {
            "title": level.name,
            "level": level,
            "heatmap": selectors.heatmap(students, competencies),
            "show_division": True,
        },
    )


@login_required
def division_needs(request, pk: int):
    division, _access = get_division_for(request, pk)
    students = students_of(division.year, division=division).order_by("last_name", "first_name")
    competencies = selectors.level_competencies(division.level)
    return render(
        request,
        "diagnostics/needs_heatmap.html",
        {
            "title": division.code,
            "division": division,
            "level": division.level,
            "heatmap": selectors.heatmap(students, competencies),
            "show_division": False,
        },
    )


@login_required
def student_profile(request, pk: int):
    student, access = get_student_for(request, pk)
    profile = getattr(student, "need_profile", None)
    codes = {c.code: c for c in Competency.objects.filter(framework__school=student.school)}
    needs = []
    if profile:
        for code, need in sorted(
            profile.needs.items(),
            key=lambda item: (
                item[1].get("priority") is None,
                item[1].get("priority") or 0,
                item[0],
            ),
        ):
            evidence = [
                e
                for e in need.get("evidence", [])
                if access.can_see_restricted_notes or not e.get("restricted")
            ]
            needs.append(
                {"code": code, "competency": codes.get(code), **need, "evidence": evidence}
            )
    interviews, observations = selectors.student_notes(
        student, restricted=access.can_see_restricted_notes
    )
    interviews = interviews.prefetch_related("deepen")
    return render(
        request,
        "diagnostics/student_profile.html",
        {
            "student": student,
            "access": access,
            "profile": profile,
            "needs": needs,
            "history": selectors.student_history(student),
            "interviews": interviews if access.is_staff_member else Interview.objects.none(),
            "observations": observations if access.is_staff_member else Observation.objects.none(),
        },
    )


def _note_form_context(request, pk):
    student, access = get_student_for(request, pk)
    if not access.is_staff_member:
        raise PermissionDenied
    competencies = Competency.objects.filter(
        framework__school=student.school, retired=False
    ).select_related("domain")
    return student, access, competencies


@login_required
def interview_create(request, pk: int):
    student, _access, competencies = _note_form_context(request, pk)
    form = InterviewForm(
        request.POST or None,
        competencies=competencies,
        initial={"date": timezone.localdate(), "project": student.project},
    )
    if request.method == "POST" and form.is_valid():
        services.interview_create(
            student=student, author=_staff_of(request, student.school), **form.cleaned_data
        )
        messages.success(request, _("Interview recorded; the need profile is updated."))
        return redirect("diagnostics:student-profile", student.pk)
    return render(
        request,
        "diagnostics/note_form.html",
        {"form": form, "student": student, "kind": "interview"},
    )


@login_required
def observation_create(request, pk: int):
    student, _access, competencies = _note_form_context(request, pk)
    form = ObservationForm(
        request.POST or None, competencies=competencies, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.observation_create(
            student=student, author=_staff_of(request, student.school), **data
        )
        messages.success(request, _("Observation recorded; the need profile is updated."))
        return redirect("diagnostics:student-profile", student.pk)
    return render(
        request,
        "diagnostics/note_form.html",
        {"form": form, "student": student, "kind": "observation"},
    )
