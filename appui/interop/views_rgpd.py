"""« Données personnelles » of a pupil for the head (RGPD access and portability, docs/rgpd.md):
everything appui holds about them, as the JSON ``manage.py export_student`` writes and as a
printable PDF. Both downloads are recorded in the pupil's audit trail (a read of the pupil,
and of each restricted note they contain)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import HTML

from appui.audit import trail
from appui.diagnostics.models import Interview, Observation
from appui.schools.models import Student
from appui.schools.views_audit import get_student_for_head

from .student_export import export_counts, student_export

# The export's sections, in its order, with their French titles.
SECTIONS = {
    "identity": gettext_lazy("Identity"),
    "enrolments": gettext_lazy("Years in the school"),
    "guardians": gettext_lazy("Guardians"),
    "student_groups": gettext_lazy("SIECLE groups"),
    "diagnoses": gettext_lazy("Diagnoses"),
    "need_profile": gettext_lazy("Need profile"),
    "interviews": gettext_lazy("Interviews"),
    "observations": gettext_lazy("Observations"),
    "groups": gettext_lazy("Need groups"),
    "wishes": gettext_lazy("Pupils' wishes"),
    "attendance": gettext_lazy("Attendance"),
    "progress_marks": gettext_lazy("Progress marks"),
    "stage_reviews": gettext_lazy("Stage reviews"),
    "tutorships": gettext_lazy("Tutorships"),
    "study_help": gettext_lazy("Study help sign-ups"),
    "lsu_reports": gettext_lazy("LSU periodic reports"),
}


def _record_export(student: Student) -> None:
    """The export shows the restricted notes too: each is a read, and so is the pupil."""
    trail.record_access(
        [
            student,
            *Interview.objects.filter(student=student, restricted=True),
            *Observation.objects.filter(student=student, restricted=True),
        ]
    )


def _file_name(student: Student) -> str:
    return slugify(f"donnees-{student.last_name}-{student.first_name}")


@login_required
def student_data(request, pk: int):
    student, _access = get_student_for_head(request, pk)
    sizes = export_counts(student)
    counts = [(title, sizes[key]) for key, title in SECTIONS.items() if key in sizes]
    return render(
        request,
        "interop/student_data.html",
        {"student": student, "counts": counts},
    )


@login_required
def student_data_json(request, pk: int):
    student, _access = get_student_for_head(request, pk)
    data = student_export(student)
    _record_export(student)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(student)}.json"'
    response["Cache-Control"] = "no-store"
    return response


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)} : {_text(v)}" for k, v in value.items()) or "—"
    return str(value)


def _label(key: str) -> str:
    # Most keys are model field names whose verbose name is in the French catalogue.
    return capfirst(_(key.replace("_", " ")))


def printable(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The export as titled sections of label/value pairs or tables, for the PDF."""
    sections = []
    for key, title in SECTIONS.items():
        value = data.get(key)
        section: dict[str, Any] = {"key": key, "title": title}
        if isinstance(value, dict):
            section["pairs"] = [(_label(k), _text(v)) for k, v in value.items()]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            headers = list(dict.fromkeys(k for row in value for k in row))
            section["headers"] = [_label(h) for h in headers]
            section["rows"] = [[_text(row.get(h)) for h in headers] for row in value]
        sections.append(section)
    return sections


@login_required
def student_data_pdf(request, pk: int):
    student, _access = get_student_for_head(request, pk)
    data = student_export(student)
    context = {
        "student": student,
        "sections": printable(data),
        "made_on": timezone.localdate(),
    }
    _record_export(student)
    html = render_to_string("interop/student_data_print.html", context, request=request)
    if request.GET.get("format") == "html":
        response = HttpResponse(html)
    else:
        # The reports app's render_pdf cannot be imported here (interop and reports are
        # sibling layers); the print step is this one WeasyPrint call.
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{_file_name(student)}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
