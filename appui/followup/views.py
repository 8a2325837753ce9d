import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from appui.core.scales import LsuLevel
from appui.core.text import with_elision
from appui.planning.access import get_group_for
from appui.schools.access import get_division_for, get_student_for, school_access
from appui.schools.models import Division, Period, Student
from appui.schools.selectors import current_year, division_students, selected_year
from appui.schools.services import ChangedMeanwhile, parse_version, text_version

from . import selectors, services
from .access import (
    can_edit_reviews_of,
    can_run_session,
    get_level_for_hours,
    get_own_student_session,
    get_review_for,
    get_session_for,
    is_main_teacher,
    session_students_shown,
    staff_of,
)
from .forms import (
    AttendanceForm,
    CancelForm,
    DigestPreferenceForm,
    GroupMarkForm,
    MarkForm,
    RescheduleForm,
    ReviewForm,
    StudentMarkForm,
    TextsForm,
)
from .models import (
    Attendance,
    CalendarFeed,
    DigestPreference,
    ProgressMark,
    Session,
    StageReview,
)

# (value, LSU code, label): the four buttons of the progress scale.
LEVELS = [(value, LsuLevel(value).code, label) for value, label in ProgressMark.Level.choices]


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# --------------------------------------------------------------------------- hub


@login_required
def index(request):
    """The staff's follow-up page: today's sessions, timetable, calendar, reviews, hours."""
    access = school_access(request, lambda a: a.is_staff_member)
    year = selected_year(request)
    today = timezone.localdate()
    levels = [lv for lv in year.levels.all() if access.can_coordinate_level(lv.pk)] if year else []
    review_divisions = []
    if year:
        divisions = Division.objects.filter(year=year).select_related("level")
        main = set(
            divisions.filter(
                teachings__staff__user=request.user, teachings__is_main_teacher=True
            ).values_list("pk", flat=True)
        )
        review_divisions = [d for d in divisions if d.pk in main or d.level in levels]
    return render(
        request,
        "followup/index.html",
        {
            "today": today,
            "sessions": selectors.today_sessions(request.user, today),
            "next_session": selectors.next_session(request.user, today),
            "levels": levels,
            "review_divisions": review_divisions,
            "access": access,
        },
    )


# --------------------------------------------------------------------------- sessions


def _session_context(session: Session, access, request, **extra) -> dict:
    shown = session_students_shown(access, session)
    rows = selectors.session_roster(session, students=shown)
    if shown is not None:
        # A classmate's name on a co-evaluation mark is a pupil too.
        visible = set(shown)
        for row in rows:
            row.peer_marks = [m for m in row.peer_marks if m.assessor_id in visible]
    rank, total = selectors.session_number(session)
    can_run = can_run_session(access, session)
    today = timezone.localdate()
    return {
        "session": session,
        "group": session.group,
        "module": session.group.module,
        "rows": rows,
        "counts": selectors.roster_counts(rows),
        "rank": rank,
        "total": total,
        "can_run": can_run,
        "hidden_members": (0 if shown is None else session.group.assignments.count() - len(rows)),
        "can_record": can_run and not session.is_cancelled and session.date <= today,
        "is_future": session.date > today,
        "levels": LEVELS,
        "attendance_labels": dict(Attendance.Status.choices),
        "texts_form": TextsForm(
            initial={"plan_of_work": session.plan_of_work, "content": session.content}
        ),
        "plan_version": text_version(session.plan_of_work),
        "content_version": text_version(session.content),
        **extra,
    }


@login_required
def session_detail(request, pk: int):
    session, access = get_session_for(request, pk)
    return render(
        request, "followup/session_detail.html", _session_context(session, access, request)
    )


def _row_response(request, session, access, student_id: int, error: str = ""):
    rows = selectors.session_roster(session, students=[student_id])
    if not rows:
        raise Http404
    return render(
        request,
        "followup/_roster_row.html",
        {
            **_session_context(session, access, request),
            "row": rows[0],
            "error": error,
            "oob_counts": True,
        },
    )


def _back(session: Session, anchor: str = "roster"):
    return redirect(reverse("followup:session-detail", args=[session.pk]) + f"#{anchor}")


@login_required
@require_POST
def attendance_save(request, pk: int):
    session, access = get_session_for(request, pk, run=True)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    student = get_object_or_404(Student, pk=form.cleaned_data["student"], school=access.school)
    error = ""
    try:
        services.attendance_set(
            session=session, student=student, status=form.cleaned_data["status"], user=request.user
        )
    except ValidationError as exc:
        error = _errors(exc)
    if request.htmx:
        return _row_response(request, session, access, student.pk, error)
    if error:
        messages.error(request, error)
    return _back(session, f"eleve-{student.pk}")


