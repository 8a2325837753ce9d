"""Who may import and export.

- Imports: each kind of the registry says who may use it (``ImportKind.allowed``): the
  school's head for the school-wide files (SIECLE, STS-web, spreadsheets, LSU reports), the
  head and the level's coordinators for a campaign's results.
- Adding a school: a Django superuser, or an académie administrator for their académie,
  uploads a SIECLE file at any time (« Add a school »); the UAI of the file decides: a school
  appui does not know is created (its creator becomes its head until they hand the role
  over), a school it knows is imported into only by its own head.
- Exports give what the user may already see on screen: students through
  ``SchoolAccess.visible_students`` (never for the académie, which sees no names), staff for
  the head and coordinators, a campaign's results for those who may open the campaign, the
  LSU file and its template for the head alone (they sign the reports), the year's archive
  (all the lists in one zip, built by a job) for the head alone too.

As everywhere, an object of a school the user has no role in answers 404, an object of their
school outside their role answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from appui.schools.access import SchoolAccess, access_for, require_member, school_access
from appui.schools.models import Academy, School
from appui.schools.selectors import administered_academies, may_add_school

from .models import ImportBatch
from .registry import ImportKind, kinds_for


def may_create_school(request) -> bool:
    """A superuser, or an académie administrator, may add a school with a SIECLE import."""
    return may_add_school(request.user)


def creation_academies(request) -> QuerySet[Academy]:
    """The académies a school added by this user may belong to."""
    if request.user.is_superuser:
        return Academy.objects.order_by("name")
    return administered_academies(request.user).order_by("name")


def import_page_access(request) -> SchoolAccess | None:
    """The imports home: whoever may use one kind here, or add a school (None: no school, or
    none of its kinds for this user, who may add one)."""
    if may_create_school(request):
        if request.school is None:
            return None
        access = access_for(request, request.school)
        return access if kinds_for(access) else None
    return school_access(request, lambda access: bool(kinds_for(access)))


def is_creating(request, entry: ImportKind) -> bool:
    """Adding a school: the SIECLE upload with no school yet, or asked for (``?nouveau=1``)."""
    if not (entry.creates_school and may_create_school(request)):
        return False
    return request.school is None or request.GET.get("nouveau") == "1"


def import_access_for(request, entry: ImportKind) -> SchoolAccess | None:
    """The access of a user importing ``entry``; None when a SIECLE import adds a school."""
    if is_creating(request, entry):
        return None
    return school_access(request, entry.allowed)


def may_import_into(request, entry: ImportKind):
    """For a school the file names: may this user import ``entry`` into it (its head)?"""

    def allowed(school: School) -> bool:
        return entry.allowed(access_for(request, school))

    return allowed


def get_batch_for(request, pk: int) -> ImportBatch:
    batch = (
        ImportBatch.objects.select_related("school", "uploaded_by", "campaign")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404
    if batch.school is None:
        # The import of a school not created yet: its uploader's alone.
        if may_create_school(request) and batch.uploaded_by_id == request.user.pk:
            return batch
        raise Http404
    access = require_member(request, batch.school)
    if not batch.entry.may_open(access, batch):
        raise PermissionDenied
    return batch


def is_head(access: SchoolAccess) -> bool:
    """The LSU export: the head signs the reports."""
    return access.is_head


def can_export_staff(access: SchoolAccess) -> bool:
    return access.can_coordinate


def can_export_year_archive(access: SchoolAccess) -> bool:
    """The year's archive (every list of the exports page in one zip): the head, who may
    download each of them — the students, the staff, every level's plans and hours, every
    campaign's results."""
    return (
        access.is_head
        and access.can_list_students()
        and can_export_staff(access)
        and access.coordinates_whole_school
    )
