"""``python manage.py purge [--dry-run] [--years N] [--days N] [--school UAI] [--delete]``.

Applies the retention rules (:mod:`appui.interop.retention`, docs/rgpd.md): anonymises the
pupils who left more than N years ago (``RETENTION_PUPIL_YEARS``), empties the files of
imports applied or abandoned more than N days ago (``RETENTION_UPLOAD_DAYS``). ``--dry-run``
prints what would be done and changes nothing. Meant to run from cron, e.g. every night.
"""

from django.core.management.base import BaseCommand, CommandError

from appui.core.text import plural
from appui.interop.retention import purge_apply, purge_plan
from appui.schools.models import School


def _agreed(count: int, participle: str) -> str:
    """A past participle agreeing with a count, as French does: « 1 supprimé », « 3 supprimés »."""
    return participle + ("s" if count > 1 else "")


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} Mo"


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation : anonymise les élèves partis depuis plus de N ans, "
        "vide les fichiers importés depuis plus de N jours."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="affiche ce qui serait fait, sans rien changer"
        )
        parser.add_argument("--years", type=int, help="élèves partis depuis plus de N ans")
        parser.add_argument("--days", type=int, help="fichiers importés depuis plus de N jours")
        parser.add_argument("--school", metavar="UAI", help="un seul établissement")
        parser.add_argument(
            "--delete",
            action="store_true",
            help="supprime les élèves au lieu de les anonymiser (les indicateurs passés changent)",
        )

    def handle(self, *args, dry_run=False, years=None, days=None, school=None, delete=False, **o):
        if (years is not None and years < 0) or (days is not None and days < 0):
            raise CommandError("--years et --days sont des nombres positifs.")
        target = None
        if school:
            target = School.objects.filter(uai=school.strip().upper()).first()
            if target is None:
                raise CommandError(f"Aucun établissement n'a l'UAI {school}.")
        plan = purge_plan(years=years, days=days, school=target)
        verb = "supprimer" if delete else "anonymiser"
        out = self.stdout.write
        out(
            f"Élèves partis avant le {plan.pupils_before:%d/%m/%Y} "
            f"(plus de {plural(plan.years, 'an', 'ans')}) à {verb} : {len(plan.pupils)}"
        )
        for left in plan.pupils:
            student = left.student
            out(
                f"  - #{student.pk} {student.full_name} ({student.school.uai}), "
                f"départ le {left.left_on:%d/%m/%Y}"
            )
        out(
            f"Fichiers importés avant le {plan.uploads_before:%d/%m/%Y} (plus de "
            f"{plural(plan.days, 'jour', 'jours')}) à vider : {len(plan.uploads)}, "
            f"{_size(plan.upload_bytes)}"
        )
        for batch in plan.uploads:
            uai = batch.school.uai if batch.school else "—"
            out(
                f"  - import #{batch.pk} {batch.file_name} ({batch.kind}, {uai}, "
                f"{batch.get_status_display()}), {_size(batch.size or 0)}"
            )
        if dry_run:
            out("Simulation : rien n'a été modifié.")
            return
        done = purge_apply(plan, delete=delete)
        out(
            self.style.SUCCESS(
                f"Fait : {plural(done.pupils, 'élève', 'élèves')} "
                f"{_agreed(done.pupils, 'supprimé' if delete else 'anonymisé')} ; supprimés : "
                f"{plural(done.guardians, 'responsable', 'responsables')}, "
                f"{plural(done.accounts, 'compte', 'comptes')} ; effacées : "
                f"{plural(done.notes, 'note', 'notes')}, "
                f"{plural(done.audit_entries, 'entrée', 'entrées')} du journal ; vidés : "
                f"{plural(done.uploads, 'fichier', 'fichiers')} ({_size(done.upload_bytes)})."
            )
        )