@login_required
@require_POST
def attendance_all_present(request, pk: int):
    session, access = get_session_for(request, pk, run=True)
    error = ""
    try:
        services.attendance_all_present(session=session, user=request.user)
    except ValidationError as exc:
        error = _errors(exc)
    return _roster_response(request, session, access, error)


def _roster_response(request, session, access, error: str = ""):
    if request.htmx:
        return render(
            request,
            "followup/_roster.html",
            {**_session_context(session, access, request), "error": error},
        )
    if error:
        messages.error(request, error)
    return _back(session)


@login_required
@require_POST
def mark_save(request, pk: int):
    session, access = get_session_for(request, pk, run=True)
    form = MarkForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    student = get_object_or_404(Student, pk=form.cleaned_data["student"], school=access.school)
    error = ""
    comment = request.POST.get("comment") if "comment" in request.POST else None
    try:
        services.mark_set(
            session=session,
            student=student,
            level=form.cleaned_data["level"],
            comment=comment,
            user=request.user,
        )
    except ValidationError as exc:
        error = _errors(exc)
    if request.htmx:
        return _row_response(request, session, access, student.pk, error)
    if error:
        messages.error(request, error)
    return _back(session, f"eleve-{student.pk}")


@login_required
@require_POST
def marks_for_unmarked(request, pk: int):
    session, access = get_session_for(request, pk, run=True)
    form = GroupMarkForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    error = ""
    try:
        services.marks_set_unmarked(
            session=session, level=form.cleaned_data["level"], user=request.user
        )
    except ValidationError as exc:
        error = _errors(exc)
    return _roster_response(request, session, access, error)


