"""``python manage.py import_siecle FILE [--dry-run] [--force] [--school-name NAME]
[--zone A|B|C] [--nomenclature Nomenclature.xml]``.

Prints the same preview as the web import, then applies it in one transaction unless
``--dry-run``. The school is the one whose UAI the file gives; when appui does not know it
yet, this first import creates it, named ``--school-name`` (the UAI until it is named), with
its school year in holiday zone ``--zone`` (B by default). Exits with status 1, having written
nothing, when the file cannot be imported, or when the preview says « À CONFIRMER » (more than
20 % of the present students leaving, an export older than the last one applied) and
``--force`` is not given.
"""

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Importe les élèves, divisions et groupes d'un export SIECLE (ElevesSansAdresses)."
    kind = "siecle"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--school-name", default="", help="nom de l'établissement, s'il est créé par l'import"
        )
        parser.add_argument(
            "--zone",
            choices=["A", "B", "C"],
            default="B",
            help="zone de vacances scolaires, si l'établissement est créé (B par défaut)",
        )
        parser.add_argument(
            "--nomenclature", help="Nomenclature.xml de SIECLE (libellés des formations)"
        )

    def import_options(self, **options) -> dict:
        return {"school_name": options["school_name"], "holiday_zone": options["zone"]}
