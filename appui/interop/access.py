"""Who may import and export.

- Imports: each kind of the registry says who may use it (``ImportKind.allowed``): the
  school's head for the school-wide files (SIECLE, STS-web, spreadsheets, LSU reports), the
  head and the level's coordinators for a campaign's results. On an installation where the
  user has no school yet, a Django superuser may run the first SIECLE import, which creates
  the school and makes them its head.
- Exports give what the user may already see on screen: students through
  ``SchoolAccess.visible_students`` (never for the académie, which sees no names), staff for
  the head and coordinators, a campaign's results for those who may open the campaign, the
  LSU file and its template for the head alone (they sign the reports).

As everywhere, an object of a school the user has no role in answers 404, an object of their
school outside their role answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from appui.schools.access import SchoolAccess, require_member, school_access

from .models import ImportBatch
from .registry import ImportKind, kinds_for


def may_create_school(request) -> bool:
    """A superuser with no school yet may create one with a SIECLE import."""
    return request.school is None and request.user.is_superuser


def import_page_access(request) -> SchoolAccess | None:
    """The imports home: whoever may use one kind here (None: a superuser with no school)."""
    if may_create_school(request):
        return None
    return school_access(request, lambda access: bool(kinds_for(access)))


def import_access_for(request, entry: ImportKind) -> SchoolAccess | None:
    """The access of a user importing ``entry``; None when a SIECLE import creates the school."""
    if entry.creates_school and may_create_school(request):
        return None
    return school_access(request, entry.allowed)


def get_batch_for(request, pk: int) -> ImportBatch:
    batch = (
        ImportBatch.objects.select_related("school", "uploaded_by", "campaign")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404
    if batch.school is None:
        # The first import of a school not created yet: its uploader's alone.
        if request.user.is_superuser and batch.uploaded_by_id == request.user.pk:
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
