"""Who may import and export.

- Imports change the whole school: only its head (Membership role « head »). On an
  installation where the user has no school yet, a Django superuser may run the first SIECLE
  import, which creates the school and makes them its head.
- Exports give what the user may already see on screen: students through
  ``SchoolAccess.visible_students`` (never for the académie, which sees no names), staff for
  the head and coordinators, a campaign's results for those who may open the campaign, the
  LSU file and its template for the head alone (they sign the reports).

As everywhere, an object of a school the user has no role in answers 404, an object of their
school outside their role answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from appui.schools.access import SchoolAccess, access_for, require_member
from appui.schools.models import School

from .models import ImportBatch


def may_create_school(request) -> bool:
    """A superuser with no school yet may create one with a SIECLE import."""
    return request.school is None and request.user.is_superuser


def import_school_for(request, kind: str) -> School | None:
    """The school the user imports into; None when a SIECLE import will create it."""
    school = request.school
    if school is None:
        if kind == ImportBatch.Kind.SIECLE and may_create_school(request):
            return None
        raise PermissionDenied
    if not access_for(request, school).is_head:
        raise PermissionDenied
    return school


def require_import_page(request) -> School | None:
    """The imports home: the head, or a superuser without a school."""
    if may_create_school(request):
        return None
    if request.school is None or not access_for(request, request.school).is_head:
        raise PermissionDenied
    return request.school


def get_batch_for(request, pk: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("school", "uploaded_by").filter(pk=pk).first()
    if batch is None:
        raise Http404
    if batch.school is None:
        # The first import of a school not created yet: its uploader's alone.
        if request.user.is_superuser and batch.uploaded_by_id == request.user.pk:
            return batch
        raise Http404
    if not require_member(request, batch.school).is_head:
        raise PermissionDenied
    return batch


def require_school(request) -> tuple[School, SchoolAccess]:
    if request.school is None:
        raise PermissionDenied
    return request.school, access_for(request, request.school)


def require_head(request) -> School:
    """The user's school, when they are its head (the LSU export: the head signs reports)."""
    school, access = require_school(request)
    if not access.is_head:
        raise PermissionDenied
    return school


def can_export_staff(access: SchoolAccess) -> bool:
    return access.can_coordinate
