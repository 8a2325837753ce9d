"""Who may do what in tutoring.

- the head sets the terms (maximum, allowance rate) and reads the allowances;
- the head and the coordinators (of the student's level) assign tutors and end tutorships;
- a tutor sees their tutees, logs meetings and prints the guardians' letter;
- a student's tutoring record (tutors across years, meetings) is read by the above, the CPE
  and Psy-EN, the student and their guardians; other teachers are refused (403);
- any staff member may volunteer.

Study help (« aide au travail personnel hors la classe »):
- the head and the coordinators open slots (a coordinator limited to levels, slots open only
  to their levels) and remove those that have not started; they read every sign-up of the
  slots they manage and may take attendance there;
- a supervisor reads the sign-ups of their slots and takes the attendance;
- the CPE and Psy-EN read every slot; other staff see the slots they supervise;
- a pupil signs up and cancels for themself only; a guardian reads their children's sign-ups.

Objects of a school where the user has no role answer 404, as everywhere in appui.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from appui.schools.access import SchoolAccess, require_member, school_access
from appui.schools.models import Membership, Staff, Student

from .models import StudyHelpSignup, StudyHelpSlot, Tutorship

__all__ = [
    "can_manage_slot",
    "can_manage_student",
    "can_read_student_tutoring",
    "get_own_signup",
    "get_slot_for",
    "get_student_for_tutoring",
    "get_tutorship_for",
    "is_tutor_of",
    "own_pupil",
    "own_staff",
    "require_head",
    "require_manager",
    "supervises",
    "require_study_help_reader",
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


# --------------------------------------------------------------------------- study help


def require_study_help_reader(request) -> SchoolAccess:
    """The staff list of study-help slots: staff members only."""
    return school_access(request, lambda a: a.is_staff_member)


def can_manage_slot(access: SchoolAccess, slot: StudyHelpSlot) -> bool:
    """The head and whole-school coordinators manage every slot; a coordinator limited to
    levels, the slots open only to (some of) their levels."""
    if access.coordinates_whole_school:
        return True
    if not access.is_coordinator:
        return False
    level_ids = {level.pk for level in slot.levels.all()}
    return bool(level_ids) and level_ids <= (access.coordinator_level_ids or set())


def supervises(access: SchoolAccess, slot: StudyHelpSlot) -> bool:
    return any(staff.user_id == access.user.pk for staff in slot.supervisors.all())


def get_slot_for(request, pk: int) -> tuple[StudyHelpSlot, SchoolAccess]:
    """A slot with its sign-ups, for its managers, its supervisors, the CPE and Psy-EN."""
    slot = (
        StudyHelpSlot.objects.select_related("year__school")
        .prefetch_related("supervisors", "levels")
        .filter(pk=pk)
        .first()
    )
    if slot is None:
        raise Http404
    access = require_member(request, slot.year.school)
    if not (
        can_manage_slot(access, slot) or supervises(access, slot) or access.is_student_life_staff
    ):
        raise PermissionDenied
    return slot, access


def own_pupil(access: SchoolAccess) -> Student | None:
    """The pupil the logged-in user is, in this school (pupils act only for themselves)."""
    if Membership.Role.STUDENT not in access.roles:
        return None
    return (
        Student.objects.filter(user=access.logged_in_user, school=access.school)
        .select_related("division__level", "school")
        .first()
    )


def get_own_signup(request, pk: int) -> tuple[StudyHelpSignup, SchoolAccess]:
    """A sign-up, for the pupil it belongs to only."""
    signup = (
        StudyHelpSignup.objects.select_related("slot__year__school", "student")
        .filter(pk=pk)
        .first()
    )
    if signup is None:
        raise Http404
    access = require_member(request, signup.slot.year.school)
    if signup.student.user_id is None or signup.student.user_id != access.user.pk:
        raise PermissionDenied
    return signup, access
