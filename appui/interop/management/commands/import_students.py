"""``python manage.py import_students FILE [--school UAI] [--staff] [--absent-left] [--dry-run]``.

Imports students (or, with ``--staff``, staff) from a CSV, XLSX or ODS file, for schools
without SIECLE or STS-web files. ``--school`` is needed when appui holds several schools.
``--absent-left`` marks those absent from the file as having left. Prints the same preview
as the web import; writes in one transaction unless ``--dry-run``.
"""

from django.core.management.base import CommandError

from appui.schools.models import School

from ._base import ImportCommand


def school_by_uai(uai: str | None) -> School:
    """The school of ``--school UAI``, or the only one appui holds."""
    if uai:
        target = School.objects.filter(uai=uai.strip().upper()).first()
        if target is None:
            raise CommandError(f"Aucun établissement d'UAI {uai} dans appui.")
        return target
    schools = list(School.objects.all()[:2])
    if len(schools) != 1:
        raise CommandError(
            "Précisez l'établissement avec --school UAI "
            f"({'aucun établissement' if not schools else 'plusieurs établissements'} "
            "dans appui)."
        )
    return schools[0]


class Command(ImportCommand):
    help = "Importe des élèves (ou des personnels avec --staff) depuis un fichier CSV, XLSX ou ODS."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--school", help="UAI de l'établissement")
        parser.add_argument(
            "--staff", action="store_true", help="le fichier liste des personnels, pas des élèves"
        )
        parser.add_argument(
            "--absent-left",
            action="store_true",
            help="le fichier liste tout le monde : marquer comme sortis ceux qui n'y sont pas",
        )

    kinds = ("students", "staff")

    def kind_for(self, **options) -> str:
        return "staff" if options["staff"] else "students"

    def target(self, **options):
        return school_by_uai(options["school"])

    def import_options(self, **options) -> dict:
        return {"absent_left": options["absent_left"]}
