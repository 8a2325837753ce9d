"""Who may do what in steering.

- school dashboard, surveys, outcomes: the head and the coordinators of the whole school;
- per-level dashboard, targets and milestones of a level: the coordinators of that level too;
- meetings: read by every staff member (the minutes are the team's), written by the head and
  coordinators;
- académie view: académie accounts only, over the schools they follow, with no name;
- answering a survey: the audience it is open to.

Objects of a school where the user has no role answer 404; wrong roles answer 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from appui.schools.access import SchoolAccess, require_member, school_access


def require_steering(request) -> SchoolAccess:
    return school_access(request, lambda a: a.coordinates_whole_school)


def require_coordination(request) -> SchoolAccess:
    return school_access(request, lambda a: a.can_coordinate)


def require_staff(request) -> SchoolAccess:
    return school_access(request, lambda a: a.is_staff_member)


def require_academy(request) -> SchoolAccess:
    return school_access(request, lambda a: a.is_academy)


def can_manage_level(access: SchoolAccess, level) -> bool:
    """School-wide items need the whole school; a level's items its coordinators."""
    if level is None:
        return access.coordinates_whole_school
    return access.can_coordinate_level(level.pk)


def object_access(request, school, check) -> SchoolAccess:
    """404 outside the user's schools, 403 when ``check(access)`` is false."""
    access = require_member(request, school)
    if not check(access):
        raise PermissionDenied
    return access


def get_or_404(model, pk: int, **related):
    obj = model.objects.select_related(*related.get("select", ())).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj
