"""Who may do what in planning: coordinators of the level (and the head) prepare and publish
plans; the staff of a published group, the head and coordinators see its members."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from appui.schools.access import SchoolAccess, require_member

from .models import Group, Plan


def get_plan_for(request, pk: int) -> tuple[Plan, SchoolAccess]:
    plan = Plan.objects.select_related("level__year__school", "period").filter(pk=pk).first()
    if plan is None:
        raise Http404
    access = require_member(request, plan.level.year.school)
    if not access.can_coordinate_level(plan.level_id):
        raise PermissionDenied
    return plan, access


def can_view_group(access: SchoolAccess, group: Group) -> bool:
    if access.can_coordinate_level(group.plan.level_id):
        return True
    return (
        group.plan.status == Plan.Status.PUBLISHED
        and group.staff.filter(user=access.logged_in_user).exists()
    )


def get_group_for(request, pk: int) -> tuple[Group, SchoolAccess]:
    group = (
        Group.objects.select_related(
            "plan__level__year__school", "plan__period", "slot", "module", "room"
        )
        .filter(pk=pk)
        .first()
    )
    if group is None:
        raise Http404
    access = require_member(request, group.plan.level.year.school)
    if not can_view_group(access, group):
        raise PermissionDenied
    return group, access