@login_required
@require_POST
def texts_save(request, pk: int):
    session, access = get_session_for(request, pk, run=True)
    fields = [name for name in ("plan_of_work", "content") if name in request.POST]
    # Each text's form carries the version of the text it was opened on (a missing one is
    # stale): a co-animator's save in between is never silently overwritten.
    versions = {name: request.POST.get(f"{name}_version", "") for name in fields}
    error = ""
    extra: dict = {}
    try:
        services.session_set_texts(
            session=session,
            user=request.user,
            plan_of_work=request.POST.get("plan_of_work"),
            content=request.POST.get("content"),
            versions=versions,
        )
    except ChangedMeanwhile as conflict:
        error = str(conflict)
        # The form comes back with what was typed and its old version (reload to see theirs).
        for name, key in (("plan_of_work", "plan"), ("content", "content")):
            if name in fields:
                extra[f"typed_{key}"] = request.POST.get(name)
                extra[f"{key}_version"] = versions[name]
    except ValidationError as exc:
        error = _errors(exc)
    field = "plan" if "plan_of_work" in request.POST else "content"
    context = {**_session_context(session, access, request, **extra)}
    if request.htmx:
        return render(
            request,
            f"followup/_{field}_form.html",
            {**context, "error": error, "saved": not error},
        )
    if extra:
        return render(request, "followup/session_detail.html", {**context, f"{field}_error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return _back(session, field)


@login_required
@require_POST
def co_evaluation_toggle(request, pk: int):
    session, _access = get_session_for(request, pk, run=True)
    try:
        services.session_set_co_evaluation(
            session=session, open=request.POST.get("open") == "1", user=request.user
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _back(session, "co-evaluation")


@login_required
def session_cancel(request, pk: int):
    session, access = get_session_for(request, pk, run=True)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                session=session, reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session cancelled."))
            return redirect("followup:session-detail", session.pk)
    return render(request, "followup/session_cancel.html", {"session": session, "form": form})


@login_required
def session_reschedule(request, pk: int):
    session, access = get_session_for(request, pk, run=True)
    form = RescheduleForm(
        request.POST or None,
        initial={
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_reschedule(session=session, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session moved."))
            return redirect("followup:session-detail", session.pk)
    return render(request, "followup/session_reschedule.html", {"session": session, "form": form})


@login_required
@require_POST
def session_restore(request, pk: int):
    session, _access = get_session_for(request, pk, run=True)
    try:
        services.session_restore(session=session, user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Session restored."))
    return redirect("followup:session-detail", session.pk)


@login_required
def group_sessions(request, pk: int):
    group, access = get_group_for(request, pk)
    sessions = list(selectors.sessions_of_group(group))
    return render(
        request,
        "followup/group_sessions.html",
        {
            "group": group,
            "sessions": sessions,
            "members": group.assignments.count(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def student_mark_save(request, pk: int):
    """A student assesses their own progress (or a classmate's, in co-evaluation)."""
    session, student, _access = get_own_student_session(request, pk)
    form = StudentMarkForm(request.POST)
    if form.is_valid():
        target = student
        if form.cleaned_data.get("student"):
            target = get_object_or_404(
                Student, pk=form.cleaned_data["student"], school=student.school
            )
        try:
            services.student_mark_set(
                session=session,
                assessor=student,
                student=target,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Thank you: your assessment is saved."))
    else:
        messages.error(request, _("Choose a level from 1 to 4."))
    return redirect(reverse("schools:student-detail", args=[student.pk]) + "#suivi")


# --------------------------------------------------------------------------- timetables


def _monday(request) -> dt.date:
    return selectors.week_of(request.GET.get("semaine"), timezone.localdate())


def _week_context(request, sessions, access, **extra) -> dict:
    monday = _monday(request)
    days = selectors.week(sessions, monday)
    for day in days:
        for session in day.sessions:
            session.can_open = access.is_staff_member and can_run_session(access, session)
    return {
        "days": days,
        "monday": monday,
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7),
        "this_week": selectors.school_week_of(timezone.localdate()),
        "today": timezone.localdate(),
        "access": access,
        **extra,
    }


def _print_period(request, year) -> Period | None:
    period_id = request.GET.get("periode")
    if period_id and period_id.isdigit():
        return get_object_or_404(Period, pk=int(period_id), year=year)
    return selectors.period_of(year, timezone.localdate())


def _print_context(request, sessions, year, **extra) -> dict:
    if year is None:
        return {"period": None, "periods": [], "sessions": [], **extra}
    period = _print_period(request, year)
    rows = []
    if period:
        rows = list(
            sessions.filter(date__gte=period.start_date, date__lte=period.end_date).order_by(
                "date", "start_time"
            )
        )
    return {"period": period, "periods": year.periods.all(), "sessions": rows, **extra}


@login_required
def student_timetable(request, pk: int):
    student, access = get_student_for(request, pk)
    return render(
        request,
        "followup/timetable.html",
        _week_context(
            request,
            selectors.sessions_of_student(student),
            access,
            student=student,
            title=with_elision(
                _("AP timetable of %(name)s")
                % {"name": f"{student.first_name} {student.last_name.upper()}"},
                f"{student.first_name} {student.last_name.upper()}",
            ),
            print_url=reverse("followup:student-timetable-print", args=[student.pk]),
        ),
    )


@login_required
def student_timetable_print(request, pk: int):
    student, access = get_student_for(request, pk)
    return render(
        request,
        "followup/timetable_print.html",
        _print_context(
            request,
            selectors.sessions_of_student(student),
            student.division.year if student.division else current_year(student.school),
            title=f"{student.first_name} {student.last_name.upper()}",
            subtitle=student.division.code if student.division else "",
        ),
    )


@login_required
def division_timetable(request, pk: int):
    division, access = get_division_for(request, pk)
    return render(
        request,
        "followup/timetable.html",
        _week_context(
            request,
            selectors.sessions_of_division(division),
            access,
            division=division,
            title=with_elision(
                _("AP timetable of %(division)s") % {"division": division.code}, division.code
            ),
            print_url=reverse("followup:division-timetable-print", args=[division.pk]),
        ),
    )


@login_required
def division_timetable_print(request, pk: int):
    division, access = get_division_for(request, pk)
    return render(
        request,
        "followup/timetable_print.html",
        _print_context(
            request,
            selectors.sessions_of_division(division),
            division.year,
            division=division,
            title=division.code,
            subtitle=division.level.name,
        ),
    )


@login_required
def staff_week(request):
    access = school_access(request)
    staff_of(access)
    return render(
        request,
        "followup/timetable.html",
        _week_context(
            request,
            selectors.sessions_of_staff(request.user),
            access,
            title=_("My AP sessions"),
            mine=True,
        ),
    )


# --------------------------------------------------------------------------- calendar feed


@login_required
def agenda(request):
    """The staff member's calendar subscription address (and a way to renew it)."""
    access = school_access(request)
    staff = staff_of(access)
    if request.method == "POST":
        services.calendar_feed_renew(staff=staff)
        messages.success(request, _("New address created: the previous one no longer works."))
        return redirect("followup:agenda")
    feed = services.calendar_feed_for(staff=staff)
    url = request.build_absolute_uri(reverse("followup:ical-feed", args=[feed.token]))
    return render(
        request,
        "followup/agenda.html",
        {
            "feed_url": url,
            "webcal_url": url.replace("https://", "webcal://", 1).replace(
                "http://", "webcal://", 1
            ),
        },
    )


def ical_feed(request, token: str):
    """The iCalendar feed: no login, the secret token in the address is the credential."""
    feed = CalendarFeed.objects.select_related("staff__school").filter(token=token).first()
    if feed is None:
        raise Http404
    tz = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//appui//suivi AP//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("AP — %(name)s") % {"name": feed.staff})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    host = request.get_host().split(":")[0] or "appui"
    sessions = (
        Session.objects.filter(group__staff=feed.staff)
        .select_related("group__module", "group__room", "group__plan__level")
        .order_by("date", "start_time")
    )
    for session in sessions:
        event = CalendarEvent()
        event.add("uid", f"seance-{session.pk}@{host}")
        event.add("dtstamp", session.updated_at)
        event.add("last-modified", session.updated_at)
        event.add("dtstart", dt.datetime.combine(session.date, session.start_time, tzinfo=tz))
        event.add("dtend", dt.datetime.combine(session.date, session.end_time, tzinfo=tz))
        event.add(
            "summary",
            _("AP %(code)s — %(title)s")
            % {"code": session.group.module.code, "title": session.group.module.title},
        )
        if session.group.room:
            event.add("location", session.group.room.name)
        description = [session.group.plan.level.name, session.group.module.objective]
        if session.plan_of_work:
            description.append(session.plan_of_work)
        event.add("description", "\n".join(description))
        event.add(
            "url", request.build_absolute_uri(reverse("followup:session-detail", args=[session.pk]))
        )
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appui-ap.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# --------------------------------------------------------------------------- hours


@login_required
def hours_index(request):
    access = school_access(request, lambda a: a.can_coordinate)
    year = selected_year(request)
    today = timezone.localdate()
    levels = selectors.coordinated_levels(access, year)
    # The index shows each level's ranges and warnings only: no per-student detail; kept
    # while the school's records and the day stay the same (appui.schools.computed).
    summaries = selectors.kept_level_summaries(year, levels, today) if year else []
    return render(request, "followup/hours_index.html", {"summaries": summaries, "year": year})


#: Pupils per page of a level's hour accounting.
HOURS_STUDENT_ROWS = 50


@login_required
def hours_level(request, pk: int):
    level, access = get_level_for_hours(request, pk)
    today = timezone.localdate()
    # Kept while the school's records and the day stay the same (appui.schools.computed).
    context = dict(selectors.kept_level_hours(level, today))
    # The per-student table a page at a time (the export has them all); the figures, the
    # divisions and the warnings still count every pupil of the level.
    page = Paginator(context.pop("rows"), HOURS_STUDENT_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/hours_level.html",
        {
            "level": level,
            "periods": level.year.periods.order_by("number"),
            "rows": page,
            "page": page,
            **context,
        },
    )


@login_required
def hours_staff(request):
    access = school_access(request, lambda a: a.can_coordinate)
    year = selected_year(request)
    levels = selectors.coordinated_levels(access, year)
    today = timezone.localdate()
    rows = selectors.kept_staff_service(year, levels, today) if year else []
    return render(request, "followup/hours_staff.html", {"rows": rows, "year": year})


# --------------------------------------------------------------------------- stage reviews


def _default_review_period(year, today: dt.date) -> Period | None:
    """The last period that has ended (reviews are written at the end of a period)."""
    periods = list(year.periods.order_by("number"))
    ended = [p for p in periods if p.end_date < today]
    if ended:
        return ended[-1]
    return periods[0] if periods else None


@login_required
def review_list(request, pk: int):
    division, access = get_division_for(request, pk)
    if not (access.can_coordinate_level(division.level_id) or is_main_teacher(access, division.pk)):
        raise PermissionDenied
    year = division.year
    period_id = request.POST.get("periode") or request.GET.get("periode")
    period: Period | None
    if period_id and str(period_id).isdigit():
        period = get_object_or_404(Period, pk=int(period_id), year=year)
    else:
        period = _default_review_period(year, timezone.localdate())
    if request.method == "POST" and period is not None:
        students = division_students(division)
        created = services.reviews_prepare(students=students, period=period, user=request.user)
        messages.success(
            request,
            ngettext(
                "%(n)s draft review prepared from the data.",
                "%(n)s draft reviews prepared from the data.",
                len(created),
            )
            % {"n": len(created)},
        )
        return redirect(
            reverse("followup:review-list", args=[division.pk]) + f"?periode={period.pk}"
        )
    rows = selectors.division_reviews(division, period) if period else []
    return render(
        request,
        "followup/review_list.html",
        {
            "division": division,
            "period": period,
            "periods": year.periods.all(),
            "rows": rows,
            "missing": sum(1 for _s, review in rows if review is None),
        },
    )


@login_required
def review_detail(request, pk: int):
    review, access = get_review_for(request, pk)
    can_edit = can_edit_reviews_of(access, review.student)
    form = None
    # A save posted while someone validated the review goes to the service too: it is
    # refused there and the form comes back with what was typed.
    if can_edit and (not review.is_validated or request.method == "POST"):
        form = ReviewForm(request.POST or None, instance=review)
        if request.method == "POST" and form.is_valid():
            texts = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            validate = request.POST.get("action") == "validate"
            try:
                services.review_update(
                    review=review,
                    user=request.user,
                    version=parse_version(form.cleaned_data["version"]),
                    validate=validate,
                    **texts,
                )
            except services.ReviewChanged as conflict:
                form.add_error(None, str(conflict))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if validate:
                    messages.success(
                        request, _("Review validated: the student and their family can read it.")
                    )
                else:
                    messages.success(request, _("Review saved."))
                return redirect("followup:review-detail", review.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "followup/review_detail.html",
        {
            "review": review,
            "student": review.student,
            "form": form,
            "can_edit": can_edit,
            "access": access,
            "level_labels": dict(ProgressMark.Level.choices),
        },
    )


@login_required
@require_POST
def review_action(request, pk: int):
    """Reopen a validated review, or recompute a draft from the data (validating goes
    through the review's form, which sends the texts)."""
    review, _access = get_review_for(request, pk, edit=True)
    action = request.POST.get("action")
    version = parse_version(request.POST.get("version"))
    try:
        if action == "reopen":
            services.review_reopen(review=review, user=request.user, version=version)
            messages.success(
                request, _("Review reopened: it is hidden from the family until validated again.")
            )
        elif action == "refresh":
            services.review_refresh(review=review, user=request.user, version=version)
            messages.success(request, _("Review recomputed from the data."))
        else:
            messages.error(request, _("Unknown action."))
    except services.ReviewChanged:
        messages.error(
            request,
            _(
                "This review was changed by someone else after you opened the page: nothing "
                "was done. The page now shows it as it stands."
            ),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("followup:review-detail", review.pk)


@login_required
@require_POST
def review_prepare_one(request, pk: int, period_pk: int):
    """Draft the review of one student (from the student's page)."""
    student, access = get_student_for(request, pk)
    if not can_edit_reviews_of(access, student):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=period_pk, year__school=student.school)
    services.reviews_prepare(students=[student], period=period, user=request.user)
    review = StageReview.objects.get(student=student, period=period)
    return redirect("followup:review-detail", review.pk)


# --------------------------------------------------------------------------- portfolio


@login_required
def portfolio(request, pk: int):
    student, access = get_student_for(request, pk)
    years = selectors.portfolio(
        student, staff=access.is_staff_member, restricted=access.can_see_restricted_notes
    )
    return render(
        request,
        "followup/portfolio.html",
        {
            "student": student,
            "years": years,
            "access": access,
            "level_labels": dict(ProgressMark.Level.choices),
        },
    )


@login_required
def digest_preference(request):
    """A staff member opts in to (or out of) the weekly e-mail digest of their reminders
    (``manage.py send_digests``), and sees the address it goes to. Any staff role: the head
    and coordinators get the to-do list without running groups themselves."""
    access = school_access(request, lambda a: a.is_staff_member)
    preference = DigestPreference.objects.filter(user=request.user).first()
    # Not ``request.POST or None``: an unticked box posts nothing but the token.
    form = DigestPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"weekly": bool(preference and preference.weekly)},
    )
    if request.method == "POST" and form.is_valid():
        weekly = form.cleaned_data["weekly"]
        services.digest_preference_set(user=request.user, weekly=weekly)
        if weekly:
            messages.success(request, _("You will receive the weekly digest of your reminders."))
        else:
            messages.success(request, _("You will no longer receive the weekly digest."))
        return redirect("followup:digest-preference")
    return render(
        request,
        "followup/digest_preference.html",
        {"form": form, "preference": preference, "access": access},
    )
