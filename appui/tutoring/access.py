"""Who may do what in tutoring.

- the head sets the terms (maximum, allowance rate) and reads the allowances;
- the head and the coordinators (of the student's level) assign tutors and end tutorships;
- a tutor sees their tutees, logs meetings and prints the guardians' letter;
- a student's tutoring record (tutors across years, meetings) is read by the above, the CPE
  and Psy-EN, the student and their guardians; other teachers are refused (403);
- any staff member may volunteer.

Objects of a school where the user has no role answer 404, as everywhere in appui.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from appui.schools.access import SchoolAccess, require_member, school_access
from appui.schools.models import Membership, Staff, Student

from .models import Tutorship

__all__ = [
    "can_manage_student",
    "can_read_student_tutoring",
    "get_student_for_tutoring",
    "get_tutorship_for",
    "is_tutor_of",
    "own_staff",
    "require_head",
    "require_manager",
    "school_access",  # the shared entry point, re-exported for this app's views
]


def require_manager(request) -> SchoolAccess:
    return school_access(request, lambda a: a.can_coordinate)


def require_head(request) -> SchoolAccess:
    return school_access(request, lambda a: a.is_head)


def own_staff(access: SchoolAccess) -> Staff | None:
    return Staff.objects.filter(user=access.logged_in_user, school=access.school).first()


def can_manage_student(access: SchoolAccess, student: Student) -> bool:
    division = student.division
    if division is None:
        return access.coordinates_whole_school
    return access.can_coordinate_level(division.level_id)


def is_tutor_of(access: SchoolAccess, tutorship: Tutorship) -> bool:
    return tutorship.tutor.staff.user_id == access.user.pk


def get_tutorship_for(request, pk: int) -> tuple[Tutorship, SchoolAccess]:
    """A tutorship for its tutor or a manager of the student's level."""
    tutorship = (
        Tutorship.objects.select_related(
            "year__school", "tutor__staff", "student__division__level", "student__school"
        )
        .filter(pk=pk)
        .first()
    )
    if tutorship is None:
        raise Http404
    access = require_member(request, tutorship.year.school)
    # A proposal is the head's to confirm: its tutor sees it once it is confirmed.
    as_tutor = is_tutor_of(access, tutorship) and not tutorship.proposed
    if not (as_tutor or can_manage_student(access, tutorship.student)):
        raise PermissionDenied
    return tutorship, access


def can_read_student_tutoring(access: SchoolAccess, student: Student) -> bool:
    if can_manage_student(access, student) or access.is_student_life_staff:
        return True
    if Tutorship.objects.filter(
        student=student, tutor__staff__user=access.logged_in_user, proposed=False
    ).exists():
        return True
    roles = access.roles
    if Membership.Role.STUDENT in roles and student.user_id == access.user.pk:
        return True
    return (
        Membership.Role.GUARDIAN in roles
        and student.guardians.filter(user=access.logged_in_user).exists()
    )


def get_student_for_tutoring(request, pk: int) -> tuple[Student, SchoolAccess]:
    student = Student.objects.select_related("school", "division__level").filter(pk=pk).first()
    if student is None:
        raise Http404
    access = require_member(request, student.school)
    if not can_read_student_tutoring(access, student):
        raise PermissionDenied
    return student, access
