"""Who may do what in the diagnosis.

- Coordinators of the level and the head create, open and close campaigns, import results
  and edit frameworks.
- A teacher enters results for the divisions they teach; coordinators for their levels.
- Interviews and observations: any staff member who sees the student; restricted notes are
  read only by the head, coordinators, CPE and Psy-EN.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from appui.schools.access import SchoolAccess, require_member
from appui.schools.models import Division

from .models import Campaign, Framework


def can_manage_campaign(access: SchoolAccess, campaign: Campaign) -> bool:
    return access.can_coordinate_level(campaign.level_id)


def campaign_divisions(access: SchoolAccess, campaign: Campaign):
    """Divisions of the campaign's level whose grid this user may open."""
    divisions = Division.objects.filter(level=campaign.level).order_by("code")
    if can_manage_campaign(access, campaign):
        return divisions
    return access.visible_divisions(divisions)


def can_view_campaign(access: SchoolAccess, campaign: Campaign) -> bool:
    return can_manage_campaign(access, campaign) or campaign_divisions(access, campaign).exists()


def can_enter_results(access: SchoolAccess, campaign: Campaign, division: Division) -> bool:
    if division.level_id != campaign.level_id:
        return False
    return campaign_divisions(access, campaign).filter(pk=division.pk).exists()


def get_campaign_for(request, pk: int) -> tuple[Campaign, SchoolAccess]:
    campaign = (
        Campaign.objects.select_related("year__school", "level", "period", "framework")
        .filter(pk=pk)
        .first()
    )
    if campaign is None:
        raise Http404
    access = require_member(request, campaign.year.school)
    if not can_view_campaign(access, campaign):
        raise PermissionDenied
    return campaign, access


def get_managed_campaign_for(request, pk: int) -> tuple[Campaign, SchoolAccess]:
    campaign, access = get_campaign_for(request, pk)
    if not can_manage_campaign(access, campaign):
        raise PermissionDenied
    return campaign, access


def get_framework_for(request, pk: int) -> tuple[Framework, SchoolAccess]:
    framework = Framework.objects.select_related("school").filter(pk=pk).first()
    if framework is None:
        raise Http404
    access = require_member(request, framework.school)
    if not access.is_staff_member:
        raise PermissionDenied
    return framework, access
