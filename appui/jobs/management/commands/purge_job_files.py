"""``python manage.py purge_job_files [--days N] [--dry-run]``.

Empties the files left by background jobs (batch PDFs, exports) created more than N days ago
(``JOBS_FILE_DAYS``, 7 by default); their jobs' pages then say the file was removed. Meant to
run from cron every night, next to ``purge``.
"""

from django.core.management.base import BaseCommand, CommandError

from appui.core.text import plural
from appui.jobs.files import file_days, files_to_purge, purge_job_files


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} Mo"


class Command(BaseCommand):
    help = "Vide les fichiers des tâches (PDF par lots, exports) créés depuis plus de N jours."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="fichiers créés depuis plus de N jours")
        parser.add_argument(
            "--dry-run", action="store_true", help="affiche ce qui serait fait, sans rien changer"
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is not None and days < 0:
            raise CommandError("--days est un nombre positif.")
        days = file_days() if days is None else days
        if dry_run:
            old = files_to_purge(days=days)
            count = old.count()
            size = sum(old.values_list("size", flat=True))
            self.stdout.write(
                f"Fichiers de tâches de plus de {plural(days, 'jour', 'jours')} à vider : "
                f"{count}, {_size(size)}. Simulation : rien n'a été modifié."
            )
            return
        done = purge_job_files(days=days)
        self.stdout.write(
            self.style.SUCCESS(
                f"Fait : {plural(done.files, 'fichier', 'fichiers')} de tâches "
                f"vidé{'s' if done.files > 1 else ''} ({_size(done.size)})."
            )
        )
