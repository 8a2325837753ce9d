"""Batches of PDFs built in the background (``appui.jobs``): the letters to the families of a
division, the attendance sheets of a published plan.

Each document is the single one of ``appui.reports.views`` (same template, same context from
``appui.reports.selectors``), rendered on its own — its page numbers count its own pages —
then all put one after the other in one PDF, kept as the job's file (``JobFile``) in one
transaction at the end: a worker killed mid-batch leaves no file, and the job runs again from
the start. A job per division and day (per plan and revision): a double click gets the job
already running; asking again once it is finished builds a new file from the current data.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from appui.jobs.files import store_job_file
from appui.jobs.models import Job
from appui.jobs.services import job_progress, start_job
from appui.planning.models import Group, Plan
from appui.schools.models import Division
from appui.schools.selectors import division_students

from .rendering import merged_pdf, pdf_document, pdf_file_name
from .selectors import attendance_sheet_context, guardian_letter_context

PDF = "application/pdf"


def start_division_letters(division: Division, *, user) -> Job:
    """The job printing the letters to the families of every pupil of ``division``."""
    today = timezone.localdate()
    return start_job(
        "reports.letters",
        f"reports.letters:{division.pk}:{today.isoformat()}",
        division_letters,
        division.pk,
        title=_("Letters to the families — %(division)s") % {"division": division.code},
        school=division.year.school,
        user=user,
    )


def start_attendance_sheets(plan: Plan, *, user) -> Job:
    """The job printing the attendance sheets of every group of the published ``plan``."""
    return start_job(
        "reports.attendance",
        f"reports.attendance:{plan.pk}:r{plan.revision}",
        plan_attendance_sheets,
        plan.pk,
        title=_("Attendance sheets — %(level)s, %(period)s")
        % {"level": plan.level.name, "period": plan.period.name},
        school=plan.level.year.school,
        user=user,
    )


@task()
def division_letters(division_id: int, job_id: int | None = None) -> str:
    """One PDF with the letter (``reports/guardian_letter.html``) of each pupil of the
    division, in alphabetical order; each pupil's letter starts on a new page."""
    with job_progress(job_id) as progress:
        if progress.skip:
            return "skipped"
        division = Division.objects.select_related("year__school", "level").get(pk=division_id)
        url = reverse("schools:division-detail", args=[division.pk])
        progress.link(url)
        students = list(division_students(division).select_related("school", "division__level"))
        documents = []
        letters = 0
        for done, student in enumerate(students):
            name = f"{student.first_name} {student.last_name.upper()}"
            progress.step(done, len(students), _("Letter: %(name)s") % {"name": name})
            context = guardian_letter_context(student)
            letters += len(context["recipients"])
            documents.append(pdf_document("reports/guardian_letter.html", context))
        if not documents:
            progress.finish(url=url, summary=_("No pupil in this division: no letter."))
            return "empty"
        store_job_file(
            progress.job_id,
            name=pdf_file_name(f"lettres-familles-{division.code}"),
            content_type=PDF,
            content=merged_pdf(documents),
        )
        progress.finish(
            url=url,
            summary=ngettext("%(n)s letter", "%(n)s letters", letters) % {"n": letters},
        )
        return "done"


@task()
def plan_attendance_sheets(plan_id: int, job_id: int | None = None) -> str:
    """One PDF with the attendance sheet (``reports/attendance_sheet.html``) of each group of
    the plan, in the order of the plan's page (rounds, slots, modules)."""
    with job_progress(job_id) as progress:
        if progress.skip:
            return "skipped"
        plan = Plan.objects.select_related("level__year__school", "period").get(pk=plan_id)
        url = reverse("planning:plan-detail", args=[plan.pk])
        progress.link(url)
        groups = list(
            Group.objects.filter(plan=plan)
            .select_related("plan__level", "plan__period", "slot", "round", "module", "room")
            .prefetch_related(Prefetch("staff"))
            .order_by(
                "round__number", "slot__weekday", "slot__start_time", "slot", "module__code", "pk"
            )
        )
        documents = []
        for done, group in enumerate(groups):
            progress.step(
                done, len(groups), _("Attendance sheet: %(code)s") % {"code": group.module.code}
            )
            documents.append(
                pdf_document("reports/attendance_sheet.html", attendance_sheet_context(group))
            )
        if not documents:
            progress.finish(url=url, summary=_("This plan has no group: no attendance sheet."))
            return "empty"
        store_job_file(
            progress.job_id,
            name=pdf_file_name(
                f"emargements-{plan.level.short_name}-{plan.period.name}-v{plan.version}"
            ),
            content_type=PDF,
            content=merged_pdf(documents),
        )
        progress.finish(
            url=url,
            summary=ngettext("%(n)s attendance sheet", "%(n)s attendance sheets", len(groups))
            % {"n": len(groups)},
        )
        return "done"
