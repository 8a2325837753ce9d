"""« Historique » of a pupil for the head (docs/rgpd.md): every change to the pupil's records
and every read of their restricted notes — who, when, before → after — filterable by kind,
action, author and dates, paginated, and downloadable as CSV with the same filters."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from appui.audit import history
from appui.core.io.tabular import Column, ExportFormat, RowsExporter
from appui.core.io.tabular import render as render_export

from .access import SchoolAccess, get_student_for
from .models import Student

ENTRIES_PER_PAGE = 50


def get_student_for_head(request: HttpRequest, pk: int) -> tuple[Student, SchoolAccess | None]:
    """The pupil, for the head of their school (or a superuser); 404 outside one's schools,
    403 for any other role."""
    if request.user.is_superuser:
        student = Student.objects.select_related("school").filter(pk=pk).first()
        if student is None:
            raise Http404
        return student, None
    student, access = get_student_for(request, pk)
    if not access.is_head:
        raise PermissionDenied
    return student, access


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> history.Filters:
    return history.Filters(
        kind=_int(request.GET.get("type")),
        action=_int(request.GET.get("action")),
        actor=_int(request.GET.get("auteur")),
        start=_date(request.GET.get("du")),
        end=_date(request.GET.get("au")),
    )


@login_required
def student_history(request, pk: int):
    student, _access = get_student_for_head(request, pk)
    filters = _filters(request)
    entries = history.history(student.pk, filters)
    if request.GET.get("format") == "csv":
        return _csv(student, entries)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schools/student_history.html",
        {
            "student": student,
            "page": page,
            "rows": history.describe(list(page.object_list), student.pk),
            "filters": filters,
            "kinds": history.kinds(),
            "actions": list(history.ACTION_LABELS.items()),
            "authors": history.authors(student.pk),
            "query": query.urlencode(),
        },
    )


def _csv(student: Student, entries) -> StreamingHttpResponse:
    columns = [
        Column("when", _("Date")),
        Column("author", _("Author")),
        Column("kind", _("Record")),
        Column("action", _("Action")),
        Column("subject", _("Object")),
        Column("field", _("Field")),
        Column("before", _("Before")),
        Column("after", _("After")),
    ]

    def rows():
        # Entries described a page at a time: the related names cost one query per kind
        # and page, not per entry.
        batch = 200
        for start in range(0, entries.count(), batch):
            for row in history.describe(list(entries[start : start + batch]), student.pk):
                base = {
                    "when": row.when.replace(tzinfo=None, microsecond=0),
                    "author": row.author,
                    "kind": row.kind,
                    "action": row.action,
                    "subject": row.subject,
                }
                if not row.changes:
                    yield base
                for change in row.changes:
                    yield {
                        **base,
                        "field": change.label,
                        "before": change.before,
                        "after": change.after,
                    }

    exporter = RowsExporter(f"historique-{student.last_name}-{student.first_name}", columns, rows())
    response = StreamingHttpResponse(
        render_export(exporter, ExportFormat.CSV), content_type=ExportFormat.CSV.content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{exporter.file_name(ExportFormat.CSV)}"'
    )
    response["Cache-Control"] = "no-store"
    return response
