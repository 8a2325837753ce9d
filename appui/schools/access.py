"""Who may see what, decided per object.

Rules (issue "Foundation", DESIGN.md "Who uses it"):
- head: the whole school; coordinator: the school, or only the levels they are limited to;
- teacher (and tutor): students of the divisions they teach;
- student: only themself; guardian: only their children;
- académie: aggregates, never a student's name; an académie account
  (``AcademyMembership``) holds this role in every school of its académie and in no other.

An object of a school the user has no role in answers 404 (its existence is not revealed);
an object of their school that their role does not cover answers 403.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q, QuerySet, Value
from django.http import Http404

from appui.accounts.models import User

from .models import (
    AcademyMembership,
    Division,
    Enrolment,
    Membership,
    School,
    SchoolYear,
    Staff,
    Student,
)

Role = Membership.Role


def _text(value: str) -> Value:
    """A constant text column of a ``union`` (which table a row of ``SchoolAccess.load`` is from)."""
    return Value(value, output_field=CharField())


STAFF_ROLES = {Role.HEAD, Role.COORDINATOR, Role.TEACHER, Role.TUTOR}


@dataclass
class SchoolAccess:
    """The roles of one user in one school, read once per request."""

    user: User | AnonymousUser
    school: School
    roles: set[str] = field(default_factory=set)
    coordinator_level_ids: set[int] | None = None  # None: the whole school

    @classmethod
    def load(cls, user: User | AnonymousUser, school: School) -> "SchoolAccess":
        access = cls(user=user, school=school)
        if not isinstance(user, User):  # anonymous: no roles
            return access
        # One query for the roles, the académie account and the staff function (every page
        # reads them): the user's memberships in the school, their académie membership, and
        # their staff row (one at most: ``Staff.user`` is one-to-one).
        # No ordering: a part of a union may have none (SQLite).
        rows = (
            Membership.objects.filter(user=user, school=school)
            .order_by()
            .values_list(_text("role"), "role")
        )
        if school.academy_id is not None:
            # An académie account reads every school of its académie, as the académie.
            rows = rows.union(
                AcademyMembership.objects.filter(user=user, academy_id=school.academy_id)
                .order_by()
                .values_list(_text("academy"), _text(Role.ACADEMY.value)),
                all=True,
            )
        rows = rows.union(
            Staff.objects.filter(user=user, school=school)
            .order_by()
            .values_list(_text("staff"), "function"),
            all=True,
        )
        staff_function = None
        for kind, value in rows:
            if kind == "staff":
                staff_function = value
            else:
                access.roles.add(value)
        # The staff function counts for members only (see ``staff_function``).
        access.__dict__["staff_function"] = staff_function if access.is_member else None
        if Role.COORDINATOR in access.roles:
            # One coordinator membership per school (unique constraint); no level: all.
            level_ids = set(
                Membership.levels.through.objects.filter(
                    membership__user=user,
                    membership__school=school,
                    membership__role=Role.COORDINATOR,
                ).values_list("level_id", flat=True)
            )
            access.coordinator_level_ids = level_ids or None
        return access

    @property
    def logged_in_user(self) -> User:
        """The user, for lookups by user.

        Only a logged-in user holds roles, so lookups by user run for members only; an
        anonymous user reaching one is refused rather than looked up.
        """
        if not isinstance(self.user, User):
            raise PermissionDenied
        return self.user

    # Roles -----------------------------------------------------------------------------
    @property
    def is_member(self) -> bool:
        return bool(self.roles)

    @property
    def is_head(self) -> bool:
        return Role.HEAD in self.roles

    @property
    def is_coordinator(self) -> bool:
        return Role.COORDINATOR in self.roles

    @cached_property
    def staff_function(self) -> str | None:
        if not self.is_member:
            return None
        return (
            Staff.objects.filter(user=self.logged_in_user, school=self.school)
            .values_list("function", flat=True)
            .first()
        )

    @property
    def is_student_life_staff(self) -> bool:
        """CPE and Psy-EN follow every student (interviews, orientation support)."""
        return self.is_staff_member and self.staff_function in {
            Staff.Function.CPE,
            Staff.Function.PSYEN,
        }

    @property
    def coordinates_whole_school(self) -> bool:
        """Head, or a coordinator not limited to levels: every level is theirs to steer."""
        return self.is_head or (self.is_coordinator and self.coordinator_level_ids is None)

    @property
    def sees_whole_school(self) -> bool:
        return self.coordinates_whole_school or self.is_student_life_staff

    @property
    def can_see_restricted_notes(self) -> bool:
        """Sensitive notes: head, coordinators, CPE and Psy-EN only (issue "Diagnosis", 5)."""
        return self.is_head or self.is_coordinator or self.is_student_life_staff

    @property
    def can_coordinate(self) -> bool:
        """Set up campaigns, frameworks and groups: head and coordinators."""
        return self.is_head or self.is_coordinator

    def can_coordinate_level(self, level_id: int) -> bool:
        if self.coordinates_whole_school:
            return True
        return self.is_coordinator and level_id in (self.coordinator_level_ids or set())

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_academy(self) -> bool:
        return Role.ACADEMY in self.roles

    @cached_property
    def taught_division_ids(self) -> set[int]:
        if not self.roles & {Role.TEACHER, Role.TUTOR, Role.COORDINATOR, Role.HEAD}:
            return set()
        return set(
            Division.objects.filter(
                teachings__staff__user=self.logged_in_user, year__school=self.school
            ).values_list("pk", flat=True)
        )

    # Pages -----------------------------------------------------------------------------
    def can_view_school_page(self) -> bool:
        """The school page shows levels and head counts, no names: staff and académie."""
        return self.is_staff_member or self.is_academy

    def can_list_students(self) -> bool:
        return self.is_staff_member

    # Querysets ---------------------------------------------------------------------------
    def division_filter(self) -> Q | None:
        """A filter on divisions this user may open, or None for none at all."""
        if self.sees_whole_school:
            return Q()
        conditions = Q(pk__in=self.taught_division_ids)
        if self.is_coordinator and self.coordinator_level_ids:
            conditions |= Q(level_id__in=self.coordinator_level_ids)
        if not self.taught_division_ids and not (
            self.is_coordinator and self.coordinator_level_ids
        ):
            return None
        return conditions

    def visible_divisions(self, queryset: QuerySet[Division]) -> QuerySet[Division]:
        condition = self.division_filter()
        if condition is None:
            return queryset.none()
        return queryset.filter(condition)

    def visible_students(
        self, queryset: QuerySet[Student], year: SchoolYear | None = None
    ) -> QuerySet[Student]:
        """The students of ``queryset`` this user may see.

        ``year``, when it is not the current year, adds the pupils enrolled that year in
        the divisions this user may open: the pupils' own ``division`` mirrors the current
        year only, and a teacher of 2A in a past year still sees that year's 2A.
        """
        queryset = queryset.filter(school=self.school)
        if self.sees_whole_school:
            return queryset
        condition = Q(pk__in=[])
        division_condition = self.division_filter()
        if division_condition is not None:
            allowed = Division.objects.filter(year__school=self.school).filter(division_condition)
            condition |= Q(division__in=allowed)
            if year is not None and not year.is_current:
                # Only divisions of this school are allowed: another school's year adds none.
                condition |= Q(
                    pk__in=Enrolment.objects.filter(
                        year=year, division__in=allowed.filter(year=year)
                    ).values("student_id")
                )
        if self.is_staff_member:
            # Students of the teaching groups (SIECLE/STS "groupes") they teach.
            condition |= Q(student_groups__teachings__staff__user=self.logged_in_user)
            # Their current tutees (appui.tutoring; seed 003: the same tutor throughout).
            condition |= Q(
                tutorships__tutor__staff__user=self.logged_in_user,
                tutorships__end_date__isnull=True,
                tutorships__proposed=False,
            )
            # Students of the published need groups they run (appui.planning).
            condition |= Q(
                assignments__group__staff__user=self.logged_in_user,
                assignments__group__plan__status="published",
            )
        if Role.STUDENT in self.roles:
            condition |= Q(user=self.logged_in_user)
        if Role.GUARDIAN in self.roles:
            condition |= Q(guardians__user=self.logged_in_user)
        return queryset.filter(condition).distinct()

    def can_view_division(self, division: Division) -> bool:
        """``division_filter`` applied to one division, without a query."""
        if self.sees_whole_school:
            return True
        if division.pk in self.taught_division_ids:
            return True
        return bool(
            self.is_coordinator
            and self.coordinator_level_ids
            and division.level_id in self.coordinator_level_ids
        )

    def can_view_student(self, student: Student, year: SchoolYear | None = None) -> bool:
        if student.school_id != self.school.pk or not self.is_member:
            return False
        return self.visible_students(Student.objects.filter(pk=student.pk), year).exists()


def access_for(request, school: School) -> SchoolAccess:
    """The access of the request's user to a school, cached on the request."""
    cache = request.__dict__.setdefault("_school_access", {})
    if school.pk not in cache:
        cache[school.pk] = SchoolAccess.load(request.user, school)
    return cache[school.pk]


