"""``python manage.py import_results FILE --campaign ID [--dry-run] [--skip-invalid]``.

Prints the same preview as the web import (recognised columns, every problem as
``fichier:ligne:colonne: message``, the counts), then records the results unless
``--dry-run``. Exits with status 1, having written nothing, when errors block the import:
a file that cannot be read, a campaign not open for entry, or invalid rows without
``--skip-invalid``.
"""

from django.core.management.base import CommandError

from appui.diagnostics.models import Campaign

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Importe les résultats d'une campagne de diagnostic depuis un fichier CSV, XLSX ou ODS."
    kind = "results"

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

    def target(self, **options):
        campaign = options["campaign"]
        found = Campaign.objects.select_related("year__school").filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"Campagne {campaign} introuvable.")
        return found.year.school

    def import_options(self, **options) -> dict:
        return {"campaign": options["campaign"]}
