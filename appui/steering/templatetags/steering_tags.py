"""The home page's entry points into steering, tutoring and surveys, by role."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appui.core.text import with_elision
from appui.schools.models import Level, Membership, Staff
from appui.schools.selectors import current_year, selected_year

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def home_entries(context) -> list[tuple[str, str, str]]:
    """``(label, url, marker)`` links for the current user in the current school."""
    request = context.get("request")
    access = context.get("access") or context.get("school_access")
    if request is None or access is None or not access.is_member:
        return []
    # Links about a year lead to the year shown (the switcher's); surveys are answered now.
    year = selected_year(request)
    entries: list[tuple[str, str, str]] = []
    if access.coordinates_whole_school:
        entries.append((_("Steering dashboard"), reverse("steering:dashboard"), "dashboard"))
        entries.append((_("Satisfaction surveys"), reverse("steering:surveys"), "surveys"))
    elif access.is_coordinator and year is not None:
        for level in Level.objects.filter(year=year, pk__in=access.coordinator_level_ids or []):
            entries.append(
                (
                    _("Dashboard — %(level)s") % {"level": level.name},
                    reverse("steering:level-dashboard", args=[level.pk]),
                    "level-dashboard",
                )
            )
    if access.can_coordinate:
        entries.append((_("Tutoring"), reverse("tutoring:index"), "tutoring"))
    if access.is_academy:
        entries.append((_("Académie view"), reverse("steering:academy"), "academy"))
    if access.is_staff_member:
        entries.append((_("Meetings and decisions"), reverse("steering:meetings"), "meetings"))
        from appui.tutoring.selectors import tutor_of

        tutor = tutor_of(request.user, year)
        if tutor is not None and tutor.active:
            entries.append((_("My tutees"), reverse("tutoring:my-tutees"), "tutees"))
        elif Staff.objects.filter(user=request.user, school=access.school).exists():
            entries.append((_("Volunteer as a tutor"), reverse("tutoring:volunteer"), "volunteer"))
    if access.roles & {Membership.Role.STUDENT, Membership.Role.GUARDIAN}:
        from appui.schools.models import Student

        for student in (
            access.visible_students(Student.objects.all())
            .filter(tutorships__isnull=False)
            .distinct()
        ):
            entries.append(
                (
                    with_elision(
                        _("Tutoring of %(name)s") % {"name": student.first_name},
                        student.first_name,
                    ),
                    reverse("tutoring:student", args=[student.pk]),
                    "tutoring-record",
                )
            )
    for survey in selectors.surveys_to_answer(
        request.user, access.school, current_year(access.school), timezone.localdate()
    ):
        entries.append(
            (
                _("Answer the survey: %(title)s") % {"title": survey.title},
                reverse("steering:survey-answer", args=[survey.pk]),
                "survey",
            )
        )
    return entries