def school_access(request, allowed: Callable[[SchoolAccess], bool] | None = None) -> SchoolAccess:
    """The one entry point of every view: the user's access to their current school.

    403 when the request has no current school, or when ``allowed`` (a predicate such as
    ``SchoolAccess.is_staff_member.fget`` or a lambda) refuses the access. ``access.school``
    is the current school.
    """
    if getattr(request, "school", None) is None:
        raise PermissionDenied
    access = access_for(request, request.school)
    if allowed is not None and not allowed(access):
        raise PermissionDenied
    return access


def require_member(request, school: School) -> SchoolAccess:
    access = access_for(request, school)
    if not access.is_member:
        # Not one of their schools: do not even reveal that the object exists.
        raise Http404
    return access


def get_division_for(request, pk: int) -> tuple[Division, SchoolAccess]:
    division = Division.objects.select_related("year__school", "level").filter(pk=pk).first()
    if division is None:
        raise Http404
    access = require_member(request, division.year.school)
    if not access.can_view_division(division):
        raise PermissionDenied
    return division, access


def get_student_for(request, pk: int) -> tuple[Student, SchoolAccess]:
    student = Student.objects.select_related("school", "division__level").filter(pk=pk).first()
    if student is None:
        raise Http404
    access = require_member(request, student.school)
    # The year the user is looking at (year switcher): a past year's roster opens its pupils.
    year = getattr(request, "year", None)
    if year is not None and year.school_id != student.school_id:
        year = None
    if not access.can_view_student(student, year):
        raise PermissionDenied
    return student, access
