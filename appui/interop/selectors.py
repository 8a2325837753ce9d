"""Reads for the import and export pages."""

from django.db.models import Q, QuerySet

from appui.diagnostics.access import campaign_divisions, can_view_campaign
from appui.diagnostics.models import Campaign
from appui.schools.access import SchoolAccess
from appui.schools.models import Division, School, Student
from appui.schools.selectors import current_year, search_students

from .models import ImportBatch


def recent_batches(*, school: School | None, user, limit: int = 10) -> QuerySet[ImportBatch]:
    """The school's latest imports; for a school not created yet, the user's own."""
    batches = ImportBatch.objects.select_related("uploaded_by")
    if school is None:
        return batches.filter(school__isnull=True, uploaded_by=user)[:limit]
    return batches.filter(school=school)[:limit]


def export_students(
    access: SchoolAccess,
    *,
    query: str = "",
    level_id: int | None = None,
    division_id: int | None = None,
    include_left: bool = False,
) -> QuerySet[Student]:
    """The students of the student list (same filters), as far as the user may see them."""
    return search_students(
        access.visible_students(Student.objects.all()),
        query=query,
        level_id=level_id,
        division_id=division_id,
        include_left=include_left,
    )


def campaign_export_students(access: SchoolAccess, campaign: Campaign) -> QuerySet[Student]:
    """Students of the campaign's divisions the user may open, in the campaign's year: for the
    current year the present ones or those with results, for another year everyone enrolled."""
    divisions = campaign_divisions(access, campaign)
    year = campaign.level.year
    if not year.is_current:
        enrolled = Student.objects.filter(enrolments__year=year, enrolments__division__in=divisions)
        return access.visible_students(enrolled, year=year).distinct()
    return (
        access.visible_students(Student.objects.filter(division__in=divisions))
        .filter(Q(exit_date__isnull=True) | Q(results__campaign=campaign))
        .distinct()
    )


def exportable_campaigns(access: SchoolAccess) -> list[Campaign]:
    year = current_year(access.school)
    if year is None:
        return []
    campaigns = Campaign.objects.filter(year=year).select_related("level", "period")
    return [c for c in campaigns if can_view_campaign(access, c)]


def visible_divisions(access: SchoolAccess) -> QuerySet[Division]:
    year = current_year(access.school)
    return access.visible_divisions(Division.objects.filter(year=year)).select_related("level")
