"""``python manage.py import_lsu FILE --period ID [--dry-run]``.

Imports the LSU periodic reports of one period (subject assessments, « acquis et conseils »,
attendance) from the school-life software's spreadsheet, as the web import does: same
preview, one transaction unless ``--dry-run``, status 1 and nothing written when refused.
"""

from django.core.management.base import CommandError

from appui.schools.models import Period

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Importe les bilans périodiques LSU d'une période depuis un fichier CSV, XLSX ou ODS."
    kind = "lsu"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--period", type=int, required=True, help="identifiant de la période")

    def target(self, **options):
        period = options["period"]
        found = Period.objects.select_related("year__school").filter(pk=period).first()
        if found is None:
            raise CommandError(f"Aucune période n'a l'identifiant {period}.")
        return found.year.school

    def import_options(self, **options) -> dict:
        return {"period": options["period"]}
