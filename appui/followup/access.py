"""Who may do what in the follow-up.

- A session is run (attendance, marks, texts, cancellation, rescheduling) by the staff of its
  group and by the coordinators of its level (and the head); a staff member who sees one of
  its students may read it, and then sees on it only the pupils their own pages show them
  (:func:`session_students_shown`): a need group mixes divisions, and reading a session
  must not open the names, attendance and marks of pupils whose pages answer 403.
- Students and guardians never open a session page: they read their own sessions, marks and
  validated stage reviews on the student's pages, and a student assesses their own progress.
- A stage review is written by the student's professeur principal or a coordinator of the
  level; staff who see the student read drafts too, the student and guardians only
  validated reviews.
- Hour accounting is for the head and coordinators (of the level).

As everywhere: 404 outside the user's schools, 403 inside them but outside their role.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from appui.schools.access import SchoolAccess, require_member
from appui.schools.models import Level, Membership, Staff, Student, Teaching

from .models import Session, StageReview


def can_run_session(access: SchoolAccess, session: Session) -> bool:
    group = session.group
    if access.can_coordinate_level(group.plan.level_id):
        return True
    return any(member.user_id == access.user.pk for member in group.staff.all())


def can_read_session(access: SchoolAccess, session: Session) -> bool:
    if can_run_session(access, session):
        return True
    if not access.is_staff_member:
        return False
    members = Student.objects.filter(assignments__group_id=session.group_id)
    return access.visible_students(members).exists()


def session_students_shown(access: SchoolAccess, session: Session) -> list[int] | None:
    """Ids of the group's pupils this user sees on the session's pages; None for all.

    Who runs the session sees the whole group (they take its attendance and mark its
    progress); any other reader sees the pupils :meth:`SchoolAccess.visible_students` grants
    them, the rule of the pupils' own pages.
    """
    if can_run_session(access, session):
        return None
    members = Student.objects.filter(assignments__group_id=session.group_id)
    return list(access.visible_students(members).values_list("pk", flat=True))


def get_session_for(request, pk: int, *, run: bool = False) -> tuple[Session, SchoolAccess]:
    session = (
        Session.objects.select_related(
            "group__plan__level__year__school",
            "group__plan__period",
            "group__module__competency",
            "group__room",
            "group__slot",
        )
        .prefetch_related("group__staff")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    access = require_member(request, session.group.plan.level.year.school)
    allowed = can_run_session if run else can_read_session
    if not allowed(access, session):
        raise PermissionDenied
    return session, access


def get_own_student_session(request, pk: int) -> tuple[Session, Student, SchoolAccess]:
    """A session of the group of the logged-in student (self-assessment, co-evaluation)."""
    session = (
        Session.objects.select_related("group__plan__level__year__school").filter(pk=pk).first()
    )
    if session is None:
        raise Http404
    access = require_member(request, session.group.plan.level.year.school)
    if Membership.Role.STUDENT not in access.roles:
        raise PermissionDenied
    student = Student.objects.filter(user=request.user, school=access.school).first()
    if student is None or not session.group.assignments.filter(student=student).exists():
        raise PermissionDenied
    return session, student, access


def staff_of(access: SchoolAccess) -> Staff:
    """The staff record of the user; 403 for members who are not staff."""
    staff = Staff.objects.filter(user=access.logged_in_user, school=access.school).first()
    if staff is None or not access.is_staff_member:
        raise PermissionDenied
    return staff


def is_main_teacher(access: SchoolAccess, division_id: int | None) -> bool:
    if not division_id or not access.is_staff_member:
        return False
    return Teaching.objects.filter(
        staff__user=access.logged_in_user, division_id=division_id, is_main_teacher=True
    ).exists()


def can_edit_reviews_of(access: SchoolAccess, student: Student) -> bool:
    division = student.division
    if division is None:
        return access.can_coordinate
    return access.can_coordinate_level(division.level_id) or is_main_teacher(access, division.pk)


def can_read_review(access: SchoolAccess, review: StageReview) -> bool:
    if not access.can_view_student(review.student):
        return False
    return access.is_staff_member or review.is_validated


def get_review_for(request, pk: int, *, edit: bool = False) -> tuple[StageReview, SchoolAccess]:
    review = (
        StageReview.objects.select_related(
            "student__school", "student__division__level", "period__year"
        )
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404
    access = require_member(request, review.student.school)
    if not can_read_review(access, review):
        raise PermissionDenied
    if edit and not can_edit_reviews_of(access, review.student):
        raise PermissionDenied
    return review, access


def get_level_for_hours(request, pk: int) -> tuple[Level, SchoolAccess]:
    level = Level.objects.select_related("year__school").filter(pk=pk).first()
    if level is None:
        raise Http404
    access = require_member(request, level.year.school)
    if not access.can_coordinate_level(level.pk):
        raise PermissionDenied
    return level, access
