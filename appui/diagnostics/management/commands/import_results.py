"""``python manage.py import_results FILE --campaign ID [--dry-run] [--skip-invalid]``.

Prints the same preview as the web import (recognised columns, every problem as
``fichier:ligne:colonne: message``, the counts), then records the results unless
``--dry-run``. Exits with status 1, having written nothing, when errors block the import:
a file that cannot be read, a campaign not open for entry, or invalid rows without
``--skip-invalid``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appui.diagnostics import imports
from appui.diagnostics.models import Campaign, ResultImport


class Command(BaseCommand):
    help = "Importe les résultats d'une campagne de diagnostic depuis un fichier CSV, XLSX ou ODS."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV (; ou ,), XLSX ou ODS")
        parser.add_argument(
            "--campaign", type=int, required=True, help="identifiant de la campagne"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="affiche l'aperçu sans rien enregistrer",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="ignore les lignes en erreur et importe les autres",
        )

    def handle(self, *args, file: str, campaign: int, dry_run: bool, skip_invalid: bool, **options):
        target = (
            Campaign.objects.select_related("year", "level", "framework")
            .filter(pk=campaign)
            .first()
        )
        if target is None:
            raise CommandError(f"Campagne {campaign} introuvable.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"{file} : le fichier ne peut pas être lu ({error.strerror or error})."
            ) from error

        plan = imports.results_import_analyse(campaign=target, content=content, file_name=path.name)
        for line in imports.plan_lines(plan):
            self.stdout.write(line)
        refusal = plan.refusal(skip_invalid=skip_invalid)
        if refusal is not None:
            raise CommandError("Import refusé. " + " ".join(refusal.messages))
        if dry_run:
            self.stdout.write("Essai à blanc (--dry-run) : rien n'a été enregistré.")
            return

        batch = ResultImport.objects.create(
            campaign=target, uploaded_by=None, file_name=path.name[:255], content=content
        )
        try:
            outcome = imports.results_import_apply(
                batch=batch, user=None, skip_invalid=skip_invalid
            )
        except imports.ImportRefused as refused:
            batch.delete()
            raise CommandError("Import refusé. " + " ".join(refused.messages)) from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"Import enregistré : {outcome.created} résultats créés, "
                f"{outcome.changed} modifiés, {outcome.unchanged} inchangés, "
                f"{outcome.skipped_rows} lignes en erreur ignorées ; "
                f"{outcome.students} profils de besoins recalculés."
            )
        )
