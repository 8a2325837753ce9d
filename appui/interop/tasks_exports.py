"""Exports built in the background (``appui.jobs``): the year's archive.

The archive is one zip with every list of the current year (``exports.archive_entries``),
in the format chosen on the exports page. Each file is written by the exporter its download
view streams, into a zip held in memory, and the zip is kept as the job's file
(``JobFile``) in one transaction at the end: a worker killed mid-archive leaves no file,
and the job runs again from the start. One job per school, year, format and day: a double
click gets the job already running; asking again once it is finished builds a new archive
from the current data.

The lists are built with the access of the user who asked, read again when the job runs:
one who is no longer the head gets a failed job, and no file.
"""

from __future__ import annotations

import io
import zipfile

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from appui.core.io.tabular import ExportFormat
from appui.core.io.tabular import render as render_export
from appui.jobs.files import store_job_file
from appui.jobs.models import Job
from appui.jobs.services import job_progress, start_job
from appui.schools.access import SchoolAccess
from appui.schools.models import School, SchoolYear

from .access import can_export_year_archive
from .exports import archive_entries

ZIP = "application/zip"


def start_year_archive(
    access: SchoolAccess, year: SchoolYear, export_format: ExportFormat, *, user
) -> Job:
    """The job writing the archive of ``year`` in ``export_format`` for ``user``."""
    school = access.school
    today = timezone.localdate()
    return start_job(
        "interop.archive",
        f"interop.archive:{school.pk}:{year.pk}:{export_format.value}:{today.isoformat()}",
        year_archive,
        school.pk,
        year.pk,
        export_format.value,
        user.pk,
        title=_("Archive of the year %(year)s (%(format)s)")
        % {"year": year.label, "format": export_format.value.upper()},
        school=school,
        user=user,
    )


def archive_name(year: SchoolYear, export_format: ExportFormat) -> str:
    return f"archive-{year.label}-{export_format.value}.zip"


@task()
def year_archive(
    school_id: int, year_id: int, export_format: str, user_id: int, job_id: int | None = None
) -> str:
    """One zip with every list of the year, one file per list, in ``export_format``."""
    with job_progress(job_id) as progress:
        if progress.skip:
            return "skipped"
        url = reverse("interop:export-home")
        progress.link(url)
        school = School.objects.get(pk=school_id)
        year = SchoolYear.objects.get(pk=year_id, school=school)
        fmt = ExportFormat(export_format)
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        access = SchoolAccess.load(user, school) if user is not None else None
        if access is None or not can_export_year_archive(access):
            progress.fail(_("Only the head may download the archive of the year."))
            return "refused"
        entries = archive_entries(access, year, timezone.localdate())
        names: set[str] = set()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, entry in enumerate(entries):
                exporter = entry.exporter()
                name = _unique(names, entry.folder, exporter.file_name(fmt))
                progress.step(done, len(entries), _("File: %(name)s") % {"name": name})
                with archive.open(name, "w") as target:
                    for chunk in render_export(exporter, fmt):
                        target.write(chunk)
        store_job_file(
            progress.job_id,
            name=archive_name(year, fmt),
            content_type=ZIP,
            content=buffer.getvalue(),
        )
        progress.finish(
            url=url,
            summary=ngettext("%(n)s file", "%(n)s files", len(entries)) % {"n": len(entries)},
        )
        return "done"


def _unique(names: set[str], folder: str, file_name: str) -> str:
    """``folder/file_name``, numbered if an earlier file took it (two campaigns of the same
    name on two levels)."""
    stem, dot, extension = file_name.rpartition(".")
    name = f"{folder}/{file_name}" if folder else file_name
    number = 1
    while name in names:
        number += 1
        numbered = f"{stem}-{number}{dot}{extension}"
        name = f"{folder}/{numbered}" if folder else numbered
    names.add(name)
    return name
