"""``manage.py refresh_summaries``: bring the dashboards' summaries up to date."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from appui.schools.models import School
from appui.steering import summaries


class Command(BaseCommand):
    help = (
        "Recompute the dashboards' summaries (whole school, each period, each level) of one "
        "school (--school UAI) or of all of them (--all); only the stale ones unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", metavar="UAI", help="the school's UAI")
        parser.add_argument("--all", action="store_true", help="every school")
        parser.add_argument("--force", action="store_true", help="recompute fresh ones too")
        parser.add_argument(
            "--queue", action="store_true", help="queue a refresh job instead of running now"
        )

    def handle(self, *args, school=None, all=False, force=False, queue=False, **options):
        if bool(school) == bool(all):
            raise CommandError("Give --school UAI or --all.")
        schools = School.objects.order_by("uai")
        if school:
            schools = schools.filter(uai=school)
            if not schools.exists():
                raise CommandError(f"No school with UAI {school}.")
        if queue:
            job = summaries.enqueue_refresh(list(schools))
            self.stdout.write(f"Queued: job {job.pk}.")
            return
        with translation.override(translation.get_language() or "fr"):
            for item in schools:
                done = summaries.refresh_school(item, force=force)
                self.stdout.write(f"{item.uai}: {done} views recomputed.")
